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
import {
  addMonths,
  dayNumber,
  dayNumberOfIsoDate,
  dayNumberOfMs,
  dayNumberStartMs,
  instantMs,
  isIsoMonth,
  isoInstantOf,
  monthStartMs,
} from './dates';
import { lineAwaiting } from './clearance';
import { stageIndex } from './stages';
import { STALL_RULES } from './types';
import type { IsoDate, LineDigest, Project, StallFlag, StallRules, StallSummary } from './types';

export type StallLevel = 'warn' | 'alarm';

export function stallFlagLevel(flag: StallFlag): StallLevel {
  return flag.params.level === 'warn' ? 'warn' : 'alarm';
}

/** A line the bank still has to act on: approved or later, not fully drawn. */
export function isActiveLine(line: Pick<LineDigest, 'status' | 'approved' | 'disbursed'>): boolean {
  const status = line.status;
  if (status !== 'approved' && status !== 'contracted' && status !== 'disbursing') return false;
  return line.approved === null || line.disbursed < line.approved;
}

/*
 * The rules work on day numbers and epoch milliseconds and build a flag (with its date strings)
 * only when it fires: the daily scan and every command evaluate every project, and most fire
 * nothing.
 */
class Evaluation {
  readonly flags: StallFlag[] = [];
  /** The earliest instant at which a rule that does not fire now will fire. */
  nextMs = Number.POSITIVE_INFINITY;
  private nowDayCache = Number.NaN;

  constructor(
    readonly now: Date,
    readonly nowMs: number,
  ) {}

  get nowDay(): number {
    if (Number.isNaN(this.nowDayCache)) this.nowDayCache = dayNumber(this.now);
    return this.nowDayCache;
  }

  /**
   * The instant a rule counting `limit` whole days from day number `fromDay` fires, when it has
   * fired by now; otherwise records it as the next check and returns null.
   */
  fired(fromDay: number, limit: number): number | null {
    const fireMs = dayNumberStartMs(fromDay + Math.max(0, Math.floor(limit)) + 1);
    if (fireMs <= this.nowMs) return fireMs;
    if (fireMs < this.nextMs) this.nextMs = fireMs;
    return null;
  }
}

const APPROVED_INDEX = stageIndex('approved');
const DISBURSING_INDEX = stageIndex('disbursing');

function stageLimit(evaluation: Evaluation, project: Project, rules: StallRules): void {
  const limit = rules.stageLimitDays[project.stage];
  if (limit === null || limit === undefined) return;
  const enteredDay = dayNumber(project.stageEnteredAt);
  const fireMs = evaluation.fired(enteredDay, limit);
  if (fireMs === null) return;
  evaluation.flags.push({
    rule: 'stageLimit',
    since: isoInstantOf(fireMs),
    params: { basis: 'stage', stage: project.stage, days: evaluation.nowDay - enteredDay, limit, level: 'alarm' },
  });
}

function approvedNotDisbursed(evaluation: Evaluation, project: Project, stage: number, lines: readonly LineDigest[], rules: StallRules): void {
  if (stage > APPROVED_INDEX) return;
  let waiting = false;
  let amount = 0;
  // The earliest valid approval date of a waiting line (ISO dates order as text).
  let earliest: IsoDate | null = null;
  for (const line of lines) {
    if (line.status === 'declined') continue;
    if (line.disbursed > 0) return;
    const awaiting = lineAwaiting(line);
    if (awaiting <= 0) continue;
    waiting = true;
    amount += awaiting;
    const date = line.approvedDate;
    if (date !== null && (earliest === null || date < earliest) && !Number.isNaN(dayNumberOfIsoDate(date))) earliest = date;
  }
  if (!waiting) return;
  let fromDay: number;
  if (earliest !== null) fromDay = dayNumberOfIsoDate(earliest);
  else if (project.stage === 'approved') fromDay = dayNumber(project.stageEnteredAt);
  else return;
  const flag = (fireMs: number, limit: number, level: StallLevel): StallFlag => ({
    rule: 'stageLimit',
    since: isoInstantOf(fireMs),
    params: {
      basis: 'approvedNotDisbursed',
      days: evaluation.nowDay - fromDay,
      limit,
      warnDays: rules.approvedWarnDays,
      alarmDays: rules.approvedAlarmDays,
      amount,
      level,
    },
  });
  // Try the alarm first: once it fires the warning is superseded, not shown twice.
  const alarmMs = evaluation.fired(fromDay, rules.approvedAlarmDays);
  if (alarmMs !== null) {
    evaluation.flags.push(flag(alarmMs, rules.approvedAlarmDays, 'alarm'));
    return;
  }
  if (rules.approvedWarnDays < rules.approvedAlarmDays) {
    const warnMs = evaluation.fired(fromDay, rules.approvedWarnDays);
    if (warnMs !== null) evaluation.flags.push(flag(warnMs, rules.approvedWarnDays, 'warn'));
  }
}

/** When each expected month 预计投放月 has passed (the start of the month after), per month. */
const milestoneMsCache = new Map<string, number>();
const MILESTONE_CACHE_LIMIT = 10_000;

