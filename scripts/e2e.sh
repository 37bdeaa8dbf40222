#!/usr/bin/env bash
# Starts the one-JVM system on a free port with a throw-away data dir, runs the browser test
# (frontend/e2e, Debian chromium via playwright-core) against it, and stops it again.
set -euo pipefail
cd "$(dirname "$0")/.."

data=$(mktemp -d)
log="$data/stillmotion.log"
# Port 0: the system binds a free port itself and names it in its ready banner (no pick-then-bind race).
HTTP_PORT=0 DATA_DIR="$data" WEB_ROOT="$PWD/frontend/dist" java -jar standalone/target/stillmotion-standalone.jar >"$log" 2>&1 &
pid=$!
cleanup() {
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -rf "$data"
}
trap cleanup EXIT

port=
for _ in $(seq 1 240); do
  port=$(sed -n 's|.*Stillmotion is running: http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$log" | head -n 1)
  if [ -n "$port" ] && curl -fs "http://127.0.0.1:$port/api/v1/ping" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then cat "$log"; echo "the system did not start"; exit 1; fi
  sleep 0.5
done
if [ -z "$port" ]; then cat "$log"; echo "the system did not report its port"; exit 1; fi

status=0
(cd frontend && BASE_URL="http://127.0.0.1:$port" npm run --silent e2e) || status=$?
if [ "$status" != 0 ]; then
  echo "--- system log (last 80 lines) ---"
  tail -n 80 "$log"
fi
exit "$status"
