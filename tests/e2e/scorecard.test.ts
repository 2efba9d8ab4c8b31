/**
 * The quarterly bank scorecard 银行考核 (/scorecard) in Chromium, demo build: staff see every bank
 * ranked as core's `bankScorecard` ranks the sample, with the 合计 row; the Excel export downloads
 * and reads back with exceljs; an admin changes the weights (a sum other than 100 is refused with
 * its reason, nothing saved), and the ranking follows and survives a reload; a liaison sees its own
 * bank's figures only: no other bank, no score, rank, export or weights.
 */
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { Worksheet } from 'exceljs';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { bankScorecard, DEFAULT_SCORECARD_WEIGHTS, quarterOf, scorecardFileName, type ScorecardWeights } from '@clearway/core';
import { createSampleWorkspace } from '@clearway/core/sample';
import { PATIENTLY, useBrowser } from './fixture';
import { openBoard, switchIdentity } from './harness';

// The app seeds this same workspace (default seed); only its dates follow the clock.
const sample = createSampleWorkspace({ now: new Date() });
const QUARTER = quarterOf(new Date());
const cardWith = (weights: ScorecardWeights) =>
  bankScorecard({
    quarter: QUARTER,
    banks: sample.banks,
    lines: sample.loanLines,
    rounds: [],
    assignments: sample.projects.flatMap((project) => project.assignments),
    weights,
    now: new Date(),
  });
const CARD = cardWith({ ...DEFAULT_SCORECARD_WEIGHTS });
/** The weights the admin sets: disbursements count for everything but reporting. */
const NEW_WEIGHTS: ScorecardWeights = { approvals: 0, disbursements: 90, fulfilment: 0, reporting: 10, followUp: 0 };

const browser = useBrowser();
let page: Page;
beforeEach(() => {
  page = browser.page;
});

async function openScorecardAs(identity: RegExp): Promise<void> {
  await openBoard(page);
  await switchIdentity(page, identity);
  // Staff is the demo's first identity: picking it again changes nothing (and says nothing).
  await expect.poll(() => page.locator('[data-test="identity-switcher"]').innerText(), PATIENTLY).toMatch(identity);
  await page.getByRole('link', { name: '银行考核' }).click();
  await page.locator('[data-test="scorecard-table"]').waitFor({ state: 'visible', timeout: 30_000 });
}

async function shownBankIds(): Promise<string[]> {
  return page
    .locator('tr[data-test^="scorecard-row-"]')
    .evaluateAll((rows) => rows.map((row) => (row as HTMLElement).dataset.test!.slice('scorecard-row-'.length)));
}

const weightInput = (key: keyof ScorecardWeights) => page.locator(`[data-test="scorecard-weight-${key}"] input`);

async function typeWeight(key: keyof ScorecardWeights, value: number): Promise<void> {
  await weightInput(key).fill(String(value));
  await weightInput(key).blur();
}

