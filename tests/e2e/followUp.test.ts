/**
 * 待我处理 and the monthly reporting round in Chromium on the demo backend: staff open a round with a
 * deadline already passed, the 工商银行 liaison sees its report due and confirms 本月无变化, staff see
 * it reported, the other banks late, and chase them with one action.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { PATIENTLY, useBrowser } from './fixture';
import { openBoard, switchIdentity } from './harness';

const browser = useBrowser();
let page: Page;
beforeEach(() => {
  page = browser.page;
});

async function openInbox(): Promise<void> {
  await page.getByRole('link', { name: /待我处理/ }).click();
  await page.locator('.inbox-page__title').waitFor({ state: 'visible' });
}

describe('what needs me and the monthly reporting round', () => {
  it('opens a round, takes the liaison report, shows 已报/逾期未报 and chases the late banks', async () => {
    await openBoard(page);
    await switchIdentity(page, /局工作人员|工作人员/);
    await openInbox();
    // A deadline already passed, so every bank that has not reported is late at once.
    const deadline = page.getByRole('combobox', { name: '截止日期' }).or(page.getByLabel('截止日期'));
    await deadline.first().fill('2020-01-06');
    await deadline.first().press('Enter');
    await page.locator('[data-test="open-round"]').click();
    await page.locator('[data-test="round-table"]').waitFor({ state: 'visible' });
    await expect.poll(() => page.locator('[data-test="round-table"]').innerText(), PATIENTLY).toContain('逾期未报');

    await switchIdentity(page, /工商银行/);
    await openInbox();
    await expect.poll(() => page.locator('[data-kind="monthlyReport"]').count(), PATIENTLY).toBe(1);
    await page.locator('[data-test="submit-no-change"]').click();
    await expect.poll(() => page.locator('[data-kind="monthlyReport"]').count(), PATIENTLY).toBe(0);

    await switchIdentity(page, /局工作人员|工作人员/);
    await openInbox();
    const icbcRow = page.locator('[data-test="round-table"] tr').filter({ hasText: '工商银行' });
    await expect.poll(() => icbcRow.innerText(), PATIENTLY).toContain('逾期已报');
    await page.locator('[data-test="chase"]').click();
    await page.locator('.el-message').filter({ hasText: '已记录催报' }).first().waitFor({ state: 'visible' });
    const lateRow = page.locator('[data-test="round-table"] tr').filter({ hasText: '逾期未报' }).first();
    await expect.poll(() => lateRow.innerText(), PATIENTLY).toMatch(/逾期未报\s+1/);
    expect(await page.locator('[data-test="inbox-count"]').count()).toBe(1);
    await page.screenshot({ path: 'test-results/inbox-staff-1280.png', fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: 'test-results/inbox-staff-390.png', fullPage: true });
  });
});
