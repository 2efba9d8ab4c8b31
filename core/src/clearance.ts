/**
 * The clearance summary 调度状态 of one project: its money from the loan lines, the prerequisites
 * for the next column, its open blockers, and one status a person reads at a glance.
 *
 * Money: `requested` counts every line ever applied for, `matched` only the lines a bank has not
 * declined; approved, contracted and disbursed ignore declined lines. "Approved, not disbursed"
 * is counted per line (an overdrawn line cannot hide another line's wait) and its days run from
 * the earliest approval date of a line not yet fully drawn.
 *
 * Status: 'offFlow' when flagged, 'done' when fully disbursed, 'blocked' when a blocker is open or
 * a prerequisite for the next column is missing, else 'cleared'. Waiting for a bank is not a
 * block. 'stalled' comes from the stall rules, in deriveProject.
 */
import { daysBetween } from './dates';
import { nextStage, prerequisitesToEnter } from './stages';
import { STAGE_IDS } from './types';
import type { BlockReason, ClearanceStatus, ClearanceSummary, LineDigest, PrereqKey, Project, StageId, Yuan } from './types';

/** What the bank approved on this line and has not yet paid out (0 for declined lines). */
export function lineAwaiting(line: Pick<LineDigest, 'status' | 'approved' | 'disbursed'>): Yuan {
  if (line.status === 'declined' || !line.approved) return 0;
  return Math.max(0, line.approved - line.disbursed);
}

const NO_PREREQUISITES: readonly PrereqKey[] = [];
/** `prerequisitesToEnter` per stage, built once: every derivation asks for the next stage's list. */
const PREREQUISITES_OPENING = new Map<StageId, readonly PrereqKey[]>(STAGE_IDS.map((stage) => [stage, prerequisitesToEnter(stage)]));

function prerequisitesOpening(stage: StageId): readonly PrereqKey[] {
  return PREREQUISITES_OPENING.get(stage) ?? prerequisitesToEnter(stage);
}

function ratio(part: Yuan, whole: Yuan): number | null {
  return whole > 0 ? part / whole : null;
}

/** `lines` are the digests of the project's lines (see `digestLine`). */
export function computeClearance(project: Project, lines: readonly LineDigest[], now: Date): ClearanceSummary {
  // One pass over the lines (this runs for every project the stall scan or a command derives).
  const need = project.needTotal;
  let requested = 0;
  let matched = 0;
  let approved = 0;
  let contracted = 0;
  let disbursed = 0;
  let approvedNotDisbursed = 0;
  let earliestApproval: string | null = null;
  for (const line of lines) {
    requested += line.requested ?? 0;
    if (line.status === 'declined') continue;
    matched += line.requested ?? 0;
    approved += line.approved ?? 0;
    contracted += line.contracted ?? 0;
    disbursed += line.disbursed ?? 0;
    const awaiting = lineAwaiting(line);
    if (awaiting <= 0) continue;
    approvedNotDisbursed += awaiting;
    if (line.approvedDate !== null && (earliestApproval === null || line.approvedDate < earliestApproval)) earliestApproval = line.approvedDate;
  }
  const approvedNotDisbursedDays = earliestApproval ? Math.max(0, daysBetween(earliestApproval, now)) : null;

  const next = nextStage(project.stage);
  const keysForNext = next ? prerequisitesOpening(next) : NO_PREREQUISITES;
  const prerequisitesForNext: ClearanceSummary['prerequisitesForNext'] = [];
  let prerequisitesCleared = true;
  for (const key of keysForNext) {
    const status = project.prerequisites[key]?.status ?? 'todo';
    if (status !== 'done') prerequisitesCleared = false;
    prerequisitesForNext.push({ key, status });
  }
  const openBlockers: ClearanceSummary['openBlockers'] = [];
  for (const b of project.blockers) {
    if (b.resolvedAt === null) openBlockers.push({ id: b.id, tag: b.tag, party: b.party });
  }

  let status: ClearanceStatus;
  const blockedBy: BlockReason[] = [];
  if (project.flag) {
    status = 'offFlow';
  } else if (project.stage === 'disbursed') {
    status = 'done';
  } else {
    for (const b of openBlockers) blockedBy.push({ kind: 'blocker', blockerId: b.id, tag: b.tag, party: b.party });
    for (const p of prerequisitesForNext) {
      if (p.status !== 'done') blockedBy.push({ kind: 'prerequisite', key: p.key, status: p.status });
    }
    status = blockedBy.length > 0 ? 'blocked' : 'cleared';
  }

  return {
    need,
    matched,
    requested,
    approved,
    contracted,
    disbursed,
    approvalRate: ratio(approved, need),
    disbursementRate: ratio(disbursed, approved),
    landingRate: ratio(disbursed, need),
    approvedNotDisbursed,
    approvedNotDisbursedDays,
    nextStage: next,
    prerequisitesForNext,
    prerequisitesCleared,
    openBlockers,
    status,
    blockedBy,
  };
}
