/**
 * Recording an approval, a contract or a tranche on a loan line: the command, its payload and the
 * change shown at once. Two stores record on lines and neither owns the other: the lines store
 * (every line the actor may read, for the lists of the meeting, the plan and my bank) and the
 * project store (the lines of the project open in the drawer, watched on their own so opening a
 * drawer on the board never reads every line). Both take the record's shape from here, so the
 * stores import this module and never each other (the former lines ↔ project cycle).
 */
import type { CommandName, IsoDate, LoanLine } from '@clearway/core';
import type { LineRecordKind, LineRecordValues } from '@/components/project/formValues';

export const RECORD_COMMANDS: Record<LineRecordKind, CommandName> = {
  approval: 'line.recordApproval',
  contract: 'line.recordContract',
  tranche: 'line.addTranche',
};

/** The line as it shows while the command runs; a tranche has a pending id until it is written. */
export function applyRecord(line: LoanLine, kind: LineRecordKind, values: LineRecordValues, pendingId: string): LoanLine {
  if (kind === 'approval') return { ...line, approved: values.amount, approvedDate: values.date };
  if (kind === 'contract') return { ...line, contracted: values.amount, contractDate: values.date };
  const tranche = { id: pendingId, date: values.date as IsoDate, amount: values.amount, recordedAt: '', recordedBy: '' };
  return { ...line, tranches: [...line.tranches, tranche] };
}

export function recordPayload(kind: LineRecordKind, lineId: string, expectedVersion: number, values: LineRecordValues) {
  const base = { lineId, expectedVersion };
  if (kind === 'approval') return { ...base, approved: values.amount, approvedDate: values.date };
  if (kind === 'contract') return { ...base, contracted: values.amount, contractDate: values.date };
  return { ...base, amount: values.amount, date: values.date };
}

/** The record command on `lineId` at `expectedVersion`, with its optimistic change. */
export function lineRecord(kind: LineRecordKind, lineId: string, expectedVersion: number, values: LineRecordValues) {
  return {
    command: { name: RECORD_COMMANDS[kind], payload: recordPayload(kind, lineId, expectedVersion, values) },
    change: { collection: 'loanLines', docId: lineId, apply: (line: LoanLine, seq: number) => applyRecord(line, kind, values, `pending-${seq}`) },
  };
}
