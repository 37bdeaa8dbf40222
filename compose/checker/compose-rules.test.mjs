// The checker must catch what it claims to: each rule is shown a file that breaks it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  InterpolationError, composePolicy, dockerfilePolicy, envDocumented, exposePolicy, interpolate,
  interpolateTree, parseEnvFile, parseYaml, schemaProblems,
} from './compose-rules.mjs';

const root = new URL('../../', import.meta.url);
const read = (path) => readFileSync(new URL(path, root), 'utf8');
const env = parseEnvFile(read('compose/.env.example'));
const mainText = read('compose/docker-compose.yml');
const main = () => interpolateTree(parseYaml(mainText), env);
const failures = (pairs) => pairs.filter(([passed]) => !passed).map(([, text]) => text);

test('interpolation follows compose: defaults, required values, $$ and nesting', () => {
  const vars = { SET: 'x', EMPTY: '' };
  assert.equal(interpolate('${SET}-$SET-$${SET}', vars), 'x-x-${SET}');
  assert.equal(interpolate('${EMPTY:-d}|${EMPTY-d}|${UNSET-d}', vars), 'd||d');
  assert.equal(interpolate('${UNSET:-${SET}y}', vars), 'xy');
  assert.equal(interpolate('${SET:+yes}|${EMPTY:+yes}|${EMPTY+yes}', vars), 'yes||yes');
  assert.throws(() => interpolate('${UNSET:?set UNSET please}', vars),
    (e) => e instanceof InterpolationError && /UNSET.*set UNSET please/.test(e.message));
  assert.throws(() => interpolate('${EMPTY:?}', vars), InterpolationError);
  assert.equal(interpolate('${EMPTY?}', vars), '');
  assert.throws(() => interpolate('${SET', vars), InterpolationError);
});

test('the env file parser reads comments, quotes, export and empty values', () => {
  assert.deepEqual(parseEnvFile('# c\nA=1\nexport B="two words"\nC=\nD=x # note\n'),
    { A: '1', B: 'two words', C: '', D: 'x' });
});

test('the shipped compose files pass every rule', () => {
  assert.deepEqual(schemaProblems(main()), []);
  assert.deepEqual(failures(composePolicy(main(), parseYaml(mainText))), []);
  assert.deepEqual(failures(exposePolicy(interpolateTree(parseYaml(read('compose/docker-compose.expose.yml')), env))), []);
});

test('the compose-spec schema catches a misspelled key and a wrong type', () => {
  const config = main();
  config.services.gateway.prots = ['3000:8080'];
  config.services.worker.restart = ['always'];
  const problems = schemaProblems(config).join('\n');
  assert.match(problems, /\/services\/gateway .*prots/);
  assert.match(problems, /\/services\/worker\/restart/);
});

test('the rules catch a published worker or database, an open broker port, and a literal password', () => {
  const config = main();
  config.services.worker.ports = ['8081:8081'];
  config.services.mongo.ports = ['27017:27017'];
  config.services.rabbitmq.ports = ['15672:15672'];
  delete config.services.gateway.healthcheck;
  const raw = parseYaml(mainText);
  raw.services.rabbitmq.environment.RABBITMQ_DEFAULT_PASS = 'guest';
  const failed = failures(composePolicy(config, raw)).join('\n');
  for (const rule of ['worker publishes no host port', 'mongo is not published', 'rabbitmq publishes only on 127.0.0.1',
    'gateway has a healthcheck',
    'no hard-coded credentials in the compose file (services.rabbitmq.environment.RABBITMQ_DEFAULT_PASS)']) {
    assert.ok(failed.includes(rule), `expected "${rule}" to fail in:\n${failed}`);
  }
});

test('the expose override may publish on 127.0.0.1 only', () => {
  const failed = failures(exposePolicy({ services: { mongo: { ports: ['27017:27017'] } } }));
  assert.equal(failed.length, 1);
});

test('a variable missing from .env.example is named', () => {
  assert.deepEqual(failures(envDocumented('A=1\n', ['x: ${A} ${B:-2}'])),
    ['every variable the compose files use is in compose/.env.example (missing: B)']);
});

test('a Dockerfile that runs as root or listens on its container loopback fails', () => {
  const dockerfile = read('worker-verticle/Dockerfile');
  assert.deepEqual(failures(dockerfilePolicy('w', dockerfile, 'worker-verticle', 'stillmotion-worker.jar')), []);
  const broken = dockerfile.replace(/^USER .*$/m, 'USER root').replace(/HTTP_HOST=0\.0\.0\.0/, 'HTTP_HOST=127.0.0.1');
  const failed = failures(dockerfilePolicy('w', broken, 'worker-verticle', 'stillmotion-worker.jar')).join('\n');
  assert.match(failed, /non-root user/);
  assert.match(failed, /every interface of its container/);
});

test('a Dockerfile whose JVM does not start with the cache it trained fails', () => {
  const dockerfile = read('worker-verticle/Dockerfile');
  const untrained = dockerfile.replace(/"-XX:AOTCache=[^"]*", /, '');
  assert.match(failures(dockerfilePolicy('w', untrained, 'worker-verticle', 'stillmotion-worker.jar')).join('\n'),
    /ahead-of-time cache/);
  const old = dockerfile.replace(/eclipse-temurin:25[^\s]*/, 'eclipse-temurin:21.0.7_6-jre-noble');
  assert.match(failures(dockerfilePolicy('w', old, 'worker-verticle', 'stillmotion-worker.jar')).join('\n'),
    /ahead-of-time cache/);
});
