/**
 * One figure, one number: every figure of every meeting table (as the page renders it from
 * `meetingTables`) equals the 调度表 cell it corresponds to, read back from the .xlsx file, for the
 * sample workspace and for generated ones; and 我的银行 equals that bank's row of 分银行情况.
 */
import fc from 'fast-check';
import ExcelJS from 'exceljs';
import type { CellValue, Worksheet } from 'exceljs';
import { describe, expect, it } from 'vitest';
import { addDays, addMonths, monthOf } from '../dates';
import { buildAgenda } from '../meeting/agenda';
import type { Agenda } from '../meeting/agenda';
import { buildMonthSnapshot } from '../meeting/snapshot';
import { SHEET_NAMES, buildScheduleWorkbook, workbookToBuffer } from '../meeting/workbook';
import { digestLine } from '../lineDigest';
import { projectForBank } from '../readPolicy';
import { evaluateStall } from '../stall';
import { createSampleWorkspace } from '../sample';
import type { SampleWorkspace } from '../sample';
import { bankWorkspace } from './bankWorkspace';
import { agreementFulfilment, isInPipeline } from './definitions';
import { meetingTables } from './meetingTables';
import type { MeetingTables } from './meetingTables';

const SAMPLE_NOW = new Date('2026-05-29T02:00:00.000Z');
const MEETING_NOW = new Date('2026-06-03T02:00:00.000Z');

function agendaOf(ws: SampleWorkspace, month: string, now: Date, withPrevious: boolean): Agenda {
  const previousSnapshot = withPrevious
    ? buildMonthSnapshot(addMonths(month, -1), ws.projects, ws.loanLines, ws.banks, new Date(Date.parse(`${month}-02T00:00:00+08:00`)))
    : null;
  return buildAgenda({
    month,
    projects: ws.projects,
    lines: ws.loanLines,
    banks: ws.banks,
    targets: ws.settings.targets,
    previousSnapshot,
    now,
    rules: ws.settings.stallRules,
  });
}

async function readBack(agenda: Agenda): Promise<ExcelJS.Workbook> {
  const buffer = await workbookToBuffer(await buildScheduleWorkbook(agenda));
  const read = new ExcelJS.Workbook();
  await read.xlsx.load(buffer as unknown as ArrayBuffer);
  return read;
}

type Kind = 'money' | 'count' | 'rate' | 'text';
/** A column of a page table: its 调度表 header, what the page shows in a row and in the 合计 row. */
type PageColumn<Row, Total> = [header: string, kind: Kind, row: (row: Row) => number | string | null, total?: (total: Total) => number | string | null];

function plain(value: CellValue): unknown {
  if (value && typeof value === 'object' && 'result' in value) return value.result;
  return value ?? null;
}

/** The cell as the page's figure: 万元 back to yuan, counts and rates as they are, empty as null. */
function figureOf(value: CellValue, kind: Kind): unknown {
  const v = plain(value);
  if (v === null || v === '') return null;
  if (kind === 'money') return Math.round(Number(v) * 10_000);
  return v;
}

function expectSheetMatches<Row, Total>(sheet: Worksheet, rows: readonly Row[], total: Total, columns: PageColumn<Row, Total>[]): void {
  const header = sheet.getRow(3);
  const columnOf = (name: string) => {
    for (let c = 1; c <= header.cellCount; c++) if (header.getCell(c).value === name) return c;
    throw new Error(`no column ${name} in ${sheet.name}`);
  };
  expect(sheet.rowCount, sheet.name).toBe(3 + rows.length + 1);
  for (const [name, kind, rowValue, totalValue] of columns) {
    const c = columnOf(name);
    const expectFigure = (cell: CellValue, expected: number | string | null, where: string) => {
      const actual = figureOf(cell, kind);
      if (kind === 'rate' && typeof expected === 'number') expect(actual, where).toBeCloseTo(expected, 12);
      else expect(actual, where).toEqual(expected === '' ? null : expected);
    };
    rows.forEach((row, r) => expectFigure(sheet.getRow(4 + r).getCell(c).value, rowValue(row), `${sheet.name} row ${r + 1} ${name}`));
    if (totalValue) expectFigure(sheet.getRow(4 + rows.length).getCell(c).value, totalValue(total), `${sheet.name} 合计 ${name}`);
  }
}

