/**
 * `month.close` 月末关账: freezes every project into the month's snapshot and marks the month
 * closed, in one transaction with one activity record. A closed month is immutable: no command
 * writes its `months` or `snapshots` documents again (the snapshot documents are created, never
 * updated, so even a racing second close fails on commit).
 */
import { monthOf } from '../dates';
import { deriveProject } from '../derive';
import { DomainError } from '../errors';
import type { CommandHandler } from '../commands/handlers/types';
import { readStallRules } from '../commands/handlers/shared';
import type { TransactionContext } from '../store/documentStore';
import type { Bank, IsoMonth, LoanLine, Project } from '../types';
import { buildMonthSnapshot } from './snapshot';
import { snapshotDocuments } from './snapshotStorage';
import type { MonthDoc } from './snapshotStorage';

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

export const monthClose: CommandHandler<'month.close'> = async (ctx) => {
  const { month } = ctx.payload;
  assertNotFutureMonth(month, ctx.now);
  const stored = await ctx.tx.get<MonthDoc>('months', month);
  await assertMonthOpen(ctx.tx, month, 'errors.month.alreadyClosed');

  const [projectDocs, lineDocs, bankDocs, rules] = [
    await ctx.tx.query<Project>('projects'),
    await ctx.tx.query<LoanLine>('loanLines'),
    await ctx.tx.query<Bank>('banks'),
    await readStallRules(ctx.tx),
  ];
  const lines = lineDocs.map((d) => d.data);
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
    month,
    status: 'closed',
    closedAt: ctx.at,
    closedBy: { uid: ctx.actor.uid, name: ctx.actor.name },
    snapshotParts: docs.length - 1,
    projectCount: snapshot.totals.projectCount,
    totals: snapshot.totals,
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
