/**
 * The monthly scheduling meeting in Chromium: a bureau member opens last month's agenda, records
 * a decision on a project and marks it done, closes the month, sees the board as it stood, and
 * next month sees what changed; the 调度表 downloads and reads back with exceljs.
 */
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import type { CellValue, Worksheet } from 'exceljs';
import type { Locator, Page } from 'playwright-core';
import {
  SHEET_NAMES,
  addMonths,
  asOfMonthText,
  formatWan,
  monthEnd,
  monthOf,
  scheduleFileName,
  type LoanLine,
} from '@clearway/core';
import { createSampleWorkspace } from '@clearway/core/sample';
import { useBrowser } from './fixture';
import { openBoard } from './harness';

const PATIENTLY = { timeout: 15_000 };
const CURRENT = monthOf(new Date());
const PREVIOUS = addMonths(CURRENT, -1);
const monthText = (month: string) => `${Number(month.slice(0, 4))}年${Number(month.slice(5, 7))}月`;

// The app seeds this same workspace (default seed); only its dates follow the clock.
const sample = createSampleWorkspace({ now: new Date() });
const drawn = (line: LoanLine) => line.tranches.reduce((sum, tranche) => sum + tranche.amount, 0);
const ICBC_LINE = sample.loanLines.find(
  (line) =>
    line.bankId === 'icbc' &&
    (line.approved ?? 0) > drawn(line) + 1_000_000 &&
    sample.projects.find((project) => project.id === line.projectId)?.flag === null,
) as LoanLine;
const TRANCHE = 1_000_000; // 100万元

const browser = useBrowser();
let page: Page;
beforeEach(() => {
  page = browser.page;
});

async function openMeeting(month: string): Promise<void> {
  await openBoard(page); // the sample is seeded and scanned on the first load
  await page.goto(`/meeting?month=${month}`);
  await page.locator('[data-test="funnel-table"]').waitFor({ state: 'visible', timeout: 30_000 });
  expect(await page.locator('[data-test="meeting-title"]').innerText()).toContain(monthText(month));
}

function section(id: string): Locator {
  return page.locator(`#agenda-${id}`);
}

function numberOf(value: CellValue): number {
  if (typeof value === 'number') return value;
  if (value && typeof value === 'object' && 'result' in value && typeof value.result === 'number') return value.result;
  throw new Error(`not a number: ${JSON.stringify(value)}`);
}

/** The 合计 row of a sheet and the column numbers by header. */
function totalsOf(sheet: Worksheet): { row: number; column: (header: string) => number } {
  let row = 0;
  sheet.eachRow((r, n) => {
    r.eachCell((cell) => {
      if (cell.value === '合计') row = n;
    });
  });
  const headers = new Map<string, number>();
  sheet.getRow(3).eachCell((cell, c) => headers.set(String(cell.value), c));
  return {
    row,
    column: (header) => {
      const found = headers.get(header);
      if (!found) throw new Error(`no column ${header} in ${sheet.name}`);
      return found;
    },
  };
}

/** "201.57亿元" or "2,600.00万元" as 万元. */
function wanOfText(text: string): number {
  const number = Number(text.replace(/[^\d.]/g, ''));
  return text.includes('亿元') ? number * 10_000 : number;
}