function expectWorkbookEqualsTables(workbook: ExcelJS.Workbook, tables: MeetingTables): void {
  const sheet = (name: string) => workbook.getWorksheet(name)!;
  expectSheetMatches(sheet(SHEET_NAMES.projects), tables.projects.rows, tables.projects.total, [
    ['项目名称', 'text', (p) => p.name, (t) => `${t.count}个项目`],
    ['融资需求', 'money', (p) => p.need, (t) => t.need],
    ['已审批', 'money', (p) => p.approved, (t) => t.approved],
    ['已签约', 'money', (p) => p.contracted, (t) => t.contracted],
    ['累计投放', 'money', (p) => p.disbursed, (t) => t.disbursed],
    ['本月投放', 'money', (p) => p.disbursedInMonth, (t) => t.disbursedInMonth],
    ['已审批待投放', 'money', (p) => p.approvedNotDisbursed, (t) => t.approvedNotDisbursed],
    ['未解决问题', 'count', (p) => p.openBlockers.length, (t) => t.openBlockerCount],
  ]);
  expectSheetMatches(sheet(SHEET_NAMES.funnel), tables.funnel.rows, tables.funnel.total, [
    ['项目数', 'count', (r) => r.count, (t) => t.count],
    ['融资需求', 'money', (r) => r.need, (t) => t.need],
    ['已审批', 'money', (r) => r.approved, (t) => t.approved],
    ['累计投放', 'money', (r) => r.disbursed, (t) => t.disbursed],
  ]);
  expectSheetMatches(sheet(SHEET_NAMES.waiting), tables.waiting.rows, tables.waiting.total, [
    ['项目名称', 'text', (r) => r.name, (t) => `${t.count}个项目`],
    ['审批金额', 'money', (r) => r.approved, (t) => t.approved],
    ['已投放', 'money', (r) => r.disbursed, (t) => t.disbursed],
    ['待投放', 'money', (r) => r.waiting, (t) => t.waiting],
    ['等待天数', 'count', (r) => r.days],
  ]);
  expectSheetMatches(sheet(SHEET_NAMES.stalled), tables.stalled.rows, tables.stalled.total, [
    ['项目名称', 'text', (r) => r.name, (t) => `${t.count}个项目`],
  ]);
  expectSheetMatches(sheet(SHEET_NAMES.problems), tables.problems.rows, tables.problems.total, [
    ['项目名称', 'text', (r) => r.projectName],
    ['逾期天数', 'count', (r) => (r.overdue ? r.daysOverdue : null)],
    ['问题描述', 'text', (r) => r.description, (t) => `共${t.count}项：本月新增${t.new}项，推进中${t.inProgress}项，本月已解决${t.resolved}项，逾期${t.overdue}项`],
  ]);
  expectSheetMatches(sheet(SHEET_NAMES.decisions), tables.decisions.rows, tables.decisions.total, [
    ['交办事项', 'text', (r) => r.what, (t) => `共${t.count}项：未办结${t.open}项，逾期${t.overdue}项`],
    ['逾期天数', 'count', (r) => (r.overdue ? r.daysOverdue : null)],
  ]);
  expectSheetMatches(sheet(SHEET_NAMES.banks), tables.byBank.rows, tables.byBank.total, [
    ['金融机构', 'text', (b) => b.name],
    ['战略合作协议金额', 'money', (b) => b.agreementAmount, (t) => t.agreementAmount],
    ['项目数', 'count', (b) => b.projectCount],
    ['融资事项数', 'count', (b) => b.lineCount, (t) => t.lineCount],
    ['申请金额', 'money', (b) => b.requested, (t) => t.requested],
    ['已审批', 'money', (b) => b.approved, (t) => t.approved],
    ['已签约', 'money', (b) => b.contracted, (t) => t.contracted],
    ['累计投放', 'money', (b) => b.disbursed, (t) => t.disbursed],
    ['本月投放', 'money', (b) => b.disbursedInMonth, (t) => t.disbursedInMonth],
    ['较上月新增投放', 'money', (b) => b.change?.disbursed ?? null, (t) => t.change?.disbursed ?? null],
    ['较上月新增审批', 'money', (b) => b.change?.approved ?? null, (t) => t.change?.approved ?? null],
    ['已审批待投放', 'money', (b) => b.approvedNotDisbursed, (t) => t.approvedNotDisbursed],
    ['协议履约率', 'rate', (b) => b.agreementRate, (t) => t.agreementRate],
  ]);
  for (const [name, table] of [
    [SHEET_NAMES.districts, tables.byDistrict],
    [SHEET_NAMES.sectors, tables.bySector],
  ] as const) {
    expectSheetMatches(sheet(name), table.rows, table.total, [
      ['项目数', 'count', (g) => g.projectCount, (t) => t.projectCount],
      ['融资需求', 'money', (g) => g.need, (t) => t.need],
      ['已审批', 'money', (g) => g.approved, (t) => t.approved],
      ['已签约', 'money', (g) => g.contracted, (t) => t.contracted],
      ['累计投放', 'money', (g) => g.disbursed, (t) => t.disbursed],
      ['本月投放', 'money', (g) => g.disbursedInMonth, (t) => t.disbursedInMonth],
      ['已审批待投放', 'money', (g) => g.approvedNotDisbursed, (t) => t.approvedNotDisbursed],
      ['审批率', 'rate', (g) => g.approvalRate, (t) => t.approvalRate],
      ['落地率', 'rate', (g) => g.landingRate, (t) => t.landingRate],
      ['停滞项目', 'count', (g) => g.stalledCount, (t) => t.stalledCount],
      ['未解决问题', 'count', (g) => g.openBlockerCount, (t) => t.openBlockerCount],
    ]);
  }
}

