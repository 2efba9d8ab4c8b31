/**
 * The sheet layout the bureau's workbooks share (the 调度表 and the exported 台账): the title and
 * the unit line merged over the table's width above its header, header cells bold on a blue fill,
 * thin grey borders, each body cell formatted by its column's kind (amounts in 万元 with two
 * decimals). Layout only: each workbook decides its columns, rows and totals.
 */
import type { Alignment, Cell, Worksheet } from 'exceljs';

export const MONEY_FORMAT = '#,##0.00';
export const RATE_FORMAT = '0.0%';
export const DATE_FORMAT = 'yyyy-mm-dd';

export type SheetColumnKind = 'index' | 'text' | 'count' | 'money' | 'rate' | 'date';

const THIN = { style: 'thin' as const, color: { argb: 'FFBFBFBF' } };
export const CELL_BORDER = { top: THIN, left: THIN, bottom: THIN, right: THIN };

/** 0 → A, 25 → Z, 26 → AA. */
export function columnLetter(index: number): string {
  let n = index + 1;
  let letters = '';
  while (n > 0) {
    const rem = (n - 1) % 26;
    letters = String.fromCharCode(65 + rem) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}

/** Row 1, the title (large, centred), and row 2, the unit line, each merged over `columnCount` columns. */
export function writeTitleRows(sheet: Worksheet, columnCount: number, title: string, unitLine: string, unitAlignment?: Partial<Alignment>): void {
  const last = columnLetter(columnCount - 1);
  sheet.mergeCells(`A1:${last}1`);
  const titleCell = sheet.getCell('A1');
  titleCell.value = title;
  titleCell.font = { bold: true, size: 16 };
  titleCell.alignment = { horizontal: 'center', vertical: 'middle' };
  sheet.getRow(1).height = 30;
  sheet.mergeCells(`A2:${last}2`);
  const unitCell = sheet.getCell('A2');
  unitCell.value = unitLine;
  if (unitAlignment) unitCell.alignment = unitAlignment;
}

export function styleHeaderCell(cell: Cell): void {
  cell.font = { bold: true };
  cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
  cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };
  cell.border = CELL_BORDER;
}

/** The number format of a column's kind (none for text, counts and indexes). */
export function numberFormatOf(kind: SheetColumnKind): string | null {
  return kind === 'money' ? MONEY_FORMAT : kind === 'rate' ? RATE_FORMAT : kind === 'date' ? DATE_FORMAT : null;
}

/** A body cell by its column's kind: bordered, numbers formatted, text wrapped (at the top or the middle of tall rows). */
export function styleBodyCell(cell: Cell, kind: SheetColumnKind, textVertical: 'top' | 'middle'): void {
  cell.border = CELL_BORDER;
  const format = numberFormatOf(kind);
  if (format) cell.numFmt = format;
  if (kind === 'text') cell.alignment = { vertical: textVertical, wrapText: true };
}