describe('monthly scheduling meeting', () => {
  it('records a decision, closes the month, shows the board as it stood, and what changed next month', async () => {
    expect(ICBC_LINE, 'the sample has an ICBC line with room to draw').toBeDefined();
    await openMeeting(PREVIOUS);

    // 一项一策: a decision on the first project of the walk, then marked done.
    const walk = page.locator('[data-test="project-walk"]');
    const projectName = (await walk.locator('.walk__name').innerText()).trim();
    const decision = `协调银行本月内完成首笔提款（${Date.now() % 100000}）`;
    await walk.locator('textarea[data-test="assignment-what"], [data-test="assignment-what"] textarea').fill(decision);
    await walk.locator('input[data-test="assignment-who"], [data-test="assignment-who"] input').fill('市财政局金融科');
    await walk.locator('[data-test="assignment-submit"]').click();
    const row = walk.locator('[data-test="assignments-table"] tr').filter({ hasText: decision });
    await row.waitFor({ state: 'visible' });
    expect(await section('decisions').innerText()).toContain(decision);
    expect(await section('decisions').innerText()).toContain(projectName);
    await row.locator('[data-test="complete-assignment"]').click();
    await row.locator('[data-test="assignment-done"]').waitFor({ state: 'visible' });

    // Close the month, after a confirmation.
    await page.locator('[data-test="close-month"]').click();
    await page.locator('.el-message-box__btns .el-button--primary').click();
    await page.locator('[data-test="closed-banner"]').waitFor({ state: 'visible' });
    expect(await page.locator('[data-test="meeting-status"]').innerText()).toContain('已关账');
    expect(await page.locator('[data-test="close-month"]').count()).toBe(0);
    expect(await walk.locator('[data-test="assignment-form"]').count()).toBe(0);
    // The first closed month has nothing before it to compare with.
    expect(await section('changes').innerText()).toContain('尚无已关账月份');

    // The board as it stood at the close, read-only.
    await page.locator('[data-test="history-link"]').click();
    await expect.poll(() => page.locator('[data-test="history-title"]').innerText(), PATIENTLY).toContain(monthText(PREVIOUS));
    await page.locator('.snap-card').first().waitFor({ state: 'visible' });
    expect(await page.locator('.snap-card').count()).toBe(sample.projects.filter((p) => p.createdAt <= monthEnd(PREVIOUS)).length);
    expect(await page.locator('.history-page').innerText()).toContain('只读');
    expect(await page.locator('.history-page button, .history-page [draggable="true"]').count()).toBe(0);

    // A disbursement this month, then the next meeting shows it among the changes.
    await page.goto('/my-bank?bank=icbc');
    const lineRow = page.locator(`tr[data-line-id="${ICBC_LINE.id}"]`);
    await lineRow.locator('[data-test="bank-record-tranche"]').click();
    const dialog = page.locator('.el-dialog').filter({ has: page.locator('.money-input') }).first();
    await dialog.locator('.money-input input').fill('100');
    await dialog.locator('[data-test="submit"]').click();
    await dialog.waitFor({ state: 'hidden' });

    await openMeeting(CURRENT);
    const changes = section('changes');
    await expect.poll(() => changes.innerText(), PATIENTLY).toContain(`${monthText(PREVIOUS)} → ${monthText(CURRENT)}`);
    const projectName2 = sample.projects.find((p) => p.id === ICBC_LINE.projectId)?.name ?? '';
    const sinceClose = sample.loanLines
      .filter((line) => line.projectId === ICBC_LINE.projectId)
      .flatMap((line) => line.tranches)
      .filter((tranche) => tranche.date > monthEnd(PREVIOUS).slice(0, 10))
      .reduce((sum, tranche) => sum + tranche.amount, TRANCHE);
    const disbursedItem = changes.locator('[data-test="diff-disbursed"] li').filter({ hasText: projectName2 });
    expect(await disbursedItem.innerText()).toContain(formatWan(sinceClose, { unit: false }));
  }, 150_000);

  it('downloads the 调度表 and it reads back with its sheets, titles and totals', async () => {
    await openMeeting(PREVIOUS);
    const needText = await page.locator('[data-test="total-need"]').innerText();
    const waitingText = await page.locator('[data-test="waiting-total"]').innerText();
    const waitingRows = await page.locator('[data-test="waiting-table"] tbody tr').count();

    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test="export-workbook"]').click()]);
    expect(download.suggestedFilename()).toBe(scheduleFileName(PREVIOUS));
    const file = join(tmpdir(), `clearway-e2e-${Date.now()}.xlsx`);
    await download.saveAs(file);

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await readFile(file)) as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(Object.values(SHEET_NAMES));
    for (const sheet of workbook.worksheets) {
      expect(String(sheet.getCell('A1').value)).toContain(asOfMonthText(PREVIOUS));
      expect(String(sheet.getCell('A2').value)).toContain('万元');
    }

    const projects = workbook.getWorksheet(SHEET_NAMES.projects) as Worksheet;
    const projectTotals = totalsOf(projects);
    const needTotal = numberOf(projects.getRow(projectTotals.row).getCell(projectTotals.column('融资需求')).value);
    // The page shows 亿元 (two decimals) or 万元; the workbook keeps 万元 exact to the yuan.
    expect(Math.abs(needTotal - wanOfText(needText))).toBeLessThan(needText.includes('亿元') ? 50 : 0.006);
    let needSum = 0;
    for (let r = 4; r < projectTotals.row; r++) needSum += numberOf(projects.getRow(r).getCell(projectTotals.column('融资需求')).value);
    expect(needSum).toBeCloseTo(needTotal, 2);

    const waiting = workbook.getWorksheet(SHEET_NAMES.waiting) as Worksheet;
    const waitingTotals = totalsOf(waiting);
    expect(waitingTotals.row - 4).toBe(waitingRows);
    const waitingTotal = numberOf(waiting.getRow(waitingTotals.row).getCell(waitingTotals.column('待投放')).value);
    expect(Math.abs(waitingTotal - wanOfText(waitingText))).toBeLessThan(0.006);
  });
});

