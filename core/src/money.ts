/**
 * Money is integer yuan everywhere in storage and in the core. People type and read 万元
 * (single loans) and 亿元 (summaries). Parsing works on the decimal text itself, never through
 * floating point, so `2600.25` 万元 is exactly 26,002,500 yuan and bad input is an error, never NaN.
 */
import { DomainError } from './errors';
import type { Yuan } from './types';

export const YUAN_PER_WAN = 10_000;
export const YUAN_PER_YI = 100_000_000;
/**
 * 1万亿元 (10^12 yuan), the cap of every amount and of each project's totals over its lines. The
 * largest single projects in the country (a dam, a cross-sea bridge, a metro network phase) are a
 * few thousand 亿元, so no real figure of a city's key project comes near it; a typo of a few extra
 * digits does. It also leaves room to add them up: with at most MAX_PROJECTS projects
 * (workspace/capacity.ts) every workspace-wide sum stays within Number.MAX_SAFE_INTEGER.
 */
export const MAX_YUAN = 1_000_000_000_000;
/** 万元 amounts may carry up to 6 decimals (i.e. down to a cent); the result is rounded to the yuan. */
export const MAX_WAN_DECIMALS = 6;

const FULL_WIDTH: Record<string, string> = {
  '，': ',',
  '．': '.',
  '。': '.',
  '－': '-',
  '＋': '+',
  '\u3000': ' ',
};

function toHalfWidth(text: string): string {
  return text.replace(/[０-９，．。－＋\u3000]/g, (ch) => {
    const code = ch.charCodeAt(0);
    if (code >= 0xff10 && code <= 0xff19) return String.fromCharCode(code - 0xff10 + 0x30);
    return FULL_WIDTH[ch] ?? ch;
  });
}

function invalid(text: string): DomainError {
  return new DomainError('invalid-argument', 'errors.money.invalid', { input: text });
}

function tooLarge(): DomainError {
  return new DomainError('invalid-argument', 'errors.money.tooLarge', { maxAmount: MAX_YUAN });
}

/**
 * Parses a 万元 amount typed by a person: `2600`, `2,600.5`, ` 2600.25 `, full-width digits and
 * commas, an optional trailing `万元`/`万` unit. Returns integer yuan, rounded half up.
 */
export function parseWanInput(text: string): Yuan {
  if (typeof text !== 'string') throw invalid(String(text));
  let body = toHalfWidth(text).trim();
  body = body.replace(/\s*万元?$/, '').trim();
  let negative = false;
  if (body.startsWith('-') || body.startsWith('+')) {
    negative = body.startsWith('-');
    body = body.slice(1).trim();
  }
  const match = /^(\d{1,3}(?:,\d{3})+|\d*)(?:\.(\d*))?$/.exec(body);
  if (!match) throw invalid(text);
  const intPart = (match[1] ?? '').replace(/,/g, '');
  const fracPart = match[2] ?? '';
  if (intPart === '' && fracPart === '') throw invalid(text);
  if (fracPart.length > MAX_WAN_DECIMALS) {
    throw new DomainError('invalid-argument', 'errors.money.invalid', { input: text, maxDecimals: MAX_WAN_DECIMALS });
  }
  const isZero = /^0*$/.test(intPart) && /^0*$/.test(fracPart);
  if (negative && !isZero) throw new DomainError('invalid-argument', 'errors.money.negative', { input: text });

  const significant = intPart.replace(/^0+/, '');
  // 万元 has 4 digits of yuan after the point; anything longer than MAX_YUAN's digits is too large.
  if (significant.length + 4 > String(MAX_YUAN).length) throw tooLarge();
  // The fraction is read as cents (0.01 yuan = 1e-6 万元) so every accepted input is exact.
  const fractionCents = Number(fracPart.padEnd(MAX_WAN_DECIMALS, '0'));
  const yuan = Number(significant || '0') * YUAN_PER_WAN + Math.floor((fractionCents + 50) / 100);
  if (yuan > MAX_YUAN) throw tooLarge();
  return yuan;
}

/** Converts a 万元 number (e.g. from a numeric input) to integer yuan, rounded to the yuan. */
export function wanToYuan(wan: number): Yuan {
  if (typeof wan !== 'number' || !Number.isFinite(wan)) throw invalid(String(wan));
  if (wan < 0) throw new DomainError('invalid-argument', 'errors.money.negative', { input: String(wan) });
  const yuan = Math.round(wan * YUAN_PER_WAN);
  if (yuan > MAX_YUAN) throw tooLarge();
  return yuan;
}

export function yuanToWan(y: Yuan): number {
  return y / YUAN_PER_WAN;
}

export function yuanToYi(y: Yuan): number {
  return y / YUAN_PER_YI;
}

/** Validates a stored or submitted amount: an integer number of yuan, 0 ≤ n ≤ MAX_YUAN. */
export function assertYuan(n: unknown, field: string): asserts n is Yuan {
  const fail = (messageKey: string): never => {
    throw new DomainError('invalid-argument', messageKey, { field }, [{ path: field, messageKey }]);
  };
  if (typeof n !== 'number' || !Number.isInteger(n)) fail('errors.money.invalid');
  if ((n as number) < 0) fail('errors.money.negative');
  if ((n as number) > MAX_YUAN) fail('errors.money.tooLarge');
}

export function isYuan(n: unknown): n is Yuan {
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= MAX_YUAN;
}

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** `amount / divisor` with exactly 2 decimals, rounded half away from zero, in integer arithmetic. */
function fixed2(amount: number, divisor: number): string {
  const negative = amount < 0;
  const abs = Math.abs(amount);
  const step = divisor / 100; // value of 0.01 unit in yuan
  const hundredths = Math.floor(abs / step) + (abs % step >= step / 2 ? 1 : 0);
  const whole = Math.floor(hundredths / 100);
  const frac = String(hundredths % 100).padStart(2, '0');
  const text = `${groupThousands(String(whole))}.${frac}`;
  return negative && hundredths > 0 ? `-${text}` : text;
}

export interface MoneyFormatOptions {
  /** Append the unit (万元 / 亿元). Default true. */
  unit?: boolean;
}

/** `26000000` → `2,600.00万元`. Negative amounts (differences) keep their sign. */
export function formatWan(y: Yuan, opts: MoneyFormatOptions = {}): string {
  return fixed2(y, YUAN_PER_WAN) + (opts.unit === false ? '' : '万元');
}

/** A table cell in 万元 without the unit (`2,600.00`): the table's caption says 单位：万元 once. */
export function formatWanFigure(y: Yuan): string {
  return formatWan(y, { unit: false });
}

/** `1814000000` → `18.14亿元`. */
export function formatYi(y: Yuan, opts: MoneyFormatOptions = {}): string {
  return fixed2(y, YUAN_PER_YI) + (opts.unit === false ? '' : '亿元');
}

/** 亿元 from 1亿 up (by absolute value), 万元 below. */
export function formatMoneyAuto(y: Yuan, opts: MoneyFormatOptions = {}): string {
  return Math.abs(y) >= YUAN_PER_YI ? formatYi(y, opts) : formatWan(y, opts);
}

/** A rate 0..1 as a percentage with one decimal, e.g. `0.4567` → `45.7%`; null → `—`. */
export function formatRate(rate: number | null): string {
  if (rate === null || !Number.isFinite(rate)) return '—';
  return `${(Math.round(rate * 1000) / 10).toFixed(1)}%`;
}
