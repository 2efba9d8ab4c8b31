import type { IsoMonth } from '@clearway/core';

/** One month of the disbursement trend. */
export interface TrendPoint {
  month: IsoMonth;
  disbursedInMonth: number;
  disbursed: number;
  /** The running month, not closed yet. */
  live: boolean;
}
