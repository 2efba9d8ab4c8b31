/**
 * Board figures in Chromium (playwright-core), on the app as the runner built it (`.bench/web-dist`) and the local
 * backend with generated workspaces (`?sample=N`): the time from the board's data arriving to
 * the painted board (the app's `clearway:data-ready` and `clearway:board-painted` marks), the JS
 * heap after a full garbage collection, and the time from choosing "移到…" in a card's menu
 * until the card's element sits in the target column (a MutationObserver in the page).
 * The render figure is budgeted as a ratio (5,000 cards vs 500), so the machine's speed cancels.
 */
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CHROMIUM_ARGS, chromiumPath, serveStatic } from '../tests/e2e/harness';
import { BENCH_WEB_DIST } from './lib/paths';
import { atMost, figure, median, progress, round, runSuite, under, type Figure } from './lib/figures';
import { measureNavigation, waitForMark, type NavigationRun, type NavigationTarget } from './lib/navigation';
import { startTeamServer } from './lib/teamServer';
import { startFirebaseStack } from './lib/firebaseStack';

/** BENCH_BOARD_SIZES=500 measures one size (a quick look on a busy machine); the budgets need both. */
const SIZES: readonly number[] = process.env.BENCH_BOARD_SIZES ? process.env.BENCH_BOARD_SIZES.split(',').map(Number) : [500, 5000];
const RELOADS = 5;
const MOVES = 5;
const FROM_STAGE = 'approval';
const TO_STAGE = 'diligence';
const READY_MARK = 'clearway:data-ready';
const PAINTED_MARK = 'clearway:board-painted';

interface BoardRun {
  renders: number[];
  heapMb: number;
  moves: number[];
  movesPainted: number[];
  /** The same moves through the board store, without the menu. */
  storeMoves: number[];
  cards: number;
  /** Paths of the scripts the page fetched before the board was painted. */
  scriptsBeforePaint: string[];
}

async function waitForPaint(page: Page): Promise<number> {
  await waitForMark(page, PAINTED_MARK);
  return page.evaluate(
    ([ready, painted]) => {
      const start = performance.getEntriesByName(ready, 'mark')[0];
      const end = performance.getEntriesByName(painted, 'mark')[0];
      if (!start || !end) throw new Error('the board did not set its performance marks');
      return end.startTime - start.startTime;
    },
    [READY_MARK, PAINTED_MARK] as const,
  );
}

async function heapUsedMb(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.enable');
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  await cdp.detach();
  return usedSize / (1024 * 1024);
}

/** The first card of a column that may move (off-flow cards may not). */
async function movableCard(page: Page, stage: string): Promise<string> {
  const id = await page.evaluate((column) => {
    const items = document.querySelectorAll<HTMLElement>(`ol[data-stage="${column}"] > li[data-id]`);
    for (const item of items) if (!item.querySelector('.card__flag')) return item.dataset.id ?? null;
    return null;
  }, stage);
  if (!id) throw new Error(`no movable card in ${stage}`);
  return id;
}

/**
 * Opens a card's "移动到…" menu with the keyboard, as a person without a mouse would. The card
 * mounts its real dropdown when the focus reaches it (a chunk fetched once), so a key pressed
 * while it swaps in may land nowhere: press again until the menu has the focus.
 */
async function openMoveMenu(page: Page, projectId: string): Promise<void> {
  const button = page.locator(`article[data-project-id="${projectId}"] .cw-card__menu-btn`).first();
  await button.scrollIntoViewIfNeeded();
  for (let attempt = 1; ; attempt += 1) {
    await button.focus();
    await page.keyboard.press('Enter');
    try {
      await page.waitForFunction(() => document.activeElement?.getAttribute('role') === 'menuitem', undefined, { timeout: 3_000 });
      return;
    } catch (error) {
      if (attempt >= 5) throw error;
      await page.keyboard.press('Escape');
    }
  }
}

/**
 * Chooses the menu entry that moves the card to `toStage` and times it: from the choice until the
 * card's element is in the target column, and until the frame showing it has been painted.
 */
