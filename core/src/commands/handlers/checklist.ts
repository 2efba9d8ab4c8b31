/**
 * What a project carries besides its figures: the prerequisites checklist 要件, blockers 困难问题
 * and the meeting's assignments 交办事项.
 */
import { DomainError } from '../../errors';
import { assertMonthOpen } from '../../meeting/closeMonth';
import type { Assignment, Blocker } from '../../types';
import { editProject, notFound, projectDiff } from './shared';
import type { CommandHandler } from './types';

/**
 * A project document holds its open items and only the most recent closed ones, so that it stays
 * far below Firestore's 1 MiB whatever its age (211 long resolved blockers used to pass it). Every
 * closed item stays in the activity records: `blocker.add`/`assignment.add` keep the whole item,
 * `blocker.resolve`/`assignment.complete` when and how it was closed. With every text at its
 * limit, 50 + 40 blockers and 50 + 40 assignments take about 650 KB (see checklist.test.ts).
 */
export const PROJECT_ITEM_LIMITS = {
  openBlockers: 50,
  resolvedBlockers: 40,
  openAssignments: 50,
  doneAssignments: 40,
} as const;

/** `items` without the oldest closed ones beyond `keep` (closed = `closedAt(item) !== null`). */
function keepRecentClosed<T>(items: readonly T[], closedAt: (item: T) => string | null, keep: number): T[] {
  const closed = items.filter((item) => closedAt(item) !== null);
  if (closed.length <= keep) return [...items];
  const dropped = new Set(
    [...closed].sort((a, b) => (closedAt(a)! < closedAt(b)! ? -1 : closedAt(a)! > closedAt(b)! ? 1 : 0)).slice(0, closed.length - keep),
  );
  return items.filter((item) => !dropped.has(item));
}

export const prerequisiteSet: CommandHandler<'prerequisite.set'> = async (ctx) => {
  const { projectId, expectedVersion, key, status, docNo, date } = ctx.payload;
  const { activity } = await editProject(
    ctx,
    projectId,
    expectedVersion,
    (draft) => {
      draft.prerequisites = { ...draft.prerequisites, [key]: { status, docNo, date } };
    },
    (was, now) => projectDiff(was, now, [`prerequisites.${key}`]),
  );
  return { activity };
};

export const blockerAdd: CommandHandler<'blocker.add'> = async (ctx) => {
  const { projectId, expectedVersion, tag, description, party, dueDate } = ctx.payload;
  const blocker: Blocker = {
    id: ctx.newId('projects'),
    tag,
    description,
    party,
    dueDate,
    openedAt: ctx.at,
    openedBy: ctx.actor.uid,
    resolvedAt: null,
    resolution: null,
  };
  const { activity } = await editProject(
    ctx,
    projectId,
    expectedVersion,
    (draft) => {
      if (draft.blockers.filter((b) => b.resolvedAt === null).length >= PROJECT_ITEM_LIMITS.openBlockers) {
        throw new DomainError('failed-precondition', 'errors.blocker.tooMany', { max: PROJECT_ITEM_LIMITS.openBlockers });
      }
      draft.blockers = keepRecentClosed([...draft.blockers, blocker], (b) => b.resolvedAt, PROJECT_ITEM_LIMITS.resolvedBlockers);
    },
    (was, now) => {
      const diff = projectDiff(was, now, []);
      return { before: diff.before, after: { ...diff.after, blocker } };
    },
  );
  return { createdId: blocker.id, activity };
};

export const blockerResolve: CommandHandler<'blocker.resolve'> = async (ctx) => {
  const { projectId, expectedVersion, blockerId, resolution } = ctx.payload;
  let resolved: Blocker | null = null;
  const { activity } = await editProject(
    ctx,
    projectId,
    expectedVersion,
    (draft) => {
      const index = draft.blockers.findIndex((b) => b.id === blockerId);
      const blocker = draft.blockers[index];
      if (!blocker) throw notFound('blocker', blockerId);
      if (blocker.resolvedAt !== null) {
        throw new DomainError('failed-precondition', 'errors.blocker.alreadyResolved', { id: blockerId });
      }
      resolved = { ...blocker, resolvedAt: ctx.at, resolution };
      draft.blockers = keepRecentClosed(
        draft.blockers.map((b, i) => (i === index ? resolved! : b)),
        (b) => b.resolvedAt,
        PROJECT_ITEM_LIMITS.resolvedBlockers,
      );
    },
    (was, now) => {
      const diff = projectDiff(was, now, []);
      return {
        before: { ...diff.before, blockerId, resolvedAt: null },
        after: { ...diff.after, blockerId, resolvedAt: ctx.at, resolution },
      };
    },
  );
  return { activity };
};

export const assignmentAdd: CommandHandler<'assignment.add'> = async (ctx) => {
  const { projectId, expectedVersion, month, what, who, dueDate } = ctx.payload;
  // A closed month's meeting is over: its decisions are frozen with it.
  await assertMonthOpen(ctx.tx, month);
  const assignment: Assignment = { id: ctx.newId('projects'), month, what, who, dueDate, createdAt: ctx.at, doneAt: null };
  const { activity } = await editProject(
    ctx,
    projectId,
    expectedVersion,
    (draft) => {
      if (draft.assignments.filter((a) => a.doneAt === null).length >= PROJECT_ITEM_LIMITS.openAssignments) {
        throw new DomainError('failed-precondition', 'errors.assignment.tooMany', { max: PROJECT_ITEM_LIMITS.openAssignments });
      }
      draft.assignments = keepRecentClosed([...draft.assignments, assignment], (a) => a.doneAt, PROJECT_ITEM_LIMITS.doneAssignments);
    },
    (was, now) => {
      const diff = projectDiff(was, now, []);
      return { before: diff.before, after: { ...diff.after, assignment } };
    },
  );
  return { createdId: assignment.id, activity };
};

export const assignmentComplete: CommandHandler<'assignment.complete'> = async (ctx) => {
  const { projectId, expectedVersion, assignmentId } = ctx.payload;
  const { activity } = await editProject(
    ctx,
    projectId,
    expectedVersion,
    (draft) => {
      const assignment = draft.assignments.find((a) => a.id === assignmentId);
      if (!assignment) throw notFound('assignment', assignmentId);
      if (assignment.doneAt !== null) {
        throw new DomainError('failed-precondition', 'errors.assignment.alreadyDone', { id: assignmentId });
      }
      draft.assignments = keepRecentClosed(
        draft.assignments.map((a) => (a.id === assignmentId ? { ...a, doneAt: ctx.at } : a)),
        (a) => a.doneAt,
        PROJECT_ITEM_LIMITS.doneAssignments,
      );
    },
    (was, now) => {
      const diff = projectDiff(was, now, []);
      return {
        before: { ...diff.before, assignmentId, doneAt: null },
        after: { ...diff.after, assignmentId, doneAt: ctx.at },
      };
    },
  );
  return { activity };
};
