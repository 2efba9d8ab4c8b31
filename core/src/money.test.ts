import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  MAX_YUAN,
  assertYuan,
  formatMoneyAuto,
  formatRate,
  formatWan,
  formatYi,
  isYuan,
  parseWanInput,
  wanToYuan,
  yuanToWan,
} from './money';
import { DomainError } from './errors';

function errorOf(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('parseWanInput', () => {
  it.each([
    ['2600', 26_000_000],
    ['2,600.5', 26_005_000],
    [' 2600.25 ', 26_002_500],
    ['２６００', 26_000_000],
    ['２，６００．５', 26_005_000],
    ['0', 0],
    ['0.0001', 1],
    ['.5', 5_000],
    ['5.', 50_000],
    ['1,234,567.891234', 12_345_678_912],
    ['2600万元', 26_000_000],
    ['2600 万', 26_000_000],
    ['-0', 0],
    ['+12', 120_000],
  ])('%j → %d yuan', (text, yuan) => {
    expect(parseWanInput(text)).toBe(yuan);
  });

  it('rounds the sub-yuan part half up', () => {
    expect(parseWanInput('0.00005')).toBe(1);
    expect(parseWanInput('0.000049')).toBe(0);
    expect(parseWanInput('1.23456')).toBe(12_346);
  });

  it.each(['', '   ', 'abc', '12a', '1.2.3', '26,00', '1,2345', '1.000,5', ',', '.', 'NaN', 'Infinity', '1e5', '0x10', '1.1234567'])(
    'rejects %j as invalid',
    (text) => {
      const error = errorOf(() => parseWanInput(text));
      expect(error.code).toBe('invalid-argument');
      expect(error.messageKey).toBe('errors.money.invalid');
    },
  );

  it('rejects negative amounts with their own message', () => {
    expect(errorOf(() => parseWanInput('-5')).messageKey).toBe('errors.money.negative');
    expect(errorOf(() => parseWanInput('－２')).messageKey).toBe('errors.money.negative');
  });

  it('rejects amounts above the ceiling', () => {
    // 1万亿元 = 100,000,000万元.
    expect(errorOf(() => parseWanInput('100000001')).messageKey).toBe('errors.money.tooLarge');
    expect(errorOf(() => parseWanInput('100000000.0001')).messageKey).toBe('errors.money.tooLarge');
    expect(errorOf(() => parseWanInput('99999999999999999999')).messageKey).toBe('errors.money.tooLarge');
    expect(parseWanInput('100000000')).toBe(MAX_YUAN);
  });

  it('never returns NaN whatever the text', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        try {
          const yuan = parseWanInput(text);
          expect(isYuan(yuan)).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(DomainError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('formatting', () => {
  it('formats 万元 and 亿元 with separators and two decimals', () => {
    expect(formatWan(26_000_000)).toBe('2,600.00万元');
    expect(formatWan(26_005_000, { unit: false })).toBe('2,600.50');
    expect(formatWan(0)).toBe('0.00万元');
    expect(formatWan(49)).toBe('0.00万元');
    expect(formatWan(50)).toBe('0.01万元');
    expect(formatYi(1_814_000_000)).toBe('18.14亿元');
    expect(formatYi(18_136_000_000)).toBe('181.36亿元');
    expect(formatYi(123_456_789_000_000, { unit: false })).toBe('1,234,567.89');
  });

  it('keeps the sign of differences', () => {
    expect(formatWan(-26_000_000)).toBe('-2,600.00万元');
    expect(formatWan(-10)).toBe('0.00万元');
  });

  it('picks 亿元 from one 亿 up', () => {
    expect(formatMoneyAuto(99_999_999)).toBe('10,000.00万元');
    expect(formatMoneyAuto(100_000_000)).toBe('1.00亿元');
    expect(formatMoneyAuto(-250_000_000)).toBe('-2.50亿元');
  });

  it('formats rates', () => {
    expect(formatRate(0.4567)).toBe('45.7%');
    expect(formatRate(1)).toBe('100.0%');
    expect(formatRate(null)).toBe('—');
  });

  it('round-trips every whole-cent 万元 amount through format and parse', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_YUAN / 100 }), (hundreds) => {
        const yuan = hundreds * 100;
        expect(parseWanInput(formatWan(yuan))).toBe(yuan);
        expect(parseWanInput(formatWan(yuan, { unit: false }))).toBe(yuan);
      }),
      { numRuns: 2000 },
    );
  });

  it('formats any amount to within half a cent of 万元', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_YUAN }), (yuan) => {
        const shown = parseWanInput(formatWan(yuan));
        expect(Math.abs(shown - yuan)).toBeLessThanOrEqual(50);
      }),
    );
  });
});

describe('conversions and validation', () => {
  it('converts 万元 numbers to integer yuan', () => {
    expect(wanToYuan(2600.25)).toBe(26_002_500);
    expect(wanToYuan(0.1 + 0.2)).toBe(3_000);
    expect(yuanToWan(26_002_500)).toBe(2600.25);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])('wanToYuan rejects %d', (value) => {
    expect(errorOf(() => wanToYuan(value)).messageKey).toBe('errors.money.invalid');
  });

  it('wanToYuan rejects negative and huge numbers', () => {
    expect(errorOf(() => wanToYuan(-1)).messageKey).toBe('errors.money.negative');
    expect(errorOf(() => wanToYuan(1e12)).messageKey).toBe('errors.money.tooLarge');
  });

  it('round-trips integer yuan through 万元 numbers', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: MAX_YUAN }), (yuan) => {
      expect(wanToYuan(yuanToWan(yuan))).toBe(yuan);
    }));
  });

  it('assertYuan names the field that is wrong', () => {
    expect(() => assertYuan(5, 'amount')).not.toThrow();
    const error = errorOf(() => assertYuan(1.5, 'amount'));
    expect(error.messageKey).toBe('errors.money.invalid');
    expect(error.fieldErrors).toEqual([{ path: 'amount', messageKey: 'errors.money.invalid' }]);
    expect(errorOf(() => assertYuan(-1, 'approved')).fieldErrors[0]?.messageKey).toBe('errors.money.negative');
    expect(errorOf(() => assertYuan('5', 'x')).messageKey).toBe('errors.money.invalid');
    expect(errorOf(() => assertYuan(Number.NaN, 'x')).messageKey).toBe('errors.money.invalid');
    expect(errorOf(() => assertYuan(MAX_YUAN + 1, 'x')).messageKey).toBe('errors.money.tooLarge');
  });
});
