/**
 * What changed between two month snapshots 本月变化: the meeting opens with it. The current side
 * may be a closed month or the live workspace frozen on the spot with `buildMonthSnapshot`, so
 * the same rules compare closed with closed and closed with now.
 */
import { stageIndex } from '../stages';
import type { Bank, IsoMonth, LoanLine, OffFlowFlag, Project, StageId, StallFlag, Yuan } from '../types';
import { buildMonthSnapshot } from './snapshot';
import type { MonthSnapshot, SnapshotBlocker, SnapshotProject, SnapshotTotals } from './snapshot';

interface ProjectRef {
  projectId: string;
  name: string;
}

export interface StageMove extends ProjectRef {
  from: StageId;
  to: StageId;
  forward: boolean;
}

export interface FlagChange extends ProjectRef {
  from: OffFlowFlag | null;
  to: OffFlowFlag | null;
}

export interface AmountChange extends ProjectRef {
  amount: Yuan;
}

export interface NewlyStalled extends ProjectRef {
  reasons: StallFlag[];
}

export interface Resolved extends ProjectRef {
  /** Blockers open in the previous snapshot and no longer open. */
  blockers: SnapshotBlocker[];
  /** Stalled in the previous snapshot and not any more. */
  noLongerStalled: boolean;
}

export interface NewBlockers extends ProjectRef {
  blockers: SnapshotBlocker[];
}

export interface NewProject extends ProjectRef {
  stage: StageId;
  need: Yuan;
}

export type TotalsDelta = { [K in keyof SnapshotTotals]: number };

export interface BankDelta {
  bankId: string;
  name: string;
  approved: Yuan;
  contracted: Yuan;
  disbursed: Yuan;
}

export interface MonthDiff {
  fromMonth: IsoMonth | null;
  toMonth: IsoMonth;
  moved: StageMove[];
  flagChanged: FlagChange[];
  /** Approved amount that grew, by the growth. */
  newlyApproved: AmountChange[];
  /** Disbursed amount that grew, by the growth (tranches since the previous snapshot). */
  disbursed: AmountChange[];
  newlyStalled: NewlyStalled[];
  resolved: Resolved[];
  newBlockers: NewBlockers[];
  newProjects: NewProject[];
  /** Projects in the previous snapshot that are gone (deleted). */
  removedProjects: ProjectRef[];
  /** Banks whose figures changed. */
  banks: BankDelta[];
  totals: { previous: SnapshotTotals | null; current: SnapshotTotals; delta: TotalsDelta };
}

const TOTAL_KEYS = [
  'projectCount',
  'offFlowCount',
  'stalledCount',
  'openBlockerCount',
  'need',
  'requested',
  'approved',
  'contracted',
  'disbursed',
  'disbursedInMonth',
  'approvedNotDisbursed',
] as const satisfies readonly (keyof SnapshotTotals)[];

function totalsDelta(previous: SnapshotTotals | null, current: SnapshotTotals): TotalsDelta {
  const delta = {} as TotalsDelta;
  for (const key of TOTAL_KEYS) delta[key] = current[key] - (previous?.[key] ?? 0);
  return delta;
}

function ref(project: SnapshotProject): ProjectRef {
  return { projectId: project.id, name: project.name };
}

export function diffMonths(previous: MonthSnapshot | null, current: MonthSnapshot): MonthDiff {
  const diff: MonthDiff = {
    fromMonth: previous?.month ?? null,
    toMonth: current.month,
    moved: [],
    flagChanged: [],
    newlyApproved: [],
    disbursed: [],
    newlyStalled: [],
    resolved: [],
    newBlockers: [],
    newProjects: [],
    removedProjects: [],
    banks: [],
    totals: { previous: previous?.totals ?? null, current: current.totals, delta: totalsDelta(previous?.totals ?? null, current.totals) },
  };
  const before = new Map((previous?.projects ?? []).map((p) => [p.id, p]));

  for (const now of current.projects) {
    const was = before.get(now.id);
    if (!was) {
      diff.newProjects.push({ ...ref(now), stage: now.stage, need: now.need });
      continue;
    }
    before.delete(now.id);
    if (was.stage !== now.stage) {
      diff.moved.push({ ...ref(now), from: was.stage, to: now.stage, forward: stageIndex(now.stage) > stageIndex(was.stage) });
    }
    if (was.flag !== now.flag) diff.flagChanged.push({ ...ref(now), from: was.flag, to: now.flag });
    if (now.approved > was.approved) diff.newlyApproved.push({ ...ref(now), amount: now.approved - was.approved });
    if (now.disbursed > was.disbursed) diff.disbursed.push({ ...ref(now), amount: now.disbursed - was.disbursed });
    if (now.stalled && !was.stalled) diff.newlyStalled.push({ ...ref(now), reasons: now.stallFlags });

    const openNow = new Set(now.openBlockers.map((b) => b.id));
    const openBefore = new Set(was.openBlockers.map((b) => b.id));
    const resolvedBlockers = was.openBlockers.filter((b) => !openNow.has(b.id));
    const noLongerStalled = was.stalled && !now.stalled;
    if (resolvedBlockers.length > 0 || noLongerStalled) {
      diff.resolved.push({ ...ref(now), blockers: resolvedBlockers, noLongerStalled });
    }
    const added = now.openBlockers.filter((b) => !openBefore.has(b.id));
    if (added.length > 0) diff.newBlockers.push({ ...ref(now), blockers: added });
  }
  for (const gone of before.values()) diff.removedProjects.push(ref(gone));

  const banksBefore = new Map((previous?.banks ?? []).map((b) => [b.bankId, b]));
  for (const bank of current.banks) {
    const was = banksBefore.get(bank.bankId);
    const delta: BankDelta = {
      bankId: bank.bankId,
      name: bank.name,
      approved: bank.approved - (was?.approved ?? 0),
      contracted: bank.contracted - (was?.contracted ?? 0),
      disbursed: bank.disbursed - (was?.disbursed ?? 0),
    };
    if (delta.approved !== 0 || delta.contracted !== 0 || delta.disbursed !== 0) diff.banks.push(delta);
  }

  const byAmount = (a: AmountChange, b: AmountChange) => b.amount - a.amount || (a.projectId < b.projectId ? -1 : 1);
  diff.newlyApproved.sort(byAmount);
  diff.disbursed.sort(byAmount);
  return diff;
}

/** What changed since `previous`, for the live workspace as it stands now in `month`. */
export function diffAgainstLive(
  previous: MonthSnapshot | null,
  month: IsoMonth,
  projects: readonly Project[],
  lines: readonly LoanLine[],
  banks: readonly Bank[],
  now: Date,
): MonthDiff {
  return diffMonths(previous, buildMonthSnapshot(month, projects, lines, banks, now));
}

/** True when nothing a meeting would report changed (the months themselves may differ). */
export function isDiffEmpty(diff: MonthDiff): boolean {
  const lists = [
    diff.moved,
    diff.flagChanged,
    diff.newlyApproved,
    diff.disbursed,
    diff.newlyStalled,
    diff.resolved,
    diff.newBlockers,
    diff.newProjects,
    diff.removedProjects,
    diff.banks,
  ];
  return (
    lists.every((list) => list.length === 0) &&
    TOTAL_KEYS.filter((key) => key !== 'disbursedInMonth').every((key) => diff.totals.delta[key] === 0)
  );
}
