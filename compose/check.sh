#!/usr/bin/env bash
# Validates compose/ and the Dockerfiles without a Docker engine (CI runs this).
#   bash compose/check.sh
# Needs `docker compose` (v2 plugin) or Debian's docker-compose 1.29 (apt-get install -y
# docker-compose), python3 with PyYAML (a dependency of docker-compose); uses shellcheck if present.
# Prints one line per check and exits non-zero when any fails.
set -euo pipefail
cd "$(dirname "$0")/.."

COMPOSE_FILE_MAIN=compose/docker-compose.yml
COMPOSE_FILE_EXPOSE=compose/docker-compose.expose.yml
ENV_EXAMPLE=compose/.env.example
REQUIRED_VARS=(MONGO_ROOT_USER MONGO_ROOT_PASSWORD RABBITMQ_USER RABBITMQ_PASSWORD)

# Values from the caller's environment would hide a missing credential in the env file.
unset "${REQUIRED_VARS[@]}" COMPOSE_FILE COMPOSE_PROJECT_NAME COMPOSE_PROFILES

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok   - $*"; }
fail() { failed=$((failed + 1)); echo "FAIL - $*"; }

finish() {
  echo "compose-check: ${passed} passed, ${failed} failed"
  [[ $failed -eq 0 ]]
}

find_compose() {
  if docker compose version >/dev/null 2>&1; then
    COMPOSE=(docker compose)
  elif command -v docker-compose >/dev/null 2>&1; then
    COMPOSE=(docker-compose)
  else
    fail "no compose tool: install the docker compose plugin or 'apt-get install -y docker-compose'"
    finish
    exit 1
  fi
  echo "using: $("${COMPOSE[@]}" version 2>/dev/null | head -n 1)"
}

check_config() {
  local label=$1
  shift
  local err
  if err=$("${COMPOSE[@]}" "$@" --env-file "$ENV_EXAMPLE" config -q 2>&1); then
    ok "$label parses and interpolates with $ENV_EXAMPLE"
  else
    fail "$label: $err"
  fi
}

check_required_var() {
  local var=$1 env_file err
  env_file=$(mktemp)
  grep -v "^${var}=" "$ENV_EXAMPLE" >"$env_file"
  if err=$("${COMPOSE[@]}" -f "$COMPOSE_FILE_MAIN" --env-file "$env_file" config -q 2>&1); then
    fail "compose accepted an env file without $var"
  elif grep -q "$var" <<<"$err"; then
    ok "missing $var stops compose with a message naming it"
  else
    fail "missing $var fails without naming it: $err"
  fi
  rm -f "$env_file"
}

