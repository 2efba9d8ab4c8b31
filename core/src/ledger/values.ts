/**
 * The values of a ledger cell as people type them: amounts as numbers or as text with a unit
 * (2.6亿, 3,000万元), full-width digits, a dash for none; dates as Excel dates, 2026.03,
 * 2026年6月15日, 2026-6. Every parser returns a value or a message key, never NaN.
 */
import { MAX_YUAN } from '../money';
import type { IsoDate, IsoMonth, Yuan } from '../types';
import type { CellScalar } from './grid';

export const LEDGER_UNITS = { yuan: 1, wan: 10_000, yi: 100_000_000 } as const;
export type LedgerUnit = keyof typeof LEDGER_UNITS;

/** Full-width digits, letters and punctuation to their ASCII forms, spaces collapsed, trimmed. */
export function normalizeLedgerText(value: string): string {
  return value.normalize('NFKC').replace(/\s+/g, ' ').trim();
}

/** Whitespace collapsed and trimmed, the characters kept as typed (a name keeps its （一期）). */
export function tidyText(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}

/** A cell as a person typed it, for names and free text; numbers and dates written plainly. */
export function cellDisplayText(value: CellScalar): string {
  return typeof value === 'string' ? tidyText(value) : cellText(value);
}

/** A cell as text (numbers and dates written plainly), normalized. */
export function cellText(value: CellScalar): string {
  if (value === null) return '';
  if (value instanceof Date) return isoDateOfExcelDate(value);
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  return normalizeLedgerText(value);
}

/** Text without any whitespace, for matching header and keyword words. */
export function compactText(value: string): string {
  return value.normalize('NFKC').replace(/\s+/g, '');
}

/** 单位：万元, （亿元）, 单位:元 … → the unit named in a text, or null. */
export function unitInText(text: string): LedgerUnit | null {
  const compact = compactText(text);
  const match = /(?:单位[:：]?|[(（])\s*(亿元|万元|元)/.exec(compact);
  if (!match) return null;
  return match[1] === '亿元' ? 'yi' : match[1] === '万元' ? 'wan' : 'yuan';
}

const NONE_WORDS = new Set(['', '-', '--', '—', '——', '–', '/', '\\', '无', '暂无', '0.00', 'N/A', 'n/a']);

export type AmountResult = { ok: true; yuan: Yuan | null } | { ok: false; messageKey: string };

const AMOUNT_PATTERN = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(亿元|亿|万元|万|元)?$/;

/** Decimal digits times 10^shift, rounded half up to an integer, without floating point. */
function scaleDecimal(intPart: string, fracPart: string, shift: number): number {
  const frac = fracPart.padEnd(shift + 1, '0');
  const whole = `${intPart}${frac.slice(0, shift)}`;
  const roundUp = Number(frac[shift] ?? '0') >= 5;
  return Number(whole.replace(/^0+(?=\d)/, '') || '0') + (roundUp ? 1 : 0);
}

const UNIT_SHIFT: Record<LedgerUnit, number> = { yuan: 0, wan: 4, yi: 8 };

function unitOfWord(word: string | undefined): LedgerUnit | null {
  if (!word) return null;
  if (word.startsWith('亿')) return 'yi';
  if (word.startsWith('万')) return 'wan';
  return 'yuan';
}

/**
 * An amount cell in `unit` (the sheet's or the column's), to integer yuan; null for none
 * (empty, a dash, 无). Text may carry its own unit (2.6亿 in a 万元 sheet is still 2.6亿).
 */
export function parseAmount(value: CellScalar, unit: LedgerUnit): AmountResult {
  if (value === null) return { ok: true, yuan: null };
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { ok: false, messageKey: 'ledger.issue.amountInvalid' };
    if (value < 0) return { ok: false, messageKey: 'ledger.issue.amountNegative' };
    // Excel stores 2600.25 as a binary double: go through its shortest decimal text.
    return parseAmount(String(value).includes('e') ? value.toFixed(8) : String(value), unit);
  }
  if (typeof value !== 'string') return { ok: false, messageKey: 'ledger.issue.amountInvalid' };
  const text = compactText(value).replace(/,/g, '');
  if (NONE_WORDS.has(text)) return { ok: true, yuan: null };
  const match = AMOUNT_PATTERN.exec(text);
  if (!match) return { ok: false, messageKey: 'ledger.issue.amountInvalid' };
  if (match[1] === '-' && !/^[0.]+$/.test(match[2]!)) return { ok: false, messageKey: 'ledger.issue.amountNegative' };
  const [intPart = '', fracPart = ''] = match[2]!.split('.');
  const shift = UNIT_SHIFT[unitOfWord(match[3]) ?? unit];
  if (intPart.replace(/^0+/, '').length + shift > 16) return { ok: false, messageKey: 'ledger.issue.amountTooLarge' };
  const yuan = scaleDecimal(intPart, fracPart, shift);
  if (yuan > MAX_YUAN) return { ok: false, messageKey: 'ledger.issue.amountTooLarge' };
  return { ok: true, yuan };
}

