/**
 * One data row of a ledger read into values: its texts as commands store them, its amounts in
 * yuan (in the column's unit, else the sheet's), its dates and its bank, with a reason for every
 * cell that cannot be read. Read once per row; the project draft only combines them.
 */
import { normalizeText } from '../commands/schemas';
import type { IsoDate, IsoMonth, Yuan } from '../types';
import type { AmountField, ColumnMapping, LedgerField, LedgerHeader } from './columns';
import { AMOUNT_FIELDS, columnsByField, isAmountField, LEDGER_FIELDS } from './columns';
import type { RowIssue } from './previewTypes';
import { rowError } from './previewTypes';
import type { DataRow } from './rows';
import type { LedgerUnit } from './values';
import { cellDisplayText, cellText, parseAmount, parseLedgerDate, tidyText } from './values';
import type { Resolver } from './vocabulary';

export interface ParsedRow {
  row: DataRow;
  issues: RowIssue[];
  text: Partial<Record<LedgerField, string>>;
  amounts: Partial<Record<AmountField, Yuan | null>>;
  approvedDate: IsoDate | null;
  approvedDatePrecision: 'day' | 'month' | null;
  expectedMonth: IsoMonth | null;
  bankId: string | null;
}

/** The fields read as text: all but 序号, the amounts and the dates. */
const TEXT_FIELDS: readonly LedgerField[] = LEDGER_FIELDS.filter((field) => field !== 'index' && !isAmountField(field) && field !== 'approvedDate' && field !== 'expectedMonth');

/** The unit a column's own header names (融资需求（亿元）), by amount field. */
export function unitsOf(header: LedgerHeader, mapping: ColumnMapping): Partial<Record<AmountField, LedgerUnit>> {
  const units: Partial<Record<AmountField, LedgerUnit>> = {};
  for (const [field, columns] of columnsByField(mapping)) {
    const column = header.columns.find((c) => c.index === columns[0]);
    if (column?.unit && (AMOUNT_FIELDS as readonly string[]).includes(field)) units[field as AmountField] = column.unit;
  }
  return units;
}

export function parseRow(row: DataRow, units: Partial<Record<AmountField, LedgerUnit>>, unit: LedgerUnit, resolver: Resolver): ParsedRow {
  const issues: RowIssue[] = [];
  const text: ParsedRow['text'] = {};
  for (const field of TEXT_FIELDS) {
    const value = row.cells[field];
    if (value === undefined) continue;
    // Text as every command stores it (invisible characters removed); 存在问题 keeps its line breaks.
    const raw = typeof value === 'string' ? normalizeText(value) : cellDisplayText(value ?? null);
    text[field] = field === 'problems' ? raw : tidyText(raw);
  }
  const amounts: ParsedRow['amounts'] = {};
  for (const field of AMOUNT_FIELDS) {
    if (!(field in row.cells)) continue;
    const parsed = parseAmount(row.cells[field] ?? null, units[field] ?? unit);
    if (parsed.ok) amounts[field] = parsed.yuan;
    else issues.push(rowError(field, parsed.messageKey, { value: cellText(row.cells[field] ?? null) }));
  }
  let approvedDate: IsoDate | null = null;
  let approvedDatePrecision: ParsedRow['approvedDatePrecision'] = null;
  if ('approvedDate' in row.cells) {
    const parsed = parseLedgerDate(row.cells.approvedDate ?? null);
    if (parsed.ok) {
      approvedDate = parsed.date;
      approvedDatePrecision = parsed.precision;
    } else issues.push(rowError('approvedDate', parsed.messageKey, { value: cellText(row.cells.approvedDate ?? null) }));
  }
  let expectedMonth: IsoMonth | null = null;
  if ('expectedMonth' in row.cells) {
    const parsed = parseLedgerDate(row.cells.expectedMonth ?? null);
    if (parsed.ok) expectedMonth = parsed.month;
    else issues.push(rowError('expectedMonth', parsed.messageKey, { value: cellText(row.cells.expectedMonth ?? null) }));
  }
  let bankId: string | null = null;
  if (text.bank) {
    bankId = resolver.bankId(text.bank);
    if (!bankId) issues.push(rowError('bank', 'ledger.issue.bankUnknown', { value: text.bank }));
  }
  return { row, issues, text, amounts, approvedDate, approvedDatePrecision, expectedMonth, bankId };
}

/** A project-level figure over a project's rows: merged or repeated cells count once, shares add up. */
export function projectAmount(rows: readonly ParsedRow[], field: AmountField): Yuan | null {
  const values = rows.filter((r) => !r.row.continued.has(field)).map((r) => r.amounts[field]).filter((v): v is Yuan => v !== null && v !== undefined);
  if (values.length === 0) return null;
  if (values.every((v) => v === values[0])) return values[0]!;
  return values.reduce((s, v) => s + v, 0);
}

/** The first non-empty text of a field over a project's rows. */
export function firstText(rows: readonly ParsedRow[], field: LedgerField): string {
  for (const r of rows) {
    const value = r.text[field];
    if (value) return value;
  }
  return '';
}
