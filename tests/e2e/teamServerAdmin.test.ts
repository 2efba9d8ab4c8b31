/**
 * The admin page 系统管理 on the team server that `npm start` runs (the real process, PGlite in a
 * temporary folder), in Chromium: the admin adds a bank with its strategic agreement and changes
 * the annual targets, both typed in 万元; a second admin tab sees them without a reload; after a
 * server restart both are still there.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { PATIENTLY } from './fixture';
import { CHROMIUM_ARGS, DESKTOP, chromiumPath, reportFailure } from './harness';
import { createTeamServer, signIn, type TeamServer } from './teamServerHarness';

const YEAR = Number(new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(new Date()));
/** Reconnecting after a restart waits out the client's backoff; PGlite takes a while to open on a busy machine. */
const AFTER_RESTART = { timeout: 90_000, interval: 250 } as const;

let server: TeamServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
let admin: Page;
let watcher: Page;

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ baseURL: server.url, viewport: DESKTOP, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  context.setDefaultTimeout(20_000);
  contexts.push(context);
  return context.newPage();
}

/** Element Plus puts a field's data-test on its wrapper or on the <input> itself. */
const field = (page: Page, name: string) => page.locator(`input[data-test="${name}"], [data-test="${name}"] input`).first();

async function fill(page: Page, name: string, value: string): Promise<void> {
  const input = field(page, name);
  await input.fill(value);
  await input.blur();
}

async function openAdmin(page: Page, tab: string): Promise<void> {
  await page.goto(`/admin?tab=${tab}`);
  await page.locator('[data-test="admin-tabs"]').waitFor({ state: 'visible', timeout: 30_000 });
}

beforeAll(async () => {
  server = await createTeamServer();
  browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS });
  admin = await newPage();
  watcher = await newPage();
  await signIn(admin, 'admin@clearway.local');
  await signIn(watcher, 'admin@clearway.local');
}, 240_000);

afterAll(async () => {
  await Promise.all(contexts.map((context) => context.close().catch(() => undefined)));
  await browser?.close();
  await server?.dispose();
});

afterEach(async (context) => {
  if (context.task.result?.state === 'fail') {
    await reportFailure(admin, `${context.task.name} admin`);
    await reportFailure(watcher, `${context.task.name} watcher`);
  }
});

describe('the admin page on the team server', () => {
  it('adds a bank with its strategic agreement in 万元; another tab lists it without a reload', async () => {
    await openAdmin(admin, 'banks');
    await openAdmin(watcher, 'banks');
    await admin.locator('[data-test="bank-add"]').click();
    await fill(admin, 'bank-name', '恒丰银行');
    await fill(admin, 'bank-agreement', '30,000');
    await admin.locator('[data-test="bank-submit"]').click();
    const row = (page: Page) => page.locator('[data-test="banks-table"] tr').filter({ hasText: '恒丰银行' });
    await expect.poll(() => row(admin).count(), PATIENTLY).toBe(1);
    await expect.poll(() => row(watcher).textContent(), PATIENTLY).toContain('30,000');
  });

  it('refuses a second bank of the same name beside the field, and adds nothing', async () => {
    await admin.locator('[data-test="bank-add"]').click();
    await fill(admin, 'bank-name', '恒丰银行');
    await fill(admin, 'bank-agreement', '1');
    await admin.locator('[data-test="bank-submit"]').click();
    await expect.poll(() => admin.locator('[data-test="bank-form"]').textContent(), PATIENTLY).toContain('恒丰银行');
    await expect.poll(() => admin.locator('[data-test="bank-form"] .el-form-item__error').count(), PATIENTLY).toBeGreaterThan(0);
    await admin.keyboard.press('Escape');
    expect(await admin.locator('[data-test="banks-table"] tr').filter({ hasText: '恒丰银行' }).count()).toBe(1);
  });

  it('changes this year’s targets; another tab shows them without a reload', async () => {
    await openAdmin(admin, 'targets');
    await openAdmin(watcher, 'targets');
    expect(await field(admin, 'targets-year').inputValue()).toBe(String(YEAR));
    // The sample workspace comes with this year's targets: the form shows them to change.
    await expect.poll(() => field(admin, 'targets-approved').inputValue(), PATIENTLY).not.toBe('');
    await fill(admin, 'targets-approved', '880,000');
    await fill(admin, 'targets-disbursed', '450,000.5');
    await fill(admin, 'targets-projects', '60');
    await admin.locator('[data-test="targets-submit"]').click();
    await expect.poll(() => admin.locator('.el-message').filter({ hasText: `${YEAR} 年目标已保存` }).count(), PATIENTLY).toBeGreaterThan(0);
    await expect.poll(() => field(watcher, 'targets-approved').inputValue(), PATIENTLY).toBe('880,000');
    expect(await field(watcher, 'targets-projects').inputValue()).toBe('60');
  });

  it('after a server restart the bank and the targets are still there', async () => {
    await server.stop();
    await server.start();
    await admin.reload();
    await expect.poll(() => field(admin, 'targets-disbursed').inputValue().catch(() => ''), AFTER_RESTART).toBe('450,000.5');
    await openAdmin(admin, 'banks');
    await expect.poll(() => admin.locator('[data-test="banks-table"] tr').filter({ hasText: '恒丰银行' }).textContent(), PATIENTLY).toContain('30,000');
  }, 240_000);
});