async function timeMove(page: Page, projectId: string, toStage: string): Promise<{ dom: number; painted: number }> {
  return page.evaluate(
    ({ id, target }) =>
      new Promise<{ dom: number; painted: number }>((resolve, reject) => {
        const heading = document.querySelector(`section[data-stage-column="${target}"] h2`)?.textContent?.trim() ?? '';
        const entries = [...document.querySelectorAll<HTMLElement>('[role="menuitem"]')].filter(
          (entry) => entry.offsetParent !== null && entry.getAttribute('aria-disabled') !== 'true',
        );
        const entry = entries.find((candidate) => heading !== '' && (candidate.textContent ?? '').includes(heading));
        if (!entry) {
          reject(new Error(`no menu entry for ${target} (${heading})`));
          return;
        }
        const inTarget = () => (document.querySelector(`li[data-id="${id}"]`)?.closest('ol[data-stage]') as HTMLElement | null)?.dataset.stage === target;
        const timer = setTimeout(() => reject(new Error(`the card ${id} did not reach ${target}`)), 30_000);
        let started = 0;
        const observer = new MutationObserver(() => {
          if (!inTarget()) return;
          const dom = performance.now() - started;
          observer.disconnect();
          clearTimeout(timer);
          requestAnimationFrame(() => setTimeout(() => resolve({ dom, painted: performance.now() - started }), 0));
        });
        observer.observe(document.body, { childList: true, subtree: true });
        started = performance.now();
        entry.click();
      }),
    { id: projectId, target: toStage },
  );
}

/**
 * The same move without the menu: the board store's `move` (reached through the app's Pinia, as
 * Vue devtools would), timed until the card's element is in the target column. Set beside the menu
 * figure it shows how much of a move is the store and the columns, and how much the menu closing.
 */
async function timeStoreMove(page: Page, projectId: string, toStage: string): Promise<number> {
  return page.evaluate(
    ({ id, target }) =>
      new Promise<number>((resolve, reject) => {
        type BoardStore = { move(projectId: string, toStage: string, index: number): Promise<unknown> };
        const app = (document.querySelector('#app') as (Element & { __vue_app__?: { config: { globalProperties: { $pinia?: { _s: Map<string, unknown> } } } } }) | null)?.__vue_app__;
        const board = app?.config.globalProperties.$pinia?._s.get('board') as BoardStore | undefined;
        if (!board) {
          reject(new Error('the board store is not reachable through the app'));
          return;
        }
        const inTarget = () => (document.querySelector(`li[data-id="${id}"]`)?.closest('ol[data-stage]') as HTMLElement | null)?.dataset.stage === target;
        const timer = setTimeout(() => reject(new Error(`the card ${id} did not reach ${target}`)), 30_000);
        let started = 0;
        const observer = new MutationObserver(() => {
          if (!inTarget()) return;
          observer.disconnect();
          clearTimeout(timer);
          resolve(performance.now() - started);
        });
        observer.observe(document.body, { childList: true, subtree: true });
        started = performance.now();
        void board.move(id, target, 0);
      }),
    { id: projectId, target: toStage },
  );
}

/** Waits until the move is saved (the card is busy while its command is in flight). */
async function settled(page: Page, projectId: string): Promise<void> {
  await page.waitForFunction((id) => document.querySelector(`article[data-project-id="${id}"]`)?.getAttribute('aria-busy') === null, projectId, {
    timeout: 30_000,
  });
}

