/**
 * Loan lines in Chromium: a bank liaison records a disbursement on their own bank's line, cannot
 * act on another bank's, and a bad amount is explained and changes nothing.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { formatWan, type LoanLine } from '@clearway/core';
import { createSampleWorkspace } from '@clearway/core/sample';
import { PATIENTLY, useBrowser } from './fixture';
import { cardOf, openBoard, switchIdentity } from './harness';

// The app seeds the same workspace (default seed); only its dates follow the clock.
const sample = createSampleWorkspace({ now: new Date() });
const drawn = (line: LoanLine): number => line.tranches.reduce((sum, tranche) => sum + tranche.amount, 0);
const projectOf = (line: LoanLine) => sample.projects.find((project) => project.id === line.projectId);

/** An approved, not fully drawn line of `bankId` on a project on the main flow. */
function drawableLine(bankId: string): LoanLine {
  const line = sample.loanLines.find(
    (candidate) => candidate.bankId === bankId && (candidate.approved ?? 0) > drawn(candidate) && projectOf(candidate)?.flag === null,
  );
  if (!line) throw new Error(`the sample has no drawable ${bankId} line`);
  return line;
}

const ICBC_LINE = drawableLine('icbc');
// A project 工商银行 has no line on, but another bank has: a liaison of 工商银行 may not act there.
const OTHER_BANK_LINE = drawableLine('ccb');
// A project stalled only because its approval has waited past the alarm: a first drawdown ends it.
const WAITING_PROJECT = sample.projects.find(
  (project) =>
    project.stage === 'approved' &&
    project.flag === null &&
    project.stall.stalled &&
    project.stall.flags.every((flag) => flag.params.basis === 'approvedNotDisbursed'),
);
const TRANCHE = 1_000_000; // 100万元
const wanText = (yuan: number) => formatWan(yuan, { unit: false });

const browser = useBrowser();
let page: Page;
beforeEach(() => {
  page = browser.page;
});

async function becomeIcbcLiaison(): Promise<void> {
  await openBoard(page);
  await switchIdentity(page, /工商银行/);
  await page.locator('.el-message').filter({ hasText: '已切换为' }).first().waitFor({ state: 'visible' });
}

async function openProject(projectId: string): Promise<Locator> {
  await cardOf(page, projectId).click();
  const drawer = page.locator('.el-drawer').first();
  await drawer.waitFor({ state: 'visible' });
  return drawer;
}

function lineCard(lineId: string): Locator {
  return page.locator(`[data-test="line-${lineId}"]`);
}

function trancheRows(lineId: string): Locator {
  return lineCard(lineId).locator('table tr');
}

async function openTrancheForm(lineId: string): Promise<Locator> {
  await lineCard(lineId).locator('[data-test="record-tranche"]').click();
  const dialog = page.locator('.el-dialog').filter({ has: page.locator('.money-input') }).first();
  await dialog.waitFor({ state: 'visible' });
  return dialog;
}

