/**
 * Unified social credit code 统一社会信用代码 (GB 32100-2015): the format and both check characters
 * (the embedded organisation code's, GB 11714, and the code's own). The command schema and the web
 * form both use this one check, so a code the form accepts is one the server accepts.
 */

const USCC_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ORG_CODE_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

/** Check character of the 9-character organisation code (GB 11714) from its 8-character body. */
export function orgCodeCheck(body: string): string {
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += parseInt(body.charAt(i), 36) * (ORG_CODE_WEIGHTS[i] ?? 0);
  const check = 11 - (sum % 11);
  return check === 10 ? 'X' : check === 11 ? '0' : String(check);
}

/** Check character of an 18-character credit code from its first 17 characters. */
export function creditCodeCheck(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_CHARSET.indexOf(first17.charAt(i)) * (USCC_WEIGHTS[i] ?? 0);
  return USCC_CHARSET.charAt((31 - (sum % 31)) % 31);
}

/** True for an 18-character code (upper case, no spaces) whose format and both check characters are right. */
export function isValidCreditCode(code: string): boolean {
  if (!/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/.test(code)) return false;
  const orgBody = code.slice(8, 16);
  return orgCodeCheck(orgBody) === code.charAt(16) && creditCodeCheck(code.slice(0, 17)) === code.charAt(17);
}