async function measureBoard(browser: Browser, baseUrl: string, size: number): Promise<BoardRun> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  try {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    progress(`board: seeding ${size} projects`);
    await page.goto(`/?sample=${size}`);
    await waitForPaint(page);
    const scriptsBeforePaint = await page.evaluate((painted) => {
      const paintedAt = performance.getEntriesByName(painted, 'mark')[0]?.startTime ?? Number.POSITIVE_INFINITY;
      return performance
        .getEntriesByType('resource')
        .filter((entry) => entry.name.endsWith('.js') && entry.startTime < paintedAt)
        .map((entry) => new URL(entry.name).pathname);
    }, PAINTED_MARK);
    const cards = await page.evaluate(() => document.querySelectorAll('li[data-id]').length);
    // The first load generates and stores the workspace; the measured loads read it back.
    const renders: number[] = [];
    for (let run = 0; run < RELOADS; run += 1) {
      await page.reload();
      renders.push(await waitForPaint(page));
    }
    progress(`board: ${size} cards, render ${renders.map((t) => t.toFixed(0)).join(', ')} ms`);
    const heapMb = await heapUsedMb(page);

    const moves: number[] = [];
    const movesPainted: number[] = [];
    for (let run = 0; run < MOVES; run += 1) {
      const [from, to] = run % 2 === 0 ? [FROM_STAGE, TO_STAGE] : [TO_STAGE, FROM_STAGE];
      const id = await movableCard(page, from);
      await openMoveMenu(page, id);
      const timing = await timeMove(page, id, to);
      moves.push(timing.dom);
      movesPainted.push(timing.painted);
      await settled(page, id);
    }
    const storeMoves: number[] = [];
    for (let run = 0; run < MOVES; run += 1) {
      const [from, to] = run % 2 === 0 ? [FROM_STAGE, TO_STAGE] : [TO_STAGE, FROM_STAGE];
      const id = await movableCard(page, from);
      storeMoves.push(await timeStoreMove(page, id, to));
      await settled(page, id);
    }
    if (errors.length) throw new Error(`the page raised errors: ${errors.join('; ')}`);
    return { renders, heapMb, moves, movesPainted, storeMoves, cards, scriptsBeforePaint };
  } finally {
    await context.close();
  }
}

/** Runs of each navigation figure (first visits, reloads, second tabs); the median is printed. */
const NAVIGATION_RUNS = Number(process.env.BENCH_NAVIGATION_RUNS ?? 3);

/** Kanboard (PHP kanban) on the same machine, navigation start → painted board (issue 12, load about 1.8). */
const KANBOARD_ANCHORS: Array<[string, string, number]> = [
  ['board.anchor.kanboard500.newTab.ms', 'anchor: Kanboard, new tab, 500 projects', 2700],
  ['board.anchor.kanboard500.reload.ms', 'anchor: Kanboard, reload, 500 projects', 1800],
  ['board.anchor.kanboard5000.newTab.ms', 'anchor: Kanboard, new tab, 5,000 projects', 20700],
  ['board.anchor.kanboard5000.reload.ms', 'anchor: Kanboard, reload, 5,000 projects', 20800],
];

function navigationFigures(backend: 'demo' | 'server' | 'firebase', size: number, run: NavigationRun): Figure[] {
  const key = `board.nav.${backend}${size}`;
  const who = `${{ demo: 'demo backend', server: 'team server', firebase: 'Firebase (emulators + WebChannel bridge)' }[backend]}, ${size.toLocaleString('en')} projects`;
  const list = (values: number[]) => values.map((t) => t.toFixed(0)).join(', ');
  const figures: Figure[] = [
    figure(`${key}.firstVisit.ms`, `board: navigation → painted, first visit (empty cache), ${who}`, round(median(run.firstVisitMs), 0), 'ms', undefined, list(run.firstVisitMs)),
    figure(`${key}.reload.ms`, `board: navigation → painted, reload, ${who}`, round(median(run.reloadMs), 0), 'ms', under(size <= 500 ? 500 : 1000), list(run.reloadMs)),
    figure(`${key}.secondTab.ms`, `board: navigation → painted, second tab, ${who}`, round(median(run.secondTabMs), 0), 'ms', size <= 500 ? under(1000) : undefined, list(run.secondTabMs)),
    figure(`${key}.jsBeforePaint.kbGzip`, `board: JS before the first paint (gzip), ${who}`, round(run.jsBeforePaintKbGzip, 1), 'KB', under(170)),
    figure(`${key}.dataBeforePaint.kb`, `board: data received before the first paint of a reload, ${who}`, round(run.dataBeforePaintKb, 1), 'KB', undefined, `largest WebSocket frame ${run.largestFrameKb.toFixed(1)} KB`),
    figure(`${key}.heap.mb`, `board: JS heap after GC, ${who}`, round(run.heapMb, 1), 'MB', size <= 500 ? under(8) : undefined),
    // Issue 12: the columns' skeleton paints at once and nothing moves when the cards (or the header's tools) arrive.
    figure(`${key}.reloadLayoutShift`, `board: layout shift (CLS) of a reload, to a second after the paint, ${who}`, round(run.reloadLayoutShift, 3), 'CLS', under(0.01)),
  ];
  return figures;
}

