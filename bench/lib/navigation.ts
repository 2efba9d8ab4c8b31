/**
 * What a person waits for: from navigation start (the page's time origin) to the painted board
 * (the app's `clearway:board-painted` mark, set from a task queued by the requestAnimationFrame
 * after the cards were patched in, so the frame showing them is out). Measured for a first visit
 * (a fresh browser context: empty HTTP cache and empty IndexedDB), a reload, and a second tab of
 * the same context, with the bytes the page received before that paint (CDP Network events, in
 * runs of their own, see measureNavigation: the scripts, gzip-compressed as a static host would send them, and the data — HTTP answers, counted
 * chunk by chunk as they arrive, and WebSocket frames) and the JS heap after a full garbage collection.
 */
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export const PAINTED_MARK = 'clearway:board-painted';

export interface NavigationTarget {
  baseUrl: string;
  /** The path a person opens (the demo's `?sample=N`). */
  path: string;
  /** Runs once per fresh context before the first visit (the team server's sign-in). */
  prepare?: (context: BrowserContext) => Promise<void>;
  /** The built app's folder, to gzip the scripts the page fetched. */
  webDist: string;
}

export interface NavigationRun {
  firstVisitMs: number[];
  reloadMs: number[];
  secondTabMs: number[];
  /** Scripts fetched before the first paint of a first visit, gzip -9 as a host would send them. */
  jsBeforePaintKbGzip: number;
  /** Data bytes (HTTP JSON answers and WebSocket frames, as sent) received before the first paint of a reload. */
  dataBeforePaintKb: number;
  /** The largest single WebSocket frame received before the first paint of a reload. */
  largestFrameKb: number;
  heapMb: number;
  /** Layout shift (CLS: the sum of layout-shift entries without recent input) of a reload, from navigation to a second after the paint; the largest of the reloads. */
  reloadLayoutShift: number;
}

/** How long after the paint a reload's layout shifts are still counted (what arrives late: counts, the signed-in person's tools). */
const SHIFT_SETTLE_MS = 1000;

interface Received {
  at: number;
  url: string;
  bytes: number;
  kind: 'script' | 'data' | 'frame' | 'other';
}

/** Records what the page receives, stamped in wall-clock milliseconds (the clock timeOrigin uses). */
async function recordNetwork(page: Page): Promise<{ received: Received[]; cdp: CDPSession }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  const received: Received[] = [];
  // CDP stamps events with a monotonic clock; requestWillBeSent carries both clocks once.
  let wallMinusMonotonic: number | null = null;
  const kinds = new Map<string, { url: string; kind: Received['kind'] }>();
  // Data bytes are counted as they arrive: a streaming answer (the Firestore SDK's WebChannel back
  // channel) stays open past the paint, so its end would count none of what the board was built from.
  const dataCounted = new Map<string, number>();
  cdp.on('Network.requestWillBeSent', (event) => {
    if (wallMinusMonotonic === null) wallMinusMonotonic = event.wallTime * 1000 - event.timestamp * 1000;
  });
  cdp.on('Network.responseReceived', (event) => {
    const type = event.type;
    const kind = type === 'Script' ? 'script' : type === 'XHR' || type === 'Fetch' ? 'data' : 'other';
    kinds.set(event.requestId, { url: event.response.url, kind });
  });
  cdp.on('Network.dataReceived', (event) => {
    const known = kinds.get(event.requestId);
    if (!known || known.kind !== 'data' || wallMinusMonotonic === null) return;
    const bytes = event.encodedDataLength > 0 ? event.encodedDataLength : event.dataLength;
    dataCounted.set(event.requestId, (dataCounted.get(event.requestId) ?? 0) + bytes);
    received.push({ at: event.timestamp * 1000 + wallMinusMonotonic, url: known.url, bytes, kind: 'data' });
  });
  cdp.on('Network.loadingFinished', (event) => {
    const known = kinds.get(event.requestId);
    if (!known || wallMinusMonotonic === null) return;
    // What the chunks did not count (headers): the request's total stays what the network carried.
    const bytes = Math.max(0, event.encodedDataLength - (dataCounted.get(event.requestId) ?? 0));
    received.push({ at: event.timestamp * 1000 + wallMinusMonotonic, url: known.url, bytes, kind: known.kind });
  });
  cdp.on('Network.webSocketFrameReceived', (event) => {
    if (wallMinusMonotonic === null) return;
    received.push({ at: event.timestamp * 1000 + wallMinusMonotonic, url: 'ws', bytes: Buffer.byteLength(event.response.payloadData, event.response.opcode === 2 ? 'base64' : 'utf8'), kind: 'frame' });
  });
  return { received, cdp };
}

