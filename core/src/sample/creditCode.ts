/** Sample owners get credit codes with both check characters right, so they pass the real check. */
import { creditCodeCheck, orgCodeCheck } from '../creditCode';
import type { Random } from './prng';

/** A company registered with market regulation (9) as an enterprise (1) in `divisionCode`. */
export function makeCreditCode(random: Random, divisionCode: string): string {
  let orgBody = '';
  for (let i = 0; i < 8; i++) orgBody += String(random.int(0, 9));
  const first17 = `91${divisionCode}${orgBody}${orgCodeCheck(orgBody)}`;
  return first17 + creditCodeCheck(first17);
}
