/**
 * The 调度表 workbook of the monthly meeting: one sheet per list, amounts in 万元 with two
 * decimals, a title "…（截至YYYY年M月末）", frozen header rows, a 合计 row, readable widths.
 *
 * exceljs is loaded on first use (dynamic import), so that importing `@clearway/core` does not
 * put a spreadsheet library into the first page load of the web app.
 */
import type * as ExcelJsModule from 'exceljs';
import type { Workbook, Worksheet } from 'exceljs';
import { dayOf } from '../dates';
import { CELL_BORDER, columnLetter, MONEY_FORMAT, numberFormatOf, styleBodyCell, styleHeaderCell, writeTitleRows } from '../excel/sheet';
import { meetingTables } from '../views/meetingTables';
import type { FunnelTableRow, GroupTableRow, MeetingTables } from '../views/meetingTables';
import type { IsoMonth, Yuan } from '../types';
import type { Agenda, AgendaBankRow, AssignmentRow, ProblemRow, StalledRow, WaitingRow } from './agenda';
import { BANK_CATEGORY_ZH, BLOCKER_TAG_ZH, CLEARANCE_STATUS_ZH, FLAG_ZH, PROBLEM_STATUS_ZH, STAGE_ZH, STALL_RULE_ZH } from './labels.zh';
import type { SnapshotProject } from './snapshot';

export const SHEET_NAMES = {
  projects: '重点项目清单',
  funnel: '阶段漏斗',
  waiting: '已审批待投放',
  stalled: '停滞项目',
  problems: '困难问题',
  decisions: '交办事项',
  banks: '分银行',
  districts: '分县区',
  sectors: '分行业',
} as const;

export { MONEY_FORMAT };
const YUAN_PER_WAN = 10_000;
/** The rows written between two progress reports (and chances for the page to repaint). */
const PROGRESS_STEP = 250;
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

interface Column<T, Total> {
  header: string;
  kind: ColumnKind;
  value: (row: T, index: number) => CellValue;
  /** The 合计 cell, read from the table's own total row (the read model computes it, not the sheet). */
  total?: (total: Total) => CellValue;
  /** Width in characters; measured from the content when not given. */
  width?: number;
}

interface SheetSpec<T, Total> {
  name: string;
  rows: readonly T[];
  total: Total;
  columns: Column<T, Total>[];
  /** The column that says 合计 (default: the first text column). */
  totalLabelColumn?: number;
}

/** 序号: the row's place in the list. */
function indexColumn<T, Total>(): Column<T, Total> {
  return { header: '序号', kind: 'index', value: (_, i) => i + 1, width: 6 };
}

/** A sheet of one read-model table: its rows, its own total row, its columns (合计 in the first unless told). */
function sheetOf<T, Total>(name: string, table: { rows: readonly T[]; total: Total }, columns: Column<T, Total>[], totalLabelColumn = 0): SheetSpec<T, Total> {
  return { name, rows: table.rows, total: table.total, columns, totalLabelColumn };
}

/** Display width of a text: CJK and full-width characters count twice. */
function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) width += /[\u1100-\uffff]/.test(char) ? 2 : 1;
  return width;
}

function cellText(value: CellValue, kind: ColumnKind): string {
  if (value === null) return '';
  if (kind === 'money' && typeof value === 'number') return yuanToWanCell(value).toFixed(2).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  if (kind === 'rate' && typeof value === 'number') return `${(value * 100).toFixed(1)}%`;
  return String(value);
}

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

