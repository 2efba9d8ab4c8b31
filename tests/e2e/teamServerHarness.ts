/**
 * The team server as `npm start` runs it, for the browser tests: the bundled entry
 * (server/dist/main.mjs, rebuilt by scripts/build-server.mjs when stale) as a child process on a
 * temporary PGlite data folder and a free loopback port, serving the built web app (web/dist).
 * It can be stopped (SIGTERM: a graceful shutdown) and started again on the same folder and port.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { REPO_ROOT, WEB_DIST } from './harness';

/** The sample sign-ins the server makes on first start (server/src/auth/firstStart.ts). */
export const DEMO_PASSWORD = 'clearway-demo';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface TeamServer {
  readonly url: string;
  /** Everything the process printed, for failure reports. */
  readonly output: string[];
  start(): Promise<void>;
  /** SIGTERM and wait for the process to exit. */
  stop(): Promise<void>;
  /** Stops the process and removes its data folder. */
  dispose(): Promise<void>;
}

export async function createTeamServer(): Promise<TeamServer> {
  if (!existsSync(join(WEB_DIST, 'index.html'))) {
    throw new Error(`${WEB_DIST}/index.html is missing: build the app first with \`npm run build\` (npm test does).`);
  }
  execFileSync(process.execPath, [join(REPO_ROOT, 'scripts', 'build-server.mjs')], { cwd: REPO_ROOT, stdio: 'pipe' });
  const dataDir = await mkdtemp(join(tmpdir(), 'clearway-e2e-server-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const output: string[] = [];
  let child: ChildProcess | null = null;

  async function start(): Promise<void> {
    if (child) throw new Error('the server is already running');
    const started = spawn(process.execPath, [join(REPO_ROOT, 'server', 'dist', 'main.mjs')], {
      cwd: REPO_ROOT,
      env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), CLEARWAY_DATA_DIR: dataDir, LOG_LEVEL: 'warn', DATABASE_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = started;
    let printed = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the server did not start within 120 s:\n${output.join('')}`)), 120_000);
      const onData = (chunk: Buffer) => {
        output.push(chunk.toString());
        printed += chunk.toString();
        if (printed.includes(`[clearway] ready ${url}`)) {
          clearTimeout(timer);
          resolve();
        }
      };
      started.stdout?.on('data', onData);
      started.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      started.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the server exited with ${code} before it was ready:\n${output.join('')}`));
      });
    });
  }

  async function stop(): Promise<void> {
    const running = child;
    if (!running) return;
    child = null;
    if (running.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => running.kill('SIGKILL'), 30_000);
      running.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      running.kill('SIGTERM');
    });
  }

  await start();
  return {
    url,
    output,
    start,
    stop,
    async dispose() {
      await stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Element Plus puts a field's data-test on its <input>. */
export function signInField(page: Page, name: string) {
  return page.locator(`input[data-test="${name}"], [data-test="${name}"] input`).first();
}

/** Signs in on the sign-in page and waits for the board. */
export async function signIn(page: Page, email: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto('/sign-in');
  await signInField(page, 'sign-in-email').fill(email);
  await signInField(page, 'sign-in-password').fill(password);
  await page.locator('[data-test="sign-in-submit"]').click();
  await page.locator('article[data-project-id]').first().waitFor({ state: 'visible', timeout: 30_000 });
}

/** A request made by hand from the page (same origin, the page's session cookie). */
export async function postFromPage(page: Page, path: string, body: unknown): Promise<{ status: number; body: { error?: { code?: string; messageKey?: string } } }> {
  return page.evaluate(
    async ({ path, body }) => {
      const response = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: response.status, body: (await response.json().catch(() => ({}))) as { error?: { code?: string; messageKey?: string } } };
    },
    { path, body },
  );
}