describe('loan lines', () => {
  it('lets a bank liaison record a disbursement on their own bank line, and keeps it', async () => {
    await becomeIcbcLiaison();
    const drawer = await openProject(ICBC_LINE.projectId);
    await lineCard(ICBC_LINE.id).waitFor({ state: 'visible' });
    const rowsBefore = ICBC_LINE.tranches.length;
    expect(await trancheRows(ICBC_LINE.id).count()).toBe(rowsBefore);

    const dialog = await openTrancheForm(ICBC_LINE.id);
    await dialog.locator('.money-input input').fill('100');
    await dialog.locator('[data-test="submit"]').click();
    await dialog.waitFor({ state: 'hidden' });

    await expect.poll(() => trancheRows(ICBC_LINE.id).count(), PATIENTLY).toBe(rowsBefore + 1);
    expect(await lineCard(ICBC_LINE.id).innerText()).toContain(wanText(drawn(ICBC_LINE) + TRANCHE));
    // The board card's progress follows the project's recomputed clearance.
    const projectDisbursed = (projectOf(ICBC_LINE)?.clearance.disbursed ?? 0) + TRANCHE;
    await expect.poll(() => cardOf(page, ICBC_LINE.projectId).innerText(), PATIENTLY).toContain(`已投放 ${wanText(projectDisbursed)}`);
    expect(await drawer.innerText()).toContain(wanText(projectDisbursed));

    await page.reload();
    await openBoard(page, `/?project=${ICBC_LINE.projectId}`);
    await expect.poll(() => trancheRows(ICBC_LINE.id).count(), PATIENTLY).toBe(rowsBefore + 1);
  });

  it('clears the approved-not-disbursed stall badge when the bureau records the first drawdown', async () => {
    expect(WAITING_PROJECT, 'the sample has an approval waiting past the alarm').toBeDefined();
    const project = WAITING_PROJECT as NonNullable<typeof WAITING_PROJECT>;
    const line = sample.loanLines.find((candidate) => candidate.projectId === project.id && (candidate.approved ?? 0) > 0) as LoanLine;
    await openBoard(page);
    const badge = cardOf(page, project.id).locator('.card__stall');
    expect(await badge.innerText()).toContain('停滞');
    await openProject(project.id);
    await page.getByRole('tab', { name: /融资事项/ }).click();
    const dialog = await openTrancheForm(line.id);
    await dialog.locator('.money-input input').fill('100');
    await dialog.locator('[data-test="submit"]').click();
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => badge.count(), PATIENTLY).toBe(0);
    expect(await cardOf(page, project.id).innerText()).toContain(`已投放 ${wanText(TRANCHE)}`);
  });

  it("refuses a liaison another bank's line: nothing to press, and the reason is shown", async () => {
    await becomeIcbcLiaison();
    const project = projectOf(OTHER_BANK_LINE);
    expect(project?.bankIds).not.toContain('icbc');
    const drawer = await openProject(OTHER_BANK_LINE.projectId);
    const note = drawer.locator('[data-test="hidden-bank-note"]').filter({ hasText: '建设银行' });
    await note.first().waitFor({ state: 'visible' });
    expect(await note.first().innerText()).toContain('仅该行联络员和局工作人员可见');
    expect(await drawer.locator(`[data-test="line-${OTHER_BANK_LINE.id}"]`).count()).toBe(0);
    expect(await drawer.locator('[data-test^="record-"]').count()).toBe(0);
  });

  it('explains a bad amount under the field and records nothing', async () => {
    await becomeIcbcLiaison();
    await openProject(ICBC_LINE.projectId);
    const rowsBefore = ICBC_LINE.tranches.length;
    const dialog = await openTrancheForm(ICBC_LINE.id);
    const input = dialog.locator('.money-input input');
    const submit = dialog.locator('[data-test="submit"]');

    for (const bad of ['abc', '-5']) {
      await input.fill(bad);
      const message = dialog.locator('.money-input__error');
      await message.waitFor({ state: 'visible' });
      const text = await message.innerText();
      expect(text, bad).toMatch(/[\u4e00-\u9fff]/);
      expect(text, bad).not.toMatch(/errors\./);
      await submit.click();
      expect(await dialog.isVisible()).toBe(true);
    }

    const remainder = (ICBC_LINE.approved ?? 0) - drawn(ICBC_LINE);
    await input.fill(String((remainder + TRANCHE) / 10_000));
    await submit.click();
    const overLimit = dialog.locator('.el-form-item__error').filter({ hasText: '超过审批未投放余额' });
    await overLimit.first().waitFor({ state: 'visible' });
    expect(await overLimit.first().innerText()).toContain(wanText(remainder));
    expect(await dialog.isVisible()).toBe(true);

    await dialog.getByRole('button', { name: '取消' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await trancheRows(ICBC_LINE.id).count()).toBe(rowsBefore);
    await page.reload();
    await openBoard(page, `/?project=${ICBC_LINE.projectId}`);
    await lineCard(ICBC_LINE.id).waitFor({ state: 'visible' });
    expect(await trancheRows(ICBC_LINE.id).count()).toBe(rowsBefore);
  });
});
