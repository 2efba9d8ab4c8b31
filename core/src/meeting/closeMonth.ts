/**
 * `month.close` 月末关账: freezes every project into the month's snapshot and marks the month
 * closed, in one transaction with one activity record; `month.reopen` (admin, with a reason) opens
 * the latest closed month again.
 *
 * The rules of the closed period:
 * - A closed month is immutable: its `months`/`snapshots` documents are written by close and reopen
 *   only (snapshot documents are created, never updated, so even a racing second close fails).
 * - A record dated in or before the latest closed month (an approval, a contract, a tranche) is
 *   REFUSED, not taken as an adjustment reported next month. Why: the closed month's 调度表 was
 *   already reported (due within 5 working days of the month end) and its snapshot frozen; the
 *   month's 本月投放 and every cumulative figure after it add up only if nothing is dated into it
 *   later, and an adjustment would show money under a month it did not happen in, which every later
 *   report would have to explain. A late record is entered with its true date after an admin
 *   reopens the month (audited, with a reason), or, when it happened in the running month, then.
 *   Months before the latest closed one count too: that month's cumulative figures include them.
 * - A month closes once it has ended on the Asia/Shanghai calendar, or earlier on an admin's
 *   explicit early close (`early: true`); after an early close the rest of the month is closed as
 *   well, so nothing dated in it can belong to no month.
 * - Only months with data close: none before the month of the workspace's first record.
 */
import { monthOf } from '../dates';
import { deriveProject } from '../derive';
import { DomainError } from '../errors';
import type { CommandHandler } from '../commands/handlers/types';
import { fieldRefusal, readStallRules } from '../commands/handlers/shared';
import type { DocumentReader, TransactionContext } from '../store/documentStore';
import type { Bank, IsoDate, IsoMonth, LoanLine, Project } from '../types';
import { buildMonthSnapshot } from './snapshot';
import { snapshotDocuments, snapshotPartId } from './snapshotStorage';
import type { MonthDoc, SnapshotHeaderDoc } from './snapshotStorage';

/** The latest closed month, or null when none is closed (one indexed read). */
export async function latestClosedMonth(reader: DocumentReader): Promise<IsoMonth | null> {
  const [latest] = await reader.query<MonthDoc>('months', {
    where: [{ field: 'status', op: '==', value: 'closed' }],
    orderBy: [{ field: 'month', direction: 'desc' }],
    limit: 1,
  });
  return latest?.data.month ?? null;
}

/** Refuses a record dated in the closed period (see the rules above); `path` names the field. */
export async function assertDateInOpenPeriod(tx: TransactionContext, date: IsoDate, path: string): Promise<void> {
  assertOutsideClosedPeriod(await latestClosedMonth(tx), date, path);
}

/** The same check against a latest closed month read once (for a command that checks many dates). */
export function assertOutsideClosedPeriod(closed: IsoMonth | null, date: IsoDate, path: string): void {
  if (closed !== null && monthOf(date) <= closed) {
    throw fieldRefusal('failed-precondition', path, 'errors.month.closedPeriod', { date, month: monthOf(date), closed });
  }
}

/** The month of the earliest dated thing in the workspace, or null when it holds nothing. */
function firstDataMonth(projects: readonly Project[], lines: readonly LoanLine[]): IsoMonth | null {
  let first: IsoMonth | null = null;
  const see = (dated: string | null): void => {
    if (dated === null) return;
    const month = monthOf(dated);
    if (first === null || month < first) first = month;
  };
  for (const project of projects) see(project.createdAt);
  for (const line of lines) {
    see(line.createdAt);
    see(line.approvedDate);
    see(line.contractDate);
    for (const tranche of line.tranches) see(tranche.date);
  }
  return first;
}

/**
 * Refuses a closed month: `month.close` says it is already closed; a decision filed under a
 * closed month's meeting (`assignment.add`) says the month is closed.
 */
export async function assertMonthOpen(
  tx: TransactionContext,
  month: IsoMonth,
  messageKey: 'errors.month.closed' | 'errors.month.alreadyClosed' = 'errors.month.closed',
): Promise<void> {
  const stored = await tx.get<MonthDoc>('months', month);
  if (stored?.data.status === 'closed') {
    throw new DomainError('failed-precondition', messageKey, { month }, [{ path: 'month', messageKey, params: { month } }]);
  }
}

export function assertNotFutureMonth(month: IsoMonth, now: Date): void {
  const current = monthOf(now);
  if (month > current) {
    throw new DomainError('failed-precondition', 'errors.month.future', { month, current }, [
      { path: 'month', messageKey: 'errors.month.future', params: { month, current } },
    ]);
  }
}

/** The running month closes only on an admin's explicit early close. */
function assertMonthEnded(month: IsoMonth, early: boolean, ctx: { now: Date; actor: { role: string } }): void {
  if (month < monthOf(ctx.now)) return;
  if (!early) {
    throw new DomainError('failed-precondition', 'errors.month.notEnded', { month }, [
      { path: 'month', messageKey: 'errors.month.notEnded', params: { month } },
    ]);
  }
  if (ctx.actor.role !== 'admin') {
    throw new DomainError('permission-denied', 'errors.month.earlyCloseAdminOnly', { month }, [
      { path: 'early', messageKey: 'errors.month.earlyCloseAdminOnly', params: { month } },
    ]);
  }
}