async function navigationSuite(browser: Browser, demoUrl: string): Promise<Figure[]> {
  const figures: Figure[] = KANBOARD_ANCHORS.map(([id, label, value]) => figure(id, label, value, 'ms'));
  for (const size of SIZES) {
    progress(`board: navigation, demo backend, ${size} projects`);
    const demo: NavigationTarget = { baseUrl: demoUrl, path: `/?sample=${size}`, webDist: BENCH_WEB_DIST };
    const run = await measureNavigation(browser, demo, NAVIGATION_RUNS);
    progress(`board: demo ${size}: first ${run.firstVisitMs.map(Math.round).join(',')} reload ${run.reloadMs.map(Math.round).join(',')} tab ${run.secondTabMs.map(Math.round).join(',')} ms`);
    figures.push(...navigationFigures('demo', size, run));
  }
  for (const size of SIZES) {
    progress(`board: navigation, team server, ${size} projects (seeding)`);
    const team = await startTeamServer({ CLEARWAY_SAMPLE_PROJECTS: String(size), CLEARWAY_WEB_DIST: BENCH_WEB_DIST });
    try {
      const target: NavigationTarget = {
        baseUrl: team.baseUrl,
        path: '/',
        webDist: BENCH_WEB_DIST,
        prepare: async (context) => {
          const answer = await context.request.post('/api/session', { data: { email: 'staff@clearway.local', password: 'clearway-demo' }, headers: { origin: team.baseUrl } });
          if (!answer.ok()) throw new Error(`sign-in on the team server failed: ${answer.status()}`);
        },
      };
      const run = await measureNavigation(browser, target, NAVIGATION_RUNS);
      progress(`board: server ${size}: first ${run.firstVisitMs.map(Math.round).join(',')} reload ${run.reloadMs.map(Math.round).join(',')} tab ${run.secondTabMs.map(Math.round).join(',')} ms`);
      figures.push(...navigationFigures('server', size, run));
    } finally {
      await team.stop();
    }
  }
  // Firebase mode at 500 projects (bench/lib/firebaseStack.ts; BENCH_SKIP_FIREBASE=1 leaves it out):
  // the reload and new-tab budgets hold for every backend; its other figures are figures only.
  if (SIZES.includes(500) && process.env.BENCH_SKIP_FIREBASE !== '1') {
    const stack = await startFirebaseStack(500);
    try {
      const target: NavigationTarget = { baseUrl: stack.baseUrl, path: '/', webDist: stack.webDist, prepare: (context) => stack.signIn(context) };
      const run = await measureNavigation(browser, target, NAVIGATION_RUNS);
      progress(`board: firebase 500: first ${run.firstVisitMs.map(Math.round).join(',')} reload ${run.reloadMs.map(Math.round).join(',')} tab ${run.secondTabMs.map(Math.round).join(',')} ms`);
      const budgeted = /\.(reload|secondTab)\.ms$|\.reloadLayoutShift$/;
      figures.push(...navigationFigures('firebase', 500, run).map(({ budget, ...rest }) => (budget && budgeted.test(rest.id) ? { ...rest, budget } : rest)));
    } finally {
      await stack.stop();
    }
  }
  return figures;
}

/** The figures of the sizes measured, when not both were (BENCH_BOARD_SIZES). */
function partialFigures(runs: Map<number, BoardRun>): Figure[] {
  const figures: Figure[] = [];
  for (const [size, run] of runs) {
    const list = (values: number[]) => values.map((t) => t.toFixed(1)).join(', ');
    figures.push(
      figure(`board.render${size}.ms`, `board: data ready → painted, ${size} cards (median of 5 loads)`, round(median(run.renders), 1), 'ms', undefined, list(run.renders)),
      figure(`board.heap${size}.mb`, `board: JS heap after GC, ${size} cards`, round(run.heapMb, 1), 'MB'),
      figure(`board.move${size}.ms`, `board: menu move → card in target column, ${size} cards (median of 5)`, round(median(run.moves), 1), 'ms', undefined, list(run.moves)),
      figure(`board.move${size}Painted.ms`, `board: menu move → frame painted, ${size} cards (median of 5)`, round(median(run.movesPainted), 1), 'ms', atMost(33), list(run.movesPainted)),
      figure(`board.storeMove${size}.ms`, `board: store move → card in target column, ${size} cards (median of 5)`, round(median(run.storeMoves), 1), 'ms', undefined, list(run.storeMoves)),
    );
  }
  return figures;
}