describe('month plan', () => {
  const NEXT = addMonths(CURRENT, 1);
  const LATER = addMonths(CURRENT, 2);
  const cardsIn = (column: string) =>
    page.locator(`ol[data-column="${column}"] > li[data-id]`).evaluateAll((items) => items.map((item) => (item as HTMLElement).dataset.id ?? ''));

  async function openPlan(): Promise<void> {
    await openBoard(page);
    await page.goto('/plan');
    await page.locator('ol[data-column] > li[data-id]').first().waitFor({ state: 'visible', timeout: 30_000 });
  }

  it('reschedules a card with its menu (no mouse), and keeps it after a reload', async () => {
    await openPlan();
    const source = (await cardsIn(CURRENT)).length ? CURRENT : NEXT;
    const [projectId] = await cardsIn(source);
    expect(projectId, `a project is planned for ${source}`).toBeTruthy();
    const target = source === CURRENT ? NEXT : LATER;
    await page.locator(`li[data-id="${projectId}"] [data-test="reschedule-menu"]`).click();
    await page.locator(`.el-dropdown-menu__item[data-month="${target}"]:visible`).click();
    await expect.poll(() => cardsIn(target), PATIENTLY).toContain(projectId);
    expect(await cardsIn(source)).not.toContain(projectId);
    // The card shows the move at once and is busy until it is stored; a reload before that would
    // end the command (the board's tests wait the same way).
    await expect.poll(() => page.locator(`li[data-id="${projectId}"] [aria-busy]`).count(), PATIENTLY).toBe(0);

    await page.reload();
    await page.locator('ol[data-column] > li[data-id]').first().waitFor({ state: 'visible', timeout: 30_000 });
    await expect.poll(() => cardsIn(target), PATIENTLY).toContain(projectId);
  });

  it('reschedules a card dragged with the mouse to another month', async () => {
    await openPlan();
    const [projectId] = await cardsIn(LATER);
    expect(projectId, `a project is planned for ${LATER}`).toBeTruthy();
    const from = await page.locator(`li[data-id="${projectId}"]`).boundingBox();
    const to = await page.locator(`ol[data-column="${NEXT}"]`).boundingBox();
    if (!from || !to) throw new Error('the plan columns are not on screen');
    await page.mouse.move(from.x + from.width / 2, from.y + 30);
    await page.mouse.down();
    await page.mouse.move(from.x + from.width / 2 + 8, from.y + 38, { steps: 4 });
    await page.mouse.move(to.x + to.width / 2, to.y + 20, { steps: 20 });
    await page.mouse.move(to.x + to.width / 2, to.y + 22, { steps: 2 });
    await page.mouse.up();
    await expect.poll(() => cardsIn(NEXT), PATIENTLY).toContain(projectId);
    await page.locator('.el-message--success').filter({ hasText: '改期到' }).first().waitFor({ state: 'visible' });
  });
});
