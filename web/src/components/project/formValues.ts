/** Values the project forms emit (amounts in integer yuan); the store adds ids and versions. */
import type { BlockerTag, IsoDate, LoanProduct, Yuan } from '@clearway/core';

export type LineRecordKind = 'approval' | 'contract' | 'tranche';

export interface LineRecordValues {
  amount: Yuan;
  date: IsoDate;
}

export interface NewLineValues {
  bankId: string;
  product: LoanProduct;
  requested: Yuan;
  note: string;
}

export interface NewBlockerValues {
  tag: BlockerTag;
  description: string;
  party: string;
  dueDate: IsoDate | null;
}

/** Which form the project drawer shows in a dialog. */
export type DrawerDialog =
  | { kind: 'record'; recordKind: LineRecordKind; lineId: string }
  | { kind: 'addLine' }
  | { kind: 'addBlocker' };
