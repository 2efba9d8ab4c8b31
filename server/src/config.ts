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
 *   CLEARWAY_WEB_DIST   the built web app to serve; default web/dist of this repository
 *   CLEARWAY_CHANGE_LOG_DAYS  how many days the change log (for change feeds that reconnect) is
 *                       kept, 1–365, default 7; a feed away longer reloads everything
 *
 * A value that cannot be read stops the start with a message naming the variable: a typo in
 * COOKIE_SECURE must not quietly serve the site with insecure cookies.
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
  /** Sign-ins being checked at once from one address (each costs a password hash). */
  loginMaxInFlightPerAddress: number;
  loginWindowMs: number;
  /** How long the change log keeps its rows (pruned hourly by the scheduler). */
  changeLogRetentionMs: number;
}

export const DEFAULT_PORT = 8787;
const SECRET_FILE = 'session-secret';

/** server/src/config.ts and the bundle server/dist/main.mjs both sit two folders below the repository. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const DEFAULT_CHANGE_LOG_DAYS = 7;
const DAY_MS = 24 * 3600_000;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const MIN_SECRET_LENGTH = 32;

/** A setting that cannot be read; the message names the variable and what it takes. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly variable: string,
    expected: string,
    value: string,
  ) {
    super(`${variable} must be ${expected}, got "${value}"`);
  }
}

const TRUE_WORDS = ['1', 'true', 'yes', 'on'];
const FALSE_WORDS = ['0', 'false', 'no', 'off'];

function parseBoolean(value: string | undefined, fallback: boolean, name: string): boolean {
  if (value === undefined || value.trim() === '') return fallback;
  const word = value.trim().toLowerCase();
  if (TRUE_WORDS.includes(word)) return true;
  if (FALSE_WORDS.includes(word)) return false;
  throw new ConfigError(name, 'true or false', value);
}

function parseTrustProxy(value: string | undefined): boolean | number | string[] {
  if (value === undefined || value.trim() === '') return false;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  if ([...TRUE_WORDS, ...FALSE_WORDS].includes(text.toLowerCase())) return parseBoolean(text, false, 'TRUST_PROXY');
  const addresses = text.split(',').map((part) => part.trim()).filter(Boolean);
  // proxy-addr takes addresses, CIDR ranges and the names loopback / linklocal / uniquelocal.
  for (const address of addresses) {
    if (!/^[0-9a-f.:]+(\/\d{1,3})?$/i.test(address) && !['loopback', 'linklocal', 'uniquelocal'].includes(address)) {
      throw new ConfigError('TRUST_PROXY', 'true, false, a hop count, or proxy addresses separated by commas', value);
    }
  }
  return addresses;
}

function parsePort(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_PORT;
  const port = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || port > 65535) throw new ConfigError('PORT', 'a port number 0–65535', value);
  return port;
}

function parseCount(value: string | undefined, name: string): number | null {
  if (value === undefined || value.trim() === '') return null;
  const count = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || count > 20_000) throw new ConfigError(name, 'a whole number up to 20000', value);
  return count;
}

function parseDays(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined || value.trim() === '') return fallback * DAY_MS;
  const days = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || days < 1 || days > 365) throw new ConfigError(name, 'a whole number of days 1–365', value);
  return days * DAY_MS;
}

/** An http(s) address without a path, as a browser's Origin header carries it. */
function parseOrigin(value: string, name: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(name, 'http(s) origins such as https://clearway.example.gov.cn, separated by commas', value);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || (url.pathname !== '/' && url.pathname !== '')) {
    throw new ConfigError(name, 'http(s) origins such as https://clearway.example.gov.cn, separated by commas', value);
  }
  return url.origin;
}

function parsePublicUrl(value: string | undefined): string | null {
  const text = value?.trim().replace(/\/+$/, '');
  if (!text) return null;
  let url: URL | null = null;
  try {
    url = new URL(text);
  } catch {
    url = null;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new ConfigError('CLEARWAY_PUBLIC_URL', 'an http(s) address such as https://clearway.example.gov.cn', value ?? '');
  }
  return text;
}

function parseLogLevel(value: string | undefined): string {
  const level = value?.trim().toLowerCase();
  if (!level) return 'info';
  if (!LOG_LEVELS.includes(level)) throw new ConfigError('LOG_LEVEL', `one of ${LOG_LEVELS.join(', ')}`, value ?? '');
  return level;
}

function parseSecret(value: string | undefined, dataDir: string): string {
  const secret = value?.trim();
  if (!secret) return loadOrCreateSecret(dataDir);
  if (secret.length < MIN_SECRET_LENGTH) throw new ConfigError('SESSION_SECRET', `at least ${MIN_SECRET_LENGTH} characters`, '…');
  return secret;
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
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL', 'a postgres:// or postgresql:// address (leave it unset for the embedded database)', databaseUrl.replace(/\/\/[^@/]*@/, '//…@'));
  }
  return {
    databaseUrl,
    dataDir,
    host: env.HOST?.trim() || '127.0.0.1',
    port: parsePort(env.PORT),
    sessionSecret: parseSecret(env.SESSION_SECRET, dataDir),
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    allowedOrigins: (env.ALLOWED_ORIGINS ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean)
      .map((origin) => parseOrigin(origin, 'ALLOWED_ORIGINS')),
    cookieSecure: parseBoolean(env.COOKIE_SECURE, false, 'COOKIE_SECURE'),
    logLevel: parseLogLevel(env.LOG_LEVEL),
    seedDemo: parseBoolean(env.CLEARWAY_SEED_DEMO, true, 'CLEARWAY_SEED_DEMO'),
    sampleProjects: parseCount(env.CLEARWAY_SAMPLE_PROJECTS, 'CLEARWAY_SAMPLE_PROJECTS'),
    publicUrl: parsePublicUrl(env.CLEARWAY_PUBLIC_URL),
    webDist: resolve(cwd, env.CLEARWAY_WEB_DIST?.trim() || join(REPO_ROOT, 'web', 'dist')),
    sessionTtlMs: 7 * DAY_MS,
    loginMaxFailuresPerAccount: 5,
    loginMaxFailuresPerAddress: 20,
    // Above an office's morning (50 people behind one NAT address), far below a flood.
    loginMaxInFlightPerAddress: 64,
    loginWindowMs: 15 * 60_000,
    changeLogRetentionMs: parseDays(env.CLEARWAY_CHANGE_LOG_DAYS, 'CLEARWAY_CHANGE_LOG_DAYS', DEFAULT_CHANGE_LOG_DAYS),
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
    loginMaxInFlightPerAddress: 64,
    loginWindowMs: 15 * 60_000,
    changeLogRetentionMs: DEFAULT_CHANGE_LOG_DAYS * DAY_MS,
    ...overrides,
  };
}
