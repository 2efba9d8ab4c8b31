/**
 * Three people at once on the team server that `npm start` runs (the real process, on PGlite in a
 * temporary folder): staff, the 工商银行 liaison and a leader (viewer) each in a browser of their
 * own, later the admin. A move on staff's board reaches the others without a reload; the liaison's
 * tranche reaches staff's open drawer; the viewer has no write controls and a hand-made command is
 * refused; the admin disables the liaison, whose next request is refused and whose tab lands on the
 * sign-in page; the admin creates a member who signs in with the temporary password and changes it;
 * after a server restart everything is still there.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { formatWan, type LoanLine } from '@clearway/core';
import { createSampleWorkspace } from '@clearway/core/sample';
import { PATIENTLY } from './fixture';
import { CHROMIUM_ARGS, DESKTOP, cardIdsIn, cardOf, chromiumPath, dragCardTo, reportFailure, stageOfCard } from './harness';
import { createTeamServer, postFromPage, signIn, signInField, type TeamServer } from './teamServerHarness';

// The server seeds this same workspace on first start (default seed); only its dates follow the clock.
const sample = createSampleWorkspace({ now: new Date() });
const drawn = (line: LoanLine) => line.tranches.reduce((sum, tranche) => sum + tranche.amount, 0);
const LINE = sample.loanLines.find(
  (line) => line.bankId === 'icbc' && (line.approved ?? 0) > drawn(line) + 1_000_000 && sample.projects.find((p) => p.id === line.projectId)?.flag === null,
) as LoanLine;
const LIAISON_UID = 'u-liaison-icbc';
/** Reconnecting after a restart waits out the client's backoff; PGlite takes a while to open on a busy machine. */
const AFTER_RESTART = { timeout: 90_000, interval: 250 } as const;

let server: TeamServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
const pages: Record<'staff' | 'liaison' | 'viewer' | 'admin', Page | null> = { staff: null, liaison: null, viewer: null, admin: null };
let movedId = '';
let tranchesBefore = 0;

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ baseURL: server.url, viewport: DESKTOP, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  context.setDefaultTimeout(20_000);
  contexts.push(context);
  return context.newPage();
}

function page(who: keyof typeof pages): Page {
  const found = pages[who];
  if (!found) throw new Error(`${who} has no page (an earlier step failed)`);
  return found;
}

function lineCard(on: Page): Locator {
  return on.locator(`[data-test="line-${LINE.id}"]`);
}

/** Opens the project of LINE in the drawer, on its loan lines tab 融资事项. */
async function openLineInDrawer(on: Page): Promise<void> {
  await on.goto(`/?project=${LINE.projectId}`);
  await on.getByRole('tab', { name: /融资事项/ }).click({ timeout: 30_000 });
  await lineCard(on).waitFor({ state: 'visible', timeout: 30_000 });
}

beforeAll(async () => {
  server = await createTeamServer();
  browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS });
  pages.staff = await newPage();
  pages.liaison = await newPage();
  pages.viewer = await newPage();
  await signIn(page('staff'), 'staff@clearway.local');
  await signIn(page('liaison'), 'icbc@clearway.local');
  await signIn(page('viewer'), 'leader@clearway.local');
}, 240_000);

afterEach(async (context) => {
  if (context.task.result?.state !== 'fail') return;
  for (const [who, open] of Object.entries(pages)) if (open) await reportFailure(open, `${context.task.name} (${who})`);
  console.error(`[e2e] team server output:\n${server?.output.join('').slice(-4000)}`);
});

afterAll(async () => {
  await Promise.all(contexts.map((context) => context.close().catch(() => undefined)));
  await browser?.close().catch(() => undefined);
  await server?.dispose();
});

