/**
 * Browser-test harness: serves the built app (`web/dist`, made by `npm run build` before the
 * browser tests run) from a tiny static server with an SPA fallback on a free port, drives
 * Debian's Chromium through playwright-core, and gives every test a fresh browser context, so a
 * fresh IndexedDB and so a freshly seeded sample workspace. It builds nothing itself.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';

/** The checkout root, found upwards from this file (it also runs bundled, from a cache folder). */
function findRepoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'web', 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the repository root (a folder with web/package.json)');
    dir = parent;
  }
  return resolve(dir);
}

export const REPO_ROOT = findRepoRoot();
export const WEB_DIST = join(REPO_ROOT, 'web', 'dist');
export const RESULTS_DIR = join(REPO_ROOT, 'test-results');

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export function chromiumPath(): string {
  const found = [process.env.CHROMIUM_PATH, ...CHROMIUM_CANDIDATES].find((path) => path && existsSync(path));
  if (!found) {
    throw new Error('No Chromium found: run `node scripts/ensure-chromium.mjs` (or set CHROMIUM_PATH).');
  }
  return found;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.webmanifest': 'application/manifest+json',
  '.txt': 'text/plain; charset=utf-8',
};

export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

export interface StaticOptions {
  /**
   * Serve the hashed files under /assets/ as immutable (index.html is revalidated), as a static
   * host and the team server do: a reload then takes the scripts from the HTTP cache with V8's
   * cached code, as a person's browser does. Without it (the tests) nothing is cached.
   */
  cacheAssets?: boolean;
}

/** Serves `root` on 127.0.0.1 at a free port; unknown paths get index.html (client-side routes). */
export async function serveStatic(root: string = WEB_DIST, options: StaticOptions = {}): Promise<StaticServer> {
  const index = join(root, 'index.html');
  if (!existsSync(index)) {
    throw new Error(`${index} is missing: build the app first with \`npm run build\` (npm test does).`);
  }
  const server: Server = createServer((request, response) => {
    const pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    const candidate = normalize(join(root, pathname));
    const inside = candidate === root || candidate.startsWith(root + sep);
    const isFile = inside && existsSync(candidate) && statSync(candidate).isFile();
    const file = isFile ? candidate : index;
    const immutable = options.cacheAssets === true && isFile && pathname.startsWith('/assets/');
    response.writeHead(200, {
      'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : options.cacheAssets ? 'no-cache' : 'no-store',
    });
    createReadStream(file).pipe(response);
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => done());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

export interface Viewport {
  width: number;
  height: number;
}
export const DESKTOP: Viewport = { width: 1280, height: 800 };
export const PHONE: Viewport = { width: 390, height: 844 };

export interface E2EApp {
  url: string;
  browser: Browser;
  /** A page in a new browser context: its own IndexedDB, localStorage and sample data. */
  newPage(options?: { viewport?: Viewport; locale?: string }): Promise<Page>;
  close(): Promise<void>;
}

/**
 * Starts the server and the browser. Playwright launches Chromium with a fresh temporary
 * user-data-dir of its own, and every `newPage` opens a new context inside it.
 */
export async function startApp(): Promise<E2EApp> {
  const server = await serveStatic();
  let browser: Browser;
  try {
    browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS });
  } catch (error) {
    await server.close();
    throw error;
  }
  const contexts = new Set<BrowserContext>();
  return {
    url: server.url,
    browser,
    async newPage(options = {}) {
      const context = await browser.newContext({
        baseURL: server.url,
        viewport: options.viewport ?? DESKTOP,
        locale: options.locale ?? 'zh-CN',
        timezoneId: 'Asia/Shanghai',
      });
      contexts.add(context);
      context.on('close', () => contexts.delete(context));
      context.setDefaultTimeout(15_000);
      const page = await context.newPage();
      watchErrors(page);
      return page;
    },
    async close() {
      await Promise.all([...contexts].map((context) => context.close().catch(() => undefined)));
      await browser.close().catch(() => undefined);
      await server.close();
    },
  };
}

