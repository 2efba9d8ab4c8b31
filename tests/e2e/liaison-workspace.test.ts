/**
 * The bank liaison's workspace 我的银行 in Chromium: a liaison of 工商银行 sees only their bank's
 * lines, records a disbursement tranche from the list, and the totals follow and survive a reload.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { formatWan, type LoanLine } from '@clearway/core';
import { createSampleWorkspace } from '@clearway/core/sample';
import { useBrowser } from './fixture';
import { openBoard, switchIdentity } from './harness';

const PATIENTLY = { timeout: 15_000 };
// The app seeds this same workspace (default seed); only its dates follow the clock.
const sample = createSampleWorkspace({ now: new Date() });
const drawn = (line: LoanLine) => line.tranches.reduce((sum, tranche) => sum + tranche.amount, 0);
const ICBC_LINES = sample.loanLines.filter((line) => line.bankId === 'icbc');
const LINE = ICBC_LINES.find(
  (line) => (line.approved ?? 0) > drawn(line) + 1_000_000 && sample.projects.find((p) => p.id === line.projectId)?.flag === null,
) as LoanLine;
const TRANCHE = 1_000_000; // 100万元
const wanText = (yuan: number) => formatWan(yuan, { unit: false });

const browser = useBrowser();
let page: Page;
beforeEach(() => {
  page = browser.page;
});

async function openMyBankAsIcbcLiaison(): Promise<void> {
  await openBoard(page);
  await switchIdentity(page, /工商银行/);
  await page.locator('.el-message').filter({ hasText: '已切换为' }).first().waitFor({ state: 'visible' });
  await page.getByRole('link', { name: '我的银行' }).click();
  await page.locator('[data-test="bank-lines"]').waitFor({ state: 'visible', timeout: 30_000 });
}

describe('my bank (liaison workspace)', () => {
  it("shows a liaison only their own bank's lines, without a bank picker", async () => {
    await openMyBankAsIcbcLiaison();
    expect(await page.locator('[data-test="bank-title"]').innerText()).toContain('工商银行');
    expect(await page.locator('[data-test="bank-picker"]').count()).toBe(0);
    const shown = await page.locator('tr[data-line-id]').evaluateAll((rows) => rows.map((row) => (row as HTMLElement).dataset.lineId));
    expect(new Set(shown)).toEqual(new Set(ICBC_LINES.map((line) => line.id)));
    expect(await page.locator('[data-test="bank-agreement"]').innerText()).toContain('战略合作协议');
  });

  it('records a disbursement tranche from the list; the line and the totals follow and survive a reload', async () => {
    expect(LINE, 'the sample has an ICBC line with room to draw').toBeDefined();
    await openMyBankAsIcbcLiaison();
    const totalBefore = await page.locator('[data-test="bank-total-disbursed"]').innerText();
    const row = page.locator(`tr[data-line-id="${LINE.id}"]`);
    expect(await row.locator('[data-test="line-drawn"]').innerText()).toContain(wanText(drawn(LINE)));

    await row.locator('[data-test="bank-record-tranche"]').click();
    const dialog = page.locator('.el-dialog').filter({ has: page.locator('.money-input') }).first();
    await dialog.waitFor({ state: 'visible' });
    await dialog.locator('.money-input input').fill('100');
    await dialog.locator('[data-test="submit"]').click();
    await dialog.waitFor({ state: 'hidden' });

    await expect.poll(() => row.locator('[data-test="line-drawn"]').innerText(), PATIENTLY).toContain(wanText(drawn(LINE) + TRANCHE));
    await expect.poll(() => page.locator('[data-test="bank-total-disbursed"]').innerText(), PATIENTLY).not.toBe(totalBefore);

    await page.reload();
    await page.locator('[data-test="bank-lines"]').waitFor({ state: 'visible', timeout: 30_000 });
    await expect
      .poll(() => page.locator(`tr[data-line-id="${LINE.id}"] [data-test="line-drawn"]`).innerText(), PATIENTLY)
      .toContain(wanText(drawn(LINE) + TRANCHE));
  });

  it('refuses a tranche above what is approved and not drawn, and records nothing', async () => {
    await openMyBankAsIcbcLiaison();
    const row = page.locator(`tr[data-line-id="${LINE.id}"]`);
    await row.locator('[data-test="bank-record-tranche"]').click();
    const dialog = page.locator('.el-dialog').filter({ has: page.locator('.money-input') }).first();
    await dialog.waitFor({ state: 'visible' });
    const tooMuch = ((LINE.approved ?? 0) - drawn(LINE)) / 10_000 + 1;
    await dialog.locator('.money-input input').fill(String(tooMuch));
    await dialog.locator('[data-test="submit"]').click();
    await dialog.locator('.el-form-item__error').first().waitFor({ state: 'visible' });
    expect(await dialog.locator('.el-form-item__error').first().innerText()).toContain('超过审批未投放余额');
    await dialog.getByRole('button', { name: '取消' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await row.locator('[data-test="line-drawn"]').innerText()).toContain(wanText(drawn(LINE)));
  });
});
