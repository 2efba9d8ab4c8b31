/**
 * The 工作提醒函 in Chromium on the demo backend: staff record a decision for 市发改委 (a party with
 * no member) at the meeting, open the letters from the meeting's toolbar, find that party's letter
 * with the decision, record its 签收 and a 反馈 for it (代为登记), print its letter alone (one A4
 * page) and all the letters (one page per party).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { monthOf } from '@clearway/core';
import { PATIENTLY, useBrowser } from './fixture';
import { openBoard, switchIdentity } from './harness';

const browser = useBrowser();
let page: Page;
beforeEach(() => {
  page = browser.page;
});

const STAFF = /局工作人员|工作人员/;
const PARTY = '市发改委';

/** Pages of a PDF, by its page objects. */
function pdfPages(pdf: Buffer): number {
  return (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
}

async function answerPrompt(text: string): Promise<void> {
  const box = page.locator('.el-message-box');
  await box.locator('input, textarea').first().fill(text);
  await box.getByRole('button', { name: '提交' }).click();
}

describe('the 工作提醒函', () => {
  it('staff open the letters from the meeting, record steps for a party with no member, print one party and all', async () => {
    // window.print opens no dialog in a test: count the calls instead.
    await page.addInitScript(() => {
      const counted = window as unknown as { printed: number };
      counted.printed = 0;
      window.print = () => {
        counted.printed += 1;
      };
    });
    await openBoard(page);
    await switchIdentity(page, STAFF);
    const month = monthOf(new Date());
    await page.goto(`/meeting?month=${month}`);
    const walk = page.locator('[data-test="project-walk"]');
    await walk.waitFor({ state: 'visible', timeout: 30_000 });
    const decision = `发改委出具项目调整意见（${Date.now() % 100000}）`;
    await walk.locator('textarea[data-test="assignment-what"], [data-test="assignment-what"] textarea').fill(decision);
    await walk.locator('input[data-test="assignment-who"], [data-test="assignment-who"] input').fill(PARTY);
    await walk.locator('[data-test="assignment-submit"]').click();
    const agendaRow = () => page.locator('#agenda-decisions [data-test="assignments-table"] tr').filter({ hasText: decision });
    await expect.poll(() => agendaRow().getAttribute('data-state'), PATIENTLY).toBe('assigned');

    await page.locator('[data-test="open-letters"]').click();
    await page.waitForURL(/\/letters\?month=/);
    const letter = page.locator(`[data-test="reminder-letter"][data-party="${PARTY}"]`);
    await letter.waitFor({ state: 'visible', timeout: 30_000 });
    const letterCount = await page.locator('[data-test="reminder-letter"]').count();
    expect(letterCount).toBeGreaterThan(1);
    expect(await letter.locator('[data-test="letter-addressee"]').textContent()).toBe(`${PARTY}：`);
    expect(await letter.locator('[data-test="letter-body"]').textContent()).toContain('贵单位负责办理的确定事项尚有1项未销号');
    const row = letter.locator('[data-test="letter-items"] tbody tr').filter({ hasText: decision });
    expect(await row.textContent()).toContain('待签收');
    expect(await row.textContent()).toContain('请即签收');

    // 代为登记: staff acknowledge and report for 市发改委, which has no member.
    await row.locator('[data-test="on-behalf-acknowledge"]').click();
    await expect.poll(async () => (await row.textContent()) ?? '', PATIENTLY).toContain('办理中');
    await row.locator('[data-test="on-behalf-report"]').click();
    await answerPrompt('电话反馈：已上会研究，本周出具意见');
    await expect.poll(async () => (await row.textContent()) ?? '', PATIENTLY).toContain('已反馈1次');

    // Print this party's letter alone: the page shows it only and prints one A4 page.
    await letter.locator('[data-test="print-one"]').click();
    await page.waitForURL(/party=/);
    await expect.poll(() => page.evaluate(() => (window as unknown as { printed: number }).printed), PATIENTLY).toBe(1);
    expect(await page.locator('[data-test="reminder-letter"]').count()).toBe(1);
    await page.emulateMedia({ media: 'print' });
    expect(pdfPages(await page.pdf({ format: 'A4', preferCSSPageSize: true }))).toBe(1);

    // All parties: one page each.
    await page.emulateMedia({ media: 'screen' });
    await page.locator('[data-test="letter-party"]').click();
    await page.getByRole('option', { name: /全部责任单位/ }).click();
    await expect.poll(() => page.locator('[data-test="reminder-letter"]').count(), PATIENTLY).toBe(letterCount);
    await page.locator('[data-test="letter-print"]').click();
    await expect.poll(() => page.evaluate(() => (window as unknown as { printed: number }).printed), PATIENTLY).toBe(2);
    await page.emulateMedia({ media: 'print' });
    expect(pdfPages(await page.pdf({ format: 'A4', preferCSSPageSize: true }))).toBe(letterCount);

    // The meeting's agenda shows the step recorded for the party.
    await page.emulateMedia({ media: 'screen' });
    await page.goto(`/meeting?month=${month}`);
    await expect.poll(() => agendaRow().getAttribute('data-state'), PATIENTLY).toBe('acknowledged');
  });

  it('staff acknowledge an overdue assignment for its party from 待我处理, labelled 代为签收', async () => {
    await openBoard(page);
    await switchIdentity(page, STAFF);
    await page.getByRole('link', { name: /待我处理/ }).click();
    await page.locator('.inbox-page__title').waitFor({ state: 'visible' });
    const overdue = page.locator('[data-kind="overdueAssignment"]').filter({ has: page.getByRole('button', { name: '代为签收' }) }).first();
    await overdue.waitFor({ state: 'visible', timeout: 30_000 });
    const title = (await overdue.locator('.due-list__title').textContent())?.replace('逾期交办', '').trim() ?? '';
    expect(title.length).toBeGreaterThan(0);
    await overdue.getByRole('button', { name: '代为签收' }).click();
    await page.locator('.el-message').filter({ hasText: '已签收' }).first().waitFor({ state: 'visible' });
    const same = page.locator('[data-kind="overdueAssignment"]').filter({ hasText: title });
    await expect.poll(async () => (await same.textContent()) ?? '', PATIENTLY).toContain('办理中');
    expect(await same.getByRole('button', { name: '代为反馈' }).count()).toBe(1);
  });
});
