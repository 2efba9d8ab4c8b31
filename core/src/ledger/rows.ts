/**
 * Sorting a ledger's rows: the title, the unit line and other lines above the header; below it,
 * section rows (一、昭阳区), 小计 and 合计 rows, blank rows, notes and the signature line — each
 * skipped with its reason — and the data rows, one per project or one per project and bank.
 */
import type { ColumnMapping, LedgerField, LedgerHeader } from './columns';
import { columnsByField } from './columns';
import type { CellGrid, CellScalar } from './grid';
import { cellAt } from './grid';
import type { LedgerUnit } from './values';
import { asOfMonthInText, cellDisplayText, cellText, compactText, unitInText } from './values';
import type { IsoMonth } from '../types';

export type SkipReason = 'title' | 'unit' | 'preamble' | 'header' | 'section' | 'subtotal' | 'total' | 'blank' | 'signature' | 'note';

export interface SkippedRow {
  kind: 'skipped';
  /** 1-based, as the spreadsheet numbers it. */
  rowNumber: number;
  reason: SkipReason;
  /** The row's first words, so the person recognises it. */
  text: string;
}

export interface DataRow {
  kind: 'data';
  rowNumber: number;
  /** Mapped cells by field (the first column of a field, when mapped twice). */
  cells: Partial<Record<LedgerField, CellScalar>>;
  /** Fields whose cell only continues a merged cell of the row above (counted once per project). */
  continued: Set<LedgerField>;
  /** The section the row sits in (一、昭阳区 → 昭阳区), for rows without a district cell. */
  section: string | null;
}

export interface TotalsRow {
  rowNumber: number;
  cells: Partial<Record<LedgerField, CellScalar>>;
}

export interface SortedLedger {
  rows: (SkippedRow | DataRow)[];
  totals: TotalsRow | null;
  /** The unit the sheet names (单位：万元), or 万元 when it names none. */
  unit: LedgerUnit;
  unitFound: boolean;
  /** 截至2026年10月末 in the title. */
  asOfMonth: IsoMonth | null;
  title: string;
}

const SECTION_PATTERN = /^([一二三四五六七八九十]+|[0-9]+|[IVX]+)[、.．]|^[(（]([一二三四五六七八九十]+)[)）]/;
const SIGNATURE_PATTERN = /填表人|制表人|填报人|审核人|联系电话|分管领导|负责人[:：]|单位负责人|填报日期|报送日期/;
const NOTE_PATTERN = /^(备注|说明|注)[:：]/;

function rowWords(grid: CellGrid, r: number): string[] {
  const words: string[] = [];
  for (const cell of grid.rows[r] ?? []) {
    if (cell.continuation) continue;
    const text = cellDisplayText(cell.value);
    if (text) words.push(text);
  }
  return words;
}

function preview(words: readonly string[]): string {
  const text = words.join(' ');
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

export function sectionName(text: string): string {
  return compactText(text).replace(SECTION_PATTERN, '').trim();
}

/** Sorts every row of the grid, given its header and the (corrected) mapping. */
export function sortLedgerRows(grid: CellGrid, header: LedgerHeader, mapping: ColumnMapping): SortedLedger {
  const rows: (SkippedRow | DataRow)[] = [];
  let unit: LedgerUnit | null = null;
  let asOfMonth: IsoMonth | null = null;
  let title = '';
  for (let r = 0; r < header.firstRow; r++) {
    const words = rowWords(grid, r);
    const text = words.join(' ');
    const rowUnit = unitInText(text);
    if (rowUnit && !unit) unit = rowUnit;
    asOfMonth ??= asOfMonthInText(text);
    let reason: SkipReason = 'preamble';
    if (words.length === 0) reason = 'blank';
    else if (rowUnit) reason = 'unit';
    else if (!title) {
      reason = 'title';
      title = text;
    }
    rows.push({ kind: 'skipped', rowNumber: r + 1, reason, text: preview(words) });
  }
  for (let r = header.firstRow; r <= header.lastRow; r++) {
    rows.push({ kind: 'skipped', rowNumber: r + 1, reason: 'header', text: preview(rowWords(grid, r)) });
  }

  const byField = columnsByField(mapping);
  const nameColumn = byField.get('name')?.[0] ?? null;
  const labelColumns = [...new Set([byField.get('index')?.[0], nameColumn, header.columns[0]?.index].filter((c): c is number => c !== undefined && c !== null))];
  let totals: TotalsRow | null = null;
  let section: string | null = null;
  let sawSignature = false;

  function cellsOf(r: number): { cells: DataRow['cells']; continued: Set<LedgerField> } {
    const cells: DataRow['cells'] = {};
    const continued = new Set<LedgerField>();
    for (const [field, columns] of byField) {
      const cell = cellAt(grid, r, columns[0]!);
      cells[field] = typeof cell.value === 'string' && cell.value.trim() === '' ? null : cell.value;
      if (cell.continuation) continued.add(field);
    }
    return { cells, continued };
  }

  for (let r = header.lastRow + 1; r < grid.rows.length; r++) {
    const words = rowWords(grid, r);
    const rowNumber = r + 1;
    const skip = (reason: SkipReason) => rows.push({ kind: 'skipped', rowNumber, reason, text: preview(words) });
    if (words.length === 0 && !(grid.rows[r] ?? []).some((cell) => cell.continuation && cell.value !== null)) {
      skip('blank');
      continue;
    }
    const joined = compactText(words.join(''));
    const labels = labelColumns.map((c) => compactText(cellText(cellAt(grid, r, c).value)));
    if (sawSignature || SIGNATURE_PATTERN.test(joined)) {
      sawSignature = true;
      skip('signature');
      continue;
    }
    if (NOTE_PATTERN.test(joined)) {
      skip('note');
      continue;
    }
    if (labels.some((label) => /^(合计|总计|全市合计|总合计)$/.test(label))) {
      totals = { rowNumber, ...cellsOf(r) };
      skip('total');
      continue;
    }
    if (labels.some((label) => /^(小计|其中[:：]?小计|.{0,8}小计)$/.test(label))) {
      skip('subtotal');
      continue;
    }
    const first = words[0] ?? '';
    const name = nameColumn === null ? '' : cellText(cellAt(grid, r, nameColumn).value);
    // 一、昭阳区 or （一）已审批待投放项目: a short line that names a group, not a project.
    const sectionText = SECTION_PATTERN.test(compactText(first)) ? first : SECTION_PATTERN.test(compactText(name)) ? name : null;
    if (sectionText !== null && words.length <= 2) {
      section = sectionName(sectionText) || null;
      skip('section');
      continue;
    }
    // 一 | 昭阳区 in two cells (序号 and 项目名称) is the same section line.
    if (words.length === 2 && /^[一二三四五六七八九十]+$/.test(compactText(first))) {
      section = compactText(words[1]!);
      skip('section');
      continue;
    }
    const { cells, continued } = cellsOf(r);
    rows.push({ kind: 'data', rowNumber, cells, continued, section });
  }
  return { rows, totals, unit: unit ?? 'wan', unitFound: unit !== null, asOfMonth, title };
}
