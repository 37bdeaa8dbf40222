#!/usr/bin/env bash
# `make test` as on a machine with only what the README asks for (a JDK, Maven, Node): Docker,
# docker-compose, ffmpeg, ffprobe, Chromium, Python and RabbitMQ's tools are made unreachable for
# the run, by PATH and by binding an empty file over each one (tests look some up by absolute
# path), inside a private mount namespace: nothing changes outside it. Needs root (unshare).
#   bash scripts/fresh-machine-test.sh
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ ${1:-} != --inside ]]; then
  exec unshare --mount --propagation private -- bash "$0" --inside
fi

tools=(docker docker-compose ffmpeg ffprobe chromium chromium-browser 'python3*' python 'rabbitmq*')
empty=$(mktemp)
hidden=()
shopt -s nullglob
for dir in /usr/local/sbin /usr/local/bin /usr/sbin /usr/bin /sbin /bin; do
  [[ -L $dir ]] && continue # /bin -> /usr/bin on merged-/usr systems
  for pattern in "${tools[@]}"; do
    # shellcheck disable=SC2206 # the pattern is meant to glob
    for path in $dir/$pattern; do
      if [[ -f $path ]]; then
        mount --bind "$empty" "$path"
        hidden+=("$path")
      fi
    done
  done
done
shopt -u nullglob
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
unset TEST_AMQP_URI

for tool in docker docker-compose ffmpeg ffprobe chromium python3 rabbitmqctl; do
  # bash names a file it found on PATH even when it cannot run it: what matters is running it.
  found=$(command -v "$tool" || true)
  if [[ -n $found && -x $found ]]; then
    echo "fresh-machine: $tool is still reachable at $found" >&2
    exit 1
  fi
done
echo "fresh-machine: hidden ${hidden[*]:-nothing (none installed)}"
echo "fresh-machine: with $(java -version 2>&1 | head -n 1), $(mvn -v 2>/dev/null | head -n 1 | sed 's/\x1b\[[0-9;]*m//g'), node $(node --version)"
make test
