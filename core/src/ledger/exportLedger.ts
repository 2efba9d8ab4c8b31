/**
 * The reverse of the import: the current workspace in the ledger layout the bureau keeps sending
 * round — a merged title (…台账（截至YYYY年M月末）), the unit line, a two-row header (融资需求 over
 * 合计 / 其中：本年), one section per district (一、昭阳区) with its 小计, one row per project and
 * bank (the lead bank first, project cells merged over its rows), the 合计 row and the signature
 * line. Importing this file into the same workspace changes nothing.
 */
import type { Workbook, Worksheet } from 'exceljs';
import { lineDisbursed } from '../lineDigest';
import { columnLetter as letter, styleBodyCell, styleHeaderCell, writeTitleRows } from '../excel/sheet';
import { asOfMonthText, yuanToWanCell } from '../meeting/workbook';
import { FLAG_ZH, STAGE_ZH } from '../meeting/labels.zh';
import { STAGE_IDS } from '../types';
import type { Bank, BuildStatus, IsoMonth, LoanLine, Project, Yuan } from '../types';
import { loadExcelJs } from './readFile';
import { excelDateOfIsoDate } from './values';

const BUILD_STATUS_ZH: Record<BuildStatus, string> = { preparation: '前期', new: '新开工', continuing: '续建' };
const CHINESE_NUMERALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

/** 1 → 一, 12 → 十二, 21 → 二十一 (section numbers). */
export function chineseNumeral(n: number): string {
  if (n <= 10) return CHINESE_NUMERALS[n - 1]!;
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  return `${tens === 1 ? '' : CHINESE_NUMERALS[tens - 1]}十${ones ? CHINESE_NUMERALS[ones - 1] : ''}`;
}

export function ledgerTitle(month: IsoMonth, cityName = ''): string {
  return `${cityName}重点项目融资台账（${asOfMonthText(month)}）`;
}

export function ledgerFileName(month: IsoMonth, cityName = ''): string {
  return `${cityName}重点项目融资台账-${month}.xlsx`;
}

export interface LedgerExportInput {
  projects: readonly Project[];
  lines: readonly LoanLine[];
  banks: readonly Bank[];
  month: IsoMonth;
  cityName?: string;
  /** 填报单位 on the unit line. */
  reportingUnit?: string;
}

type Kind = 'index' | 'text' | 'money' | 'date';
interface Column {
  header: string;
  /** The second header row's word, for a column under a merged parent. */
  child?: string;
  kind: Kind;
  /** Project cells merge over the project's rows; line cells hold each bank's figures. */
  scope: 'project' | 'line';
  width: number;
}

const COLUMNS: Column[] = [
  { header: '序号', kind: 'index', scope: 'project', width: 6 },
  { header: '项目名称', kind: 'text', scope: 'project', width: 30 },
  { header: '项目业主', kind: 'text', scope: 'project', width: 24 },
  { header: '统一社会信用代码', kind: 'text', scope: 'project', width: 20 },
  { header: '所属县区', kind: 'text', scope: 'project', width: 10 },
  { header: '行业', kind: 'text', scope: 'project', width: 10 },
  { header: '建设性质', kind: 'text', scope: 'project', width: 8 },
  { header: '总投资', kind: 'money', scope: 'project', width: 12 },
  { header: '融资需求', child: '合计', kind: 'money', scope: 'project', width: 12 },
  { header: '融资需求', child: '其中：本年', kind: 'money', scope: 'project', width: 12 },
  { header: '对接银行', kind: 'text', scope: 'line', width: 14 },
  { header: '申请金额', kind: 'money', scope: 'line', width: 12 },
  { header: '审批金额', kind: 'money', scope: 'line', width: 12 },
  { header: '审批时间', kind: 'date', scope: 'line', width: 12 },
  { header: '累计投放', kind: 'money', scope: 'line', width: 12 },
  { header: '推进阶段', kind: 'text', scope: 'project', width: 14 },
  { header: '存在问题', kind: 'text', scope: 'project', width: 30 },
  { header: '责任单位', kind: 'text', scope: 'project', width: 16 },
  { header: '责任人', kind: 'text', scope: 'project', width: 10 },
  { header: '预计投放时间', kind: 'text', scope: 'project', width: 12 },
];

