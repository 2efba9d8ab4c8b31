/**
 * Vitest wiring for the browser tests: one server and browser per file, a fresh context (fresh
 * IndexedDB, so fresh sample data) per test, and a screenshot of the page when a test fails.
 */
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { Page } from 'playwright-core';
import { reportFailure, startApp, type E2EApp, type Viewport } from './harness';

export interface BrowserFixture {
  readonly app: E2EApp;
  readonly page: Page;
}

export function useBrowser(options: { viewport?: Viewport } = {}): BrowserFixture {
  let app: E2EApp | null = null;
  let page: Page | null = null;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(async () => {
    await app?.close();
  });
  beforeEach(async () => {
    page = await (app as E2EApp).newPage(options);
  });
  afterEach(async (context) => {
    if (page && context.task.result?.state === 'fail') await reportFailure(page, context.task.name);
    await page?.context().close();
    page = null;
  });
  return {
    get app() {
      if (!app) throw new Error('the browser is not started');
      return app;
    },
    get page() {
      if (!page) throw new Error('no page outside a test');
      return page;
    },
  };
}

/** Options for `expect.poll` with a patience fit for a shared, busy CI machine (vitest's default is 1 s). */
export const PATIENTLY = { timeout: 15_000, interval: 100 } as const;
