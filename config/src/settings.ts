/**
 * Settings from the environment, validated once at start. A wrong value stops the
 * process with a message naming the variable, rather than surfacing later as a
 * confusing runtime error on the wall.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { DEFAULT_MAX_EVENT_SKEW_SECONDS } from './contracts/rejections';
import { DISPATCH_RULES } from './dispatch';

export const REPO_ROOT = path.resolve(/* turbopackIgnore: true */ path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Development defaults: printed at start so nobody mistakes them for secrets. */
export const DEV_INGEST_TOKEN = 'dev-ingest-token';
export const DEV_WALL_TOKEN = 'dev-wall-token';
export const DEV_ADMIN_TOKEN = 'dev-admin-token';
/** The embedded default's first admin when ADMIN_PASSWORD is not set (printed at start while it stands). */
export const DEV_ADMIN_PASSWORD = 'dev-admin-password';

const flag = z.enum(['0', '1', 'true', 'false']).transform((v) => v === '1' || v === 'true');
const list = z.string().transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean));

const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000).describe('Port of the web server (API, live socket, wall).'),
  HOST: z.string().default('0.0.0.0').describe('Address to listen on; the default is every interface (said at start); `127.0.0.1` keeps it to this machine.'),
  DATA_DIR: z.string().default('./data').describe('The embedded store (`pgdata/`) and its keys; back it up (see Backup and restore).'),
  DATA_DIR_MIN_FREE_MB: z.coerce.number().int().min(0).max(1_000_000).default(256).describe('Embedded store: with less free space than this (MB) on `DATA_DIR`\'s disk, ingest is refused (HTTP 503 with `Retry-After`; Kafka batches are retried) rather than PostgreSQL running out mid-write; `/api/health` names the disk. It resumes by itself once space is freed. 0 turns the threshold off (a write that fails for want of space is still refused, not lost).'),
  SIMULATE: flag.optional().describe('Run the county simulator in this process; default: yes when embedded (no Kafka), no when deployed.'),
  SIMULATE_SPEED: z.coerce.number().positive().default(1).describe('Speed-up of simulated time against wall time; 1 is a live county.'),
  SIMULATE_FIELD_SCALE: z.coerce.number().positive().max(10_000).default(1).describe('The simulated field units obey console dispatches (set off, travel at their kind\'s speed, on scene, available); their waits are divided by this. Their reports carry the real clock\'s time.'),
  SIMULATE_SEED: z.coerce.number().int().default(610522).describe('Seed of the simulator, so a run can be repeated.'),
  INGEST_TOKEN: z.string().min(8).default(DEV_INGEST_TOKEN).describe('Bearer token for `POST /api/ingest/<topic>` (development default printed at start while it stands).'),
  WALL_TOKEN: z.string().min(8).default(DEV_WALL_TOKEN).describe('Read-only token of the wall screens.'),
  ADMIN_TOKEN: z.string().min(8).default(DEV_ADMIN_TOKEN).describe('Admin token (also the `GET /metrics` token unless `METRICS_TOKEN` is set).'),
  PHONE_HASH_KEY: z.string().min(16).optional().describe('Keyed-hash secret for caller phones; required with `DATABASE_URL`; embedded, one is created and kept in `DATA_DIR`. Back it up: start-up stops when stored hashes exist and the key is missing.'),
  DATABASE_READ_URL: z.string().url().optional().describe('A read replica of `DATABASE_URL` (streaming replication): the summary figures (`/api/stats/summary`) and the wall\'s periodic figures read from it. The wall\'s start-up snapshot stays on `DATABASE_URL`: a lagging replica would drop the lag window\'s events from it.'),
  DATABASE_URL: z.string().url().optional().describe('TimescaleDB or PostgreSQL ≥ 14 (`postgres://…`); unset: the embedded store in `DATA_DIR`.'),
  DB_FLAVOR: z.enum(['auto', 'timescale', 'postgres']).default('auto').describe('`auto` uses TimescaleDB when the server has it, the plain-PostgreSQL compatibility mode (`postgres`) otherwise.'),
  KAFKA_BROKERS: list.optional().describe('Comma-separated `host:port` list; unset: the in-process bus.'),
  KAFKA_CLIENT_ID: z.string().default('watchfloor').describe('Kafka client id of this process.'),
  KAFKA_GROUP_ID: z.string().default('watchfloor-ingest').describe('Consumer group shared by every ingest instance (they split the partitions).'),
  KAFKA_TOPIC_PREFIX: z.string().regex(/^[A-Za-z0-9._-]*$/).default('').describe('Prepended to every topic name, for clusters shared between deployments (and test runs).'),
  WATCHFLOOR_URL: z.string().url().optional().describe('Where `npm run simulate` and `npm run replay` reach a running embedded server (no `KAFKA_BROKERS`): they POST to its `/api/ingest/<topic>` with `INGEST_TOKEN`; default `http://localhost:<PORT>`.'),
  INGEST_IN_WEB: flag.optional().describe('Run the ingest consumers inside the web process; default: yes when embedded, no when deployed.'),
  REGION_DIR: z.string().optional().describe('Folder of the region files; default `config/regions/tongguan`.'),
  RULES: flag.default(true).describe('Run the warning rules where events are consumed (one process must; see Warning rules).'),
  RULES_DIR: z.string().optional().describe('Folder of the rules\' thresholds (reloaded on change); default `config/rules`.'),
  RULES_SWEEP_SECONDS: z.coerce.number().min(0.2).max(3600).default(5).describe('How often the rules\' clocks are swept when no event arrives.'),
  TZ_CENTER: z.string().default('Asia/Shanghai').describe('The center\'s time zone ("today", daily buckets).'),
  MAX_EVENT_SKEW_SECONDS: z.coerce.number().int().min(0).max(7 * 86_400).default(DEFAULT_MAX_EVENT_SKEW_SECONDS).describe('How far an event time may lead the server clock before the event is refused (dead letter, code `future`): a device with a wrong clock would otherwise sit on top of the feed and fake the wall\'s data age. With `SIMULATE_SPEED` > 1 raise it to match.'),
  INGEST_MAX_BYTES: z.coerce.number().int().positive().default(10 * 1024 * 1024).describe('Largest HTTP ingest body, bytes (413 past it).'),
  UNIT_STALE_SECONDS: z.coerce.number().int().min(1).max(86_400).default(DISPATCH_RULES.staleAfterSeconds).describe('A unit whose last report is older than this is suggested as stale, after the fresh ones (`GET /api/incidents/<id>/suggestions`).'),
  WALL_STALE_SECONDS: z.coerce.number().int().min(3).max(3600).default(15).describe('The wall shows its 数据中断 banner after this long without word from the server…'),
  WALL_NO_DATA_SECONDS: z.coerce.number().int().min(60).max(86_400).default(900).describe('…and also when the newest event it holds is older than this (the server answers, but no feed does).'),
  CHROMIUM_PATH: z.string().default('/usr/bin/chromium').describe('Chromium that renders the briefing\'s PDF and PNG exports (`apt-get install chromium fonts-noto-cjk` on Debian; the CJK fonts are needed).'),
  FFMPEG_PATH: z.string().default('/usr/bin/ffmpeg').describe('ffmpeg (with libvpx) that encodes video exports of a replay to WebM (`apt-get install ffmpeg` on Debian).'),
  BRIEFING_WEEKLY: flag.default(true).describe('Generate and keep last week\'s briefing (PDF and JSON under `DATA_DIR/briefings/`) each Monday 08:00 in `TZ_CENTER`.'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info').describe('`debug`, `info`, `warn` or `error` (JSON logs on stdout).'),
  INGEST_RATE_LIMIT: z.coerce.number().int().positive().default(30_000).describe('POSTs to `/api/ingest/*` allowed per token (or client address without one) in each window; past it a 429.'),
  INGEST_RATE_WINDOW_SECONDS: z.coerce.number().int().min(1).max(3600).default(60).describe('The window of `INGEST_RATE_LIMIT`.'),
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464).describe('Port of the stand-alone ingest process\'s `GET /metrics` (the web serves it on `PORT`).'),
  METRICS_TOKEN: z.string().min(8).optional().describe('Bearer token for `GET /metrics`; unset: the admin token.'),
  ADMIN_USER: z.string().min(2).max(64).default('admin').describe('Sign-in: the first admin, created at start when no user exists yet.'),
  ADMIN_PASSWORD: z.string().min(10).optional().describe('The first admin\'s password; with `DATABASE_URL` and none set, no first admin is created; embedded without it: the development password `dev-admin-password`, printed at start while it stands.'),
  SESSION_IDLE_SECONDS: z.coerce.number().int().min(1).max(7 * 86_400).default(1800).describe('A session ends after this long without a request…'),
  SESSION_MAX_SECONDS: z.coerce.number().int().min(1).max(30 * 86_400).default(12 * 3600).describe('…and this long after sign-in whatever happens (one duty shift).'),
  COOKIE_SECURE: z.enum(['auto', '0', '1', 'true', 'false']).default('auto').transform((v) => (v === 'auto' ? 'auto' as const : v === '1' || v === 'true')).describe('`Secure` on the session cookie: `auto` when the request came over TLS (set `TRUST_PROXY` behind a terminator), `1` always, `0` never.'),
  TRUST_PROXY: flag.default(false).describe('Behind a reverse proxy: take the client address and scheme from `X-Forwarded-For` / `-Proto`.'),
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(100).default(5).describe('Failed sign-ins for one username before it is locked; the lock doubles with each failure past it (at most a day).'),
  LOGIN_MAX_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).max(1000).default(20).describe('…and from one client address (a duty room shares one), whatever the usernames.'),
  LOGIN_LOCK_SECONDS: z.coerce.number().int().min(1).max(86_400).default(900).describe('The first lock\'s length.'),
  LOGIN_RATE_LIMIT: z.coerce.number().int().positive().default(30).describe('Sign-in attempts per client address per minute, whatever their outcome; past it a 429.'),
  ALLOWED_ORIGINS: list.default([]).describe('Origins a browser may open the live socket from, besides the server\'s own (`scheme://host:port`, comma-separated).'),
  BASEMAP_PMTILES: z.string().min(1).optional().describe('A vector basemap for the wall: the path of a `.pmtiles` archive (Protomaps basemap layers) on this server, served at `/api/basemap.pmtiles` and drawn dark under the region\'s layers, labels from the screen\'s own fonts (see The basemap). Unset: the region\'s layers alone.'),
  NEXT_PUBLIC_TILE_URL: z.string().optional().describe('Optional raster tile URL (intranet) drawn under the region\'s layers; read when the web is built, not at start.'),
});