const SUM_COLUMNS = COLUMNS.map((c, i) => (c.kind === 'money' ? i : -1)).filter((i) => i >= 0);

interface ExportRow {
  project: Project;
  line: LoanLine | null;
  bankName: string;
}

/** One line per bank (the one not declined, else the latest), the lead bank first. */
function exportLines(project: Project, lines: readonly LoanLine[]): LoanLine[] {
  const byBank = new Map<string, LoanLine>();
  for (const line of [...lines].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id))) {
    const known = byBank.get(line.bankId);
    if (!known || (known.status === 'declined' && line.status !== 'declined')) byBank.set(line.bankId, line);
  }
  return [...byBank.values()].sort((a, b) => Number(b.bankId === project.leadBankId) - Number(a.bankId === project.leadBankId) || a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}

function stageText(project: Project): string {
  return project.flag ? `${STAGE_ZH[project.stage]}（${FLAG_ZH[project.flag]}）` : STAGE_ZH[project.stage];
}

function projectCell(column: Column, project: Project, index: number): string | number | null {
  switch (column.header) {
    case '序号':
      return index;
    case '项目名称':
      return project.name;
    case '项目业主':
      return project.owner.name;
    case '统一社会信用代码':
      return project.owner.creditCode ?? '';
    case '所属县区':
      return project.district;
    case '行业':
      return project.sector;
    case '建设性质':
      return BUILD_STATUS_ZH[project.buildStatus];
    case '总投资':
      return yuanToWanCell(project.totalInvestment);
    case '融资需求':
      return yuanToWanCell(column.child === '合计' ? project.needTotal : project.needThisYear);
    case '推进阶段':
      return stageText(project);
    case '存在问题':
      return project.blockers.filter((b) => b.resolvedAt === null).map((b) => b.description).join('\n');
    case '责任单位':
      return project.responsibleUnit;
    case '责任人':
      return project.responsiblePerson;
    case '预计投放时间':
      return project.expectedMonth ?? '';
    default:
      return null;
  }
}

function lineCell(column: Column, row: ExportRow): string | number | Date | null {
  const line = row.line;
  switch (column.header) {
    case '对接银行':
      return row.bankName;
    case '申请金额':
      return line ? yuanToWanCell(line.requested) : null;
    case '审批金额':
      return line?.approved !== null && line?.approved !== undefined ? yuanToWanCell(line.approved) : null;
    case '审批时间':
      return line?.approvedDate ? excelDateOfIsoDate(line.approvedDate) : null;
    case '累计投放':
      return line ? yuanToWanCell(lineDisbursed(line)) : null;
    default:
      return null;
  }
}

function styleRow(sheet: Worksheet, rowNumber: number, bold = false): void {
  const row = sheet.getRow(rowNumber);
  COLUMNS.forEach((column, c) => {
    const cell = row.getCell(c + 1);
    styleBodyCell(cell, column.kind, 'middle');
    if (bold) cell.font = { bold: true };
  });
}

function writeSums(sheet: Worksheet, rowNumber: number, label: string, sums: number[]): void {
  const row = sheet.getRow(rowNumber);
  row.getCell(2).value = label;
  SUM_COLUMNS.forEach((c, i) => {
    row.getCell(c + 1).value = yuanToWanCell(sums[i]!);
  });
  styleRow(sheet, rowNumber, true);
}

