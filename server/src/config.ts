/**
 * The one reader of the process environment in server/. Everything else receives a ServerConfig,
 * so the app can be built in tests with any settings and no environment at all.
 *
 *   DATABASE_URL        postgres://… ; absent: the embedded PGlite database in the data folder
 *   CLEARWAY_DATA_DIR   the data folder (PGlite files, the generated session secret); default ./data
 *   HOST                default 127.0.0.1 (this machine only); 0.0.0.0 serves the office network
 *   PORT                default 8787
 *   SESSION_SECRET      keys the session-token hashes; absent: generated once into the data folder
 *                       (several processes on one PostgreSQL must share it: set it explicitly there)
 *   TRUST_PROXY         behind a reverse proxy: true, a hop count, or the proxy addresses (comma-separated)
 *   ALLOWED_ORIGINS     extra origins allowed to send state-changing requests (comma-separated);
 *                       the server's own origin (the request's Host) is always allowed
 *   COOKIE_SECURE       true when the site is served over https (the proxy terminates TLS)
 *   LOG_LEVEL           pino level, default info
 *   CLEARWAY_SEED_DEMO  false: do not seed the sample workspace and demo accounts on first start
 *   CLEARWAY_SAMPLE_PROJECTS  how many projects the first-start sample has (default core's 48)
 *   CLEARWAY_PUBLIC_URL the address people open the app at, for the links in digests and reminders
 *                       (e.g. https://clearway.example.gov.cn); absent: messages carry no links
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ServerConfig {
  databaseUrl: string | null;
  dataDir: string;
  host: string;
  port: number;
  sessionSecret: string;
  trustProxy: boolean | number | string[];
  allowedOrigins: string[];
  cookieSecure: boolean;
  logLevel: string;
  seedDemo: boolean;
  /** Where people open the app, for links in digests; null: no links. */
  publicUrl: string | null;
  /** Projects in the first-start sample; null: core's default. */
  sampleProjects: number | null;
  /** The built SPA (web/dist); the server answers 503 on `/` when it is missing. */
  webDist: string;
  /** How long a session lives without use. */
  sessionTtlMs: number;
  /** Login throttling: failed attempts allowed per account and per address in `loginWindowMs`. */
  loginMaxFailuresPerAccount: number;
  loginMaxFailuresPerAddress: number;
  loginWindowMs: number;
}

export const DEFAULT_PORT = 8787;
const SECRET_FILE = 'session-secret';

/** server/src/config.ts and the bundle server/dist/main.mjs both sit two folders below the repository. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

function parseBoolean(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value.trim() === '') return fallback;
  return ['1', 'true', 'yes', 'on'].includes(value.trim().toLowerCase());
}

function parseTrustProxy(value: string | undefined): boolean | number | string[] {
  if (value === undefined || value.trim() === '') return false;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  if (['true', 'false', '1', '0', 'yes', 'no'].includes(text.toLowerCase())) return parseBoolean(text, false);
  return text.split(',').map((part) => part.trim()).filter(Boolean);
}

function parsePort(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_PORT;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be 0–65535, got ${value}`);
  return port;
}

function parseCount(value: string | undefined, name: string): number | null {
  if (value === undefined || value.trim() === '') return null;
  const count = Number(value);
  if (!Number.isInteger(count) || count < 0 || count > 20_000) throw new Error(`${name} must be a whole number up to 20000, got ${value}`);
  return count;
}

/** The secret from the data folder, written there (owner-only) on first start. */
export function loadOrCreateSecret(dataDir: string): string {
  const file = join(dataDir, SECRET_FILE);
  if (existsSync(file)) {
    const secret = readFileSync(file, 'utf8').trim();
    if (secret.length >= 32) return secret;
  }
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): ServerConfig {
  const dataDir = resolve(cwd, env.CLEARWAY_DATA_DIR?.trim() || 'data');
  const databaseUrl = env.DATABASE_URL?.trim() || null;
  return {
    databaseUrl,
    dataDir,
    host: env.HOST?.trim() || '127.0.0.1',
    port: parsePort(env.PORT),
    sessionSecret: env.SESSION_SECRET?.trim() || loadOrCreateSecret(dataDir),
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    allowedOrigins: (env.ALLOWED_ORIGINS ?? '').split(',').map((origin) => origin.trim().replace(/\/$/, '')).filter(Boolean),
    cookieSecure: parseBoolean(env.COOKIE_SECURE, false),
    logLevel: env.LOG_LEVEL?.trim() || 'info',
    seedDemo: parseBoolean(env.CLEARWAY_SEED_DEMO, true),
    sampleProjects: parseCount(env.CLEARWAY_SAMPLE_PROJECTS, 'CLEARWAY_SAMPLE_PROJECTS'),
    publicUrl: env.CLEARWAY_PUBLIC_URL?.trim().replace(/\/+$/, '') || null,
    webDist: resolve(cwd, env.CLEARWAY_WEB_DIST?.trim() || join(REPO_ROOT, 'web', 'dist')),
    sessionTtlMs: 7 * 24 * 3600_000,
    loginMaxFailuresPerAccount: 5,
    loginMaxFailuresPerAddress: 20,
    loginWindowMs: 15 * 60_000,
  };
}

/** A config for tests and benches: nothing read from the environment or the disk. */
export function testConfig(overrides: Partial<ServerConfig> = {}): ServerConfig {
  return {
    databaseUrl: null,
    dataDir: '',
    host: '127.0.0.1',
    port: 0,
    sessionSecret: 'test-secret-test-secret-test-secret!',
    trustProxy: false,
    allowedOrigins: [],
    cookieSecure: false,
    logLevel: 'silent',
    seedDemo: false,
    sampleProjects: null,
    publicUrl: null,
    webDist: join(REPO_ROOT, 'web', 'dist'),
    sessionTtlMs: 3600_000,
    loginMaxFailuresPerAccount: 5,
    loginMaxFailuresPerAddress: 20,
    loginWindowMs: 15 * 60_000,
    ...overrides,
  };
}
