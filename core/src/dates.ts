/**
 * Calendar arithmetic on the Asia/Shanghai calendar, the bureau's calendar. Instants are stored
 * as ISO strings in UTC; days (`YYYY-MM-DD`) and months (`YYYY-MM`) are Shanghai days and months,
 * whatever the time zone of the machine that runs the code.
 */
import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc.js';
import timezone from 'dayjs/plugin/timezone.js';
import type { IsoDate, IsoInstant, IsoMonth } from './types';

dayjs.extend(utc);
dayjs.extend(timezone);

export const TIME_ZONE = 'Asia/Shanghai';
const MS_PER_DAY = 86_400_000;
/**
 * China has kept UTC+8 without daylight saving since 1991-09-15 (Shanghai midnight = 16:00 UTC the
 * day before). From then on the calendar is plain arithmetic; the tz database (dayjs, which asks
 * Intl for every call and costs ~100x more) is kept for older instants only. The benchmark's
 * 10,000-project evaluation calls these functions ~500,000 times.
 */
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const FIXED_OFFSET_SINCE_MS = Date.UTC(1991, 8, 15);

const ISO_MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function isIsoMonth(value: unknown): value is IsoMonth {
  return typeof value === 'string' && ISO_MONTH.test(value);
}

/** The number in `text[start, start + length)` when it is all ASCII digits, else -1. */
function digitsAt(text: string, start: number, length: number): number {
  let value = 0;
  for (let i = start; i < start + length; i += 1) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Days since 1970-01-01 of a valid `YYYY-MM-DD`, or NaN. Character checks rather than a regex
 * and `Date`: this runs for every date of every project the stall rules look at.
 */
function epochDayOfIsoDate(value: string, start?: number): number {
  // `start` reads the date at the head of a longer text (an instant) instead of a whole `YYYY-MM-DD`.
  const at = start ?? 0;
  if ((start === undefined && value.length !== 10) || value.charCodeAt(at + 4) !== 45 || value.charCodeAt(at + 7) !== 45) return Number.NaN;
  const year = digitsAt(value, at, 4);
  const month = digitsAt(value, at + 5, 2);
  const day = digitsAt(value, at + 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return Number.NaN;
  // Date.UTC reads years 0–99 as 1900–1999; setUTCFullYear takes them as written.
  if (year < 100) return new Date(Date.UTC(2000, month - 1, day)).setUTCFullYear(year) / MS_PER_DAY;
  return Date.UTC(year, month - 1, day) / MS_PER_DAY;
}

export function isIsoDate(value: unknown): value is IsoDate {
  return typeof value === 'string' && !Number.isNaN(epochDayOfIsoDate(value));
}

/**
 * The `YYYY-MM-DD` of a day number. A board spans a few thousand distinct days while the stall
 * rules ask for one per date they read, so the strings are kept (bounded) instead of rebuilt.
 */
const isoDateCache = new Map<number, IsoDate>();
const ISO_DATE_CACHE_LIMIT = 50_000;

function isoDateOfEpochDay(epochDay: number): IsoDate {
  let text = isoDateCache.get(epochDay);
  if (text === undefined) {
    text = new Date(epochDay * MS_PER_DAY).toISOString().slice(0, 10);
    if (isoDateCache.size >= ISO_DATE_CACHE_LIMIT) isoDateCache.clear();
    isoDateCache.set(epochDay, text);
  }
  return text;
}

const instantCache = new Map<number, IsoInstant>();
const INSTANT_CACHE_LIMIT = 50_000;

/**
 * `toISOString()` of an instant. The stall rules write day and month starts (and the scan's
 * `now`) for every project, a small set of instants, so their strings are kept (bounded).
 */
export function isoInstantOf(at: Date | number): IsoInstant {
  const ms = typeof at === 'number' ? at : at.getTime();
  let text = instantCache.get(ms);
  if (text === undefined) {
    text = new Date(ms).toISOString();
    if (instantCache.size >= INSTANT_CACHE_LIMIT) instantCache.clear();
    instantCache.set(ms, text);
  }
  return text;
}

/** An ISO instant with an explicit offset or `Z`, e.g. `2026-01-31T16:00:00.000Z`. */
export function isIsoInstant(value: unknown): value is IsoInstant {
  return (
    typeof value === 'string' &&
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value) &&
    !Number.isNaN(Date.parse(value))
  );
}

function invalidDate(value: unknown): Error {
  return new RangeError(`Not a date or instant: ${String(value)}`);
}

/** The Shanghai calendar day of an instant; a `YYYY-MM-DD` string is already a Shanghai day. */
export function dayOf(instant: Date | string): IsoDate {
  if (typeof instant === 'string' && instant.length === 10 && isIsoDate(instant)) return instant;
  const ms = typeof instant === 'string' ? Date.parse(instant) : instant.getTime();
  if (ms >= FIXED_OFFSET_SINCE_MS) return isoDateOfEpochDay(Math.floor((ms + SHANGHAI_OFFSET_MS) / MS_PER_DAY));
  const parsed = dayjs(instant);
  if (!parsed.isValid()) throw invalidDate(instant);
  return parsed.tz(TIME_ZONE).format('YYYY-MM-DD');
}

export function monthOf(instant: Date | string): IsoMonth {
  if (typeof instant === 'string' && isIsoMonth(instant)) return instant;
  return dayOf(instant).slice(0, 7);
}

export function todayIso(now: Date): IsoDate {
  return dayOf(now);
}

export function addMonths(month: IsoMonth, n: number): IsoMonth {
  if (!isIsoMonth(month)) throw invalidDate(month);
  const total = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + Math.trunc(n);
  const year = Math.floor(total / 12);
  const mon = total - year * 12 + 1;
  return `${String(year).padStart(4, '0')}-${String(mon).padStart(2, '0')}`;
}

export function addDays(day: IsoDate, n: number): IsoDate {
  const epochDay = typeof day === 'string' ? epochDayOfIsoDate(day) : Number.NaN;
  if (Number.isNaN(epochDay)) throw invalidDate(day);
  return isoDateOfEpochDay(epochDay + Math.trunc(n));
}

/**
 * The first instant of a Shanghai day, in epoch milliseconds; `plusDays` later when given (the
 * stall rules ask "the start of the day N days after X" for every threshold).
 */
export function startOfDayMs(day: IsoDate, plusDays = 0): number {
  const epochDay = typeof day === 'string' ? epochDayOfIsoDate(day) : Number.NaN;
  if (Number.isNaN(epochDay)) throw invalidDate(day);
  const utcMidnight = (epochDay + Math.trunc(plusDays)) * MS_PER_DAY;
  if (utcMidnight - SHANGHAI_OFFSET_MS >= FIXED_OFFSET_SINCE_MS) return utcMidnight - SHANGHAI_OFFSET_MS;
  return dayjs.tz(`${isoDateOfEpochDay(epochDay + Math.trunc(plusDays))}T00:00:00`, TIME_ZONE).valueOf();
}

/** The first instant of a Shanghai day. */
export function startOfDay(day: IsoDate): IsoInstant {
  return new Date(startOfDayMs(day)).toISOString();
}

/** The first instant of a Shanghai month, in epoch milliseconds. */
export function monthStartMs(month: IsoMonth): number {
  if (!isIsoMonth(month)) throw invalidDate(month);
  return startOfDayMs(`${month}-01`);
}

export function monthStart(month: IsoMonth): IsoInstant {
  return new Date(monthStartMs(month)).toISOString();
}

/** The last instant (millisecond) of a Shanghai month, e.g. `2026-01` → `2026-01-31T15:59:59.999Z`. */
export function monthEnd(month: IsoMonth): IsoInstant {
  return new Date(Date.parse(monthStart(addMonths(month, 1))) - 1).toISOString();
}

/*
 * Day numbers (Shanghai days since 1970-01-01) and epoch milliseconds: the stall rules compare
 * these and build date strings only for the flags that fire.
 */

/** Days since 1970-01-01 of a valid `YYYY-MM-DD`, or NaN. */
export function dayNumberOfIsoDate(value: string): number {
  return epochDayOfIsoDate(value);
}

/**
 * `Date.parse` of an instant, reading the `YYYY-MM-DDTHH:mm:ss.sssZ` form `toISOString()` writes
 * without the general parser (any other form, or an out-of-range field, goes to `Date.parse`).
 */
export function instantMs(text: string): number {
  if (text.length === 24 && text.charCodeAt(23) === 90 && text.charCodeAt(10) === 84 && text.charCodeAt(19) === 46) {
    // Years below 100 would meet Date.UTC's 19xx mapping; Date.parse reads them as written.
    const epochDay = digitsAt(text, 0, 2) > 0 ? epochDayOfIsoDate(text, 0) : Number.NaN;
    const hour = digitsAt(text, 11, 2);
    const minute = digitsAt(text, 14, 2);
    const second = digitsAt(text, 17, 2);
    const milli = digitsAt(text, 20, 3);
    if (
      !Number.isNaN(epochDay) && text.charCodeAt(13) === 58 && text.charCodeAt(16) === 58 &&
      hour >= 0 && hour < 24 && minute >= 0 && minute < 60 && second >= 0 && second < 60 && milli >= 0
    ) {
      return epochDay * MS_PER_DAY + ((hour * 60 + minute) * 60 + second) * 1000 + milli;
    }
  }
  return Date.parse(text);
}

/** The Shanghai day of an instant in epoch milliseconds, as a day number (throws when invalid). */
export function dayNumberOfMs(ms: number): number {
  if (ms >= FIXED_OFFSET_SINCE_MS) return Math.floor((ms + SHANGHAI_OFFSET_MS) / MS_PER_DAY);
  return epochDayOfIsoDate(dayOf(new Date(ms)));
}

/** The first instant of the Shanghai day with this day number, in epoch milliseconds. */
export function dayNumberStartMs(epochDay: number): number {
  const utcMidnight = epochDay * MS_PER_DAY;
  if (utcMidnight - SHANGHAI_OFFSET_MS >= FIXED_OFFSET_SINCE_MS) return utcMidnight - SHANGHAI_OFFSET_MS;
  return dayjs.tz(`${isoDateOfEpochDay(epochDay)}T00:00:00`, TIME_ZONE).valueOf();
}

/** The Shanghai day of a value as days since 1970-01-01, without building a date string. */
export function dayNumber(value: Date | string): number {
  if (typeof value === 'string') {
    const epochDay = epochDayOfIsoDate(value);
    if (!Number.isNaN(epochDay)) return epochDay;
  }
  const ms = typeof value === 'string' ? instantMs(value) : value.getTime();
  if (ms >= FIXED_OFFSET_SINCE_MS) return Math.floor((ms + SHANGHAI_OFFSET_MS) / MS_PER_DAY);
  return epochDayOfIsoDate(dayOf(value));
}

/**
 * Whole Shanghai calendar days from one day to another (negative when `to` is earlier): an
 * approval on the 1st is 30 days old on the 31st, whatever the hour.
 */
export function daysBetween(from: Date | string, to: Date | string): number {
  return dayNumber(to) - dayNumber(from);
}

/** Later of two instants (null-tolerant), compared as instants, not as strings. */
export function latestInstant(a: IsoInstant | null, b: IsoInstant | null): IsoInstant | null {
  if (a === null) return b;
  if (b === null) return a;
  // Two instants as `toISOString()` writes them (UTC, milliseconds) compare as text.
  if (a.length === 24 && b.length === 24 && a.charCodeAt(23) === 90 && b.charCodeAt(23) === 90) return a >= b ? a : b;
  return Date.parse(a) >= Date.parse(b) ? a : b;
}