describe('three people on the team server', { timeout: 180_000 }, () => {
  it('staff drags a card and the liaison’s and the viewer’s boards show it without a reload', async () => {
    expect(await page('staff').locator('[data-test="signed-in-as"]').innerText()).toBe('王丽娟');
    const [first] = await cardIdsIn(page('staff'), 'matched');
    expect(first).toBeDefined();
    movedId = first as string;
    for (const who of ['liaison', 'viewer'] as const) {
      await expect.poll(() => stageOfCard(page(who), movedId), PATIENTLY).toBe('matched');
    }
    // Moving back a stage passes every gate.
    await dragCardTo(page('staff'), movedId, 'pipeline');
    await expect.poll(() => stageOfCard(page('staff'), movedId), PATIENTLY).toBe('pipeline');
    await expect.poll(() => cardOf(page('staff'), movedId).getAttribute('aria-busy'), PATIENTLY).toBeNull();
    for (const who of ['liaison', 'viewer'] as const) {
      await expect.poll(() => stageOfCard(page(who), movedId), PATIENTLY).toBe('pipeline');
    }
  });

  it('the liaison records a tranche in 我的银行 and staff’s open drawer shows it', async () => {
    expect(LINE, 'the sample has an ICBC line with room to draw').toBeDefined();
    const staff = page('staff');
    await openLineInDrawer(staff);
    tranchesBefore = await lineCard(staff).locator('table tr').count();

    const liaison = page('liaison');
    await liaison.getByRole('link', { name: '我的银行' }).click();
    const row = liaison.locator(`tr[data-line-id="${LINE.id}"]`);
    await row.waitFor({ state: 'visible', timeout: 30_000 });
    await row.locator('[data-test="bank-record-tranche"]').click();
    const dialog = liaison.locator('.el-dialog').filter({ has: liaison.locator('.money-input') }).first();
    await dialog.waitFor({ state: 'visible' });
    await dialog.locator('.money-input input').fill('100');
    await dialog.locator('[data-test="submit"]').click();
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => row.locator('[data-test="line-drawn"]').innerText(), PATIENTLY).toContain(formatWan(drawn(LINE) + 1_000_000, { unit: false }));

    // Staff did not reload: the drawer's line shows the new tranche.
    await expect.poll(() => lineCard(staff).locator('table tr').count(), PATIENTLY).toBe(tranchesBefore + 1);
    expect(await lineCard(staff).innerText()).toContain('100.00');
  });

  it('the viewer has no write controls, and a command posted by hand is refused', async () => {
    const viewer = page('viewer');
    await openLineInDrawer(viewer);
    expect(await viewer.getByRole('button', { name: /^移动项目/ }).count()).toBe(0);
    expect(await viewer.locator('[data-test^="record-"]').count()).toBe(0);
    expect(await viewer.getByRole('link', { name: '管理' }).count()).toBe(0);
    await viewer.keyboard.press('Escape');

    const refused = await postFromPage(viewer, '/api/commands', {
      name: 'project.move',
      payload: { projectId: movedId, expectedVersion: 1, toStage: 'matched', before: null, after: null },
    });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: 'permission-denied' });
    await expect.poll(() => stageOfCard(page('staff'), movedId), PATIENTLY).toBe('pipeline');
  });

  it('the admin disables the liaison: their next request is refused and their tab lands on the sign-in page', async () => {
    pages.admin = await newPage();
    const admin = page('admin');
    await signIn(admin, 'admin@clearway.local');
    await admin.getByRole('link', { name: '管理' }).click();
    const toggle = admin.locator(`[data-test="member-toggle-${LIAISON_UID}"]`);
    await toggle.waitFor({ state: 'visible', timeout: 30_000 });
    await toggle.click();
    const confirm = admin.locator('.el-message-box');
    await confirm.waitFor({ state: 'visible' });
    await confirm.getByRole('button', { name: '确定' }).click();
    await expect.poll(() => admin.locator(`[data-test="member-status-${LIAISON_UID}"]`).innerText(), PATIENTLY).toBe('已停用');

    const liaison = page('liaison');
    const refused = await postFromPage(liaison, '/api/commands', {
      name: 'line.recordTranche',
      payload: { lineId: LINE.id, expectedVersion: 1, amount: 1_000_000, date: '2026-01-01' },
    });
    expect(refused.status).toBe(401);
    await liaison.waitForURL(/\/sign-in/, { timeout: 20_000 });
    expect(await liaison.locator('[data-test="sign-in-ended"]').innerText()).toContain('登录已结束');
    // Signing in again is refused too, with the reason.
    await signInField(liaison, 'sign-in-email').fill('icbc@clearway.local');
    await signInField(liaison, 'sign-in-password').fill('clearway-demo');
    await liaison.locator('[data-test="sign-in-submit"]').click();
    await expect.poll(() => liaison.locator('[data-test="sign-in-error"]').innerText(), PATIENTLY).toContain('已被停用');
  });

  it('the admin creates a member whose temporary password signs in, and who then changes it', async () => {
    const admin = page('admin');
    await admin.locator('[data-test="member-add"]').click();
    await signInField(admin, 'member-email').fill('sun.xiaomei@czj.example');
    await signInField(admin, 'member-name').fill('孙小美');
    await admin.locator('[data-test="member-submit"]').click();
    const temporary = admin.locator('[data-test="temporary-password"]');
    await temporary.waitFor({ state: 'visible' });
    const password = (await temporary.innerText()).trim();
    expect(password.length).toBeGreaterThanOrEqual(10);
    await admin.locator('[data-test="created-close"]').click();

    const newcomer = await newPage();
    await signIn(newcomer, 'sun.xiaomei@czj.example', password);
    expect(await newcomer.locator('[data-test="signed-in-as"]').innerText()).toBe('孙小美');
    await newcomer.locator('[data-test="change-password"]').click();
    await signInField(newcomer, 'password-current').fill(password);
    await signInField(newcomer, 'password-new').fill('a-password-of-her-own');
    await signInField(newcomer, 'password-confirm').fill('a-password-of-her-own');
    await newcomer.locator('[data-test="password-submit"]').click();
    await newcomer.locator('.el-message').filter({ hasText: '密码已修改' }).first().waitFor({ state: 'visible' });
    await newcomer.locator('[data-test="sign-out"]').click();
    await newcomer.waitForURL(/\/sign-in/);
    await signIn(newcomer, 'sun.xiaomei@czj.example', 'a-password-of-her-own');
    await newcomer.context().close();
  });

  it('after a server restart everything is still there, and open tabs reconnect by themselves', async () => {
    const staff = page('staff');
    await server.stop();
    // The open tab says it lost the server, and stops saying so once it is back.
    await staff.locator('[data-test="reconnecting"]').waitFor({ state: 'visible', timeout: 30_000 });
    await server.start();
    await staff.locator('[data-test="reconnecting"]').waitFor({ state: 'hidden', timeout: AFTER_RESTART.timeout });
    // The open drawer reconnects (no reload) and still shows the tranche.
    await expect.poll(() => lineCard(staff).locator('table tr').count(), AFTER_RESTART).toBe(tranchesBefore + 1);
    // A change made after the restart reaches the tab that was open through it.
    const admin = page('admin');
    await admin.locator(`[data-test="member-toggle-${LIAISON_UID}"]`).click();
    await expect.poll(() => admin.locator(`[data-test="member-status-${LIAISON_UID}"]`).innerText(), AFTER_RESTART).toBe('启用');

    await staff.goto('/');
    await staff.locator('article[data-project-id]').first().waitFor({ state: 'visible', timeout: 30_000 });
    expect(await stageOfCard(staff, movedId)).toBe('pipeline');
    await openLineInDrawer(staff);
    await expect.poll(() => lineCard(staff).locator('table tr').count(), PATIENTLY).toBe(tranchesBefore + 1);

    const liaison = page('liaison');
    await signIn(liaison, 'icbc@clearway.local');
    await liaison.getByRole('link', { name: '我的银行' }).click();
    await expect
      .poll(() => liaison.locator(`tr[data-line-id="${LINE.id}"] [data-test="line-drawn"]`).innerText(), PATIENTLY)
      .toContain(formatWan(drawn(LINE) + 1_000_000, { unit: false }));
  });
});