export type DateResult =
  | { ok: true; date: IsoDate | null; month: IsoMonth | null; precision: 'day' | 'month' | null }
  | { ok: false; messageKey: string };

const EMPTY_DATE: DateResult = { ok: true, date: null, month: null, precision: null };

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** exceljs reads an Excel date as the UTC instant of that calendar day. */
export function isoDateOfExcelDate(date: Date): IsoDate {
  return `${date.getUTCFullYear()}-${pad2(date.getUTCMonth() + 1)}-${pad2(date.getUTCDate())}`;
}

/** The calendar day an ISO date names, as exceljs writes a date cell. */
export function excelDateOfIsoDate(date: IsoDate): Date {
  return new Date(`${date}T00:00:00.000Z`);
}

function validDay(year: number, month: number, day: number): boolean {
  if (year < 1990 || year > 2100 || month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function dayResult(year: number, month: number, day: number): DateResult {
  if (!validDay(year, month, day)) return { ok: false, messageKey: 'ledger.issue.dateInvalid' };
  return { ok: true, date: `${year}-${pad2(month)}-${pad2(day)}`, month: `${year}-${pad2(month)}`, precision: 'day' };
}

function monthResult(year: number, month: number): DateResult {
  if (!validDay(year, month, 1)) return { ok: false, messageKey: 'ledger.issue.dateInvalid' };
  // A month alone stands for its first day where a day is needed (an approval "in 2026.03").
  return { ok: true, date: `${year}-${pad2(month)}-01`, month: `${year}-${pad2(month)}`, precision: 'month' };
}

/** Days from 1899-12-30, Excel's epoch (its 1900 leap-year bug included). */
function excelSerialDay(serial: number): DateResult {
  const date = new Date(Date.UTC(1899, 11, 30) + Math.floor(serial) * 86_400_000);
  return dayResult(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate());
}

const DAY_PATTERN = /^(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?$/;
const MONTH_PATTERN = /^(\d{4})\s*[-./年]\s*(\d{1,2})\s*月?(?:份|底|末|初|上旬|中旬|下旬)?$/;
const COMPACT_DAY_PATTERN = /^(\d{4})(\d{2})(\d{2})$/;
const COMPACT_MONTH_PATTERN = /^(\d{4})(\d{2})$/;

/** A date cell: an Excel date, an Excel serial number, or text such as 2026.03, 2026年6月15日, 2026-6. */
export function parseLedgerDate(value: CellScalar): DateResult {
  if (value === null) return EMPTY_DATE;
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return { ok: false, messageKey: 'ledger.issue.dateInvalid' };
    return dayResult(value.getUTCFullYear(), value.getUTCMonth() + 1, value.getUTCDate());
  }
  if (typeof value === 'number') {
    // 2026.03 typed into a number cell is a month, not day 2026 of Excel's calendar.
    const asText = String(value);
    if (/^\d{4}\.\d{1,2}$/.test(asText)) return parseLedgerDate(asText);
    if (value > 20_000 && value < 80_000) return excelSerialDay(value);
    return parseLedgerDate(asText);
  }
  if (typeof value !== 'string') return { ok: false, messageKey: 'ledger.issue.dateInvalid' };
  const text = normalizeLedgerText(value);
  if (NONE_WORDS.has(text)) return EMPTY_DATE;
  let match = DAY_PATTERN.exec(text) ?? COMPACT_DAY_PATTERN.exec(text);
  if (match) return dayResult(Number(match[1]), Number(match[2]), Number(match[3]));
  match = MONTH_PATTERN.exec(text) ?? COMPACT_MONTH_PATTERN.exec(text);
  if (match) {
    // 2026.1 is January, 2026.10 October: a number cell loses the trailing zero, text does not.
    return monthResult(Number(match[1]), Number(match[2]));
  }
  return { ok: false, messageKey: 'ledger.issue.dateInvalid' };
}

/** 截至2026年10月末 / 截止2026年10月底 in a title → that month. */
export function asOfMonthInText(text: string): IsoMonth | null {
  const match = /截[至止]\s*(\d{4})\s*年\s*(\d{1,2})\s*月/.exec(normalizeLedgerText(text));
  if (!match) return null;
  const month = Number(match[2]);
  return month >= 1 && month <= 12 ? `${match[1]}-${pad2(month)}` : null;
}
