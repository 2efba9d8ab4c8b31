/**
 * The ledger import in Chromium, as a new user would: a staff member uploads the bureau's Excel
 * 台账 (every quirk of core's fixture, one column under a header the app does not know), corrects
 * that column's mapping, reads the preview (every project found, every other row skipped with its
 * reason, totals that agree with the ledger's 合计), applies it, sees the projects on the board at
 * their stages with the ledger's totals, and undoes the import.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ledgerFileName, monthOf } from '@clearway/core';
import { fixtureBytes, QUIRKY_ROW_NUMBERS, QUIRKY_ROWS, type FixtureCell } from '@clearway/core/testing';
import { PATIENTLY, useBrowser } from './fixture';
import { columnList, openBoard, RESULTS_DIR } from './harness';

const MARK = '台账试点';
const STAGE_COLUMN = 13;

/** The fixture with marked project names (so a board search finds exactly them) and 推进阶段 under an unknown header. */
function ledgerRows(): FixtureCell[][] {
  const rows = QUIRKY_ROWS.map((row) => [...row]);
  for (const n of QUIRKY_ROW_NUMBERS.data) {
    const row = rows[n - 1]!;
    if (typeof row[1] === 'string') row[1] = `${MARK}${row[1]}`;
  }
  rows[2]![STAGE_COLUMN] = '当前进展';
  return rows;
}

const browser = useBrowser();
let page: Page;
beforeEach(() => {
  page = browser.page;
});

async function uploadLedger(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'clearway-ledger-'));
  const file = join(dir, '昭通市重点项目融资台账.xlsx');
  await writeFile(file, await fixtureBytes(ledgerRows()));
  await page.locator('[data-test="ledger-upload"] input[type=file]').setInputFiles(file);
  await page.locator('[data-test="ledger-preview"]').waitFor({ state: 'visible', timeout: 30_000 });
}

const outcomeOf = (row: number) => page.locator(`[data-test="row-outcome-${row}"]`).getAttribute('data-outcome');
const reasonsOf = (row: number) => page.locator(`[data-test="row-reasons-${row}"]`).innerText();

async function columnTotals(stage: string): Promise<string> {
  return page.locator(`[data-stage-column="${stage}"] .column__totals`).innerText();
}

async function cardsIn(stage: string): Promise<string> {
  // textContent, not innerText: cards out of view skip layout (content-visibility: auto), and
  // Chromium's innerText gives nothing for a column scrolled off to the right.
  return (await columnList(page, stage).textContent()) ?? '';
}

