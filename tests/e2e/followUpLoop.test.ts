/**
 * The 督办 loop in Chromium on the demo backend: staff record a decision for 工商银行 at the meeting,
 * the bank's liaison acknowledges it, reports progress and asks to close it from 待我处理, staff
 * sign it off; the agenda's row goes from 待签收 to done and its light goes out.
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

async function openInbox(): Promise<void> {
  await page.getByRole('link', { name: /待我处理/ }).click();
  await page.locator('.inbox-page__title').waitFor({ state: 'visible' });
}

async function answerPrompt(text: string): Promise<void> {
  const box = page.locator('.el-message-box');
  await box.locator('input, textarea').first().fill(text);
  await box.getByRole('button', { name: '提交' }).click();
}

describe('the 督办 loop', () => {
  it('a liaison acknowledges and reports, staff sign it off, the agenda row and its light change', async () => {
    await openBoard(page);
    await switchIdentity(page, STAFF);
    await page.goto(`/meeting?month=${monthOf(new Date())}`);
    const walk = page.locator('[data-test="project-walk"]');
    await walk.waitFor({ state: 'visible', timeout: 30_000 });
    const decision = `工行本月完成首笔提款（${Date.now() % 100000}）`;
    await walk.locator('textarea[data-test="assignment-what"], [data-test="assignment-what"] textarea').fill(decision);
    await walk.locator('input[data-test="assignment-who"], [data-test="assignment-who"] input').fill('工商银行');
    await walk.locator('[data-test="assignment-submit"]').click();
    const agendaRow = () => page.locator('#agenda-decisions [data-test="assignments-table"] tr').filter({ hasText: decision });
    await expect.poll(() => agendaRow().getAttribute('data-state'), PATIENTLY).toBe('assigned');

    await switchIdentity(page, /工商银行/);
    await openInbox();
    const item = page.locator('[data-kind="assignment"]').filter({ hasText: decision });
    await item.getByRole('button', { name: '签收' }).click();
    await item.getByRole('button', { name: '反馈进展' }).waitFor({ state: 'visible' });
    await item.getByRole('button', { name: '反馈进展' }).click();
    await answerPrompt('已完成授信审批，合同待签');
    await page.locator('.el-message').filter({ hasText: '已反馈进展' }).first().waitFor({ state: 'visible' });
    await item.getByRole('button', { name: '申请办结' }).click();
    await answerPrompt('首笔 500 万元已投放');
    await expect.poll(() => item.count(), PATIENTLY).toBe(0);

    await switchIdentity(page, STAFF);
    await openInbox();
    const toClose = page.locator('[data-kind="assignmentToClose"]').filter({ hasText: decision });
    await toClose.getByRole('button', { name: '销号' }).click();
    await expect.poll(() => toClose.count(), PATIENTLY).toBe(0);

    await page.goto(`/meeting?month=${monthOf(new Date())}`);
    await expect.poll(() => agendaRow().locator('[data-test="assignment-done"]').count(), PATIENTLY).toBe(1);
    expect(await agendaRow().getAttribute('data-light')).toBe('none');
  });
});
