import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc.js';
import timezone from 'dayjs/plugin/timezone.js';
import {
  TIME_ZONE,
  addDays,
  addMonths,
  dayOf,
  daysBetween,
  isIsoDate,
  isIsoInstant,
  isIsoMonth,
  latestInstant,
  monthEnd,
  monthOf,
  monthStart,
  startOfDay,
  startOfDayMs,
  todayIso,
} from './dates';

describe('Shanghai calendar', () => {
  it('uses Asia/Shanghai', () => {
    expect(TIME_ZONE).toBe('Asia/Shanghai');
  });

  it('reads the Shanghai day and month of an instant, not the UTC one', () => {
    expect(dayOf('2026-01-31T16:00:00.000Z')).toBe('2026-02-01');
    expect(dayOf('2026-01-31T15:59:59.999Z')).toBe('2026-01-31');
    expect(monthOf('2026-01-31T16:00:00.000Z')).toBe('2026-02');
    expect(monthOf(new Date('2025-12-31T16:30:00Z'))).toBe('2026-01');
    expect(todayIso(new Date('2026-03-10T20:00:00Z'))).toBe('2026-03-11');
  });

  it('treats a bare day or month as already on the Shanghai calendar', () => {
    expect(dayOf('2026-02-01')).toBe('2026-02-01');
    expect(monthOf('2026-02-01')).toBe('2026-02');
    expect(monthOf('2026-02')).toBe('2026-02');
  });

  it('refuses garbage', () => {
    expect(() => dayOf('yesterday')).toThrow(RangeError);
  });

  it('adds months across years', () => {
    expect(addMonths('2026-01', 1)).toBe('2026-02');
    expect(addMonths('2026-12', 1)).toBe('2027-01');
    expect(addMonths('2026-01', -1)).toBe('2025-12');
    expect(addMonths('2026-05', -29)).toBe('2023-12');
    expect(addMonths('2026-05', 0)).toBe('2026-05');
  });

  it('adds days across months and leap years', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2025-02-28', 1)).toBe('2025-03-01');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
  });

  it('knows where Shanghai days and months begin and end', () => {
    expect(startOfDay('2026-02-01')).toBe('2026-01-31T16:00:00.000Z');
    expect(monthStart('2026-02')).toBe('2026-01-31T16:00:00.000Z');
    expect(monthEnd('2026-01')).toBe('2026-01-31T15:59:59.999Z');
    expect(monthEnd('2024-02')).toBe('2024-02-29T15:59:59.999Z');
    expect(monthEnd('2026-12')).toBe('2026-12-31T15:59:59.999Z');
    expect(monthOf(monthEnd('2026-07'))).toBe('2026-07');
  });

  it('counts whole calendar days whatever the hour', () => {
    expect(daysBetween('2026-01-01', '2026-01-31')).toBe(30);
    expect(daysBetween('2026-01-01T16:00:00Z', '2026-01-02T15:59:00Z')).toBe(0); // both 2026-01-02 in Shanghai
    expect(daysBetween('2026-01-01T15:59:00Z', '2026-01-01T16:00:00Z')).toBe(1); // midnight in Shanghai
    expect(daysBetween(new Date('2026-03-01T00:00:00Z'), '2026-02-01')).toBe(-28);
  });

  it('validates days, months and instants', () => {
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2025-02-29')).toBe(false);
    expect(isIsoDate('2025-13-01')).toBe(false);
    expect(isIsoDate('2025-1-01')).toBe(false);
    expect(isIsoDate(20250101)).toBe(false);
    expect(isIsoMonth('2025-12')).toBe(true);
    expect(isIsoMonth('2025-00')).toBe(false);
    expect(isIsoMonth('2025-12-01')).toBe(false);
    expect(isIsoInstant('2026-01-31T16:00:00.000Z')).toBe(true);
    expect(isIsoInstant('2026-01-31T16:00:00+08:00')).toBe(true);
    expect(isIsoInstant('2026-01-31')).toBe(false);
    expect(isIsoInstant('2026-02-31T99:00:00Z')).toBe(false);
  });

  it('picks the later instant by time, not by text', () => {
    expect(latestInstant('2026-01-01T10:00:00+08:00', '2026-01-01T03:00:00.000Z')).toBe('2026-01-01T03:00:00.000Z');
    expect(latestInstant(null, '2026-01-01T03:00:00.000Z')).toBe('2026-01-01T03:00:00.000Z');
    expect(latestInstant(null, null)).toBeNull();
  });

  it('day arithmetic agrees with daysBetween', () => {
    const day = fc.integer({ min: 0, max: 40_000 }).map((n) => addDays('2000-01-01', n));
    fc.assert(
      fc.property(day, fc.integer({ min: -5000, max: 5000 }), (from, n) => {
        expect(daysBetween(from, addDays(from, n))).toBe(n);
        expect(dayOf(startOfDay(from))).toBe(from);
      }),
    );
  });

  it('month arithmetic round-trips and month ends belong to their month', () => {
    const month = fc.integer({ min: 0, max: 1200 }).map((n) => addMonths('1990-01', n));
    fc.assert(
      fc.property(month, fc.integer({ min: -600, max: 600 }), (m, n) => {
        expect(addMonths(addMonths(m, n), -n)).toBe(m);
        expect(monthOf(monthEnd(m))).toBe(m);
        expect(monthOf(new Date(Date.parse(monthEnd(m)) + 1))).toBe(addMonths(m, 1));
      }),
    );
  });

  it('agrees with the tz database on both sides of the fixed-offset shortcut (1991 onwards)', () => {
    dayjs.extend(utc);
    dayjs.extend(timezone);
    const instant = fc.integer({ min: Date.UTC(1985, 0, 1), max: Date.UTC(2100, 0, 1) }).map((ms) => new Date(ms));
    fc.assert(
      fc.property(instant, (at) => {
        const zoned = dayjs(at).tz(TIME_ZONE);
        expect(dayOf(at)).toBe(zoned.format('YYYY-MM-DD'));
        expect(dayOf(at.toISOString())).toBe(zoned.format('YYYY-MM-DD'));
        // Before 1992 the tz database's own startOf('day') disagrees with itself on DST days.
        if (at.getUTCFullYear() >= 1992) expect(startOfDay(dayOf(at))).toBe(zoned.startOf('day').toISOString());
      }),
      { numRuns: 500 },
    );
  });

  it('validates days like the calendar does, and counts from day starts without strings', () => {
    const reference = (text: string): boolean => {
      const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
      if (!m) return false;
      const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
      return month >= 1 && month <= 12 && day >= 1 && day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
    };
    const pad = (n: number, width: number) => String(n).padStart(width, '0');
    const dateLike = fc
      .tuple(fc.integer({ min: 1000, max: 2999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }))
      .map(([y, m, d]) => `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`);
    fc.assert(
      fc.property(fc.oneof(dateLike, fc.string({ maxLength: 12 })), (text) => {
        expect(isIsoDate(text)).toBe(reference(text));
      }),
    );
    expect(isIsoDate('2026-0１-01')).toBe(false);
    const day = fc.integer({ min: 8_000, max: 60_000 }).map((n) => addDays('1970-01-01', n));
    fc.assert(
      fc.property(day, fc.integer({ min: -400, max: 400 }), (from, n) => {
        expect(startOfDayMs(from, n)).toBe(Date.parse(startOfDay(addDays(from, n))));
      }),
    );
    expect(() => startOfDayMs('2026-02-30')).toThrow(RangeError);
  });
});