# Runs a python check script; each output line is "ok <text>" or "FAIL <text>".
run_python_checks() {
  local label=$1 script=$2 out status text
  shift 2
  if ! out=$(python3 -c "$script" "$@" 2>&1); then
    fail "$label: checker crashed: $out"
    return
  fi
  while IFS= read -r line; do
    status=${line%% *}
    text=${line#* }
    if [[ $status == ok ]]; then ok "$label: $text"; else fail "$label: $text"; fi
  done <<<"$out"
}

COMPOSE_POLICY=$(cat <<'PY'
import re, sys, yaml

config = yaml.safe_load(sys.stdin.read())
raw = yaml.safe_load(open(sys.argv[1]))
services = config.get("services", {})

def check(cond, text):
    print(("ok " if cond else "FAIL ") + text)

def ports(svc):
    """(host_ip, published, target) for short ("ip:host:container/proto") or long syntax."""
    result = []
    for p in services[svc].get("ports", []) or []:
        if isinstance(p, dict):
            result.append((p.get("host_ip", ""), str(p.get("published", "")), str(p.get("target", ""))))
        else:
            parts = str(p).split("/")[0].split(":")
            ip = parts[0] if len(parts) == 3 else ""
            result.append((ip, parts[-2] if len(parts) >= 2 else "", parts[-1]))
    return result

check(set(services) == {"mongo", "rabbitmq", "gateway", "worker"},
      "services are mongo, rabbitmq, gateway, worker (got %s)" % sorted(services))
for name, svc in services.items():
    hc = svc.get("healthcheck") or {}
    check(bool(hc.get("test")) and not hc.get("disable"), "%s has a healthcheck" % name)
    image = svc.get("image", "")
    tag = image.rsplit(":", 1)[1] if ":" in image.split("/")[-1] else ""
    check(tag not in ("", "latest"), "%s image %r has a pinned tag" % (name, image))
for name in ("gateway", "worker"):
    deps = services.get(name, {}).get("depends_on") or {}
    for dep in ("mongo", "rabbitmq"):
        cond = deps.get(dep, {}).get("condition") if isinstance(deps, dict) else None
        check(cond == "service_healthy", "%s waits for %s to be healthy" % (name, dep))
    check("build" in services.get(name, {}), "%s is built from this repository" % name)

worker = services.get("worker", {})
check("container_name" not in worker, "worker has no container_name (scalable)")
check(not ports("worker"), "worker publishes no host port (scalable)")
check(bool((((worker.get("deploy") or {}).get("resources") or {}).get("limits") or {}).get("memory")),
      "worker has a memory limit")
check(not ports("mongo"), "mongo is not published to the host")
check(all(ip == "127.0.0.1" for ip, _, _ in ports("rabbitmq")) and ports("rabbitmq"),
      "rabbitmq publishes only on 127.0.0.1 (%s)" % ports("rabbitmq"))
check(any(pub == "3000" and tgt == "8080" for _, pub, tgt in ports("gateway")),
      "gateway serves the UI on host port 3000 (%s)" % ports("gateway"))
def named_volume(v):
    if isinstance(v, dict):
        return v.get("type") == "volume" and v.get("target") == "/data/db" and bool(v.get("source"))
    return re.match(r"^[A-Za-z0-9][\w.-]*:/data/db(:rw)?$", str(v)) is not None
check(any(named_volume(v) for v in services.get("mongo", {}).get("volumes", [])),
      "mongo keeps /data/db in a named volume")
check(services.get("mongo", {}).get("image", "").split(":")[-1].startswith("7."), "mongo is 7.x")
check(re.match(r"3\.13(\.\d+)?-management", services.get("rabbitmq", {}).get("image", "").split(":")[-1])
      is not None, "rabbitmq is 3.13 with management")

# Secrets must come from the env file: in the raw file every credential or URI is interpolated.
literal = []
def walk(node, path):
    if isinstance(node, dict):
        for k, v in node.items():
            walk(v, path + [str(k)])
    elif isinstance(node, list):
        for i, v in enumerate(node):
            walk(v, path + [str(i)])
    elif isinstance(node, str) and path and re.search(r"(PASS|PASSWORD|USER|USERNAME|_URI)$", path[-1]):
        if "${" not in node:
            literal.append(".".join(path))
walk(raw, [])
check(not literal, "no hard-coded credentials in the compose file" + (" %s" % literal if literal else ""))
PY
)

DOCKERFILE_POLICY=$(cat <<'PY'
import re, sys

def check(cond, text):
    print(("ok " if cond else "FAIL ") + text)

def instructions(path):
    text = open(path).read()
    text = re.sub(r"\\\n", " ", text)
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            yield word.upper(), rest.strip()

for path, module, artifact in (("gateway-verticle/Dockerfile", "gateway-verticle", "stillmotion-gateway.jar"),
                               ("worker-verticle/Dockerfile", "worker-verticle", "stillmotion-worker.jar")):
    args, stages, current = {}, [], None
    for word, rest in instructions(path):
        if word == "ARG" and not stages:
            name, _, default = rest.partition("=")
            args[name] = default
        elif word == "FROM":
            parts = [p for p in rest.split() if not p.startswith("--")]
            image = re.sub(r"\$\{?(\w+)\}?", lambda m: args.get(m.group(1), ""), parts[0])
            alias = parts[2] if len(parts) >= 3 and parts[1].upper() == "AS" else None
            current = {"image": image, "alias": alias, "body": []}
            stages.append(current)
        elif current is not None:
            current["body"].append((word, rest))
    aliases = {s["alias"] for s in stages if s["alias"]}
    for s in stages:
        image = s["image"]
        if image in aliases:
            continue
        tag = image.rsplit(":", 1)[1] if ":" in image.split("/")[-1] else ""
        check(tag not in ("", "latest") and "@" not in tag, "%s: FROM %s is pinned" % (path, image or "?"))
    check(len(stages) >= 2, "%s is multi-stage" % path)
    check(any(s["image"].startswith("maven:3.9") for s in stages), "%s builds with maven:3.9" % path)
    build = " ".join(r for s in stages for w, r in s["body"] if w == "RUN")
    check(re.search(r"mvn -B -q -DskipTests package -pl %s -am" % module, build) is not None,
          "%s runs the CI build command for %s" % (path, module))
    check("--mount=type=cache" in build and "/root/.m2" in build, "%s caches ~/.m2 across builds" % path)
    final = stages[-1]["body"] if stages else []
    users = [r for w, r in final if w == "USER"]
    check(bool(users) and users[-1].split(":")[0] not in ("root", "0"), "%s runs as a non-root user" % path)
    env = " ".join(r for w, r in final if w == "ENV")
    check("MaxRAMPercentage=75" in env, "%s sets -XX:MaxRAMPercentage=75" % path)
    for word in ("EXPOSE", "HEALTHCHECK", "ENTRYPOINT"):
        check(any(w == word for w, _ in final), "%s has %s in the runtime stage" % (path, word))
    check(any(w == "COPY" and artifact in r for w, r in final), "%s copies %s" % (path, artifact))
    check(stages[-1]["image"].startswith("eclipse-temurin:17") and "jre" in stages[-1]["image"],
          "%s runs on an eclipse-temurin 17 JRE" % path)
    if module == "gateway-verticle":
        check(any(s["image"].startswith("node:20") for s in stages), "%s builds the UI on node 20" % path)
        check("npm ci" in build and "npm run build" in build, "%s runs npm ci and npm run build" % path)
        check("WEB_ROOT=" in env and any(w == "COPY" and "dist" in r for w, r in final),
              "%s serves the built UI through WEB_ROOT" % path)

ignored = {l.strip().lstrip("/") for l in open(".dockerignore") if l.strip() and not l.startswith("#")}
for needed in (".git", "**/target", "**/node_modules", "frontend/dist", "data"):
    check(needed in ignored, ".dockerignore excludes %s" % needed)
PY
)

ENV_DOCUMENTED=$(cat <<'PY'
import re, sys
example = {l.split("=", 1)[0].strip() for l in open(sys.argv[1]) if "=" in l and not l.lstrip().startswith("#")}
used = set()
for path in sys.argv[2:]:
    used |= set(re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*)", open(path).read()))
missing = sorted(used - example)
print(("ok " if not missing else "FAIL ") + "every variable the compose files use is in %s%s"
      % (sys.argv[1], " (missing: %s)" % missing if missing else ""))
PY
)

check_dashboard() {
  if python3 -m json.tool compose/grafana-dashboard.json >/dev/null 2>&1; then
    ok "compose/grafana-dashboard.json is valid JSON"
  else
    fail "compose/grafana-dashboard.json is not valid JSON"
  fi
}

check_shell_scripts() {
  local script
  for script in compose/check.sh compose/smoke.sh compose/init-env.sh; do
    if bash -n "$script"; then ok "$script is valid bash"; else fail "$script has a syntax error"; fi
  done
  if command -v shellcheck >/dev/null 2>&1; then
    if shellcheck compose/check.sh compose/smoke.sh compose/init-env.sh; then ok "shellcheck is clean"; else fail "shellcheck"; fi
  else
    echo "skip - shellcheck not installed"
  fi
}

main() {
  find_compose
  if ! python3 -c 'import yaml' 2>/dev/null; then
    fail "python3 with PyYAML is needed (apt-get install -y python3-yaml)"
    finish
    exit 1
  fi
  check_config "$COMPOSE_FILE_MAIN" -f "$COMPOSE_FILE_MAIN"
  check_config "$COMPOSE_FILE_MAIN + $COMPOSE_FILE_EXPOSE" -f "$COMPOSE_FILE_MAIN" -f "$COMPOSE_FILE_EXPOSE"
  local var
  for var in "${REQUIRED_VARS[@]}"; do
    check_required_var "$var"
  done
  local resolved
  if resolved=$("${COMPOSE[@]}" -f "$COMPOSE_FILE_MAIN" --env-file "$ENV_EXAMPLE" config 2>/dev/null); then
    run_python_checks compose "$COMPOSE_POLICY" "$COMPOSE_FILE_MAIN" <<<"$resolved"
  fi
  run_python_checks env "$ENV_DOCUMENTED" "$ENV_EXAMPLE" "$COMPOSE_FILE_MAIN" "$COMPOSE_FILE_EXPOSE"
  run_python_checks docker "$DOCKERFILE_POLICY"
  check_dashboard
  check_shell_scripts
  finish
}

main "$@"
