import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_PORT, loadConfig, REPO_ROOT } from './config';

const SECRET = 'a-session-secret-of-at-least-32-chars';
const DAY_MS = 24 * 3600_000;

let cwd: string;
beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), 'clearway-config-'));
});
afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
});

/** loadConfig in the temporary folder with a session secret set (unless the test is about it). */
const load = (env: Record<string, string | undefined> = {}) => loadConfig({ SESSION_SECRET: SECRET, ...env }, cwd);

function refusal(env: Record<string, string | undefined>): ConfigError {
  try {
    load(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig defaults (nothing set)', () => {
  it('PGlite in ./data on 127.0.0.1:8787, demo seeded, no proxy, no extra origins, info logs, a week of change log', () => {
    const config = loadConfig({}, cwd);
    expect(config).toMatchObject({
      databaseUrl: null,
      dataDir: join(cwd, 'data'),
      host: '127.0.0.1',
      port: DEFAULT_PORT,
      trustProxy: false,
      allowedOrigins: [],
      cookieSecure: false,
      logLevel: 'info',
      seedDemo: true,
      sampleProjects: null,
      publicUrl: null,
      webDist: join(REPO_ROOT, 'web', 'dist'),
      changeLogRetentionMs: 7 * DAY_MS,
      loginMaxFailuresPerAccount: 5,
      loginMaxFailuresPerAddress: 20,
    });
    expect(DEFAULT_PORT).toBe(8787);
  });

  it('generates the session secret once into the data folder, owner-only, and reads it back on the next start', () => {
    const first = loadConfig({}, cwd);
    const file = join(cwd, 'data', 'session-secret');
    expect(first.sessionSecret.length).toBeGreaterThanOrEqual(32);
    expect(readFileSync(file, 'utf8').trim()).toBe(first.sessionSecret);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(loadConfig({}, cwd).sessionSecret).toBe(first.sessionSecret);
  });

  it('blank values count as unset', () => {
    const config = load({ PORT: ' ', HOST: '', COOKIE_SECURE: '', CLEARWAY_CHANGE_LOG_DAYS: '', LOG_LEVEL: ' ', DATABASE_URL: ' ' });
    expect(config).toMatchObject({ port: DEFAULT_PORT, host: '127.0.0.1', cookieSecure: false, changeLogRetentionMs: 7 * DAY_MS, logLevel: 'info', databaseUrl: null });
  });
});

describe('loadConfig reads each variable', () => {
  it('DATABASE_URL', () => {
    expect(load({ DATABASE_URL: ' postgres://clearway@db.local:5432/clearway ' }).databaseUrl).toBe('postgres://clearway@db.local:5432/clearway');
    expect(load({ DATABASE_URL: 'postgresql://db/clearway' }).databaseUrl).toBe('postgresql://db/clearway');
  });

  it('CLEARWAY_DATA_DIR, relative to the working folder or absolute', () => {
    expect(load({ CLEARWAY_DATA_DIR: 'office-data' }).dataDir).toBe(join(cwd, 'office-data'));
    expect(load({ CLEARWAY_DATA_DIR: join(cwd, 'abs') }).dataDir).toBe(join(cwd, 'abs'));
    // The generated secret goes into that folder.
    loadConfig({ CLEARWAY_DATA_DIR: 'office-data' }, cwd);
    expect(readFileSync(join(cwd, 'office-data', 'session-secret'), 'utf8').trim().length).toBeGreaterThanOrEqual(32);
  });

  it('HOST and PORT', () => {
    expect(load({ HOST: '0.0.0.0', PORT: '9000' })).toMatchObject({ host: '0.0.0.0', port: 9000 });
    expect(load({ PORT: '0' }).port).toBe(0);
  });

  it('SESSION_SECRET wins over the data folder and writes nothing there', () => {
    expect(load().sessionSecret).toBe(SECRET);
    expect(() => statSync(join(cwd, 'data', 'session-secret'))).toThrow();
  });

  it('TRUST_PROXY: a flag, a hop count, or addresses', () => {
    expect(load({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(load({ TRUST_PROXY: 'no' }).trustProxy).toBe(false);
    expect(load({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(load({ TRUST_PROXY: '10.0.0.1, 192.168.0.0/16,loopback' }).trustProxy).toEqual(['10.0.0.1', '192.168.0.0/16', 'loopback']);
  });

  it('ALLOWED_ORIGINS as origins', () => {
    expect(load({ ALLOWED_ORIGINS: 'https://clearway.example.gov.cn/, http://10.1.2.3:8787 ,' }).allowedOrigins).toEqual([
      'https://clearway.example.gov.cn',
      'http://10.1.2.3:8787',
    ]);
  });

  it('COOKIE_SECURE and CLEARWAY_SEED_DEMO as true/false words', () => {
    expect(load({ COOKIE_SECURE: 'TRUE', CLEARWAY_SEED_DEMO: 'off' })).toMatchObject({ cookieSecure: true, seedDemo: false });
    expect(load({ COOKIE_SECURE: '0', CLEARWAY_SEED_DEMO: 'yes' })).toMatchObject({ cookieSecure: false, seedDemo: true });
  });

  it('LOG_LEVEL, CLEARWAY_SAMPLE_PROJECTS, CLEARWAY_PUBLIC_URL, CLEARWAY_WEB_DIST, CLEARWAY_CHANGE_LOG_DAYS', () => {
    expect(
      load({
        LOG_LEVEL: 'Warn',
        CLEARWAY_SAMPLE_PROJECTS: '12',
        CLEARWAY_PUBLIC_URL: 'https://clearway.example.gov.cn/',
        CLEARWAY_WEB_DIST: 'build/web',
        CLEARWAY_CHANGE_LOG_DAYS: '30',
      }),
    ).toMatchObject({
      logLevel: 'warn',
      sampleProjects: 12,
      publicUrl: 'https://clearway.example.gov.cn',
      webDist: join(cwd, 'build', 'web'),
      changeLogRetentionMs: 30 * DAY_MS,
    });
  });
});

describe('loadConfig refuses what it cannot read, naming the variable', () => {
  it.each([
    ['PORT', 'eighty', 'a port number'],
    ['PORT', '70000', 'a port number'],
    ['PORT', '-1', 'a port number'],
    ['PORT', '80.5', 'a port number'],
    ['DATABASE_URL', 'mysql://db/clearway', 'postgres://'],
    ['SESSION_SECRET', 'short', 'at least 32 characters'],
    ['TRUST_PROXY', 'the nginx box', 'hop count'],
    ['ALLOWED_ORIGINS', 'clearway.example.gov.cn', 'http(s) origins'],
    ['ALLOWED_ORIGINS', 'https://clearway.example.gov.cn/app', 'http(s) origins'],
    ['COOKIE_SECURE', 'ture', 'true or false'],
    ['CLEARWAY_SEED_DEMO', 'nope', 'true or false'],
    ['LOG_LEVEL', 'verbose', 'one of fatal'],
    ['CLEARWAY_SAMPLE_PROJECTS', 'many', 'a whole number'],
    ['CLEARWAY_SAMPLE_PROJECTS', '50000', 'a whole number'],
    ['CLEARWAY_PUBLIC_URL', 'clearway.example.gov.cn', 'an http(s) address'],
    ['CLEARWAY_PUBLIC_URL', 'ftp://clearway.example.gov.cn', 'an http(s) address'],
    ['CLEARWAY_CHANGE_LOG_DAYS', '0', '1–365'],
    ['CLEARWAY_CHANGE_LOG_DAYS', '1.5', '1–365'],
    ['CLEARWAY_CHANGE_LOG_DAYS', 'a week', '1–365'],
    ['CLEARWAY_CHANGE_LOG_DAYS', '400', '1–365'],
  ])('%s=%s', (variable, value, expected) => {
    const error = refusal({ [variable]: value });
    expect(error.variable).toBe(variable);
    expect(error.message).toMatch(new RegExp(`^${variable} must be `));
    expect(error.message).toContain(expected);
  });

  it('never repeats a secret or a database password in the message', () => {
    expect(refusal({ SESSION_SECRET: 'hunter2' }).message).not.toContain('hunter2');
    expect(refusal({ DATABASE_URL: 'mysql://admin:hunter2@db/clearway' }).message).not.toContain('hunter2');
  });
});
