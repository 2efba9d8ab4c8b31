/**
 * `npm start` (scripts/start.mjs): its steps in a folder of its own (builds the web app only when
 * a source is newer than the build), and the script itself as a new user runs it: the server on
 * PGlite in the data folder, the sample workspace and demo sign-ins on the first start only, the
 * URL and the sign-ins printed, everything still there on the next start.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const folder = mkdtempSync(join(tmpdir(), 'clearway-start-'));

afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});

interface StartModule {
  start(options: Record<string, unknown>): Promise<{ builtWeb: boolean; entry: string }>;
  webBuildIsStale(root: string): boolean;
}

const loadStart = async () => (await import(join(REPO_ROOT, 'scripts', 'start.mjs'))) as StartModule;

function writeAt(path: string, seconds: number, text = 'x'): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  utimesSync(path, seconds, seconds);
  // A folder's own time counts as a source's too (an added or removed file).
  utimesSync(join(path, '..'), seconds, seconds);
}

describe('start’s steps', () => {
  it('installs, builds the web app when it is missing or stale, builds the server, launches its bundle — in that order', async () => {
    const { start, webBuildIsStale } = await loadStart();
    const root = join(folder, 'repo');
    writeAt(join(root, 'web', 'src', 'main.ts'), 1_000);
    writeAt(join(root, 'core', 'src', 'index.ts'), 1_000);
    writeAt(join(root, 'package-lock.json'), 1_000, '{}');
    const steps: string[] = [];
    const run = (options: Record<string, unknown> = {}) =>
      start({
        root,
        env: {},
        install: () => steps.push('install'),
        run: (command: string) => steps.push(`run ${command}`),
        buildServer: () => steps.push('build server'),
        launch: (entry: string) => steps.push(`launch ${entry}`),
        log: () => undefined,
        ...options,
      });

    // No build yet.
    expect(webBuildIsStale(root)).toBe(true);
    expect(await run()).toEqual({ builtWeb: true, entry: join(root, 'server', 'dist', 'main.mjs') });
    expect(steps).toEqual(['install', 'run npm run build -w web', 'build server', `launch ${join(root, 'server', 'dist', 'main.mjs')}`]);

    // A build newer than every source: not built again (the server bundle decides for itself).
    writeAt(join(root, 'web', 'dist', 'index.html'), 2_000);
    steps.length = 0;
    expect((await run()).builtWeb).toBe(false);
    expect(steps).toEqual(['install', 'build server', `launch ${join(root, 'server', 'dist', 'main.mjs')}`]);

    // A change in core (bundled into the web app) makes it stale; so does the lock file.
    writeAt(join(root, 'core', 'src', 'money.ts'), 3_000);
    expect(webBuildIsStale(root)).toBe(true);
    writeAt(join(root, 'web', 'dist', 'index.html'), 4_000);
    expect(webBuildIsStale(root)).toBe(false);
    writeAt(join(root, 'package-lock.json'), 5_000, '{}');
    expect(webBuildIsStale(root)).toBe(true);

    // Serving another folder (CLEARWAY_WEB_DIST): nothing of web/ is built.
    steps.length = 0;
    expect((await run({ env: { CLEARWAY_WEB_DIST: '/srv/clearway/web' } })).builtWeb).toBe(false);
    expect(steps.some((step) => step.startsWith('run '))).toBe(false);
  });
});

/** `node scripts/start.mjs` until it prints its ready line; the output so far and the URL. */
async function startScript(env: Record<string, string>): Promise<{ child: ChildProcess; output: () => string; url: string }> {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'scripts', 'start.mjs')], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let printed = '';
  child.stdout!.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start was not ready within 150 s:\n${printed}`)), 150_000);
    const check = () => {
      const ready = /\[clearway\] ready (http:\/\/\S+)/.exec(printed);
      if (ready) {
        clearTimeout(timer);
        resolve(ready[1]!);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited with ${code}:\n${printed}`));
    });
  });
  return { child, output: () => printed, url };
}

function stop(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    child.kill('SIGTERM');
  });
}

async function signIn(url: string, email: string): Promise<number> {
  const response = await fetch(`${url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url },
    body: JSON.stringify({ email, password: 'clearway-demo' }),
  });
  return response.status;
}

describe('node scripts/start.mjs', () => {
  it('starts on PGlite in the data folder, seeds and prints the demo sign-ins on the first start only, keeps them on the next', async () => {
    const dataDir = join(folder, 'data');
    const webDist = join(folder, 'web-dist');
    writeAt(join(webDist, 'index.html'), Date.now() / 1000, '<!doctype html><title>Clearway</title>');
    const env = {
      CLEARWAY_DATA_DIR: dataDir,
      CLEARWAY_WEB_DIST: webDist,
      CLEARWAY_SAMPLE_PROJECTS: '6',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'warn',
      DATABASE_URL: '',
      SESSION_SECRET: '',
    };

    const first = await startScript(env);
    try {
      const output = first.output();
      expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(output).toContain(`Clearway team server is running: ${first.url}`);
      expect(output).toContain(`database: embedded PGlite in ${dataDir}`);
      expect(output).toContain('first start: seeded the sample workspace');
      for (const email of ['admin@clearway.local', 'staff@clearway.local', 'icbc@clearway.local', 'leader@clearway.local']) {
        expect(output).toMatch(new RegExp(`${email.replace('.', '\\.')}\\s+clearway-demo`));
      }
      expect(existsSync(join(dataDir, 'pglite'))).toBe(true);
      expect(existsSync(join(dataDir, 'session-secret'))).toBe(true);
      expect(await (await fetch(`${first.url}/api/health`)).json()).toMatchObject({ ok: true, database: 'pglite' });
      expect(await signIn(first.url, 'staff@clearway.local')).toBe(200);
    } finally {
      expect(await stop(first.child)).toBe(0);
    }

    const second = await startScript(env);
    try {
      const output = second.output();
      expect(output).not.toContain('first start: seeded');
      // The sign-ins made on the first start are still there, and still printed.
      expect(output).toMatch(/staff@clearway\.local\s+clearway-demo/);
      expect(await signIn(second.url, 'icbc@clearway.local')).toBe(200);
    } finally {
      expect(await stop(second.child)).toBe(0);
    }
  }, 300_000);
});
