/**
 * The 调度表 workbook of the monthly meeting: one sheet per list, amounts in 万元 with two
 * decimals, a title "…（截至YYYY年M月末）", frozen header rows, a 合计 row, readable widths.
 *
 * exceljs is loaded on first use (dynamic import), so that importing `@clearway/core` does not
 * put a spreadsheet library into the first page load of the web app.
 */
import type * as ExcelJsModule from 'exceljs';
import type { Workbook, Worksheet } from 'exceljs';
import { STAGE_IDS } from '../types';
import type { IsoMonth, Yuan } from '../types';
import type { Agenda, AgendaBankRow, AgendaGroupRow, ProblemRow, WaitingRow } from './agenda';
import { BANK_CATEGORY_ZH, BLOCKER_TAG_ZH, CLEARANCE_STATUS_ZH, FLAG_ZH, PROBLEM_STATUS_ZH, STAGE_ZH, STALL_RULE_ZH } from './labels.zh';
import type { SnapshotProject } from './snapshot';

export const SHEET_NAMES = {
  projects: '重点项目清单',
  waiting: '已审批待投放',
  problems: '困难问题',
  banks: '分银行',
  districts: '分县区',
} as const;

export const MONEY_FORMAT = '#,##0.00';
const RATE_FORMAT = '0.0%';
const YUAN_PER_WAN = 10_000;
/** The rows written between two progress reports (and chances for the page to repaint). */
const PROGRESS_STEP = 250;
const TITLE_ROW = 1;
const UNIT_ROW = 2;
const HEADER_ROW = 3;
const FIRST_DATA_ROW = 4;

export interface WorkbookOptions {
  /** Called as rows are written: (rows done, rows in all). */
  onProgress?: (done: number, total: number) => void;
  /** The city in the title, e.g. 昭通市; without it the title starts with 重点项目. */
  cityName?: string;
}

/** "截至2026年5月末" */
export function asOfMonthText(month: IsoMonth): string {
  return `截至${Number(month.slice(0, 4))}年${Number(month.slice(5, 7))}月末`;
}

export function scheduleTitle(month: IsoMonth, cityName = ''): string {
  return `${cityName}重点项目融资调度表（${asOfMonthText(month)}）`;
}

export function scheduleFileName(month: IsoMonth, cityName = ''): string {
  return `${cityName}重点项目融资调度表-${month}.xlsx`;
}

/** 万元 as written into a cell: exact to the yuan, shown with two decimals by the number format. */
export function yuanToWanCell(y: Yuan): number {
  return y / YUAN_PER_WAN;
}

type ColumnKind = 'index' | 'text' | 'count' | 'money' | 'rate';
type CellValue = string | number | null;

interface Column<T> {
  header: string;
  kind: ColumnKind;
  value: (row: T, index: number) => CellValue;
  /** The 合计 cell: sum the column (money, count), a fixed value, or nothing. */
  total?: 'sum' | ((rows: readonly T[]) => CellValue);
  /** Width in characters; measured from the content when not given. */
  width?: number;
}

interface SheetSpec<T> {
  name: string;
  rows: readonly T[];
  columns: Column<T>[];
  /** The column that says 合计 (default: the first text column). */
  totalLabelColumn?: number;
}

/** Display width of a text: CJK and full-width characters count twice. */
function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) width += /[\u1100-\uffff]/.test(char) ? 2 : 1;
  return width;
}

