#!/usr/bin/env bash
# End-to-end smoke test of the compose stack, for a machine with a Docker engine:
# build and start everything with two workers, upload an image, wait for the video, check it is
# an MP4, and tear the stack down again (volumes included).
#
#   bash compose/smoke.sh [image-file]        # or SMOKE_IMAGE=photo.jpg bash compose/smoke.sh
#
# It runs as its own compose project (stillmotion-smoke) on its own ports, so a stack started
# with `make up` is left alone. Credentials come from compose/.env when present, otherwise random
# ones are generated for the run. Without a Docker engine it prints SKIP and exits 0.
#
# Settings: SMOKE_PORT (3300), SMOKE_MANAGEMENT_PORT (15673), SMOKE_WORKERS (2),
# SMOKE_READY_TIMEOUT (180 s), SMOKE_RENDER_TIMEOUT (300 s), SMOKE_KEEP=1 to leave it running.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${SMOKE_PORT:-3300}
BASE_URL="http://127.0.0.1:${PORT}"
WORKERS=${SMOKE_WORKERS:-2}
READY_TIMEOUT=${SMOKE_READY_TIMEOUT:-180}
RENDER_TIMEOUT=${SMOKE_RENDER_TIMEOUT:-300}
IMAGE=${1:-${SMOKE_IMAGE:-}}

log() { echo "smoke: $*"; }
die() { echo "smoke: FAILED: $*" >&2; exit 1; }

if ! command -v docker >/dev/null 2>&1 || ! docker info >/dev/null 2>&1; then
  echo "SKIP: no Docker engine reachable (docker info failed); compose/smoke.sh needs one."
  exit 0
fi
if docker compose version >/dev/null 2>&1; then
  COMPOSE_BIN=(docker compose)
elif command -v docker-compose >/dev/null 2>&1; then
  COMPOSE_BIN=(docker-compose)
  # Compose 1.x builds with the classic builder unless told otherwise; the Dockerfiles need BuildKit.
  export DOCKER_BUILDKIT=1 COMPOSE_DOCKER_CLI_BUILD=1
else
  die "no compose tool (docker compose plugin or docker-compose)"
fi
command -v curl >/dev/null 2>&1 || die "curl is needed"

WORK_DIR=$(mktemp -d)
ENV_FILE="$WORK_DIR/smoke.env"
random_secret() { od -An -N16 -tx1 /dev/urandom | tr -d ' \n'; }
{
  if [[ -f compose/.env ]]; then
    cat compose/.env
  else
    grep -v -E '^(MONGO_ROOT_PASSWORD|RABBITMQ_PASSWORD)=' compose/.env.example
    echo "MONGO_ROOT_PASSWORD=$(random_secret)"
    echo "RABBITMQ_PASSWORD=$(random_secret)"
  fi
  # Later lines win: isolate this run from a stack the user may have running.
  echo "COMPOSE_PROJECT_NAME=stillmotion-smoke"
  echo "STILLMOTION_BIND=127.0.0.1"
  echo "STILLMOTION_PORT=${PORT}"
  echo "RABBITMQ_MANAGEMENT_PORT=${SMOKE_MANAGEMENT_PORT:-15673}"
} >"$ENV_FILE"
COMPOSE=("${COMPOSE_BIN[@]}" -p stillmotion-smoke -f compose/docker-compose.yml --env-file "$ENV_FILE")

cleanup() {
  local status=$?
  if [[ $status -ne 0 ]]; then
    log "last log lines of every service:"
    "${COMPOSE[@]}" logs --no-color --tail=80 || true
  fi
  if [[ ${SMOKE_KEEP:-0} == 1 ]]; then
    log "SMOKE_KEEP=1: stack left running; stop it with: ${COMPOSE[*]} down -v"
  else
    "${COMPOSE[@]}" down -v --remove-orphans || true
  fi
  rm -rf "$WORK_DIR"
  exit "$status"
}
trap cleanup EXIT

make_test_png() {
  # A 640x360 colour gradient, written with the standard library only.
  python3 - "$1" <<'PY'
import struct, sys, zlib
w, h = 640, 360
rows = b"".join(b"\x00" + bytes(v for x in range(w) for v in (x * 255 // w, y * 255 // h, 128))
                for y in range(h))
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
       + chunk(b"IDAT", zlib.compress(rows, 6)) + chunk(b"IEND", b""))
open(sys.argv[1], "wb").write(png)
PY
}

wait_for_ready() {
  local deadline=$((SECONDS + READY_TIMEOUT))
  until curl -fsS -o /dev/null "$BASE_URL/health/ready"; do
    ((SECONDS < deadline)) || die "gateway not ready after ${READY_TIMEOUT}s"
    sleep 3
  done
  log "gateway ready at $BASE_URL"
}

json_field() {
  sed -n "s/.*\"$1\" *: *\"\{0,1\}\([^\",}]*\)\"\{0,1\}.*/\1/p" | head -n 1
}

wait_for_video() {
  local id=$1 deadline=$((SECONDS + RENDER_TIMEOUT)) body status
  while :; do
    body=$(curl -fsS "$BASE_URL/api/v1/task/$id") || die "GET /api/v1/task/$id failed"
    status=$(json_field status <<<"$body")
    case $status in
      FINISHED) log "task $id finished"; return ;;
      FAILED | CANCELLED) die "task $id ended as $status: $body" ;;
    esac
    ((SECONDS < deadline)) || die "task $id not finished after ${RENDER_TIMEOUT}s: $body"
    sleep 2
  done
}

check_video() {
  local id=$1 file="$WORK_DIR/video.mp4" size range_status
  curl -fsS -o "$file" "$BASE_URL/api/v1/video/$id" || die "GET /api/v1/video/$id failed"
  size=$(wc -c <"$file")
  [[ $size -gt 8 ]] || die "video is empty ($size bytes)"
  [[ $(head -c 8 "$file" | tail -c 4) == ftyp ]] || die "video does not start with an MP4 ftyp box"
  log "video is an MP4 of $size bytes"
  range_status=$(curl -sS -o /dev/null -w '%{http_code}' -r 0-99 "$BASE_URL/api/v1/video/$id")
  [[ $range_status == 206 ]] || die "a Range request answered $range_status, not 206"
}

main() {
  log "building and starting the stack with $WORKERS workers (project stillmotion-smoke)"
  "${COMPOSE[@]}" up -d --build --scale "worker=$WORKERS"
  wait_for_ready

  local running
  running=$("${COMPOSE[@]}" ps -q worker | wc -l)
  [[ $running -eq $WORKERS ]] || die "$running worker containers instead of $WORKERS"
  curl -fsS "$BASE_URL/" | grep -qi '<html' || die "the web UI is not served at $BASE_URL/"

  if [[ -z $IMAGE ]]; then
    command -v python3 >/dev/null 2>&1 || die "python3 is needed to make a test image (or pass one)"
    IMAGE="$WORK_DIR/smoke.png"
    make_test_png "$IMAGE"
  fi
  [[ -f $IMAGE ]] || die "no such image: $IMAGE"

  local answer id
  answer=$(curl -fsS -F "file=@${IMAGE}" "$BASE_URL/api/v1/task") || die "upload rejected"
  id=$(json_field id <<<"$answer")
  [[ -n $id ]] || die "no task id in: $answer"
  log "uploaded $(basename "$IMAGE") as task $id"

  wait_for_video "$id"
  check_video "$id"
  echo "smoke: 1 passed, 0 failed"
}

main
