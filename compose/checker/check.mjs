#!/usr/bin/env node
// Checks compose/ and the Dockerfiles with Node alone (no Docker, no Python): prints one line per
// check ("ok", "FAIL" or "skip" with the reason) and a summary, and exits 1 when any check fails.
// Where a compose tool is installed (CI installs docker-compose) it also asks that tool.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  InterpolationError, composePolicy, dockerfilePolicy, dockerignorePolicy, envDocumented, exposePolicy,
  interpolateTree, parseEnvFile, parseYaml, schemaProblems,
} from './compose-rules.mjs';

const ROOT = new URL('../../', import.meta.url).pathname;
const MAIN = 'compose/docker-compose.yml';
const EXPOSE = 'compose/docker-compose.expose.yml';
const ENV_EXAMPLE = 'compose/.env.example';
const REQUIRED_VARS = ['MONGO_ROOT_USER', 'MONGO_ROOT_PASSWORD', 'RABBITMQ_USER', 'RABBITMQ_PASSWORD'];
const SCRIPTS = ['compose/check.sh', 'compose/smoke.sh', 'compose/init-env.sh'];

const counts = { ok: 0, FAIL: 0, skip: 0 };
function report(status, text) {
  counts[status]++;
  console.log(`${status.padEnd(4)} - ${text}`);
}
const verdicts = (label, pairs) => pairs.forEach(([passed, text]) => report(passed ? 'ok' : 'FAIL', `${label}: ${text}`));
const read = (path) => readFileSync(join(ROOT, path), 'utf8');

/** The file interpolated with `env`, or the message compose would stop with. */
function load(path, env) {
  try {
    return { config: interpolateTree(parseYaml(read(path)), env) };
  } catch (e) {
    if (e instanceof InterpolationError || e.name === 'YAMLParseError') return { error: e.message };
    throw e;
  }
}

function checkSchema(path, env) {
  const { config, error } = load(path, env);
  if (error) {
    report('FAIL', `${path}: ${error}`);
    return null;
  }
  const problems = schemaProblems(config);
  report(problems.length ? 'FAIL' : 'ok', `${path} interpolates with ${ENV_EXAMPLE} and matches the compose-spec schema`
    + (problems.length ? `: ${problems.join('; ')}` : ''));
  return config;
}

function checkRequiredVars(env) {
  for (const name of REQUIRED_VARS) {
    const { [name]: dropped, ...without } = env;
    const { error } = load(MAIN, without);
    if (!error) report('FAIL', `${MAIN} accepted an env file without ${name}`);
    else report(error.includes(name) ? 'ok' : 'FAIL', `missing ${name} stops compose with a message naming it`
      + (error.includes(name) ? '' : `: ${error}`));
  }
}

function checkJson(path) {
  try {
    JSON.parse(read(path));
    report('ok', `${path} is valid JSON`);
  } catch (e) {
    report('FAIL', `${path} is not valid JSON: ${e.message}`);
  }
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: ROOT, encoding: 'utf8', ...options });
  return {
    ok: result.status === 0, stdout: result.stdout ?? '', output: `${result.stdout ?? ''}${result.stderr ?? ''}`.trim(),
    missing: !!result.error,
  };
}

function checkShellScripts() {
  for (const script of SCRIPTS) {
    const syntax = run('bash', ['-n', script]);
    report(syntax.ok ? 'ok' : 'FAIL', `${script} is valid bash${syntax.ok ? '' : `: ${syntax.output}`}`);
  }
  const lint = run('shellcheck', SCRIPTS);
  if (lint.missing) report('skip', 'shellcheck: not installed');
  else report(lint.ok ? 'ok' : 'FAIL', `shellcheck is clean${lint.ok ? '' : `:\n${lint.output}`}`);
}

function composeTool() {
  if (run('docker', ['compose', 'version']).ok) return ['docker', 'compose'];
  if (run('docker-compose', ['version']).ok) return ['docker-compose'];
  return null;
}

/** The same file set through the real compose tool: its parser, interpolation and merge, and our rules on its output. */
function checkWithComposeTool(tool, rawMain) {
  const [command, ...prefix] = tool;
  report('ok', `compose tool: ${run(command, [...prefix, 'version']).output.split('\n')[0]}`);
  // Values from the caller's environment would hide a missing credential in the env file.
  const env = { ...process.env };
  for (const name of [...REQUIRED_VARS, 'COMPOSE_FILE', 'COMPOSE_PROJECT_NAME', 'COMPOSE_PROFILES']) delete env[name];
  const config = (files, envFile) => run(command, [...prefix, ...files.flatMap((f) => ['-f', f]),
    '--env-file', envFile, 'config'], { env });
  for (const files of [[MAIN], [MAIN, EXPOSE]]) {
    const result = config(files, ENV_EXAMPLE);
    report(result.ok ? 'ok' : 'FAIL', `${tool.join(' ')} config: ${files.join(' + ')} parses and interpolates`
      + (result.ok ? '' : `: ${result.output}`));
    if (result.ok && files.length === 1) verdicts(`${tool.join(' ')} config`, composePolicy(parseYaml(result.stdout), rawMain));
  }
  const dir = mkdtempSync(join(tmpdir(), 'compose-check-'));
  try {
    for (const name of REQUIRED_VARS) {
      const envFile = join(dir, `without-${name}.env`);
      writeFileSync(envFile, read(ENV_EXAMPLE).split('\n').filter((l) => !l.startsWith(`${name}=`)).join('\n'));
      const result = config([MAIN], envFile);
      report(!result.ok && result.output.includes(name) ? 'ok' : 'FAIL',
        `${tool.join(' ')} config: missing ${name} stops compose with a message naming it`
        + (result.ok ? ' (it was accepted)' : result.output.includes(name) ? '' : `: ${result.output}`));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function main() {
  const env = parseEnvFile(read(ENV_EXAMPLE));
  const config = checkSchema(MAIN, env);
  const expose = checkSchema(EXPOSE, env);
  checkRequiredVars(env);
  const rawMain = parseYaml(read(MAIN));
  if (config) verdicts('compose', composePolicy(config, rawMain));
  if (expose) verdicts('compose', exposePolicy(expose));
  verdicts('env', envDocumented(read(ENV_EXAMPLE), [read(MAIN), read(EXPOSE)]));
  verdicts('docker', dockerfilePolicy('gateway-verticle/Dockerfile', read('gateway-verticle/Dockerfile'),
    'gateway-verticle', 'stillmotion-gateway.jar'));
  verdicts('docker', dockerfilePolicy('worker-verticle/Dockerfile', read('worker-verticle/Dockerfile'),
    'worker-verticle', 'stillmotion-worker.jar'));
  verdicts('docker', dockerignorePolicy(read('.dockerignore')));
  checkJson('compose/grafana-dashboard.json');
  checkShellScripts();
  const tool = composeTool();
  if (tool) {
    checkWithComposeTool(tool, rawMain);
  } else {
    report('skip', 'docker compose config: no compose tool here (neither the docker compose plugin nor '
      + 'docker-compose); the schema, interpolation and rules above stand in for it, and CI runs it in full');
  }
  console.log(`compose-check: ${counts.ok} passed, ${counts.FAIL} failed, ${counts.skip} skipped`);
  process.exitCode = counts.FAIL ? 1 : 0;
}

main();