/** The page's tables agree with each other: one list, one figure wherever it appears. */
function expectTablesAgree(tables: MeetingTables): void {
  const { summary } = tables;
  for (const total of [tables.funnel.total, tables.projects.total, tables.byDistrict.total, tables.bySector.total]) {
    expect(total.need).toBe(summary.need);
    expect(total.approved).toBe(summary.approved);
    expect(total.disbursed).toBe(summary.disbursed);
  }
  expect(tables.funnel.total.count).toBe(summary.projectCount);
  expect(tables.byDistrict.total.projectCount).toBe(summary.projectCount);
  expect(summary.pipelineCount + summary.offFlowCount).toBe(summary.projectCount);
  expect(summary.pipelineCount).toBe(tables.projects.rows.filter(isInPipeline).length);
  // Every line belongs to a known bank, so the banks add up to the list's money.
  expect(tables.byBank.total.approved).toBe(summary.approved);
  expect(tables.byBank.total.disbursed).toBe(summary.disbursed);
  expect(tables.byBank.total.disbursedInMonth).toBe(summary.disbursedInMonth);
  expect(tables.byBank.total.agreementRate).toBe(agreementFulfilment(tables.byBank.rows));
}

function expectMyBankEqualsBankRows(ws: SampleWorkspace, now: Date): void {
  const agenda = agendaOf(ws, monthOf(now), now, false);
  for (const bank of ws.banks) {
    const row = agenda.byBank.find((candidate) => candidate.bankId === bank.id)!;
    const expected = {
      lines: row.lineCount,
      projects: row.projectCount,
      requested: row.requested,
      approved: row.approved,
      contracted: row.contracted,
      disbursed: row.disbursed,
      disbursedInMonth: row.disbursedInMonth,
      waiting: row.approvedNotDisbursed,
      agreement: row.agreementAmount,
      agreementRate: row.agreementRate,
    };
    const rules = ws.settings.stallRules;
    // The bureau's 我的银行 (all lines) and the bank's liaison (its own lines, projected projects).
    const bureau = bankWorkspace({ bank, lines: ws.loanLines, projects: ws.projects, now, rules });
    const liaison = bankWorkspace({
      bank,
      lines: ws.loanLines.filter((line) => line.bankId === bank.id),
      projects: ws.projects.map((project) => projectForBank(project, bank.id)),
      now,
      rules,
    });
    expect(bureau.totals, bank.name).toEqual(expected);
    expect(liaison.totals, bank.name).toEqual(expected);
  }
}