await runSuite('board', async () => {
  // As a static host serves the demo: hashed assets cached (a reload and a second tab use them), index.html revalidated.
  const server = await serveStatic(BENCH_WEB_DIST, { cacheAssets: true });
  const browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS });
  try {
    // BENCH_SKIP_NAVIGATION=1: only the render, heap and move figures (a quick look at a change).
    const navigation = process.env.BENCH_SKIP_NAVIGATION === '1' ? [] : await navigationSuite(browser, server.url);
    if (process.env.BENCH_NAVIGATION_ONLY === '1') return navigation;
    const runs = new Map<number, BoardRun>();
    for (const size of SIZES) runs.set(size, await measureBoard(browser, server.url, size));
    const small = runs.get(500);
    const large = runs.get(5000);
    if (!small || !large) return [...navigation, ...partialFigures(runs)];
    const renderSmall = median(small.renders);
    const renderLarge = median(large.renders);
    const figures: Figure[] = [
      figure('board.render500.ms', 'board: data ready → painted, 500 cards (median of 5 loads)', round(renderSmall, 1), 'ms', undefined, small.renders.map((t) => t.toFixed(0)).join(', ')),
      figure('board.render5000.ms', 'board: data ready → painted, 5,000 cards (median of 5 loads)', round(renderLarge, 1), 'ms', undefined, large.renders.map((t) => t.toFixed(0)).join(', ')),
      figure('board.renderRatio', 'board: render(5,000) / render(500)', round(renderLarge / renderSmall, 2), '×', atMost(2)),
      figure(
        'board.jsBeforePaint.kbGzip',
        'board: JS fetched before the first board paint, local mode (gzip)',
        round(small.scriptsBeforePaint.reduce((sum, path) => sum + gzipSync(readFileSync(join(BENCH_WEB_DIST, path)), { level: 9 }).length, 0) / 1024, 1),
        'KB',
        undefined,
        `${small.scriptsBeforePaint.length} scripts`,
      ),
      figure('board.cardsRendered5000', 'board: card elements in the DOM at 5,000 cards', large.cards, 'cards'),
      figure('board.heap500.mb', 'board: JS heap after GC, 500 cards', round(small.heapMb, 1), 'MB'),
      figure('board.heap5000.mb', 'board: JS heap after GC, 5,000 cards', round(large.heapMb, 1), 'MB', under(150)),
      figure('board.move500.ms', 'board: menu move → card in target column, 500 cards (median of 5)', round(median(small.moves), 1), 'ms', undefined, small.moves.map((t) => t.toFixed(1)).join(', ')),
      figure('board.move5000.ms', 'board: menu move → card in target column, 5,000 cards (median of 5)', round(median(large.moves), 1), 'ms', atMost(16), large.moves.map((t) => t.toFixed(1)).join(', ')),
      figure('board.storeMove500.ms', 'board: store move → card in target column, 500 cards (median of 5)', round(median(small.storeMoves), 1), 'ms', undefined, small.storeMoves.map((t) => t.toFixed(1)).join(', ')),
      figure('board.storeMove5000.ms', 'board: store move → card in target column, 5,000 cards (median of 5)', round(median(large.storeMoves), 1), 'ms', undefined, large.storeMoves.map((t) => t.toFixed(1)).join(', ')),
      figure('board.move500Painted.ms', 'board: menu move → frame painted, 500 cards (median of 5)', round(median(small.movesPainted), 1), 'ms', undefined, small.movesPainted.map((t) => t.toFixed(1)).join(', ')),
      figure('board.move5000Painted.ms', 'board: menu move → frame painted, 5,000 cards (median of 5)', round(median(large.movesPainted), 1), 'ms', atMost(33), large.movesPainted.map((t) => t.toFixed(1)).join(', ')),
    ];
    return [...navigation, ...figures];
  } finally {
    await browser.close().catch(() => undefined);
    await server.close();
  }
});
