/**
 * The quarterly bank scorecard as an Excel sheet, in the 调度表's layout (core/src/excel/sheet.ts):
 * a merged title, the unit line, a shaded frozen header, thin borders, a bold 合计 row, amounts in
 * 万元 with two decimals, rates as percentages. The figures are the read model's
 * (`bankScorecard`); the sheet only lays them out. exceljs is loaded on first use.
 */
import type * as ExcelJsModule from 'exceljs';
import type { Workbook } from 'exceljs';
import { CELL_BORDER, MONEY_FORMAT, RATE_FORMAT, styleHeaderCell, writeTitleRows } from '../excel/sheet';
import { yuanToWanCell } from '../meeting/workbook';
import { tallyRate } from './bankScorecard';
import type { BankScorecard, ScorecardRow, ScorecardTotal, Tally } from './bankScorecard';

export const SCORECARD_SHEET_NAME = '银行季度考核';

const HEADER_ROW = 3;
const FIRST_DATA_ROW = 4;
const SCORE_FORMAT = '0.0';

/** "2026年第三季度" */
export function quarterText(quarter: string): string {
  return `${Number(quarter.slice(0, 4))}年第${'一二三四'[Number(quarter.slice(6)) - 1]}季度`;
}

export function scorecardTitle(quarter: string, cityName = ''): string {
  return `${cityName}银行机构支持重点项目融资季度考核表（${quarterText(quarter)}）`;
}

export function scorecardFileName(quarter: string, cityName = ''): string {
  return `${cityName}银行季度考核-${quarter}.xlsx`;
}

type Kind = 'text' | 'money' | 'rate' | 'score' | 'count';
type Cell = string | number | null;

interface Column {
  header: string;
  kind: Kind;
  width: number;
  row: (row: ScorecardRow) => Cell;
  total: (total: ScorecardTotal) => Cell;
}

function tallyText(tally: Tally): string {
  return tally.of === 0 ? '—' : `${tally.done}/${tally.of}`;
}

function columns(card: BankScorecard): Column[] {
  const w = card.weights;
  const none = () => null;
  return [
    { header: '排名', kind: 'count', width: 6, row: (r) => r.rank, total: none },
    { header: '银行', kind: 'text', width: 18, row: (r) => r.name, total: () => '合计' },
    { header: '新增审批', kind: 'money', width: 14, row: (r) => r.approvals, total: (t) => t.approvals },
    { header: '新增投放', kind: 'money', width: 14, row: (r) => r.disbursements, total: (t) => t.disbursements },
    { header: '累计投放', kind: 'money', width: 14, row: (r) => r.disbursedToDate, total: (t) => t.disbursedToDate },
    { header: '协议金额', kind: 'money', width: 14, row: (r) => r.agreementAmount, total: (t) => t.agreementAmount },
    { header: '协议履约率', kind: 'rate', width: 11, row: (r) => r.fulfilment, total: (t) => t.fulfilment },
    { header: '按时报送', kind: 'text', width: 9, row: (r) => tallyText(r.reporting), total: (t) => tallyText(t.reporting) },
    { header: '按时报送率', kind: 'rate', width: 11, row: (r) => tallyRate(r.reporting), total: (t) => t.reportingRate },
    { header: '督办按时办结', kind: 'text', width: 11, row: (r) => tallyText(r.followUp), total: (t) => tallyText(t.followUp) },
    { header: '督办按时办结率', kind: 'rate', width: 13, row: (r) => tallyRate(r.followUp), total: (t) => t.followUpRate },
    { header: `审批得分（${w.approvals}%）`, kind: 'score', width: 12, row: (r) => r.scores.approvals, total: none },
    { header: `投放得分（${w.disbursements}%）`, kind: 'score', width: 12, row: (r) => r.scores.disbursements, total: none },
    { header: `履约得分（${w.fulfilment}%）`, kind: 'score', width: 12, row: (r) => r.scores.fulfilment, total: none },
    { header: `报送得分（${w.reporting}%）`, kind: 'score', width: 12, row: (r) => r.scores.reporting, total: none },
    { header: `督办得分（${w.followUp}%）`, kind: 'score', width: 12, row: (r) => r.scores.followUp, total: none },
    { header: '综合得分', kind: 'score', width: 10, row: (r) => r.total, total: none },
  ];
}

const FORMATS: Partial<Record<Kind, string>> = { money: MONEY_FORMAT, rate: RATE_FORMAT, score: SCORE_FORMAT };

async function loadExcelJs(): Promise<typeof ExcelJsModule> {
  const mod = await import('exceljs');
  return (mod as unknown as { default?: typeof ExcelJsModule }).default ?? mod;
}

export async function buildScorecardWorkbook(card: BankScorecard, options: { cityName?: string; generatedAt?: Date } = {}): Promise<Workbook> {
  const ExcelJS = await loadExcelJs();
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Clearway';
  if (options.generatedAt) workbook.created = options.generatedAt;
  const cols = columns(card);
  const sheet = workbook.addWorksheet(SCORECARD_SHEET_NAME, {
    views: [{ state: 'frozen', ySplit: HEADER_ROW, xSplit: 2 }],
    pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  });
  writeTitleRows(sheet, cols.length, scorecardTitle(card.quarter, options.cityName ?? ''), `${SCORECARD_SHEET_NAME}\u3000\u3000单位：万元、分`, { horizontal: 'right' });

  const header = sheet.getRow(HEADER_ROW);
  cols.forEach((column, c) => {
    const cell = header.getCell(c + 1);
    cell.value = column.header;
    styleHeaderCell(cell);
    sheet.getColumn(c + 1).width = column.width;
  });
  header.height = 30;

  const write = (rowNumber: number, value: (column: Column) => Cell, isTotal: boolean) => {
    const row = sheet.getRow(rowNumber);
    cols.forEach((column, c) => {
      const cell = row.getCell(c + 1);
      const v = value(column);
      cell.value = column.kind === 'money' && typeof v === 'number' ? yuanToWanCell(v) : v;
      const format = FORMATS[column.kind];
      if (format) cell.numFmt = format;
      cell.border = CELL_BORDER;
      if (column.kind === 'text' && c > 1) cell.alignment = { horizontal: 'center' };
      if (isTotal) {
        cell.font = { bold: true };
        cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF2F2F2' } };
      }
    });
  };
  card.rows.forEach((row, i) => write(FIRST_DATA_ROW + i, (column) => column.row(row), false));
  write(FIRST_DATA_ROW + card.rows.length, (column) => column.total(card.total), true);
  return workbook;
}
