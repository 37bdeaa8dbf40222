// The rules compose/ and the Dockerfiles must follow, as pure functions over parsed files: each
// returns a list of [passed, text] pairs. check.mjs reads the files and prints the verdicts.
import { readFileSync } from 'node:fs';
import Ajv from 'ajv';
import { parse } from 'yaml';

const SCHEMA = JSON.parse(readFileSync(new URL('./compose-spec.json', import.meta.url), 'utf8'));
const validateSpec = new Ajv({ allErrors: true, strict: false, validateSchema: false }).compile(SCHEMA);

/** YAML as compose reads it: anchors and `<<` merge keys resolved. */
export function parseYaml(text) {
  return parse(text, { merge: true, maxAliasCount: 1000 });
}

/** A dotenv file as compose reads it: KEY=VALUE lines, `#` comments, optional quotes and `export`. */
export function parseEnvFile(text) {
  const env = {};
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim().replace(/^export\s+/, '');
    if (!line || line.startsWith('#') || !line.includes('=')) continue;
    const key = line.slice(0, line.indexOf('=')).trim();
    let value = line.slice(line.indexOf('=') + 1).trim();
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.length > 1 && value.endsWith(quote)) {
      value = value.slice(1, -1);
    } else {
      value = value.replace(/\s+#.*$/, '');
    }
    env[key] = value;
  }
  return env;
}

export class InterpolationError extends Error {}

/**
 * Compose's variable substitution of one string: $$, $NAME, ${NAME}, and ${NAME<op>word} with the
 * operators :- - :? ? :+ + (words may nest further substitutions).
 */
export function interpolate(text, env) {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c !== '$') {
      out += c;
      i++;
    } else if (text[i + 1] === '$') {
      out += '$';
      i += 2;
    } else if (text[i + 1] === '{') {
      const end = closingBrace(text, i + 2);
      out += substitute(text.slice(i + 2, end), env);
      i = end + 1;
    } else {
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i + 1));
      out += name ? env[name[0]] ?? '' : '$';
      i += name ? name[0].length + 1 : 1;
    }
  }
  return out;
}

function closingBrace(text, from) {
  let depth = 1;
  for (let j = from; j < text.length; j++) {
    if (text[j] === '$' && text[j + 1] === '{') {
      depth++;
      j++;
    } else if (text[j] === '}' && --depth === 0) {
      return j;
    }
  }
  throw new InterpolationError(`invalid interpolation format: unclosed \${ in "${text}"`);
}

function substitute(expression, env) {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([\s\S]*))?$/.exec(expression);
  if (!m) throw new InterpolationError(`invalid interpolation format: \${${expression}}`);
  const [, name, op, word = ''] = m;
  const value = env[name];
  const unset = value === undefined;
  const missing = op?.startsWith(':') ? unset || value === '' : unset;
  switch (op) {
    case undefined:
      return value ?? '';
    case ':-':
    case '-':
      return missing ? interpolate(word, env) : value;
    case ':?':
    case '?':
      if (missing) {
        throw new InterpolationError(`required variable ${name} is missing a value: ${interpolate(word, env)}`);
      }
      return value;
    default:
      return missing ? '' : interpolate(word, env);
  }
}

/** Every string value of a parsed compose file interpolated (keys are left as written, as compose does). */
export function interpolateTree(node, env) {
  if (typeof node === 'string') return interpolate(node, env);
  if (Array.isArray(node)) return node.map((v) => interpolateTree(v, env));
  if (node && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, interpolateTree(v, env)]));
  }
  return node;
}

/** Where the interpolated file breaks the Compose Specification (empty when it conforms). */
export function schemaProblems(config) {
  if (validateSpec(config)) return [];
  return validateSpec.errors.map((e) => `${e.instancePath || '/'} ${e.message}`
    + (e.params?.additionalProperty ? ` (${e.params.additionalProperty})` : ''));
}

/** [host_ip, published, target] of each port, short ("ip:host:container/proto") or long syntax. */
export function ports(service) {
  return (service?.ports ?? []).map((p) => {
    if (p && typeof p === 'object') return [p.host_ip ?? '', String(p.published ?? ''), String(p.target ?? '')];
    const parts = String(p).split('/')[0].split(':');
    return [parts.length === 3 ? parts[0] : '', parts.length >= 2 ? parts.at(-2) : '', parts.at(-1)];
  });
}

function imageTag(image) {
  const last = String(image ?? '').split('/').at(-1);
  return last.includes(':') ? last.slice(last.lastIndexOf(':') + 1) : '';
}

