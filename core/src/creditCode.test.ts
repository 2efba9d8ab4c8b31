import { describe, expect, it } from 'vitest';
import { creditCodeCheck, isValidCreditCode, orgCodeCheck } from './creditCode';

describe('isValidCreditCode', () => {
  // 91 + 530602 (昭阳区) + organisation code 12345678 with its check character, then the code's own.
  const body = `91530602${'12345678'}${orgCodeCheck('12345678')}`;
  const good = body + creditCodeCheck(body);

  it('accepts a code whose format and both check characters are right', () => {
    expect(isValidCreditCode(good)).toBe(true);
  });

  it('refuses a well-formed code with a wrong final check character', () => {
    const wrong = good.slice(0, 17) + (good.endsWith('0') ? '1' : '0');
    expect(/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/.test(wrong)).toBe(true);
    expect(isValidCreditCode(wrong)).toBe(false);
  });

  it('refuses lower case, letters outside the charset and the wrong length', () => {
    expect(isValidCreditCode(good.toLowerCase())).toBe(false);
    expect(isValidCreditCode(`${good.slice(0, 10)}I${good.slice(11)}`)).toBe(false);
    expect(isValidCreditCode(good.slice(0, 17))).toBe(false);
  });
});