export const monthClose: CommandHandler<'month.close'> = async (ctx) => {
  const { month, early } = ctx.payload;
  assertNotFutureMonth(month, ctx.now);
  assertMonthEnded(month, early, ctx);
  const stored = await ctx.tx.get<MonthDoc>('months', month);
  await assertMonthOpen(ctx.tx, month, 'errors.month.alreadyClosed');

  const [projectDocs, lineDocs, bankDocs, rules] = [
    await ctx.tx.query<Project>('projects'),
    await ctx.tx.query<LoanLine>('loanLines'),
    await ctx.tx.query<Bank>('banks'),
    await readStallRules(ctx.tx),
  ];
  const lines = lineDocs.map((d) => d.data);
  const first = firstDataMonth(
    projectDocs.map((d) => d.data),
    lines,
  );
  if (first === null) throw fieldRefusal('failed-precondition', 'month', 'errors.month.noData', { month });
  if (month < first) throw fieldRefusal('failed-precondition', 'month', 'errors.month.beforeData', { month, first });
  const linesByProject = new Map<string, LoanLine[]>();
  for (const line of lines) {
    const list = linesByProject.get(line.projectId);
    if (list) list.push(line);
    else linesByProject.set(line.projectId, [line]);
  }
  // The stall flags as they stand at the close, not as the last scan left them.
  const projects = projectDocs.map((d) => deriveProject(d.data, linesByProject.get(d.id) ?? [], rules, ctx.now));
  const snapshot = buildMonthSnapshot(
    month,
    projects,
    lines,
    bankDocs.map((d) => d.data),
    ctx.now,
  );
  const docs = snapshotDocuments(snapshot);
  for (const doc of docs) ctx.writer.create('snapshots', doc.id, doc.data);

  const monthDoc: MonthDoc = {
    // A month closed again after a reopen keeps who reopened it and why.
    ...(stored?.data.reopenedAt
      ? { reopenedAt: stored.data.reopenedAt, reopenedBy: stored.data.reopenedBy, reopenReason: stored.data.reopenReason }
      : {}),
    month,
    status: 'closed',
    closedAt: ctx.at,
    closedBy: { uid: ctx.actor.uid, name: ctx.actor.name },
    snapshotParts: docs.length - 1,
    projectCount: snapshot.totals.projectCount,
    totals: snapshot.totals,
    ...(early ? { early: true } : {}),
  };
  if (stored) ctx.writer.update('months', month, monthDoc, stored.version);
  else ctx.writer.create('months', month, monthDoc);

  return {
    activity: {
      projectId: null,
      lineId: null,
      before: { month, status: stored?.data.status ?? 'open' },
      after: {
        month,
        status: 'closed',
        ...(early ? { early: true } : {}),
        asOf: snapshot.asOf,
        projectCount: snapshot.totals.projectCount,
        approved: snapshot.totals.approved,
        disbursed: snapshot.totals.disbursed,
        disbursedInMonth: snapshot.totals.disbursedInMonth,
      },
    },
    stats: { projects: snapshot.totals.projectCount, snapshotDocuments: docs.length },
  };
};

/**
 * `month.reopen` (admin): opens the latest closed month again, e.g. to enter a record dated in it
 * that arrived late. Its snapshot documents are deleted (closing again freezes the month anew),
 * the months document keeps who reopened it, when and why, and the activity record keeps the
 * close that was undone. Only the latest closed month: an earlier one is part of the figures
 * every later close reported.
 */
export const monthReopen: CommandHandler<'month.reopen'> = async (ctx) => {
  const { month, reason } = ctx.payload;
  const stored = await ctx.tx.get<MonthDoc>('months', month);
  if (stored?.data.status !== 'closed') throw fieldRefusal('failed-precondition', 'month', 'errors.month.notClosed', { month });
  const latest = await latestClosedMonth(ctx.tx);
  if (latest !== null && latest !== month) {
    throw fieldRefusal('failed-precondition', 'month', 'errors.month.notLatestClosed', { month, latest });
  }
  const header = await ctx.tx.get<SnapshotHeaderDoc>('snapshots', month);
  const parts = [];
  for (let part = 0; part < (header?.data.parts ?? 0); part++) {
    const doc = await ctx.tx.get('snapshots', snapshotPartId(month, part));
    if (doc) parts.push(doc);
  }
  if (header) ctx.tx.delete('snapshots', header.id, header.version);
  for (const doc of parts) ctx.tx.delete('snapshots', doc.id, doc.version);

  const was = stored.data;
  const monthDoc: MonthDoc = {
    month,
    status: 'open',
    closedAt: null,
    closedBy: null,
    snapshotParts: 0,
    projectCount: 0,
    totals: null,
    reopenedAt: ctx.at,
    reopenedBy: { uid: ctx.actor.uid, name: ctx.actor.name },
    reopenReason: reason,
  };
  ctx.writer.update('months', month, monthDoc, stored.version);
  return {
    activity: {
      projectId: null,
      lineId: null,
      before: { month, status: 'closed', closedAt: was.closedAt, closedBy: was.closedBy, projectCount: was.projectCount },
      after: { month, status: 'open', reason },
    },
  };
};