describe('importing the bureau ledger', () => {
  it('previews, applies with a corrected mapping, shows the projects on the board, and undoes', async () => {
    await openBoard(page);
    await page.getByRole('link', { name: '导入台账' }).click();
    await page.waitForURL('**/import');
    await uploadLedger();

    // The unknown header is not imported until the person says what it is.
    await expect.poll(() => page.locator(`[data-test="mapping-field-${STAGE_COLUMN}"]`).innerText()).toContain('不导入');
    await expect.poll(() => reasonsOf(11)).not.toContain('推进阶段');
    await page.locator(`[data-test="mapping-field-${STAGE_COLUMN}"]`).click();
    await page.getByRole('option', { name: '推进阶段', exact: true }).click();
    await expect.poll(() => page.locator(`[data-test="mapping-field-${STAGE_COLUMN}"]`).innerText()).toContain('推进阶段');

    // Every project found, every other row skipped with its reason, totals agreeing with 合计.
    expect(await page.locator('[data-test="ledger-counts"]').innerText()).toBe('新建 5 · 更新 0 · 无变化 0 · 有错误 0 · 跳过 12');
    for (const row of QUIRKY_ROW_NUMBERS.data) expect(await outcomeOf(row)).toBe('create');
    expect(await outcomeOf(QUIRKY_ROW_NUMBERS.total)).toBe('skipped');
    expect(await reasonsOf(QUIRKY_ROW_NUMBERS.total)).toContain('合计行');
    expect(await reasonsOf(QUIRKY_ROW_NUMBERS.signature)).toContain('签字行');
    expect(await reasonsOf(QUIRKY_ROW_NUMBERS.subtotals[0]!)).toContain('小计行');
    expect(await reasonsOf(QUIRKY_ROW_NUMBERS.sections[0]!)).toContain('分组行');
    expect(await page.locator('[data-test="ledger-totals-verdict"]').innerText()).toContain('一致');
    expect(await page.locator('[data-test="total-rows-needTotal"]').innerText()).toBe('35,400.00万元');

    await screenshots('preview');

    await page.locator('[data-test="ledger-apply-button"]').click();
    await page.locator('[data-test="ledger-applied"]').waitFor({ state: 'visible', timeout: 30_000 });
    expect(await page.locator('[data-test="ledger-applied"]').innerText()).toContain('已导入 4 个项目');
    // The same file now previews as unchanged.
    await expect.poll(() => page.locator('[data-test="ledger-counts"]').innerText(), PATIENTLY).toBe('新建 0 · 更新 0 · 无变化 5 · 有错误 0 · 跳过 12');

    // On the board: the stages, the banks' figures and the ledger's totals.
    await page.goto(`/?q=${encodeURIComponent(MARK)}`);
    await expect.poll(() => cardsIn('disbursing'), PATIENTLY).toContain('昭阳区城市更新项目');
    expect(await cardsIn('approved')).toContain('昭阳区污水处理厂提标改造');
    expect(await cardsIn('approved')).toContain('鲁甸县农村供水保障工程');
    expect(await cardsIn('diligence')).toContain('鲁甸县文旅康养项目');
    expect(await columnTotals('disbursing')).toMatch(/2\.00亿元[\s\S]*1\.50亿元[\s\S]*5,000\.00万元/);
    expect(await columnTotals('approved')).toMatch(/7,400\.00万元[\s\S]*6,200\.00万元[\s\S]*0\.00万元/);
    expect(await columnTotals('diligence')).toMatch(/8,000\.00万元/);

    // Undo the whole import.
    await page.goto('/import');
    await page.locator('[data-test="ledger-undo"]').click();
    await page.getByRole('button', { name: /确定|OK/ }).click();
    await page.locator('[data-test="ledger-undo"]').waitFor({ state: 'detached', timeout: 30_000 });
    await page.goto(`/?q=${encodeURIComponent(MARK)}`);
    await page.locator('[data-stage-column="pipeline"]').waitFor({ state: 'visible' });
    await expect.poll(() => page.locator('article[data-project-id]').count(), PATIENTLY).toBe(0);
  }, 180_000);

  it('exports the workspace in the ledger layout, and importing that file changes nothing', async () => {
    await openBoard(page);
    await page.goto('/import');
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test="ledger-export"]').click()]);
    expect(download.suggestedFilename()).toBe(ledgerFileName(monthOf(new Date())));
    const dir = await mkdtemp(join(tmpdir(), 'clearway-ledger-'));
    const file = join(dir, download.suggestedFilename());
    await download.saveAs(file);
    await page.locator('[data-test="ledger-upload"] input[type=file]').setInputFiles(file);
    await page.locator('[data-test="ledger-preview"]').waitFor({ state: 'visible', timeout: 60_000 });
    const counts = await page.locator('[data-test="ledger-counts"]').innerText();
    expect(counts).toMatch(/^新建 0 · 更新 0 · 无变化 \d+ · 有错误 0 · 跳过 \d+$/);
    expect(await page.locator('[data-test="ledger-totals-verdict"]').innerText()).toContain('一致');
    expect(await page.locator('[data-test="ledger-apply-button"]').innerText()).toContain('没有需要导入的项目');
  }, 120_000);

  it('refuses an old .xls with a message to save it as .xlsx', async () => {
    await openBoard(page);
    await page.goto('/import');
    const dir = await mkdtemp(join(tmpdir(), 'clearway-ledger-'));
    const file = join(dir, '旧台账.xls');
    await writeFile(file, new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]));
    await page.locator('[data-test="ledger-upload"] input[type=file]').setInputFiles(file);
    await expect.poll(() => page.locator('[data-test="ledger-file-error"]').innerText(), PATIENTLY).toContain('另存为');
  }, 60_000);
});

/** The page at the three widths a person looks at it (kept for review under test-results/). */
async function screenshots(name: string): Promise<void> {
  for (const width of [1280, 1440, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: join(RESULTS_DIR, 'ledger', `${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}