describe('the meeting tables and the 调度表', () => {
  it('agree cell by cell on the sample workspace, with a previous month', async () => {
    const ws = createSampleWorkspace({ now: SAMPLE_NOW });
    const agenda = agendaOf(ws, '2026-05', MEETING_NOW, true);
    const tables = meetingTables(agenda);
    expect(tables.byBank.total.change).not.toBeNull();
    expect(tables.summary.offFlowCount).toBeGreaterThan(0);
    expectTablesAgree(tables);
    expectWorkbookEqualsTables(await readBack(agenda), tables);
  }, 60_000);

  it('agree cell by cell on generated workspaces', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 0, max: 400 }),
        fc.boolean(),
        async (projects, seed, daysLater, withPrevious) => {
          const now = new Date(SAMPLE_NOW.getTime() + daysLater * 86_400_000);
          const ws = createSampleWorkspace({ now: SAMPLE_NOW, projects, seed });
          const agenda = agendaOf(ws, monthOf(addDays('2026-05-29', Math.floor(daysLater / 2))), now, withPrevious);
          const tables = meetingTables(agenda);
          expectTablesAgree(tables);
          expectWorkbookEqualsTables(await readBack(agenda), tables);
        },
      ),
      { numRuns: 8 },
    );
  }, 120_000);

  it('协议履约率 counts only banks with an agreement, on the page and in the 调度表', async () => {
    const ws = createSampleWorkspace({ now: SAMPLE_NOW });
    // A bank that lends without a strategic agreement (the case the two totals used to differ on).
    const lender = agendaOf(ws, '2026-05', MEETING_NOW, false).byBank.find((b) => b.disbursed > 0 && b.agreementAmount > 0)!;
    const banks = ws.banks.map((bank) => (bank.id === lender.bankId ? { ...bank, agreementAmount: 0 } : bank));
    const agenda = agendaOf({ ...ws, banks }, '2026-05', MEETING_NOW, false);
    const tables = meetingTables(agenda);
    const withAgreement = tables.byBank.rows.filter((b) => b.agreementAmount > 0);
    const expected = withAgreement.reduce((s, b) => s + b.disbursed, 0) / withAgreement.reduce((s, b) => s + b.agreementAmount, 0);
    expect(tables.byBank.total.agreementRate).toBe(expected);
    expect(tables.byBank.total.agreementRate).toBeLessThan(tables.byBank.total.disbursed / tables.byBank.total.agreementAmount);
    expectWorkbookEqualsTables(await readBack(agenda), tables);
  }, 60_000);
});

describe('我的银行', () => {
  it('equals its bank row of 分银行情况 on the sample workspace (农业发展银行 counts its declined line too)', () => {
    const ws = createSampleWorkspace({ now: SAMPLE_NOW });
    expectMyBankEqualsBankRows(ws, SAMPLE_NOW);
    const adbc = ws.banks.find((bank) => bank.name === '农业发展银行')!;
    const lines = ws.loanLines.filter((line) => line.bankId === adbc.id);
    const view = bankWorkspace({ bank: adbc, lines, projects: ws.projects, now: SAMPLE_NOW, rules: ws.settings.stallRules });
    expect(view.totals.lines).toBe(lines.length);
  });

  it('equals its bank row of 分银行情况 on generated workspaces, for the bureau and for the liaison', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 0, max: 200 }), (projects, seed, daysLater) => {
        const ws = createSampleWorkspace({ now: SAMPLE_NOW, projects, seed });
        expectMyBankEqualsBankRows(ws, new Date(SAMPLE_NOW.getTime() + daysLater * 86_400_000));
      }),
      { numRuns: 15 },
    );
  });

  it('lists as silent the projects the stall scan flags bankSilent for the bank (an application under review is not silence)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 0, max: 120 }), fc.integer({ min: 0, max: 60 }), (seed, daysLater, silenceDays) => {
        const ws = createSampleWorkspace({ now: SAMPLE_NOW, projects: 25, seed });
        const rules = { ...ws.settings.stallRules, bankSilenceDays: silenceDays };
        const later = new Date(SAMPLE_NOW.getTime() + daysLater * 86_400_000);
        const onFlow = ws.projects.filter(isInPipeline);
        for (const bank of ws.banks) {
          const flagged = new Set(
            onFlow
              .filter((project) =>
                evaluateStall(project, ws.loanLines.filter((line) => line.projectId === project.id).map(digestLine), later, rules).flags.some(
                  (flag) => flag.rule === 'bankSilent' && flag.params.bankId === bank.id,
                ),
              )
              .map((project) => project.id),
          );
          const view = bankWorkspace({ bank, lines: ws.loanLines, projects: ws.projects, now: later, rules });
          expect(new Set(view.silentRows.map((row) => row.line.projectId)), bank.name).toEqual(flagged);
          expect(view.silentRows.some((row) => row.line.status === 'applying')).toBe(false);
        }
      }),
      { numRuns: 10 },
    );
  });
});
