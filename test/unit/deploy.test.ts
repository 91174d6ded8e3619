/**
 * No Docker engine runs where the tests run, so the deployment files are checked as text:
 * docker-compose.yml parsed as YAML, deploy/nginx.conf and the Dockerfile by their lines.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { z } from 'zod';
import { REPO_ROOT, SettingsSchema } from '../../config/src/settings';

const read = (rel: string) => fs.readFileSync(path.join(REPO_ROOT, rel), 'utf8');
const settingNames = new Set(Object.keys(SettingsSchema.shape));

const Healthcheck = z.object({ test: z.array(z.string()).min(2), interval: z.string(), retries: z.number().int().positive() });
const Service = z.object({
  image: z.string().optional(),
  build: z.object({ context: z.string(), target: z.string() }).optional(),
  deploy: z.object({ replicas: z.number().int() }).optional(),
  environment: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  env_file: z.array(z.object({ path: z.string(), required: z.boolean() })).optional(),
  ports: z.array(z.string()).optional(),
  volumes: z.array(z.string()).optional(),
  healthcheck: Healthcheck,
  depends_on: z.record(z.string(), z.object({ condition: z.string() })).optional(),
});
const Compose = z.object({ services: z.record(z.string(), Service), volumes: z.record(z.string(), z.unknown()) });

const composeText = read('docker-compose.yml');
const compose = Compose.parse(parse(composeText, { merge: true }));
const services = compose.services;
function service(part: string) {
  const hit = Object.entries(services).filter(([name]) => name.includes(part));
  assert.equal(hit.length, 1, `one service named with ${part}`);
  return hit[0]![1];
}

/** Every `${VAR…}` the compose file interpolates, with its modifier (`:?msg`, `:-default`…). */
function interpolations(text: string) {
  return [...text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)([^}]*)\}/g)].map((m) => ({ name: m[1]!, rest: m[2]! }));
}

test('compose: the services of the deployed topology, each with a health check', () => {
  const ts = service('timescale');
  assert.match(ts.image ?? '', /^timescale\/timescaledb:\d/);
  const kafka = service('kafka');
  assert.match(kafka.image ?? '', /^apache\/kafka:\d/);
  assert.match(String(kafka.environment?.KAFKA_PROCESS_ROLES), /broker/);
  assert.match(String(kafka.environment?.KAFKA_PROCESS_ROLES), /controller/, 'KRaft: the broker is its own controller, no ZooKeeper');
  assert.ok(!Object.keys(services).some((n) => n.includes('zookeeper')));
  const ingest = service('ingest');
  const web = service('web');
  assert.equal(ingest.deploy?.replicas, 2);
  assert.equal(web.deploy?.replicas, 2);
  assert.equal(ingest.build?.target, 'ingest');
  assert.equal(web.build?.target, 'web');
  // Replicas share one consumer group: no instance-specific group id anywhere.
  for (const s of [ingest, web]) assert.ok(!('KAFKA_GROUP_ID' in (s.environment ?? {})));
  assert.equal(ingest.environment?.KAFKA_BROKERS, 'kafka:9092');
  assert.match(String(ingest.environment?.DATABASE_URL), /@timescaledb:5432\//);
  for (const [name, s] of Object.entries(services)) {
    assert.ok(s.healthcheck.test[0] === 'CMD' || s.healthcheck.test[0] === 'CMD-SHELL', `${name}: health check form`);
  }
  // Start order waits for health, not only for the container to exist.
  for (const s of [ingest, web]) {
    for (const dep of ['timescaledb', 'kafka']) assert.equal(s.depends_on?.[dep]?.condition, 'service_healthy');
  }
});

test('compose: web instances are reached only through the socket.io-aware proxy', () => {
  const web = service('web');
  assert.equal(web.ports, undefined, 'two replicas cannot publish one port: the proxy does');
  const proxy = service('proxy');
  assert.equal(proxy.depends_on?.web?.condition, 'service_healthy');
  assert.ok(proxy.volumes?.some((v) => v.startsWith('./deploy/nginx.conf:')));
  assert.equal(web.environment?.TRUST_PROXY, '1', 'client address and scheme come from the proxy headers');

  const conf = read('deploy/nginx.conf').replace(/#.*$/gm, '');
  const upstream = /upstream\s+(\w+)\s*\{([^}]*)\}/.exec(conf);
  assert.ok(upstream, 'an upstream block');
  assert.match(upstream[2]!, /^\s*(ip_hash|hash\s+\S+\s+consistent|sticky\b[^;]*);/m, 'sticky: long-polling requests of a session reach one instance');
  assert.match(upstream[2]!, /server\s+web:3000\b/);
  const sock = /location\s+\/socket\.io\/\s*\{([^}]*)\}/.exec(conf);
  assert.ok(sock, 'a location for /socket.io/');
  assert.match(sock[1]!, new RegExp(`proxy_pass\\s+http://${upstream[1]};`));
  assert.match(sock[1]!, /proxy_http_version\s+1\.1;/);
  assert.match(sock[1]!, /proxy_set_header\s+Upgrade\s+\$http_upgrade;/);
  assert.match(sock[1]!, /proxy_set_header\s+Connection\s+\$connection_upgrade;/);
  assert.match(conf, /map\s+\$http_upgrade\s+\$connection_upgrade/);
  const readTimeout = /proxy_read_timeout\s+(\d+)s;/.exec(sock[1]!);
  assert.ok(readTimeout && Number(readTimeout[1]) > 60, 'an idle websocket outlives nginx\'s 60 s default');
});