/** The schema itself, for what must list every setting (docs, the compose file's check). */
export const SettingsSchema = Env;

export type Settings = ReturnType<typeof loadSettings>;

export function loadSettings(env: Record<string, string | undefined> = process.env) {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid settings:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const embeddedDb = !e.DATABASE_URL;
  const embeddedBus = !e.KAFKA_BROKERS || e.KAFKA_BROKERS.length === 0;
  // The turbopackIgnore comments: these paths come from the environment at run time, and the
  // pages that read settings (for TZ_CENTER) would otherwise make `next build` trace the whole
  // project as files they might open ("Dynamic filesystem access causes tracing of the whole
  // project"). The pages open none of them.
  return {
    ...e,
    DATA_DIR: path.resolve(/* turbopackIgnore: true */ e.DATA_DIR),
    REGION_DIR: path.resolve(/* turbopackIgnore: true */ e.REGION_DIR ?? path.join(/* turbopackIgnore: true */ REPO_ROOT, 'config', 'regions', 'tongguan')),
    BASEMAP_PMTILES: e.BASEMAP_PMTILES === undefined ? undefined : path.resolve(/* turbopackIgnore: true */ e.BASEMAP_PMTILES),
    RULES_DIR: path.resolve(/* turbopackIgnore: true */ e.RULES_DIR ?? path.join(/* turbopackIgnore: true */ REPO_ROOT, 'config', 'rules')),
    embeddedDb,
    embeddedBus,
    ingestInWeb: e.INGEST_IN_WEB ?? embeddedBus,
    simulate: e.SIMULATE ?? embeddedBus,
    metricsToken: e.METRICS_TOKEN ?? e.ADMIN_TOKEN,
  };
}

/** Which development defaults are in force, so start-up can print them. */
export function devDefaultsInUse(s: Settings): string[] {
  const out: string[] = [];
  if (s.INGEST_TOKEN === DEV_INGEST_TOKEN) out.push(`INGEST_TOKEN=${DEV_INGEST_TOKEN}`);
  if (s.WALL_TOKEN === DEV_WALL_TOKEN) out.push(`WALL_TOKEN=${DEV_WALL_TOKEN}`);
  if (s.ADMIN_TOKEN === DEV_ADMIN_TOKEN) out.push(`ADMIN_TOKEN=${DEV_ADMIN_TOKEN}`);
  return out;
}

/** The first admin's password when none was given: only the embedded default has one. */
export function bootstrapAdminPassword(s: Settings): { password: string; dev: boolean } | null {
  if (s.ADMIN_PASSWORD) return { password: s.ADMIN_PASSWORD, dev: false };
  return s.embeddedDb ? { password: DEV_ADMIN_PASSWORD, dev: true } : null;
}
