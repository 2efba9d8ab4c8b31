/**
 * Stall rules 停滞: several independent signals, so that a trivial edit cannot hide a stuck
 * project. Every threshold counts whole Shanghai calendar days and fires when the count goes
 * OVER the limit, i.e. from the first instant of day `start + limit + 1`; that instant is the
 * flag's `since`. Each flag's params carry `level`:
 *
 * - 'alarm' flags make the project stalled;
 * - 'warn' flags are a badge only. The one warning is the approved-not-disbursed rule between
 *   its two thresholds (default 60 days: warn, 90 days: alarm).
 *
 * Flags (rule, params):
 * - stageLimit {basis:'stage', stage, days, limit, level:'alarm'}: days in the column since
 *   `stageEnteredAt` over `stageLimitDays[stage]` (null = no limit).
 * - stageLimit {basis:'approvedNotDisbursed', days, limit, warnDays, alarmDays, amount, level}:
 *   approved but no drawdown yet (stage ≤ 已审批待投放 and nothing disbursed), counted from the
 *   earliest approval date of a line still waiting (or from entering 已审批待投放 when no line
 *   carries a date). `limit` is the threshold crossed.
 * - milestonePassed {month, level:'alarm'}: the expected month 预计投放月 ended before the first
 *   disbursement (stage before 投放中).
 * - bankSilent {bankId, days, limit, level:'alarm'}: a bank's active lines (approved, contracted
 *   or disbursing, not fully drawn) all last updated more than `bankSilenceDays` ago.
 * - blockerOverdue {blockerId, tag, party, dueDate, days, level:'alarm'}: open past its due date.
 * - assignmentOverdue {assignmentId, who, dueDate, days, level:'alarm'}: not done past its due date.
 *
 * `days` is the count at evaluation time; readers wanting a live figure compute it from `since`.
 * Off-flow and fully disbursed projects are never stalled and need no future check.
 */
import { addMonths, dayOf, daysBetween, isIsoDate, isIsoMonth, isoInstantOf, monthStartMs, startOfDayMs } from './dates';
import { lineAwaiting } from './clearance';
import { stageIndex } from './stages';
import { STALL_RULES } from './types';
import type { IsoDate, IsoInstant, LineDigest, LineStatus, Project, StallFlag, StallRules, StallSummary } from './types';

export type StallLevel = 'warn' | 'alarm';

export function stallFlagLevel(flag: StallFlag): StallLevel {
  return flag.params.level === 'warn' ? 'warn' : 'alarm';
}

const ACTIVE_LINE_STATUSES: readonly LineStatus[] = ['approved', 'contracted', 'disbursing'];

/** A line the bank still has to act on: approved or later, not fully drawn. */
export function isActiveLine(line: Pick<LineDigest, 'status' | 'approved' | 'disbursed'>): boolean {
  if (!ACTIVE_LINE_STATUSES.includes(line.status)) return false;
  return line.approved === null || line.disbursed < line.approved;
}

interface Evaluation {
  flags: StallFlag[];
  upcoming: number[];
}

/**
 * Fires when more than `limit` whole days have passed since `fromDay`; otherwise records the
 * instant at which it will fire so the daily scan knows when to look again.
 */
function threshold(
  evaluation: Evaluation,
  now: Date,
  fromDay: IsoDate,
  limit: number,
  makeFlag: (since: IsoInstant) => StallFlag,
): boolean {
  const fireMs = startOfDayMs(fromDay, Math.max(0, Math.floor(limit)) + 1);
  if (fireMs <= now.getTime()) {
    evaluation.flags.push(makeFlag(isoInstantOf(fireMs)));
    return true;
  }
  evaluation.upcoming.push(fireMs);
  return false;
}

function stageLimit(evaluation: Evaluation, project: Project, now: Date, rules: StallRules): void {
  const limit = rules.stageLimitDays[project.stage];
  if (limit === null || limit === undefined) return;
  const enteredDay = dayOf(project.stageEnteredAt);
  threshold(evaluation, now, enteredDay, limit, (since) => ({
    rule: 'stageLimit',
    since,
    params: { basis: 'stage', stage: project.stage, days: daysBetween(enteredDay, now), limit, level: 'alarm' },
  }));
}

