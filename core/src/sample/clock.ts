/**
 * Time arithmetic for the generator. Shanghai has kept UTC+8 without daylight saving since 1991,
 * so a fixed offset gives the bureau's calendar day without the cost of a time-zone library
 * (the benchmark generates thousands of projects).
 */
import type { IsoDate, IsoInstant, IsoMonth } from '../types';

export const DAY_MS = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

export interface Clock {
  nowMs: number;
  today: IsoDate;
  month: IsoMonth;
}

export function clockAt(now: Date): Clock {
  const nowMs = now.getTime();
  if (!Number.isFinite(nowMs)) throw new RangeError('createSampleWorkspace: `now` is not a valid date');
  const today = isoDay(nowMs);
  return { nowMs, today, month: today.slice(0, 7) };
}

export function isoDay(ms: number): IsoDate {
  return new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

export function isoMonth(ms: number): IsoMonth {
  return isoDay(ms).slice(0, 7);
}

export function isoInstant(ms: number): IsoInstant {
  return new Date(ms).toISOString();
}

export function year(ms: number): number {
  return Number(isoDay(ms).slice(0, 4));
}

/** Shanghai `YYYY年M月`, for action-plan texts. */
export function chineseMonth(month: IsoMonth): string {
  return `${month.slice(0, 4)}年${Number(month.slice(5, 7))}月`;
}