const pageErrors = new WeakMap<Page, string[]>();

/** Uncaught errors and console errors of a page, for the failure report. */
function watchErrors(page: Page): void {
  const errors: string[] = [];
  pageErrors.set(page, errors);
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console.error: ${message.text()}`);
  });
}

export function errorsOf(page: Page): string[] {
  return pageErrors.get(page) ?? [];
}

/** Saves a screenshot and prints the page's errors; call from `onTestFailed`. */
export async function reportFailure(page: Page, name: string): Promise<void> {
  const dir = join(RESULTS_DIR, 'e2e');
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${name.replace(/[^\w\u4e00-\u9fff-]+/g, '_')}.png`);
  await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
  console.error(`[e2e] ${name}: screenshot ${file}\n${errorsOf(page).join('\n')}`);
}

// ---- board helpers (selectors come from the board components' data attributes) ----

export function columnList(page: Page, stage: string): Locator {
  return page.locator(`ol[data-stage="${stage}"]`);
}

export function cardOf(page: Page, projectId: string): Locator {
  return page.locator(`article[data-project-id="${projectId}"]`);
}

/** Loads `path` and waits until the board shows its cards. */
export async function openBoard(page: Page, path = '/'): Promise<void> {
  await page.goto(path);
  await page.locator('article[data-project-id]').first().waitFor({ state: 'visible', timeout: 30_000 });
}

/** Project ids of a column, top to bottom, as rendered. */
export async function cardIdsIn(page: Page, stage: string): Promise<string[]> {
  return columnList(page, stage)
    .locator(':scope > li[data-id]')
    .evaluateAll((items) => items.map((item) => (item as HTMLElement).dataset.id ?? ''));
}

/** The stage column a card is rendered in, or null when it is not on the board. */
export async function stageOfCard(page: Page, projectId: string): Promise<string | null> {
  return page.evaluate((id) => {
    const item = document.querySelector(`li[data-id="${id}"]`);
    return (item?.closest('ol[data-stage]') as HTMLElement | null)?.dataset.stage ?? null;
  }, projectId);
}

/**
 * Drags a card with the real mouse (SortableJS listens to native drag events, which Chromium
 * raises from mouse input) onto the top of another column, or onto the list when it is empty.
 */
export async function dragCardTo(page: Page, projectId: string, toStage: string): Promise<void> {
  const source = page.locator(`li[data-id="${projectId}"]`);
  // SortableJS is fetched after the first paint in the built app: drag only once both lists take drags.
  await page.locator(`ol[data-sortable="ready"] > li[data-id="${projectId}"]`).waitFor({ state: 'attached', timeout: 30_000 });
  await page.locator(`ol[data-stage="${toStage}"][data-sortable="ready"]`).waitFor({ state: 'attached', timeout: 30_000 });
  await source.scrollIntoViewIfNeeded();
  const target = columnList(page, toStage);
  await target.scrollIntoViewIfNeeded();
  const from = await source.boundingBox();
  const firstCard = target.locator(':scope > li[data-id]').first();
  const to = (await firstCard.count()) > 0 ? await firstCard.boundingBox() : await target.boundingBox();
  if (!from || !to) throw new Error(`cannot drag ${projectId} to ${toStage}: not on screen`);
  const start = { x: from.x + from.width / 2, y: from.y + Math.min(20, from.height / 2) };
  const end = { x: to.x + to.width / 2, y: to.y + Math.min(12, to.height / 4) };
  await page.mouse.move(start.x, start.y);
  await page.mouse.down();
  await page.mouse.move(start.x + 8, start.y + 8, { steps: 4 });
  await page.mouse.move(end.x, end.y, { steps: 20 });
  await page.mouse.move(end.x, end.y + 2, { steps: 2 });
  await page.mouse.up();
}

/** Picks an identity in the header's switcher by (part of) its label, e.g. 工商银行. */
export async function switchIdentity(page: Page, labelPart: string | RegExp): Promise<void> {
  await page.locator('[data-test="identity-switcher"]').click();
  await page.getByRole('option', { name: labelPart }).first().click();
}