describe('the bank scorecard', () => {
  it('shows staff every bank ranked as core ranks them, with scores and the 合计 row', async () => {
    await openScorecardAs(/王丽娟/);
    expect(CARD.rows.length).toBe(sample.banks.length);
    await expect.poll(shownBankIds, PATIENTLY).toEqual(CARD.rows.map((row) => row.bankId));
    const ranks = await page.locator('[data-test="scorecard-rank"]').allInnerTexts();
    expect(ranks).toEqual(CARD.rows.map((row) => (row.rank === null ? '—' : String(row.rank))));
    expect(ranks[0]).toBe('1');
    const totals = await page.locator('[data-test="scorecard-total"]').allInnerTexts();
    expect(totals).toEqual(CARD.rows.map((row) => (row.total === null ? '—' : row.total.toFixed(1))));
    const totalRow = page.locator('[data-test="scorecard-total-row"]');
    expect(await totalRow.innerText()).toContain(`合计（${sample.banks.length} 家）`);
    // Staff may not set the weights.
    expect(await page.locator('[data-test="scorecard-weights-form"]').count()).toBe(0);
  });

  it('exports the scorecard to Excel: the ranked banks and the 合计 row read back with exceljs', async () => {
    await openScorecardAs(/王丽娟/);
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test="scorecard-export"]').click()]);
    expect(download.suggestedFilename()).toBe(scorecardFileName(QUARTER));
    const file = join(tmpdir(), `clearway-e2e-scorecard-${process.pid}-${Date.now()}.xlsx`);
    await download.saveAs(file);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await readFile(file)) as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('银行季度考核') as Worksheet;
    expect(sheet).toBeDefined();
    expect(sheet.getCell('B3').value).toBe('银行');
    const names = CARD.rows.map((_, i) => sheet.getCell(`B${4 + i}`).value);
    expect(names).toEqual(CARD.rows.map((row) => row.name));
    const totalRow = 4 + CARD.rows.length;
    expect(sheet.getCell(`B${totalRow}`).value).toBe('合计');
    // 新增审批 in 万元, exact to the yuan.
    expect(sheet.getCell(`C${totalRow}`).value).toBe(CARD.total.approvals / 10_000);
    expect(sheet.getCell('A4').value).toBe(1);
  });

  it('lets an admin change the weights: a sum other than 100 is refused with its reason; 100 is saved and ranks anew', async () => {
    await openScorecardAs(/李建华/);
    const form = page.locator('[data-test="scorecard-weights-form"]');
    await form.waitFor({ state: 'visible' });
    const sum = page.locator('[data-test="scorecard-weights-sum"]');
    const save = page.locator('[data-test="scorecard-weights-save"]');
    expect(await sum.innerText()).toBe('合计 100');

    await typeWeight('disbursements', 95);
    await expect.poll(() => sum.innerText(), PATIENTLY).toBe(`合计 ${100 - DEFAULT_SCORECARD_WEIGHTS.disbursements + 95}，须为 100`);
    expect(await save.isDisabled()).toBe(true);
    await weightInput('approvals').press('Enter');
    // Nothing was saved: the header still shows the stored weights.
    expect(await page.locator('[data-test="scorecard-table"] thead').innerText()).toContain(`新增投放（${DEFAULT_SCORECARD_WEIGHTS.disbursements}%）`);

    for (const key of Object.keys(NEW_WEIGHTS) as (keyof ScorecardWeights)[]) await typeWeight(key, NEW_WEIGHTS[key]);
    await expect.poll(() => sum.innerText(), PATIENTLY).toBe('合计 100');
    await save.click();
    await page.locator('.el-message').filter({ hasText: '考核权重已保存' }).first().waitFor({ state: 'visible' });
    const reweighted = cardWith(NEW_WEIGHTS);
    expect(reweighted.rows.map((row) => row.bankId), 'the new weights rank the sample differently').not.toEqual(CARD.rows.map((row) => row.bankId));
    await expect.poll(() => page.locator('[data-test="scorecard-table"] thead').innerText(), PATIENTLY).toContain('新增投放（90%）');
    await expect.poll(shownBankIds, PATIENTLY).toEqual(reweighted.rows.map((row) => row.bankId));

    await page.reload();
    await page.locator('[data-test="scorecard-table"]').waitFor({ state: 'visible', timeout: 30_000 });
    await expect.poll(() => page.locator('[data-test="scorecard-table"] thead').innerText(), PATIENTLY).toContain('按时报送（10%）');
    expect(await weightInput('disbursements').inputValue()).toBe('90');
  });

  it('shows a liaison its own bank’s figures only: no other bank, score, rank, 合计, export or weights', async () => {
    await openScorecardAs(/工商银行/);
    await expect.poll(shownBankIds, PATIENTLY).toEqual(['icbc']);
    expect(await page.locator('[data-test="scorecard-rank"]').count()).toBe(0);
    expect(await page.locator('[data-test="scorecard-total"]').count()).toBe(0);
    expect(await page.locator('[data-test="scorecard-total-row"]').count()).toBe(0);
    expect(await page.locator('[data-test="scorecard-export"]').count()).toBe(0);
    expect(await page.locator('[data-test="scorecard-weights-form"]').count()).toBe(0);
    expect(await page.locator('.scorecard-table__score').count()).toBe(0);
    expect(await page.locator('[data-test="scorecard-table"]').innerText()).toContain('工商银行');
  });
});