/**
 * Waits in the page for a performance mark and returns its time. Not `page.waitForFunction`:
 * Playwright then evaluates its injected script (its selector engine) in the new document, 25 to
 * 60 ms of the page's main thread on this machine while the board is still loading, which a
 * person's browser never spends. `page.evaluate` adds only a few milliseconds.
 */
export async function waitForMark(page: Page, name: string, timeoutMs = 300_000): Promise<number> {
  return page.evaluate(
    ([mark, timeout]) =>
      new Promise<number>((resolve, reject) => {
        const started = performance.now();
        const check = () => {
          const entry = performance.getEntriesByName(mark, 'mark')[0];
          if (entry) resolve(entry.startTime);
          else if (performance.now() - started > timeout) reject(new Error(`no ${mark} mark after ${timeout} ms`));
          else setTimeout(check, 50);
        };
        check();
      }),
    [name, timeoutMs] as const,
  );
}

/** Navigation start → painted board in ms, and the wall-clock moment of that paint. */
async function paintedAt(page: Page): Promise<{ ms: number; wall: number }> {
  const ms = await waitForMark(page, PAINTED_MARK);
  return { ms, wall: await page.evaluate(() => performance.timeOrigin) + ms };
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

function scriptKbGzip(webDist: string, received: Received[], before: number): number {
  const paths = new Set(received.filter((item) => item.kind === 'script' && item.at <= before).map((item) => new URL(item.url).pathname));
  let bytes = 0;
  for (const path of paths) bytes += gzipSync(readFileSync(join(webDist, path)), { level: 9 }).length;
  return bytes / 1024;
}

async function newContext(browser: Browser, target: NavigationTarget): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL: target.baseUrl, viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  await target.prepare?.(context);
  await context.addInitScript(() => {
    const holder = globalThis as { __clearwayLayoutShift?: number };
    holder.__clearwayLayoutShift = 0;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as (PerformanceEntry & { value: number; hadRecentInput: boolean })[]) {
        if (!entry.hadRecentInput) holder.__clearwayLayoutShift = (holder.__clearwayLayoutShift ?? 0) + entry.value;
      }
    }).observe({ type: 'layout-shift', buffered: true });
  });
  return context;
}

/**
 * `runs` first visits, each in a fresh context; in the last one, `runs` reloads and `runs` second
 * tabs (each opened while the first tab stays open, then closed). The timed runs record no network:
 * CDP's Network domain hands every WebSocket frame to the bench as base64 text, and that copy cost
 * a team-server reload at 5,000 projects (a 4 MB frame) about 200 ms of the figure. The bytes come
 * from one more first visit and one more reload, recorded and not timed.
 */
export async function measureNavigation(browser: Browser, target: NavigationTarget, runs: number): Promise<NavigationRun> {
  const firstVisitMs: number[] = [];
  let context: BrowserContext | null = null;
  try {
    for (let run = 0; run < runs; run += 1) {
      await context?.close();
      context = await newContext(browser, target);
      const page = await context.newPage();
      await page.goto(target.path);
      firstVisitMs.push((await paintedAt(page)).ms);
    }
    await context?.close();
    context = await newContext(browser, target);
    const page = await context.newPage();
    const firstVisit = await recordNetwork(page);
    await page.goto(target.path);
    const jsBeforePaintKbGzip = scriptKbGzip(target.webDist, firstVisit.received, (await paintedAt(page)).wall);
    await firstVisit.cdp.detach();

    const reloadMs: number[] = [];
    let reloadLayoutShift = 0;
    for (let run = 0; run < runs; run += 1) {
      await page.reload();
      reloadMs.push((await paintedAt(page)).ms);
      await page.waitForTimeout(SHIFT_SETTLE_MS);
      reloadLayoutShift = Math.max(reloadLayoutShift, await page.evaluate(() => (globalThis as { __clearwayLayoutShift?: number }).__clearwayLayoutShift ?? 0));
    }
    const reload = await recordNetwork(page);
    await page.reload();
    const painted = await paintedAt(page);
    const data = reload.received.filter((item) => (item.kind === 'data' || item.kind === 'frame') && item.at <= painted.wall);
    const dataBeforePaintKb = data.reduce((sum, item) => sum + item.bytes, 0) / 1024;
    const largestFrameKb = Math.max(0, ...data.filter((item) => item.kind === 'frame').map((item) => item.bytes)) / 1024;
    await reload.cdp.detach();

    const heapMb = await heapUsedMb(page);
    const secondTabMs: number[] = [];
    for (let run = 0; run < runs; run += 1) {
      const tab = await context.newPage();
      await tab.goto(target.path);
      secondTabMs.push((await paintedAt(tab)).ms);
      await tab.close();
    }
    return { firstVisitMs, reloadMs, secondTabMs, jsBeforePaintKbGzip, dataBeforePaintKb, largestFrameKb, heapMb, reloadLayoutShift };
  } finally {
    await context?.close();
  }
}
