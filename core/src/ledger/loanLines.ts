/**
 * The project's loan lines, set to what the ledger says, one per bank row: a figure the ledger
 * leaves empty keeps the stored one; an approval or a catch-up tranche the ledger gives no date
 * for gets the assumed date (with a warning); nothing is dated into a closed month.
 */
import type { Yuan } from '../types';
import type { ProjectAmounts } from './projectFields';
import type { LedgerImportLine } from './payload';
import type { FieldChange, RowIssue } from './previewTypes';
import { rowError, rowWarning } from './previewTypes';
import type { DraftContext, ProjectIdentity } from './projectIdentity';

/** A line as it would stand after the import, for the stage gates. */
export interface SimulatedLine {
  bankId: string;
  requested: Yuan;
  approved: Yuan | null;
  disbursed: Yuan;
}

export function draftLines(identity: ProjectIdentity, amounts: ProjectAmounts, ctx: DraftContext, issues: RowIssue[], changes: FieldChange[]): { lines: LedgerImportLine[]; simulated: SimulatedLine[] } {
  const { existing, lineRows, seenBanks } = identity;
  const existingLines = existing ? (ctx.linesByProject.get(existing.id) ?? []) : [];
  const lines: LedgerImportLine[] = [];
  const simulated: SimulatedLine[] = existingLines.map((l) => ({
    bankId: l.doc.data.bankId,
    requested: l.doc.data.status === 'declined' ? 0 : l.doc.data.requested,
    approved: l.doc.data.approved,
    disbursed: l.disbursed,
  }));
  const single = lineRows.length === 1;
  for (const r of lineRows) {
    if (seenBanks.get(r.bankId!) !== r.row.rowNumber) continue;
    const bankName = ctx.bankNames.get(r.bankId!) ?? r.bankId!;
    const known = existingLines.find((l) => l.doc.data.bankId === r.bankId && l.doc.data.status !== 'declined') ?? existingLines.find((l) => l.doc.data.bankId === r.bankId);
    const requestedCell = r.amounts.requested ?? null;
    const approvedCell = r.amounts.approved ?? null;
    const disbursedCell = r.amounts.disbursed ?? null;
    const line: LedgerImportLine = { bankId: r.bankId!, requested: null, approved: null, approvedDate: null, disbursed: null, disbursedDate: null };
    const was = known?.doc.data;
    // A bank named on an existing project with no figures of its own only says who leads.
    if (!known && existing && requestedCell === null && approvedCell === null && disbursedCell === null) continue;
    const requested = requestedCell ?? (known ? null : ((single ? (amounts.needTotal ?? null) : null) ?? approvedCell ?? 0));
    if (requested !== null && (!was || was.requested !== requested)) {
      line.requested = requested;
      if (was) changes.push({ field: `line.${bankName}.requested`, before: was.requested, after: requested });
    }
    let approvedDate = r.approvedDate;
    if (approvedDate && approvedDate > ctx.today) issues.push(rowError('approvedDate', 'ledger.issue.dateFuture', { value: approvedDate, today: ctx.today }));
    if (approvedCell !== null) {
      if (!approvedDate) {
        approvedDate = was?.approvedDate ?? ctx.assumedDate;
        if (!was?.approvedDate) issues.push(rowWarning('approvedDate', 'ledger.issue.approvedDateAssumed', { date: approvedDate }));
      } else if (r.approvedDatePrecision === 'month') {
        // 2026.03 for an approval recorded on 2026-03-18 is the same approval.
        if (was?.approvedDate?.startsWith(approvedDate.slice(0, 7))) approvedDate = was.approvedDate;
        else issues.push(rowWarning('approvedDate', 'ledger.issue.approvedDateMonth', { date: approvedDate }));
      }
      if (!was || was.approved !== approvedCell || was.approvedDate !== approvedDate) {
        if (ctx.closedThrough !== null && approvedDate.slice(0, 7) <= ctx.closedThrough) {
          // A closed month's figures were reported: an approval dated in it cannot be recorded now.
          issues.push(rowError('approvedDate', 'errors.month.closedPeriod', { date: approvedDate, month: approvedDate.slice(0, 7), closed: ctx.closedThrough }));
        }
        line.approved = approvedCell;
        line.approvedDate = approvedDate;
        if (was) changes.push({ field: `line.${bankName}.approved`, before: was.approved, after: approvedCell });
      }
    }
    const approved = approvedCell ?? was?.approved ?? null;
    const alreadyDisbursed = known?.disbursed ?? 0;
    if (disbursedCell !== null && disbursedCell !== alreadyDisbursed) {
      if (disbursedCell < alreadyDisbursed) {
        issues.push(rowError('disbursed', 'ledger.issue.disbursedBelowRecorded', { disbursed: disbursedCell, recorded: alreadyDisbursed }));
      } else if (approved === null || approved === 0) {
        issues.push(rowError('disbursed', 'ledger.issue.disbursedWithoutApproval', { bank: bankName }));
      } else if (disbursedCell > approved) {
        issues.push(rowError('disbursed', 'ledger.issue.disbursedOverApproved', { disbursed: disbursedCell, approved }));
      } else {
        const floor = line.approvedDate ?? was?.approvedDate ?? ctx.assumedDate;
        const lastTranche = was?.tranches.map((t) => t.date).sort().pop() ?? floor;
        const date = [ctx.assumedDate, floor, lastTranche].sort().pop()!;
        line.disbursed = disbursedCell;
        line.disbursedDate = date > ctx.today ? ctx.today : date;
        if (ctx.closedThrough !== null && line.disbursedDate.slice(0, 7) <= ctx.closedThrough) {
          issues.push(rowError('disbursed', 'errors.month.closedPeriod', { date: line.disbursedDate, month: line.disbursedDate.slice(0, 7), closed: ctx.closedThrough }));
        }
        issues.push(rowWarning('disbursed', 'ledger.issue.trancheAssumed', { amount: disbursedCell - alreadyDisbursed, date: line.disbursedDate }));
        if (was) changes.push({ field: `line.${bankName}.disbursed`, before: alreadyDisbursed, after: disbursedCell });
      }
    }
    if (approved !== null && approved < (disbursedCell ?? alreadyDisbursed)) {
      issues.push(rowError('approved', 'ledger.issue.approvedBelowDisbursed', { approved, disbursed: disbursedCell ?? alreadyDisbursed }));
    }
    if (!was) changes.push({ field: `line.${bankName}`, before: null, after: requested ?? 0 });
    const changed = !was || line.requested !== null || line.approved !== null || line.disbursed !== null;
    if (changed) lines.push(line);
    const sim = simulated.find((s) => s.bankId === r.bankId);
    const next = { bankId: r.bankId!, requested: line.requested ?? was?.requested ?? 0, approved, disbursed: line.disbursed ?? alreadyDisbursed };
    if (sim) Object.assign(sim, next);
    else simulated.push(next);
  }
  return { lines, simulated };
}