async function addTableSheet<T, Total>(workbook: Workbook, title: string, spec: SheetSpec<T, Total>, progress: Progress): Promise<Worksheet> {
  const { columns, rows } = spec;
  const sheet = workbook.addWorksheet(spec.name, {
    views: [{ state: 'frozen', ySplit: HEADER_ROW, xSplit: 0 }],
    pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  });
  writeTitleRows(sheet, columns.length, title, `${spec.name}\u3000\u3000单位：万元`, { horizontal: 'right' });

  const header = sheet.getRow(HEADER_ROW);
  columns.forEach((column, c) => {
    const cell = header.getCell(c + 1);
    cell.value = column.header;
    styleHeaderCell(cell);
  });
  header.height = 30;

  const widths = columns.map((column) => displayWidth(column.header));
  for (let r = 0; r < rows.length; r++) {
    const row = sheet.getRow(FIRST_DATA_ROW + r);
    columns.forEach((column, c) => {
      const value = column.value(rows[r]!, r);
      const cell = row.getCell(c + 1);
      cell.value = column.kind === 'money' && typeof value === 'number' ? yuanToWanCell(value) : value;
      styleBodyCell(cell, column.kind, 'top');
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
    cell.border = CELL_BORDER;
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF2F2F2' } };
    const format = numberFormatOf(column.kind);
    if (format) cell.numFmt = format;
    if (c === labelColumn) {
      cell.value = '合计';
      return;
    }
    if (!column.total) return;
    const value = column.total(spec.total);
    const written = column.kind === 'money' && typeof value === 'number' ? yuanToWanCell(value) : value;
    // Sums stay live formulas for whoever edits the sheet; their cached result is the read model's
    // figure (a zero stays a plain 0: exceljs reads a formula's cached 0 back as no result).
    const summable = (column.kind === 'money' || column.kind === 'count') && typeof value === 'number';
    const letter = columnLetter(c);
    cell.value = summable && rows.length > 0 && written !== 0 ? { formula: `SUM(${letter}${FIRST_DATA_ROW}:${letter}${totalRowNumber - 1})`, result: written as number } : written;
    widths[c] = Math.max(widths[c]!, displayWidth(cellText(value, column.kind)));
  });

  columns.forEach((column, c) => {
    sheet.getColumn(c + 1).width = column.width ?? Math.min(Math.max(widths[c]! + 2, 6), column.kind === 'text' ? 40 : 18);
  });
  return sheet;
}

type TableOf<K extends keyof MeetingTables> = MeetingTables[K];

function projectSheet(tables: MeetingTables): SheetSpec<SnapshotProject, TableOf<'projects'>['total']> {
  const bankName = new Map(tables.byBank.rows.map((b) => [b.bankId, b.name]));
  return sheetOf(SHEET_NAMES.projects, tables.projects, [
    indexColumn(),
    { header: '项目名称', kind: 'text', value: (p) => p.name, total: (t) => `${t.count}个项目` },
    { header: '县区', kind: 'text', value: (p) => p.district },
    { header: '行业', kind: 'text', value: (p) => p.sector },
    { header: '项目业主', kind: 'text', value: (p) => p.ownerName },
    { header: '牵头银行', kind: 'text', value: (p) => (p.leadBankId ? (bankName.get(p.leadBankId) ?? p.leadBankId) : '') },
    { header: '所处阶段', kind: 'text', value: (p) => (p.flag ? `${STAGE_ZH[p.stage]}（${FLAG_ZH[p.flag]}）` : STAGE_ZH[p.stage]) },
    { header: '状态', kind: 'text', value: (p) => CLEARANCE_STATUS_ZH[p.status] },
    { header: '融资需求', kind: 'money', value: (p) => p.need, total: (t) => t.need },
    { header: '已审批', kind: 'money', value: (p) => p.approved, total: (t) => t.approved },
    { header: '已签约', kind: 'money', value: (p) => p.contracted, total: (t) => t.contracted },
    { header: '累计投放', kind: 'money', value: (p) => p.disbursed, total: (t) => t.disbursed },
    { header: '本月投放', kind: 'money', value: (p) => p.disbursedInMonth, total: (t) => t.disbursedInMonth },
    { header: '已审批待投放', kind: 'money', value: (p) => p.approvedNotDisbursed, total: (t) => t.approvedNotDisbursed },
    { header: '预计投放月', kind: 'text', value: (p) => p.expectedMonth ?? '' },
    { header: '停滞原因', kind: 'text', value: (p) => [...new Set(p.stallFlags.map((f) => STALL_RULE_ZH[f.rule]))].join('、') },
    { header: '未解决问题', kind: 'count', value: (p) => p.openBlockers.length, total: (t) => t.openBlockerCount },
    { header: '责任单位', kind: 'text', value: (p) => p.responsibleUnit },
  ]);
}

function funnelSheet(tables: MeetingTables): SheetSpec<FunnelTableRow, TableOf<'funnel'>['total']> {
  return sheetOf(SHEET_NAMES.funnel, tables.funnel, [
    { header: '阶段', kind: 'text', value: (r) => ('stage' in r.key ? STAGE_ZH[r.key.stage] : `流程外（${FLAG_ZH[r.key.flag]}）`) },
    { header: '项目数', kind: 'count', value: (r) => r.count, total: (t) => t.count },
    { header: '融资需求', kind: 'money', value: (r) => r.need, total: (t) => t.need },
    { header: '已审批', kind: 'money', value: (r) => r.approved, total: (t) => t.approved },
    { header: '累计投放', kind: 'money', value: (r) => r.disbursed, total: (t) => t.disbursed },
  ]);
}

function waitingSheet(tables: MeetingTables): SheetSpec<WaitingRow, TableOf<'waiting'>['total']> {
  const { warnDays, alarmDays } = tables.waiting.thresholds;
  const levelText = { ok: '', warn: `超${warnDays}天`, alarm: `超${alarmDays}天` } as const;
  return sheetOf(SHEET_NAMES.waiting, tables.waiting, [
    indexColumn(),
    { header: '项目名称', kind: 'text', value: (r) => r.name, total: (t) => `${t.count}个项目` },
    { header: '县区', kind: 'text', value: (r) => r.district },
    { header: '行业', kind: 'text', value: (r) => r.sector },
    { header: '所处阶段', kind: 'text', value: (r) => STAGE_ZH[r.stage] },
    { header: '审批银行', kind: 'text', value: (r) => r.bankNames.join('、') },
    { header: '审批金额', kind: 'money', value: (r) => r.approved, total: (t) => t.approved },
    { header: '已投放', kind: 'money', value: (r) => r.disbursed, total: (t) => t.disbursed },
    { header: '待投放', kind: 'money', value: (r) => r.waiting, total: (t) => t.waiting },
    { header: '等待天数', kind: 'count', value: (r) => r.days },
    { header: '预警', kind: 'text', value: (r) => levelText[r.level], total: (t) => `${levelText.warn}${t.warnCount}个，${levelText.alarm}${t.alarmCount}个` },
    { header: '预计投放月', kind: 'text', value: (r) => r.expectedMonth ?? '' },
    { header: '责任单位', kind: 'text', value: (r) => r.responsibleUnit },
  ]);
}

function stalledSheet(tables: MeetingTables): SheetSpec<StalledRow, TableOf<'stalled'>['total']> {
  return sheetOf(SHEET_NAMES.stalled, tables.stalled, [
    indexColumn(),
    { header: '项目名称', kind: 'text', value: (r) => r.name, total: (t) => `${t.count}个项目` },
    { header: '县区', kind: 'text', value: (r) => r.district },
    { header: '所处阶段', kind: 'text', value: (r) => STAGE_ZH[r.stage] },
    { header: '牵头银行', kind: 'text', value: (r) => r.leadBankName ?? '' },
    { header: '停滞原因', kind: 'text', value: (r) => [...new Set(r.flags.map((f) => STALL_RULE_ZH[f.rule]))].join('、'), width: 30 },
    { header: '停滞起始', kind: 'text', value: (r) => (r.since ? dayOf(r.since) : '') },
    { header: '责任单位', kind: 'text', value: (r) => r.responsibleUnit },
  ]);
}

function problemSheet(tables: MeetingTables): SheetSpec<ProblemRow, TableOf<'problems'>['total']> {
  return sheetOf(SHEET_NAMES.problems, tables.problems, [
    indexColumn(),
    { header: '项目名称', kind: 'text', value: (r) => r.projectName },
    { header: '县区', kind: 'text', value: (r) => r.district },
    { header: '问题分类', kind: 'text', value: (r) => BLOCKER_TAG_ZH[r.tag] },
    {
      header: '问题描述',
      kind: 'text',
      value: (r) => r.description,
      total: (t) => `共${t.count}项：本月新增${t.new}项，推进中${t.inProgress}项，本月已解决${t.resolved}项，逾期${t.overdue}项`,
      width: 40,
    },
    { header: '责任方', kind: 'text', value: (r) => r.party },
    { header: '责任单位', kind: 'text', value: (r) => r.responsibleUnit },
    { header: '提出日期', kind: 'text', value: (r) => r.openedAt.slice(0, 10) },
    { header: '办结时限', kind: 'text', value: (r) => r.dueDate ?? '' },
    { header: '状态', kind: 'text', value: (r) => PROBLEM_STATUS_ZH[r.status] },
    { header: '逾期天数', kind: 'count', value: (r) => (r.overdue ? r.daysOverdue : null) },
    { header: '解决情况', kind: 'text', value: (r) => r.resolution ?? '' },
  ]);
}

function decisionSheet(tables: MeetingTables): SheetSpec<AssignmentRow, TableOf<'decisions'>['total']> {
  return sheetOf(SHEET_NAMES.decisions, tables.decisions, [
    indexColumn(),
    { header: '项目名称', kind: 'text', value: (r) => r.projectName },
    { header: '交办事项', kind: 'text', value: (r) => r.what, total: (t) => `共${t.count}项：未办结${t.open}项，逾期${t.overdue}项`, width: 40 },
    { header: '责任人', kind: 'text', value: (r) => r.who },
    { header: '交办月份', kind: 'text', value: (r) => r.month },
    { header: '办结时限', kind: 'text', value: (r) => r.dueDate },
    { header: '办结日期', kind: 'text', value: (r) => (r.doneAt ? dayOf(r.doneAt) : '') },
    { header: '逾期天数', kind: 'count', value: (r) => (r.overdue ? r.daysOverdue : null) },
  ]);
}

function bankSheet(tables: MeetingTables): SheetSpec<AgendaBankRow, TableOf<'byBank'>['total']> {
  return sheetOf(SHEET_NAMES.banks, tables.byBank, [
    indexColumn(),
    { header: '金融机构', kind: 'text', value: (b) => b.name },
    { header: '类别', kind: 'text', value: (b) => BANK_CATEGORY_ZH[b.category] },
    { header: '战略合作协议金额', kind: 'money', value: (b) => b.agreementAmount, total: (t) => t.agreementAmount },
    { header: '项目数', kind: 'count', value: (b) => b.projectCount },
    { header: '融资事项数', kind: 'count', value: (b) => b.lineCount, total: (t) => t.lineCount },
    { header: '申请金额', kind: 'money', value: (b) => b.requested, total: (t) => t.requested },
    { header: '已审批', kind: 'money', value: (b) => b.approved, total: (t) => t.approved },
    { header: '已签约', kind: 'money', value: (b) => b.contracted, total: (t) => t.contracted },
    { header: '累计投放', kind: 'money', value: (b) => b.disbursed, total: (t) => t.disbursed },
    { header: '本月投放', kind: 'money', value: (b) => b.disbursedInMonth, total: (t) => t.disbursedInMonth },
    // Empty without a previous closed month to compare with.
    { header: '较上月新增投放', kind: 'money', value: (b) => b.change?.disbursed ?? null, total: (t) => t.change?.disbursed ?? null },
    { header: '较上月新增审批', kind: 'money', value: (b) => b.change?.approved ?? null, total: (t) => t.change?.approved ?? null },
    { header: '已审批待投放', kind: 'money', value: (b) => b.approvedNotDisbursed, total: (t) => t.approvedNotDisbursed },
    { header: '协议履约率', kind: 'rate', value: (b) => b.agreementRate, total: (t) => t.agreementRate },
  ], 1);
}

function groupSheet(name: string, keyHeader: string, table: TableOf<'byDistrict'>): SheetSpec<GroupTableRow, TableOf<'byDistrict'>['total']> {
  return sheetOf(name, table, [
    indexColumn(),
    { header: keyHeader, kind: 'text', value: (g) => g.key },
    { header: '项目数', kind: 'count', value: (g) => g.projectCount, total: (t) => t.projectCount },
    { header: '融资需求', kind: 'money', value: (g) => g.need, total: (t) => t.need },
    { header: '已审批', kind: 'money', value: (g) => g.approved, total: (t) => t.approved },
    { header: '已签约', kind: 'money', value: (g) => g.contracted, total: (t) => t.contracted },
    { header: '累计投放', kind: 'money', value: (g) => g.disbursed, total: (t) => t.disbursed },
    { header: '本月投放', kind: 'money', value: (g) => g.disbursedInMonth, total: (t) => t.disbursedInMonth },
    { header: '已审批待投放', kind: 'money', value: (g) => g.approvedNotDisbursed, total: (t) => t.approvedNotDisbursed },
    { header: '审批率', kind: 'rate', value: (g) => g.approvalRate, total: (t) => t.approvalRate },
    { header: '落地率', kind: 'rate', value: (g) => g.landingRate, total: (t) => t.landingRate },
    { header: '停滞项目', kind: 'count', value: (g) => g.stalledCount, total: (t) => t.stalledCount },
    { header: '未解决问题', kind: 'count', value: (g) => g.openBlockerCount, total: (t) => t.openBlockerCount },
  ], 1);
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
  const tables = meetingTables(agenda);
  const sheets = [
    projectSheet(tables),
    funnelSheet(tables),
    waitingSheet(tables),
    stalledSheet(tables),
    problemSheet(tables),
    decisionSheet(tables),
    bankSheet(tables),
    groupSheet(SHEET_NAMES.districts, '县区', tables.byDistrict),
    groupSheet(SHEET_NAMES.sectors, '行业', tables.bySector),
  ] as const;
  const progress = new Progress(
    sheets.reduce((n, sheet) => n + sheet.rows.length, 0),
    options.onProgress,
  );
  for (const sheet of sheets) await addTableSheet(workbook, title, sheet as SheetSpec<unknown, unknown>, progress);
  progress.finish();
  return workbook;
}

/** The .xlsx bytes, for a download in the browser or a response in a function. */
export async function workbookToBuffer(workbook: Workbook): Promise<Uint8Array> {
  const buffer = await workbook.xlsx.writeBuffer();
  return buffer instanceof Uint8Array ? buffer : new Uint8Array(buffer as ArrayBuffer);
}