function milestoneMs(month: string): number | null {
  let ms = milestoneMsCache.get(month);
  if (ms === undefined) {
    if (!isIsoMonth(month)) return null;
    ms = monthStartMs(addMonths(month, 1));
    if (milestoneMsCache.size >= MILESTONE_CACHE_LIMIT) milestoneMsCache.clear();
    milestoneMsCache.set(month, ms);
  }
  return ms;
}

function milestonePassed(evaluation: Evaluation, project: Project, stage: number): void {
  const month = project.expectedMonth;
  if (!month || stage >= DISBURSING_INDEX) return;
  const fireMs = milestoneMs(month);
  if (fireMs === null) return;
  if (fireMs <= evaluation.nowMs) {
    evaluation.flags.push({ rule: 'milestonePassed', since: isoInstantOf(fireMs), params: { month, level: 'alarm' } });
  } else if (fireMs < evaluation.nextMs) {
    evaluation.nextMs = fireMs;
  }
}

/** Scratch for `bankSilent` (kept between calls: it runs for every project and never re-enters). */
const silentBanks: string[] = [];
const silentLastUpdates: number[] = [];

function bankSilent(evaluation: Evaluation, lines: readonly LineDigest[], rules: StallRules): void {
  // A project has a handful of lines: parallel arrays, kept sorted by bank id as they fill.
  const banks = silentBanks;
  const lastUpdates = silentLastUpdates;
  banks.length = 0;
  lastUpdates.length = 0;
  for (const line of lines) {
    if (!isActiveLine(line)) continue;
    const at = instantMs(line.updatedAt);
    if (Number.isNaN(at)) continue;
    const known = banks.indexOf(line.bankId);
    if (known >= 0) {
      if (at > (lastUpdates[known] as number)) lastUpdates[known] = at;
      continue;
    }
    let slot = banks.length;
    while (slot > 0 && (banks[slot - 1] as string) > line.bankId) slot -= 1;
    banks.splice(slot, 0, line.bankId);
    lastUpdates.splice(slot, 0, at);
  }
  const limit = rules.bankSilenceDays;
  for (let i = 0; i < banks.length; i += 1) {
    const lastDay = dayNumberOfMs(lastUpdates[i] as number);
    const fireMs = evaluation.fired(lastDay, limit);
    if (fireMs === null) continue;
    evaluation.flags.push({
      rule: 'bankSilent',
      since: isoInstantOf(fireMs),
      params: { bankId: banks[i] as string, days: evaluation.nowDay - lastDay, limit, level: 'alarm' },
    });
  }
}

function overdueItems(evaluation: Evaluation, project: Project): void {
  for (const blocker of project.blockers) {
    if (blocker.resolvedAt !== null || !blocker.dueDate || typeof blocker.dueDate !== 'string') continue;
    const due = blocker.dueDate;
    const dueDay = dayNumberOfIsoDate(due);
    if (Number.isNaN(dueDay)) continue;
    const fireMs = evaluation.fired(dueDay, 0);
    if (fireMs === null) continue;
    evaluation.flags.push({
      rule: 'blockerOverdue',
      since: isoInstantOf(fireMs),
      params: { blockerId: blocker.id, tag: blocker.tag, party: blocker.party, dueDate: due, days: evaluation.nowDay - dueDay, level: 'alarm' },
    });
  }
  for (const assignment of project.assignments) {
    if (assignment.doneAt !== null || typeof assignment.dueDate !== 'string') continue;
    const due = assignment.dueDate;
    const dueDay = dayNumberOfIsoDate(due);
    if (Number.isNaN(dueDay)) continue;
    const fireMs = evaluation.fired(dueDay, 0);
    if (fireMs === null) continue;
    evaluation.flags.push({
      rule: 'assignmentOverdue',
      since: isoInstantOf(fireMs),
      params: { assignmentId: assignment.id, who: assignment.who, dueDate: due, days: evaluation.nowDay - dueDay, level: 'alarm' },
    });
  }
}

const RULE_ORDER = new Map<string, number>(STALL_RULES.map((rule, index) => [rule, index]));

function byRuleThenSince(a: StallFlag, b: StallFlag): number {
  return (RULE_ORDER.get(a.rule) ?? -1) - (RULE_ORDER.get(b.rule) ?? -1) || Date.parse(a.since) - Date.parse(b.since);
}

/** `lines` are the digests of the project's lines (see `digestLine`). */
export function evaluateStall(project: Project, lines: readonly LineDigest[], now: Date, rules: StallRules): StallSummary {
  const evaluatedAt = isoInstantOf(now);
  if (project.flag || project.stage === 'disbursed') {
    return { stalled: false, flags: [], evaluatedAt, nextCheckAt: null };
  }
  const evaluation = new Evaluation(now, now.getTime());
  const stage = stageIndex(project.stage);
  stageLimit(evaluation, project, rules);
  approvedNotDisbursed(evaluation, project, stage, lines, rules);
  milestonePassed(evaluation, project, stage);
  bankSilent(evaluation, lines, rules);
  overdueItems(evaluation, project);

  const flags = evaluation.flags;
  if (flags.length > 1) flags.sort(byRuleThenSince);
  let stalled = false;
  for (const flag of flags) if (stallFlagLevel(flag) === 'alarm') stalled = true;
  const next = evaluation.nextMs;
  return {
    stalled,
    flags,
    evaluatedAt,
    nextCheckAt: next === Number.POSITIVE_INFINITY ? null : isoInstantOf(next),
  };
}
