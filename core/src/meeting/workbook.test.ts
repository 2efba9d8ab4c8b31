import { describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import type { CellValue, Worksheet } from 'exceljs';
import { createSampleWorkspace } from '../sample';
import { buildAgenda } from './agenda';
import type { Agenda } from './agenda';
import { buildMonthSnapshot } from './snapshot';
import { meetingTables } from '../views/meetingTables';
import { MEETING_BANKS, MEETING_NOW, MEETING_TARGETS, handMadeWorkspace } from './testing';
import { MONEY_FORMAT, SHEET_NAMES, asOfMonthText, buildScheduleWorkbook, scheduleTitle, workbookToBuffer } from './workbook';

const sampleNow = new Date('2026-05-29T02:00:00.000Z');
const meetingNow = new Date('2026-06-03T02:00:00.000Z');

function sampleAgenda(projects?: number): Agenda {
  const ws = createSampleWorkspace({ now: sampleNow, ...(projects ? { projects } : {}) });
  const previousSnapshot = buildMonthSnapshot('2026-04', ws.projects, ws.loanLines, ws.banks, new Date('2026-05-02T02:00:00.000Z'));
  return buildAgenda({
    month: '2026-05',
    projects: ws.projects,
    lines: ws.loanLines,
    banks: ws.banks,
    targets: ws.settings.targets,
    previousSnapshot,
    now: meetingNow,
    rules: ws.settings.stallRules,
  });
}

async function roundTrip(agenda: Agenda, cityName?: string): Promise<ExcelJS.Workbook> {
  const buffer = await workbookToBuffer(await buildScheduleWorkbook(agenda, cityName ? { cityName } : {}));
  expect(buffer.byteLength).toBeGreaterThan(0);
  const read = new ExcelJS.Workbook();
  await read.xlsx.load(buffer as unknown as ArrayBuffer);
  return read;
}

function numberOf(value: CellValue): number {
  if (typeof value === 'number') return value;
  if (value && typeof value === 'object' && 'result' in value && typeof value.result === 'number') return value.result;
  throw new Error(`not a number: ${JSON.stringify(value)}`);
}

function columnOf(sheet: Worksheet, header: string): number {
  const row = sheet.getRow(3);
  for (let c = 1; c <= row.cellCount; c++) if (row.getCell(c).value === header) return c;
  throw new Error(`no column ${header} in ${sheet.name}`);
}

/** The 合计 row: the last row of the sheet. */
function totalOf(sheet: Worksheet, header: string): number {
  return numberOf(sheet.getRow(sheet.rowCount).getCell(columnOf(sheet, header)).value);
}

const wan = (yuan: number) => yuan / 10_000;
const sum = <T>(rows: readonly T[], pick: (row: T) => number) => rows.reduce((s, row) => s + pick(row), 0);

describe('the 调度表 workbook', () => {
  it('has a sheet per meeting table, each with the title, frozen headers and a 合计 row', async () => {
    const agenda = sampleAgenda();
    const workbook = await roundTrip(agenda, '昭通市');
    expect(workbook.worksheets.map((s) => s.name)).toEqual(Object.values(SHEET_NAMES));
    expect(Object.values(SHEET_NAMES)).toEqual(['重点项目清单', '阶段漏斗', '已审批待投放', '停滞项目', '困难问题', '交办事项', '分银行', '分县区', '分行业']);
    expect(asOfMonthText('2026-05')).toBe('截至2026年5月末');
    for (const sheet of workbook.worksheets) {
      expect(sheet.getCell('A1').value).toBe('昭通市重点项目融资调度表（截至2026年5月末）');
      expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 3 });
      const labels = sheet.getRow(sheet.rowCount).values as CellValue[];
      expect(labels).toContain('合计');
      for (let c = 1; c <= sheet.columnCount; c++) {
        expect(sheet.getColumn(c).width ?? 0).toBeGreaterThanOrEqual(6);
      }
    }
    expect(scheduleTitle('2026-12')).toBe('重点项目融资调度表（截至2026年12月末）');
  }, 60_000);

  it('totals every sheet in 万元 to the agenda, to the yuan', async () => {
    const agenda = sampleAgenda();
    const workbook = await roundTrip(agenda);
    const projects = workbook.getWorksheet(SHEET_NAMES.projects)!;
    expect(projects.rowCount).toBe(3 + agenda.snapshot.projects.length + 1);
    expect(totalOf(projects, '融资需求')).toBe(wan(agenda.totals.need));
    expect(totalOf(projects, '已审批')).toBe(wan(agenda.totals.approved));
    expect(totalOf(projects, '已签约')).toBe(wan(agenda.totals.contracted));
    expect(totalOf(projects, '累计投放')).toBe(wan(agenda.totals.disbursed));
    expect(totalOf(projects, '本月投放')).toBe(wan(agenda.totals.disbursedInMonth));
    expect(totalOf(projects, '已审批待投放')).toBe(wan(agenda.totals.approvedNotDisbursed));
    expect(agenda.totals.disbursedInMonth).toBeGreaterThan(0);
    const needCell = projects.getRow(4).getCell(columnOf(projects, '融资需求'));
    expect(needCell.numFmt).toBe(MONEY_FORMAT);

    const waiting = workbook.getWorksheet(SHEET_NAMES.waiting)!;
    expect(agenda.approvedNotDisbursed.length).toBeGreaterThan(0);
    expect(waiting.rowCount).toBe(3 + agenda.approvedNotDisbursed.length + 1);
    expect(totalOf(waiting, '待投放')).toBe(wan(sum(agenda.approvedNotDisbursed, (r) => r.waiting)));
    expect(totalOf(waiting, '审批金额')).toBe(wan(sum(agenda.approvedNotDisbursed, (r) => r.approved)));

    const problems = workbook.getWorksheet(SHEET_NAMES.problems)!;
    expect(problems.rowCount).toBe(3 + agenda.problems.rows.length + 1);
    const summary = String(problems.getRow(problems.rowCount).getCell(columnOf(problems, '问题描述')).value);
    expect(summary).toContain(`共${agenda.problems.rows.length}项`);

    const banks = workbook.getWorksheet(SHEET_NAMES.banks)!;
    expect(banks.rowCount).toBe(3 + agenda.byBank.length + 1);
    expect(totalOf(banks, '已审批')).toBe(wan(sum(agenda.byBank, (b) => b.approved)));
    expect(totalOf(banks, '累计投放')).toBe(wan(sum(agenda.byBank, (b) => b.disbursed)));
    expect(totalOf(banks, '本月投放')).toBe(wan(sum(agenda.byBank, (b) => b.disbursedInMonth)));
    expect(totalOf(banks, '较上月新增投放')).toBe(wan(sum(agenda.byBank, (b) => b.change!.disbursed)));
    expect(totalOf(banks, '战略合作协议金额')).toBe(wan(sum(agenda.byBank, (b) => b.agreementAmount)));
    // Every line belongs to a known bank, so the banks add up to the list.
    expect(sum(agenda.byBank, (b) => b.disbursed)).toBe(agenda.totals.disbursed);

    const districts = workbook.getWorksheet(SHEET_NAMES.districts)!;
    expect(districts.rowCount).toBe(3 + agenda.byDistrict.length + 1);
    expect(totalOf(districts, '项目数')).toBe(agenda.totals.projectCount);
    expect(totalOf(districts, '融资需求')).toBe(wan(agenda.totals.need));
    expect(totalOf(districts, '累计投放')).toBe(wan(agenda.totals.disbursed));
  }, 60_000);

  it('writes the hand-made workspace row by row in 万元', async () => {
    const { projects, lines } = handMadeWorkspace();
    const agenda = buildAgenda({ month: '2026-05', projects, lines, banks: MEETING_BANKS, targets: MEETING_TARGETS, previousSnapshot: null, now: MEETING_NOW });
    const workbook = await roundTrip(agenda);
    const waiting = workbook.getWorksheet(SHEET_NAMES.waiting)!;
    const row = (r: number) => ({
      name: waiting.getRow(r).getCell(columnOf(waiting, '项目名称')).value,
      waiting: waiting.getRow(r).getCell(columnOf(waiting, '待投放')).value,
      days: waiting.getRow(r).getCell(columnOf(waiting, '等待天数')).value,
      level: waiting.getRow(r).getCell(columnOf(waiting, '预警')).value,
    });
    expect(row(4)).toEqual({ name: '城东污水厂', waiting: 3_000, days: 105, level: '超90天' });
    expect(row(5)).toEqual({ name: '西区道路', waiting: 3_000, days: 72, level: '超60天' });
    expect(totalOf(waiting, '待投放')).toBe(6_000);
    const banks = workbook.getWorksheet(SHEET_NAMES.banks)!;
    // No previous month: the month-on-month column stays empty, with no total.
    expect(banks.getRow(4).getCell(columnOf(banks, '较上月新增投放')).value).toBeNull();
    expect(banks.getRow(4).getCell(columnOf(banks, '协议履约率')).value).toBe(0.06);
  });

  it('reports progress up to the total for a large export', async () => {
    const agenda = sampleAgenda(600);
    const reports: [number, number][] = [];
    await buildScheduleWorkbook(agenda, { onProgress: (done, total) => reports.push([done, total]) });
    const tables = meetingTables(agenda);
    const total =
      tables.projects.rows.length +
      tables.funnel.rows.length +
      tables.waiting.rows.length +
      tables.stalled.rows.length +
      tables.problems.rows.length +
      tables.decisions.rows.length +
      tables.byBank.rows.length +
      tables.byDistrict.rows.length +
      tables.bySector.rows.length;
    expect(reports.length).toBeGreaterThan(2);
    expect(reports.at(-1)).toEqual([total, total]);
    expect(reports.every(([, t]) => t === total)).toBe(true);
    for (let i = 1; i < reports.length; i++) expect(reports[i]![0]).toBeGreaterThan(reports[i - 1]![0]);
  }, 120_000);
});