test('compose: named volumes for the stateful services', () => {
  for (const part of ['timescale', 'kafka']) {
    const vols = service(part).volumes ?? [];
    assert.ok(vols.length > 0, `${part} keeps its data in a volume`);
    for (const v of vols) {
      const source = v.split(':')[0]!;
      assert.ok(source in compose.volumes, `${part}: ${source} is a named volume, not a host path`);
    }
  }
});

test('compose: no secret committed, every variable documented', () => {
  const secretish = /TOKEN|PASSWORD|SECRET|KEY$/;
  const vars = interpolations(composeText);
  assert.ok(vars.length > 0);
  for (const v of vars) {
    if (secretish.test(v.name)) assert.match(v.rest, /^:\?/, `${v.name} has no default: compose refuses to start without it`);
  }
  for (const [name, s] of Object.entries(services)) {
    for (const [key, value] of Object.entries(s.environment ?? {})) {
      const text = String(value);
      if (secretish.test(key)) assert.match(text, /^\$\{[A-Z_]+:\?[^}]*\}$/, `${name}.${key} comes from the environment`);
      // Connection strings carry the password only through interpolation.
      const userinfo = /^[a-z]+:\/\/[^:/@]+:([^@]+)@/.exec(text);
      if (userinfo) assert.match(userinfo[1]!, /^\$\{[A-Z_]+:\?[^}]*\}$/, `${name}.${key}: no password in the URL`);
    }
  }
  // The application's variables are settings; the few that only compose reads are listed in
  // docs/operations.md's compose section.
  const ops = read('docs/operations.md');
  const composeSection = /## Docker Compose\n([\s\S]*?)(?=\n## )/.exec(ops);
  assert.ok(composeSection, 'docs/operations.md has a "Docker Compose" section');
  for (const v of vars) {
    assert.ok(settingNames.has(v.name) || composeSection[1]!.includes(`\`${v.name}\``), `${v.name} is a setting or documented in docs/operations.md`);
  }
  for (const s of [service('ingest'), service('web')]) {
    for (const key of Object.keys(s.environment ?? {})) assert.ok(settingNames.has(key), `${key} is a setting of config/src/settings.ts`);
    assert.deepEqual(s.env_file, [{ path: 'deploy/watchfloor.env', required: false }], 'any other setting from the operator\'s env file');
  }
  for (const line of read('deploy/watchfloor.env.example').split('\n')) {
    const m = /^#?\s*([A-Z][A-Z0-9_]*)=/.exec(line);
    if (m) assert.ok(settingNames.has(m[1]!), `deploy/watchfloor.env.example: ${m[1]} is a setting`);
  }
  assert.match(read('.gitignore'), /^deploy\/watchfloor\.env$/m);
  assert.match(read('.gitignore'), /^\.env$/m);
});

