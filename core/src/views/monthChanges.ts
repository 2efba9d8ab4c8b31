/** What changed in the month 本月变化 as the meeting's first section shows it: the sums of its money lists. */
import type { MonthDiff } from '../meeting/monthDiff';
import type { Yuan } from '../types';

export interface MonthChangeTotals {
  /** Approvals recorded since the previous close 新增审批. */
  newlyApproved: Yuan;
  /** Tranches drawn since the previous close 新增投放. */
  disbursed: Yuan;
}

export function monthChangeTotals(diff: Pick<MonthDiff, 'newlyApproved' | 'disbursed'>): MonthChangeTotals {
  const sum = (items: readonly { amount: Yuan }[]) => items.reduce((s, item) => s + item.amount, 0);
  return { newlyApproved: sum(diff.newlyApproved), disbursed: sum(diff.disbursed) };
}
