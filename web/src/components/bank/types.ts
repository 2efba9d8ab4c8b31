/** My bank's rows and totals are core's read model (`bankWorkspace`), shown as they come. */
export type { BankBlockerView as BankBlockerRow, BankLineView as BankLineRow, BankWorkspaceTotals as BankTotalsView } from '@clearway/core';