function hasNamedVolume(volumes, target) {
  return (volumes ?? []).some((v) => (v && typeof v === 'object'
    ? v.type === 'volume' && v.target === target && Boolean(v.source)
    : new RegExp(`^[A-Za-z0-9][\\w.-]*:${target}(:rw)?$`).test(String(v))));
}

/** The production shape's rules, on the interpolated main compose file (`raw`: as written). */
export function composePolicy(config, raw) {
  const results = [];
  const check = (passed, text) => results.push([Boolean(passed), text]);
  const services = config?.services ?? {};
  const names = Object.keys(services).sort();
  check(names.join() === 'gateway,mongo,rabbitmq,worker',
    `services are mongo, rabbitmq, gateway, worker (got ${names.join(', ')})`);
  for (const [name, svc] of Object.entries(services)) {
    const hc = svc.healthcheck ?? {};
    check(hc.test && !hc.disable, `${name} has a healthcheck`);
    check(!['', 'latest'].includes(imageTag(svc.image)), `${name} image ${svc.image} has a pinned tag`);
  }
  for (const name of ['gateway', 'worker']) {
    const deps = services[name]?.depends_on ?? {};
    for (const dep of ['mongo', 'rabbitmq']) {
      const condition = Array.isArray(deps) ? undefined : deps[dep]?.condition;
      check(condition === 'service_healthy', `${name} waits for ${dep} to be healthy`);
    }
    check(services[name] && 'build' in services[name], `${name} is built from this repository`);
  }
  const worker = services.worker ?? {};
  check(!('container_name' in worker), 'worker has no container_name (scalable)');
  check(ports(worker).length === 0, 'worker publishes no host port (scalable)');
  check(worker.deploy?.resources?.limits?.memory, 'worker has a memory limit');
  check(ports(services.mongo).length === 0, 'mongo is not published to the host');
  const rabbitPorts = ports(services.rabbitmq);
  check(rabbitPorts.length > 0 && rabbitPorts.every(([ip]) => ip === '127.0.0.1'),
    `rabbitmq publishes only on 127.0.0.1 (${JSON.stringify(rabbitPorts)})`);
  const gatewayPorts = ports(services.gateway);
  check(gatewayPorts.some(([, published, target]) => published === '3000' && target === '8080'),
    `gateway serves the UI on host port 3000 (${JSON.stringify(gatewayPorts)})`);
  check(hasNamedVolume(services.mongo?.volumes, '/data/db'), 'mongo keeps /data/db in a named volume');
  check(imageTag(services.mongo?.image).startsWith('7.'), 'mongo is 7.x');
  check(/^3\.13(\.\d+)?-management/.test(imageTag(services.rabbitmq?.image)), 'rabbitmq is 3.13 with management');
  const literal = literalCredentials(raw);
  check(literal.length === 0, 'no hard-coded credentials in the compose file'
    + (literal.length ? ` (${literal.join(', ')})` : ''));
  return results;
}

/** Paths of credentials or URIs written as literals instead of coming from the env file. */
function literalCredentials(node, path = []) {
  if (Array.isArray(node)) return node.flatMap((v, i) => literalCredentials(v, [...path, String(i)]));
  if (node && typeof node === 'object') {
    return Object.entries(node).flatMap(([k, v]) => literalCredentials(v, [...path, k]));
  }
  const key = path.at(-1) ?? '';
  return typeof node === 'string' && /(PASS|PASSWORD|USER|USERNAME|_URI)$/.test(key) && !node.includes('${')
    ? [path.join('.')] : [];
}

/** The debugging override publishes only on 127.0.0.1. */
export function exposePolicy(config) {
  const published = Object.entries(config?.services ?? {}).flatMap(([name, svc]) =>
    ports(svc).map(([ip, host, target]) => `${name} ${ip}:${host}:${target}`));
  return [[published.length > 0 && published.every((p) => p.split(' ')[1].startsWith('127.0.0.1:')),
    `the expose override publishes only on 127.0.0.1 (${published.join('; ')})`]];
}

/** Every `${VAR}` the compose files use is listed in the example env file. */
export function envDocumented(envExampleText, composeTexts) {
  const example = new Set(Object.keys(parseEnvFile(envExampleText)));
  const used = new Set(composeTexts.flatMap((t) => [...t.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1])));
  const missing = [...used].filter((v) => !example.has(v)).sort();
  return [[missing.length === 0, 'every variable the compose files use is in compose/.env.example'
    + (missing.length ? ` (missing: ${missing.join(', ')})` : '')]];
}

function dockerInstructions(text) {
  return text.replace(/\\\r?\n/g, ' ').split(/\r?\n/).map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const space = l.search(/\s/);
      return space < 0 ? [l.toUpperCase(), ''] : [l.slice(0, space).toUpperCase(), l.slice(space).trim()];
    });
}

