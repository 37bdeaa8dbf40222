#!/usr/bin/env bash
# Validates compose/ and the Dockerfiles without a Docker engine, with Node alone (`make test` runs
# it through `make check-compose`):
#   bash compose/check.sh
# The compose files are interpolated from compose/.env.example and validated against the Compose
# Specification's JSON schema, then held to this project's rules (compose/checker/). Where
# `docker compose` or docker-compose is installed (CI installs docker-compose) the real tool's
# parsing, interpolation and refusals are checked too; elsewhere that part says it was skipped.
# Prints one line per check and exits non-zero when any fails.
set -euo pipefail
cd "$(dirname "$0")/checker"
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
node --test
exec node check.mjs
