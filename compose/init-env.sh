#!/usr/bin/env bash
# Creates compose/.env from compose/.env.example with fresh random passwords.
# Leaves an existing compose/.env alone.
set -euo pipefail
cd "$(dirname "$0")"

if [[ -e .env ]]; then
  echo "compose/.env exists; left unchanged"
  exit 0
fi
random_secret() { od -An -N16 -tx1 /dev/urandom | tr -d ' \n'; }
umask 077
sed -e "s/^MONGO_ROOT_PASSWORD=.*/MONGO_ROOT_PASSWORD=$(random_secret)/" \
    -e "s/^RABBITMQ_PASSWORD=.*/RABBITMQ_PASSWORD=$(random_secret)/" \
    .env.example >.env
echo "created compose/.env with random passwords (edit it to change ports, limits, log format)"