function dockerStages(text) {
  const args = {};
  const stages = [];
  for (const [word, rest] of dockerInstructions(text)) {
    if (word === 'ARG' && stages.length === 0) {
      const [name, ...value] = rest.split('=');
      args[name] = value.join('=');
    } else if (word === 'FROM') {
      const parts = rest.split(/\s+/).filter((p) => !p.startsWith('--'));
      const image = parts[0].replace(/\$\{?(\w+)\}?/g, (_, name) => args[name] ?? '');
      const alias = parts.length >= 3 && parts[1].toUpperCase() === 'AS' ? parts[2] : null;
      stages.push({ image, alias, body: [] });
    } else if (stages.length) {
      stages.at(-1).body.push([word, rest]);
    }
  }
  return stages;
}

/** A service image's Dockerfile: pinned, multi-stage, cached, non-root, healthy, the CI build. */
export function dockerfilePolicy(path, text, module, artifact) {
  const results = [];
  const check = (passed, t) => results.push([Boolean(passed), t]);
  const stages = dockerStages(text);
  const aliases = new Set(stages.map((s) => s.alias).filter(Boolean));
  for (const s of stages.filter((st) => !aliases.has(st.image))) {
    const tag = imageTag(s.image);
    check(!['', 'latest'].includes(tag) && !tag.includes('@'), `${path}: FROM ${s.image || '?'} is pinned`);
  }
  check(stages.length >= 2, `${path} is multi-stage`);
  check(stages.some((s) => s.image.startsWith('maven:3.9')), `${path} builds with maven:3.9`);
  const build = stages.flatMap((s) => s.body.filter(([w]) => w === 'RUN').map(([, r]) => r)).join(' ');
  check(build.includes(`mvn -B -q -DskipTests package -pl ${module} -am`), `${path} runs the CI build command for ${module}`);
  check(build.includes('--mount=type=cache') && build.includes('/root/.m2'), `${path} caches ~/.m2 across builds`);
  const final = stages.at(-1)?.body ?? [];
  const users = final.filter(([w]) => w === 'USER').map(([, r]) => r);
  check(users.length && !['root', '0'].includes(users.at(-1).split(':')[0]), `${path} runs as a non-root user`);
  const env = final.filter(([w]) => w === 'ENV').map(([, r]) => r).join(' ');
  check(env.includes('MaxRAMPercentage=75'), `${path} sets -XX:MaxRAMPercentage=75`);
  check(/(^|\s)HTTP_HOST=0\.0\.0\.0(\s|$)/.test(env),
    `${path} listens on every interface of its container (HTTP_HOST=0.0.0.0; a container's loopback is its own)`);
  for (const word of ['EXPOSE', 'HEALTHCHECK', 'ENTRYPOINT']) {
    check(final.some(([w]) => w === word), `${path} has ${word} in the runtime stage`);
  }
  check(final.some(([w, r]) => w === 'COPY' && r.includes(artifact)), `${path} copies ${artifact}`);
  const runtime = stages.at(-1)?.image ?? '';
  const javaVersion = Number((runtime.match(/^eclipse-temurin:(\d+)/) ?? [])[1]);
  check(javaVersion >= 17 && runtime.includes('jre'), `${path} runs on an eclipse-temurin JRE of Java 17 or later`);
  // The ahead-of-time cache the image trains is the one its JVM starts with, and only Java 25 makes one.
  const aot = build.match(/-XX:AOTCacheOutput=(\S+)/)?.[1];
  const entry = final.filter(([w]) => w === 'ENTRYPOINT').map(([, r]) => r).join(' ');
  check(aot && javaVersion >= 25 && final.some(([w, r]) => w === 'RUN' && r.includes(`-XX:AOTCacheOutput=${aot}`))
    && entry.includes(`"-XX:AOTCache=${aot}"`),
    `${path} trains an ahead-of-time cache in its runtime stage (Java 25) and starts the JVM with it`);
  if (module === 'gateway-verticle') {
    check(stages.some((s) => s.image.startsWith('node:20')), `${path} builds the UI on node 20`);
    check(build.includes('npm ci') && build.includes('npm run build'), `${path} runs npm ci and npm run build`);
    check(env.includes('WEB_ROOT=') && final.some(([w, r]) => w === 'COPY' && r.includes('dist')),
      `${path} serves the built UI through WEB_ROOT`);
  }
  return results;
}

export function dockerignorePolicy(text) {
  const ignored = new Set(text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'))
    .map((l) => l.replace(/^\/+/, '')));
  return ['.git', '**/target', '**/node_modules', 'frontend/dist', 'data']
    .map((needed) => [ignored.has(needed), `.dockerignore excludes ${needed}`]);
}