function approvedNotDisbursed(
  evaluation: Evaluation,
  project: Project,
  lines: readonly LineDigest[],
  now: Date,
  rules: StallRules,
): void {
  if (stageIndex(project.stage) > stageIndex('approved')) return;
  const live = lines.filter((line) => line.status !== 'declined');
  if (live.some((line) => line.disbursed > 0)) return;
  const waiting = live.filter((line) => lineAwaiting(line) > 0);
  if (waiting.length === 0) return;
  const dates = waiting.map((l) => l.approvedDate).filter((d): d is IsoDate => d !== null && isIsoDate(d)).sort();
  const fromDay = dates[0] ?? (project.stage === 'approved' ? dayOf(project.stageEnteredAt) : null);
  if (!fromDay) return;
  const amount = waiting.reduce((sum, line) => sum + lineAwaiting(line), 0);
  const days = daysBetween(fromDay, now);
  const make = (limit: number, level: StallLevel) => (since: IsoInstant): StallFlag => ({
    rule: 'stageLimit',
    since,
    params: {
      basis: 'approvedNotDisbursed',
      days,
      limit,
      warnDays: rules.approvedWarnDays,
      alarmDays: rules.approvedAlarmDays,
      amount,
      level,
    },
  });
  // Try the alarm first: once it fires the warning is superseded, not shown twice.
  const scratch: Evaluation = { flags: [], upcoming: [] };
  if (threshold(scratch, now, fromDay, rules.approvedAlarmDays, make(rules.approvedAlarmDays, 'alarm'))) {
    evaluation.flags.push(...scratch.flags);
    return;
  }
  evaluation.upcoming.push(...scratch.upcoming);
  if (rules.approvedWarnDays < rules.approvedAlarmDays) {
    threshold(evaluation, now, fromDay, rules.approvedWarnDays, make(rules.approvedWarnDays, 'warn'));
  }
}

function milestonePassed(evaluation: Evaluation, project: Project, now: Date): void {
  const month = project.expectedMonth;
  if (!month || !isIsoMonth(month)) return;
  if (stageIndex(project.stage) >= stageIndex('disbursing')) return;
  const fireMs = monthStartMs(addMonths(month, 1));
  if (fireMs <= now.getTime()) {
    evaluation.flags.push({ rule: 'milestonePassed', since: isoInstantOf(fireMs), params: { month, level: 'alarm' } });
  } else {
    evaluation.upcoming.push(fireMs);
  }
}

function bankSilent(evaluation: Evaluation, lines: readonly LineDigest[], now: Date, rules: StallRules): void {
  const lastUpdateByBank = new Map<string, number>();
  for (const line of lines) {
    if (!isActiveLine(line)) continue;
    const at = Date.parse(line.updatedAt);
    if (Number.isNaN(at)) continue;
    lastUpdateByBank.set(line.bankId, Math.max(at, lastUpdateByBank.get(line.bankId) ?? at));
  }
  const limit = rules.bankSilenceDays;
  for (const bankId of [...lastUpdateByBank.keys()].sort()) {
    const lastDay = dayOf(new Date(lastUpdateByBank.get(bankId) as number));
    threshold(evaluation, now, lastDay, limit, (since) => ({
      rule: 'bankSilent',
      since,
      params: { bankId, days: daysBetween(lastDay, now), limit, level: 'alarm' },
    }));
  }
}

function overdueItems(evaluation: Evaluation, project: Project, now: Date): void {
  for (const blocker of project.blockers) {
    if (blocker.resolvedAt !== null || !blocker.dueDate || !isIsoDate(blocker.dueDate)) continue;
    const due = blocker.dueDate;
    threshold(evaluation, now, due, 0, (since) => ({
      rule: 'blockerOverdue',
      since,
      params: { blockerId: blocker.id, tag: blocker.tag, party: blocker.party, dueDate: due, days: daysBetween(due, now), level: 'alarm' },
    }));
  }
  for (const assignment of project.assignments) {
    if (assignment.doneAt !== null || !isIsoDate(assignment.dueDate)) continue;
    const due = assignment.dueDate;
    threshold(evaluation, now, due, 0, (since) => ({
      rule: 'assignmentOverdue',
      since,
      params: { assignmentId: assignment.id, who: assignment.who, dueDate: due, days: daysBetween(due, now), level: 'alarm' },
    }));
  }
}

/** `lines` are the digests of the project's lines (see `digestLine`). */
export function evaluateStall(project: Project, lines: readonly LineDigest[], now: Date, rules: StallRules): StallSummary {
  const evaluatedAt = isoInstantOf(now);
  if (project.flag || project.stage === 'disbursed') {
    return { stalled: false, flags: [], evaluatedAt, nextCheckAt: null };
  }
  const evaluation: Evaluation = { flags: [], upcoming: [] };
  stageLimit(evaluation, project, now, rules);
  approvedNotDisbursed(evaluation, project, lines, now, rules);
  milestonePassed(evaluation, project, now);
  bankSilent(evaluation, lines, now, rules);
  overdueItems(evaluation, project, now);

  const flags = evaluation.flags.sort(
    (a, b) => STALL_RULES.indexOf(a.rule) - STALL_RULES.indexOf(b.rule) || Date.parse(a.since) - Date.parse(b.since),
  );
  const nowMs = now.getTime();
  let next: number | undefined;
  for (const ms of evaluation.upcoming) if (ms > nowMs && (next === undefined || ms < next)) next = ms;
  return {
    stalled: flags.some((flag) => stallFlagLevel(flag) === 'alarm'),
    flags,
    evaluatedAt,
    nextCheckAt: next === undefined ? null : isoInstantOf(next),
  };
}
