/**
 * Settings from the environment, validated once at start. A wrong value stops the
 * process with a message naming the variable, rather than surfacing later as a
 * confusing runtime error on the wall.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { DEFAULT_MAX_EVENT_SKEW_SECONDS } from './contracts/rejections';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Development defaults: printed at start so nobody mistakes them for secrets. */
export const DEV_INGEST_TOKEN = 'dev-ingest-token';
export const DEV_WALL_TOKEN = 'dev-wall-token';
export const DEV_ADMIN_TOKEN = 'dev-admin-token';
/** The embedded default's first admin when ADMIN_PASSWORD is not set (printed at start while it stands). */
export const DEV_ADMIN_PASSWORD = 'dev-admin-password';

const flag = z.enum(['0', '1', 'true', 'false']).transform((v) => v === '1' || v === 'true');
const list = z.string().transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean));

const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().default('./data'),
  /** Run the county simulator in this process; default: yes when embedded (no Kafka), no when deployed. */
  SIMULATE: flag.optional(),
  /** Speed-up of simulated time against wall time; 1 is a live county. */
  SIMULATE_SPEED: z.coerce.number().positive().default(1),
  SIMULATE_SEED: z.coerce.number().int().default(610522),
  INGEST_TOKEN: z.string().min(8).default(DEV_INGEST_TOKEN),
  WALL_TOKEN: z.string().min(8).default(DEV_WALL_TOKEN),
  ADMIN_TOKEN: z.string().min(8).default(DEV_ADMIN_TOKEN),
  /** Keyed-hash secret for caller phones; when absent one is created and kept in DATA_DIR. */
  PHONE_HASH_KEY: z.string().min(16).optional(),
  DATABASE_URL: z.string().url().optional(),
  /** `auto` uses TimescaleDB when the server has it, the plain-PostgreSQL compatibility mode otherwise. */
  DB_FLAVOR: z.enum(['auto', 'timescale', 'postgres']).default('auto'),
  KAFKA_BROKERS: list.optional(),
  KAFKA_CLIENT_ID: z.string().default('watchfloor'),
  KAFKA_GROUP_ID: z.string().default('watchfloor-ingest'),
  /** Prepended to every topic name, for clusters shared between deployments (and test runs). */
  KAFKA_TOPIC_PREFIX: z.string().regex(/^[A-Za-z0-9._-]*$/).default(''),
  /** Run the ingest consumers inside the web process; default: yes when embedded, no when deployed. */
  INGEST_IN_WEB: flag.optional(),
  REGION_DIR: z.string().optional(),
  /** Run the warning rules where events are consumed (one process must; see docs/operations.md). */
  RULES: flag.default(true),
  /** Folder of the rules' thresholds (reloaded on change); default config/rules. */
  RULES_DIR: z.string().optional(),
  /** How often the rules' clocks are swept when no event arrives. */
  RULES_SWEEP_SECONDS: z.coerce.number().min(0.2).max(3600).default(5),
  TZ_CENTER: z.string().default('Asia/Shanghai'),
  /**
   * How far an event time may lead the server clock before the event is refused (a device
   * with a wrong clock would otherwise sit on top of the feed and fake the wall's data age).
   */
  MAX_EVENT_SKEW_SECONDS: z.coerce.number().int().min(0).max(7 * 86_400).default(DEFAULT_MAX_EVENT_SKEW_SECONDS),
  /** Largest HTTP ingest body, bytes. */
  INGEST_MAX_BYTES: z.coerce.number().int().positive().default(10 * 1024 * 1024),
  /** The wall shows its 数据中断 banner after this long without word from the server. */
  WALL_STALE_SECONDS: z.coerce.number().int().min(3).max(3600).default(15),
  /** …and also when the newest event it holds is older than this (the server answers, but no feed does). */
  WALL_NO_DATA_SECONDS: z.coerce.number().int().min(60).max(86_400).default(900),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  /** POSTs to /api/ingest/* allowed per token (or client address without one) in each window; past it a 429. */
  INGEST_RATE_LIMIT: z.coerce.number().int().positive().default(30_000),
  INGEST_RATE_WINDOW_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  /** Port of the stand-alone ingest process's GET /metrics (the web serves it on PORT). */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  /** Bearer token for GET /metrics; unset: the admin token. */
  METRICS_TOKEN: z.string().min(8).optional(),
  /** Sign-in: the first admin, created at start when no user exists yet (embedded default: a printed development password). */
  ADMIN_USER: z.string().min(2).max(64).default('admin'),
  ADMIN_PASSWORD: z.string().min(10).optional(),
  /** A session ends after this long without a request… */
  SESSION_IDLE_SECONDS: z.coerce.number().int().min(1).max(7 * 86_400).default(1800),
  /** …and this long after sign-in whatever happens (one duty shift). */
  SESSION_MAX_SECONDS: z.coerce.number().int().min(1).max(30 * 86_400).default(12 * 3600),
  /** `Secure` on the session cookie: `auto` when the request came over TLS (see TRUST_PROXY behind a terminator). */
  COOKIE_SECURE: z.enum(['auto', '0', '1', 'true', 'false']).default('auto').transform((v) => (v === 'auto' ? 'auto' as const : v === '1' || v === 'true')),
  /** Behind a reverse proxy: take the client address and scheme from X-Forwarded-For / -Proto. */
  TRUST_PROXY: flag.default(false),
  /** Failed sign-ins for one username before it is locked; the lock doubles with each failure past it. */
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(100).default(5),
  /** …and from one client address (a duty room shares one), whatever the usernames. */
  LOGIN_MAX_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).max(1000).default(20),
  LOGIN_LOCK_SECONDS: z.coerce.number().int().min(1).max(86_400).default(900),
  /** Sign-in attempts per client address per minute, whatever their outcome; past it a 429. */
  LOGIN_RATE_LIMIT: z.coerce.number().int().positive().default(30),
  /** Origins a browser may open the live socket from, besides the server's own (`scheme://host:port`, comma-separated). */
  ALLOWED_ORIGINS: list.default([]),
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
  return {
    ...e,
    DATA_DIR: path.resolve(e.DATA_DIR),
    REGION_DIR: path.resolve(e.REGION_DIR ?? path.join(REPO_ROOT, 'config', 'regions', 'tongguan')),
    RULES_DIR: path.resolve(e.RULES_DIR ?? path.join(REPO_ROOT, 'config', 'rules')),
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