test('compose: images pinned to a version', () => {
  for (const [name, s] of Object.entries(services)) {
    if (!s.image) continue;
    assert.match(s.image, /:[0-9][^:]*$/, `${name}: a version tag`);
    assert.doesNotMatch(s.image, /:latest$/);
  }
});

test('Dockerfile: multi-stage, pinned base, lockfile install, non-root, chromium and CJK fonts for the web', () => {
  // Continuation lines joined so each instruction is one line.
  const lines = read('Dockerfile').replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const stages: { base: string; name: string; lines: string[] }[] = [];
  for (const l of lines) {
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?$/i.exec(l);
    if (from) stages.push({ base: from[1]!, name: from[2] ?? '', lines: [] });
    else {
      assert.ok(stages.length > 0, 'FROM first');
      stages.at(-1)!.lines.push(l);
    }
  }
  const names = new Set(stages.map((s) => s.name));
  assert.ok(stages.length >= 3, 'multi-stage');
  for (const s of stages) {
    if (names.has(s.base)) continue;
    assert.match(s.base, /^node:\d+\.\d+\.\d+-bookworm-slim$/, `${s.name}: base pinned to an exact Node release on Debian`);
  }
  const all = stages.flatMap((s) => s.lines);
  assert.ok(all.some((l) => /^COPY\s+.*package-lock\.json/.test(l)), 'the lockfile is copied before installing');
  assert.ok(all.some((l) => /^RUN\s+npm (ci|install)\b/.test(l)));
  for (const target of ['ingest', 'web']) {
    const s = stages.find((x) => x.name === target);
    assert.ok(s, `a ${target} target`);
    const user = s.lines.filter((l) => /^USER\s/.test(l)).at(-1);
    assert.ok(user && !/^USER\s+(root|0)\b/.test(user), `${target}: runs as a non-root user`);
    assert.ok(s.lines.some((l) => /^COPY\s+--from=/.test(l)), `${target}: takes the build from an earlier stage`);
    assert.ok(!s.lines.some((l) => /^RUN\s+npm\b/.test(l)), `${target}: nothing installed from the registry in the final image`);
    assert.ok(s.lines.some((l) => /^CMD\s+\[/.test(l)));
  }
  const web = stages.find((x) => x.name === 'web')!;
  const apt = web.lines.find((l) => /apt-get install/.test(l)) ?? '';
  assert.match(apt, /\bchromium\b/);
  assert.match(apt, /\bfonts-noto-cjk\b/);
  assert.ok(web.lines.some((l) => /^ENV\b.*CHROMIUM_PATH=\/usr\/bin\/chromium/.test(l)));
  assert.match(read('.dockerignore'), /^node_modules$/m);
});

test('docs/operations.md: scaling and upgrading say how, with names that exist', () => {
  const ops = read('docs/operations.md');
  const section = (title: string) => {
    const m = new RegExp(`## ${title}\\n([\\s\\S]*?)(?=\\n## |$)`).exec(ops);
    assert.ok(m, `a "${title}" section`);
    return m[1]!;
  };
  const scaling = section('Scaling');
  for (const name of ['KAFKA_GROUP_ID', 'DATABASE_READ_URL']) {
    assert.ok(settingNames.has(name), `${name} is a setting`);
    assert.ok(scaling.includes(`\`${name}\``), `Scaling names ${name}`);
  }
  assert.match(scaling, /partition/i);
  assert.ok(fs.existsSync(path.join(REPO_ROOT, 'config/src/contracts/keys.ts')), 'the partition keys live where Scaling says');
  assert.ok(scaling.includes('config/src/contracts/keys.ts'));
  const upgrading = section('Upgrading');
  assert.match(upgrading, /forward only/);
  assert.match(upgrading, /schema_migrations/);
  assert.match(read('ingest/src/store/migrate.ts'), /schema_migrations/, 'the table Upgrading names is the one migrate.ts keeps');
  // Forward only: no migration file undoes another.
  const dir = path.join(REPO_ROOT, 'ingest/src/store/migrations');
  assert.ok(!fs.readdirSync(dir).some((f) => /down|rollback|revert/i.test(f)));
});