function columnLetter(index: number): string {
  let n = index + 1;
  let letters = '';
  while (n > 0) {
    const rem = (n - 1) % 26;
    letters = String.fromCharCode(65 + rem) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}

function cellText(value: CellValue, kind: ColumnKind): string {
  if (value === null) return '';
  if (kind === 'money' && typeof value === 'number') return yuanToWanCell(value).toFixed(2).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  if (kind === 'rate' && typeof value === 'number') return `${(value * 100).toFixed(1)}%`;
  return String(value);
}

const THIN = { style: 'thin' as const, color: { argb: 'FFBFBFBF' } };
const BORDER = { top: THIN, left: THIN, bottom: THIN, right: THIN };

class Progress {
  done = 0;
  constructor(
    readonly total: number,
    private readonly report?: (done: number, total: number) => void,
  ) {}

  async advance(): Promise<void> {
    this.done += 1;
    if (this.done % PROGRESS_STEP === 0 && this.done < this.total) {
      this.report?.(this.done, this.total);
      // Let a browser repaint the progress bar between chunks.
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }

  finish(): void {
    this.report?.(this.total, this.total);
  }
}

async function addTableSheet<T>(workbook: Workbook, title: string, spec: SheetSpec<T>, progress: Progress): Promise<Worksheet> {
  const { columns, rows } = spec;
  const sheet = workbook.addWorksheet(spec.name, {
    views: [{ state: 'frozen', ySplit: HEADER_ROW, xSplit: 0 }],
    pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  });
  const lastColumn = columnLetter(columns.length - 1);

  sheet.mergeCells(`A${TITLE_ROW}:${lastColumn}${TITLE_ROW}`);
  const titleCell = sheet.getCell(`A${TITLE_ROW}`);
  titleCell.value = title;
  titleCell.font = { bold: true, size: 16 };
  titleCell.alignment = { horizontal: 'center', vertical: 'middle' };
  sheet.getRow(TITLE_ROW).height = 30;

  sheet.mergeCells(`A${UNIT_ROW}:${lastColumn}${UNIT_ROW}`);
  const unitCell = sheet.getCell(`A${UNIT_ROW}`);
  unitCell.value = `${spec.name}\u3000\u3000单位：万元`;
  unitCell.alignment = { horizontal: 'right' };

  const header = sheet.getRow(HEADER_ROW);
  columns.forEach((column, c) => {
    const cell = header.getCell(c + 1);
    cell.value = column.header;
    cell.font = { bold: true };
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };
    cell.border = BORDER;
  });
  header.height = 30;

  const widths = columns.map((column) => displayWidth(column.header));
  for (let r = 0; r < rows.length; r++) {
    const row = sheet.getRow(FIRST_DATA_ROW + r);
    columns.forEach((column, c) => {
      const value = column.value(rows[r]!, r);
      const cell = row.getCell(c + 1);
      cell.value = column.kind === 'money' && typeof value === 'number' ? yuanToWanCell(value) : value;
      if (column.kind === 'money') cell.numFmt = MONEY_FORMAT;
      if (column.kind === 'rate') cell.numFmt = RATE_FORMAT;
      cell.border = BORDER;
      if (column.kind === 'text') cell.alignment = { vertical: 'top', wrapText: true };
      widths[c] = Math.max(widths[c]!, displayWidth(cellText(value, column.kind)));
    });
    await progress.advance();
  }

  const totalRowNumber = FIRST_DATA_ROW + rows.length;
  const totalRow = sheet.getRow(totalRowNumber);
  const labelColumn = spec.totalLabelColumn ?? Math.max(columns.findIndex((c) => c.kind === 'text'), 0);
  columns.forEach((column, c) => {
    const cell = totalRow.getCell(c + 1);
    cell.font = { bold: true };
    cell.border = BORDER;
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF2F2F2' } };
    if (column.kind === 'money') cell.numFmt = MONEY_FORMAT;
    if (column.kind === 'rate') cell.numFmt = RATE_FORMAT;
    if (c === labelColumn) {
      cell.value = '合计';
      return;
    }
    if (column.total === 'sum') {
      const sum = rows.reduce((s, row, r) => s + Number(column.value(row, r) ?? 0), 0);
      const result = column.kind === 'money' ? yuanToWanCell(sum) : sum;
      const letter = columnLetter(c);
      cell.value = rows.length > 0 ? { formula: `SUM(${letter}${FIRST_DATA_ROW}:${letter}${totalRowNumber - 1})`, result } : result;
      widths[c] = Math.max(widths[c]!, displayWidth(cellText(sum, column.kind)));
    } else if (typeof column.total === 'function') {
      const value = column.total(rows);
      cell.value = column.kind === 'money' && typeof value === 'number' ? yuanToWanCell(value) : value;
    }
  });

  columns.forEach((column, c) => {
    sheet.getColumn(c + 1).width = column.width ?? Math.min(Math.max(widths[c]! + 2, 6), column.kind === 'text' ? 40 : 18);
  });
  return sheet;
}

function rateOf(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

function projectSheet(agenda: Agenda): SheetSpec<SnapshotProject> {
  const bankName = new Map(agenda.snapshot.banks.map((b) => [b.bankId, b.name]));
  // Board order: column by column, off-flow projects last.
  const order = (p: SnapshotProject) => (p.flag ? STAGE_IDS.length : 0) + STAGE_IDS.indexOf(p.stage);
  const rows = [...agenda.snapshot.projects].sort(
    (a, b) => order(a) - order(b) || (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : a.id < b.id ? -1 : 1),
  );
  return {
    name: SHEET_NAMES.projects,
    rows,
    columns: [
      { header: '序号', kind: 'index', value: (_, i) => i + 1, width: 6 },
      { header: '项目名称', kind: 'text', value: (p) => p.name, total: (rows) => `${rows.length}个项目` },
      { header: '县区', kind: 'text', value: (p) => p.district },
      { header: '行业', kind: 'text', value: (p) => p.sector },
      { header: '项目业主', kind: 'text', value: (p) => p.ownerName },
      { header: '牵头银行', kind: 'text', value: (p) => (p.leadBankId ? (bankName.get(p.leadBankId) ?? p.leadBankId) : '') },
      { header: '所处阶段', kind: 'text', value: (p) => (p.flag ? `${STAGE_ZH[p.stage]}（${FLAG_ZH[p.flag]}）` : STAGE_ZH[p.stage]) },
      { header: '状态', kind: 'text', value: (p) => CLEARANCE_STATUS_ZH[p.status] },
      { header: '融资需求', kind: 'money', value: (p) => p.need, total: 'sum' },
      { header: '已审批', kind: 'money', value: (p) => p.approved, total: 'sum' },
      { header: '已签约', kind: 'money', value: (p) => p.contracted, total: 'sum' },
      { header: '累计投放', kind: 'money', value: (p) => p.disbursed, total: 'sum' },
      { header: '本月投放', kind: 'money', value: (p) => p.disbursedInMonth, total: 'sum' },
      { header: '已审批待投放', kind: 'money', value: (p) => p.approvedNotDisbursed, total: 'sum' },
      { header: '预计投放月', kind: 'text', value: (p) => p.expectedMonth ?? '' },
      { header: '停滞原因', kind: 'text', value: (p) => [...new Set(p.stallFlags.map((f) => STALL_RULE_ZH[f.rule]))].join('、') },
      { header: '未解决问题', kind: 'count', value: (p) => p.openBlockers.length, total: 'sum' },
      { header: '责任单位', kind: 'text', value: (p) => p.responsibleUnit },
    ],
    totalLabelColumn: 0,
  };
}

function waitingSheet(agenda: Agenda): SheetSpec<WaitingRow> {
  const { warnDays, alarmDays } = agenda.waitingThresholds;
  const levelText = { ok: '', warn: `超${warnDays}天`, alarm: `超${alarmDays}天` } as const;
  return {
    name: SHEET_NAMES.waiting,
    rows: agenda.approvedNotDisbursed,
    columns: [
      { header: '序号', kind: 'index', value: (_, i) => i + 1, width: 6 },
      { header: '项目名称', kind: 'text', value: (r) => r.name, total: (rows) => `${rows.length}个项目` },
      { header: '县区', kind: 'text', value: (r) => r.district },
      { header: '行业', kind: 'text', value: (r) => r.sector },
      { header: '所处阶段', kind: 'text', value: (r) => STAGE_ZH[r.stage] },
      { header: '审批银行', kind: 'text', value: (r) => r.bankNames.join('、') },
      { header: '审批金额', kind: 'money', value: (r) => r.approved, total: 'sum' },
      { header: '已投放', kind: 'money', value: (r) => r.disbursed, total: 'sum' },
      { header: '待投放', kind: 'money', value: (r) => r.waiting, total: 'sum' },
      { header: '等待天数', kind: 'count', value: (r) => r.days },
      { header: '预警', kind: 'text', value: (r) => levelText[r.level] },
      { header: '预计投放月', kind: 'text', value: (r) => r.expectedMonth ?? '' },
      { header: '责任单位', kind: 'text', value: (r) => r.responsibleUnit },
    ],
    totalLabelColumn: 0,
  };
}

function problemSheet(agenda: Agenda): SheetSpec<ProblemRow> {
  const { counts } = agenda.problems;
  return {
    name: SHEET_NAMES.problems,
    rows: agenda.problems.rows,
    columns: [
      { header: '序号', kind: 'index', value: (_, i) => i + 1, width: 6 },
      { header: '项目名称', kind: 'text', value: (r) => r.projectName },
      { header: '县区', kind: 'text', value: (r) => r.district },
      { header: '问题分类', kind: 'text', value: (r) => BLOCKER_TAG_ZH[r.tag] },
      {
        header: '问题描述',
        kind: 'text',
        value: (r) => r.description,
        total: (rows) => `共${rows.length}项：本月新增${counts.new}项，推进中${counts.inProgress}项，本月已解决${counts.resolved}项，逾期${counts.overdue}项`,
        width: 40,
      },
      { header: '责任方', kind: 'text', value: (r) => r.party },
      { header: '责任单位', kind: 'text', value: (r) => r.responsibleUnit },
      { header: '提出日期', kind: 'text', value: (r) => r.openedAt.slice(0, 10) },
      { header: '办结时限', kind: 'text', value: (r) => r.dueDate ?? '' },
      { header: '状态', kind: 'text', value: (r) => PROBLEM_STATUS_ZH[r.status] },
      { header: '逾期天数', kind: 'count', value: (r) => (r.overdue ? r.daysOverdue : null) },
      { header: '解决情况', kind: 'text', value: (r) => r.resolution ?? '' },
    ],
    totalLabelColumn: 0,
  };
}

function bankSheet(agenda: Agenda): SheetSpec<AgendaBankRow> {
  return {
    name: SHEET_NAMES.banks,
    rows: agenda.byBank,
    columns: [
      { header: '序号', kind: 'index', value: (_, i) => i + 1, width: 6 },
      { header: '金融机构', kind: 'text', value: (b) => b.name },
      { header: '类别', kind: 'text', value: (b) => BANK_CATEGORY_ZH[b.category] },
      { header: '战略合作协议金额', kind: 'money', value: (b) => b.agreementAmount, total: 'sum' },
      { header: '项目数', kind: 'count', value: (b) => b.projectCount },
      { header: '融资事项数', kind: 'count', value: (b) => b.lineCount, total: 'sum' },
      { header: '申请金额', kind: 'money', value: (b) => b.requested, total: 'sum' },
      { header: '已审批', kind: 'money', value: (b) => b.approved, total: 'sum' },
      { header: '已签约', kind: 'money', value: (b) => b.contracted, total: 'sum' },
      { header: '累计投放', kind: 'money', value: (b) => b.disbursed, total: 'sum' },
      { header: '本月投放', kind: 'money', value: (b) => b.disbursedInMonth, total: 'sum' },
      { header: '较上月新增投放', kind: 'money', value: (b) => b.change?.disbursed ?? null, total: agenda.previousMonth ? 'sum' : undefined },
      { header: '已审批待投放', kind: 'money', value: (b) => b.approvedNotDisbursed, total: 'sum' },
      {
        header: '协议履约率',
        kind: 'rate',
        value: (b) => b.agreementRate,
        total: (rows) =>
          rateOf(
            rows.reduce((s, b) => s + (b.agreementAmount > 0 ? b.disbursed : 0), 0),
            rows.reduce((s, b) => s + b.agreementAmount, 0),
          ),
      },
    ],
    totalLabelColumn: 1,
  };
}

function districtSheet(agenda: Agenda): SheetSpec<AgendaGroupRow> {
  return {
    name: SHEET_NAMES.districts,
    rows: agenda.byDistrict,
    columns: [
      { header: '序号', kind: 'index', value: (_, i) => i + 1, width: 6 },
      { header: '县区', kind: 'text', value: (g) => g.key },
      { header: '项目数', kind: 'count', value: (g) => g.projectCount, total: 'sum' },
      { header: '融资需求', kind: 'money', value: (g) => g.need, total: 'sum' },
      { header: '已审批', kind: 'money', value: (g) => g.approved, total: 'sum' },
      { header: '已签约', kind: 'money', value: (g) => g.contracted, total: 'sum' },
      { header: '累计投放', kind: 'money', value: (g) => g.disbursed, total: 'sum' },
      { header: '本月投放', kind: 'money', value: (g) => g.disbursedInMonth, total: 'sum' },
      { header: '已审批待投放', kind: 'money', value: (g) => g.approvedNotDisbursed, total: 'sum' },
      { header: '审批率', kind: 'rate', value: (g) => rateOf(g.approved, g.need), total: (rows) => rateOf(sumOf(rows, 'approved'), sumOf(rows, 'need')) },
      { header: '停滞项目', kind: 'count', value: (g) => g.stalledCount, total: 'sum' },
      { header: '未解决问题', kind: 'count', value: (g) => g.openBlockerCount, total: 'sum' },
    ],
    totalLabelColumn: 1,
  };
}

function sumOf<T>(rows: readonly T[], key: { [K in keyof T]: T[K] extends number ? K : never }[keyof T]): number {
  return rows.reduce((s, row) => s + (row[key] as number), 0);
}

async function loadExcelJs(): Promise<typeof ExcelJsModule> {
  const mod = await import('exceljs');
  // CommonJS in Node, an ES default export through bundlers: accept both shapes.
  return (mod as unknown as { default?: typeof ExcelJsModule }).default ?? mod;
}

export async function buildScheduleWorkbook(agenda: Agenda, options: WorkbookOptions = {}): Promise<Workbook> {
  const ExcelJS = await loadExcelJs();
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Clearway';
  workbook.created = new Date(agenda.generatedAt);
  const title = scheduleTitle(agenda.month, options.cityName ?? '');
  const projects = projectSheet(agenda);
  const waiting = waitingSheet(agenda);
  const problems = problemSheet(agenda);
  const banks = bankSheet(agenda);
  const districts = districtSheet(agenda);
  const total = projects.rows.length + waiting.rows.length + problems.rows.length + banks.rows.length + districts.rows.length;
  const progress = new Progress(total, options.onProgress);
  await addTableSheet(workbook, title, projects, progress);
  await addTableSheet(workbook, title, waiting, progress);
  await addTableSheet(workbook, title, problems, progress);
  await addTableSheet(workbook, title, banks, progress);
  await addTableSheet(workbook, title, districts, progress);
  progress.finish();
  return workbook;
}

/** The .xlsx bytes, for a download in the browser or a response in a function. */
export async function workbookToBuffer(workbook: Workbook): Promise<Uint8Array> {
  const buffer = await workbook.xlsx.writeBuffer();
  return buffer instanceof Uint8Array ? buffer : new Uint8Array(buffer as ArrayBuffer);
}