/** The workspace as a ledger workbook (one sheet). */
export async function buildLedgerWorkbook(input: LedgerExportInput): Promise<Workbook> {
  const ExcelJS = await loadExcelJs();
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Clearway';
  const sheet = workbook.addWorksheet('台账', { views: [{ state: 'frozen', ySplit: 4, xSplit: 0 }] });
  const last = letter(COLUMNS.length - 1);
  writeTitleRows(sheet, COLUMNS.length, ledgerTitle(input.month, input.cityName ?? ''), `填报单位：${input.reportingUnit ?? ''}\u3000\u3000单位：万元`);

  COLUMNS.forEach((column, c) => {
    sheet.getColumn(c + 1).width = column.width;
    const top = sheet.getCell(3, c + 1);
    top.value = column.header;
    if (column.child) sheet.getCell(4, c + 1).value = column.child;
  });
  // 融资需求 spans its two children; every other header covers both header rows.
  const needColumns = COLUMNS.map((c, i) => (c.child ? i : -1)).filter((i) => i >= 0);
  sheet.mergeCells(`${letter(needColumns[0]!)}3:${letter(needColumns[needColumns.length - 1]!)}3`);
  COLUMNS.forEach((column, c) => {
    if (!column.child) sheet.mergeCells(`${letter(c)}3:${letter(c)}4`);
  });
  for (const r of [3, 4]) {
    // Header cells keep their column's number format, as the body below them.
    styleRow(sheet, r, true);
    sheet.getRow(r).eachCell((cell) => styleHeaderCell(cell));
  }

  const bankName = new Map(input.banks.map((bank) => [bank.id, bank.name]));
  const linesByProject = new Map<string, LoanLine[]>();
  for (const line of input.lines) linesByProject.set(line.projectId, [...(linesByProject.get(line.projectId) ?? []), line]);
  const districts = [...new Set(input.projects.map((p) => p.district))].sort((a, b) => a.localeCompare(b, 'zh-CN'));
  const order = (p: Project) => (p.flag ? STAGE_IDS.length : 0) + STAGE_IDS.indexOf(p.stage);

  let r = 5;
  let index = 0;
  const grand = SUM_COLUMNS.map(() => 0);
  districts.forEach((district, d) => {
    sheet.mergeCells(`A${r}:${last}${r}`);
    sheet.getCell(`A${r}`).value = `${chineseNumeral(d + 1)}、${district}`;
    sheet.getCell(`A${r}`).font = { bold: true };
    r += 1;
    const sums = SUM_COLUMNS.map(() => 0);
    const projects = input.projects
      .filter((p) => p.district === district)
      .sort((a, b) => order(a) - order(b) || (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : a.id < b.id ? -1 : 1));
    for (const project of projects) {
      index += 1;
      const lines = exportLines(project, linesByProject.get(project.id) ?? []);
      const rows: ExportRow[] = lines.map((line) => ({ project, line, bankName: bankName.get(line.bankId) ?? line.bankId }));
      if (rows.length === 0) rows.push({ project, line: null, bankName: project.leadBankId ? (bankName.get(project.leadBankId) ?? project.leadBankId) : '' });
      const first = r;
      rows.forEach((row, i) => {
        const sheetRow = sheet.getRow(r);
        COLUMNS.forEach((column, c) => {
          if (column.scope === 'project' && i > 0) return;
          sheetRow.getCell(c + 1).value = column.scope === 'project' ? projectCell(column, project, index) : lineCell(column, row);
        });
        styleRow(sheet, r);
        r += 1;
      });
      if (rows.length > 1) {
        COLUMNS.forEach((column, c) => {
          if (column.scope === 'project') sheet.mergeCells(`${letter(c)}${first}:${letter(c)}${r - 1}`);
        });
      }
      SUM_COLUMNS.forEach((c, i) => {
        const column = COLUMNS[c]!;
        let value: Yuan = 0;
        if (column.scope === 'project') {
          value = column.header === '总投资' ? project.totalInvestment : column.child === '合计' ? project.needTotal : project.needThisYear;
        } else {
          for (const row of rows) {
            if (!row.line) continue;
            value += column.header === '申请金额' ? row.line.requested : column.header === '审批金额' ? (row.line.approved ?? 0) : lineDisbursed(row.line);
          }
        }
        sums[i]! += value;
        grand[i]! += value;
      });
    }
    writeSums(sheet, r, '小计', sums);
    r += 1;
  });
  writeSums(sheet, r, '合计', grand);
  r += 2;
  sheet.getCell(`A${r}`).value = '填表人：\u3000\u3000\u3000\u3000\u3000\u3000联系电话：';
  return workbook;
}
