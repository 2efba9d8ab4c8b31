/**
 * The monthly meeting's agenda 月度调度会议程, built from the data alone. Every money figure comes
 * from the same month snapshot that closing the month would freeze (`buildMonthSnapshot`), so
 * the agenda shown in the meeting, the exported workbook and the closed month agree to the yuan.
 * Blockers and assignments need their full history (when resolved, when done), so those lists
 * read the live projects, cut at the same `asOf` instant.
 */
import { DEFAULT_STALL_RULES } from '../defaults';
import { dayOf, daysBetween, monthStart } from '../dates';
import { STAGE_IDS } from '../types';
import type {
  AnnualTargets,
  Bank,
  BankCategory,
  BlockerTag,
  IsoDate,
  IsoInstant,
  IsoMonth,
  LoanLine,
  OffFlowFlag,
  Project,
  StageId,
  StallFlag,
  StallRules,
  Yuan,
} from '../types';
import { assignmentLight, assignmentState } from '../followUp/loop';
import type { AssignmentState, Light } from '../followUp/loop';
import { lateBanks } from '../followUp/reporting';
import type { ReportingRound } from '../followUp/reporting';
import { diffMonths } from './monthDiff';
import type { MonthDiff } from './monthDiff';
import { addMoney, buildMonthSnapshot, emptyMoneyTotals, openAt } from './snapshot';
import type { MoneyTotals, MonthSnapshot, SnapshotProject, SnapshotTotals } from './snapshot';

export interface AgendaInput {
  month: IsoMonth;
  projects: readonly Project[];
  lines: readonly LoanLine[];
  banks: readonly Bank[];
  /** The annual targets of the month's year, or null when none are set. */
  targets: AnnualTargets | null;
  /** The latest closed month before `month`, for month-on-month figures. */
  previousSnapshot: MonthSnapshot | null;
  now: Date;
  /** The 60/90-day thresholds of the approved-not-disbursed list; the workspace's stall rules. */
  rules?: Pick<StallRules, 'approvedWarnDays' | 'approvedAlarmDays'>;
  /** The latest monthly reporting round, for the late banks; absent or null: none listed. */
  reportingRound?: ReportingRound | null;
}

export interface TargetProgress {
  actual: number;
  target: number | null;
  /** actual / target, null without a target. */
  rate: number | null;
}

export interface AgendaTotals extends SnapshotTotals {
  /** Approvals dated in the month's year up to `asOf`. */
  approvedThisYear: Yuan;
  /** Tranches dated in the month's year up to `asOf`. */
  disbursedThisYear: Yuan;
  approvalRate: number | null;
  disbursementRate: number | null;
  landingRate: number | null;
}

export interface AgendaTargets {
  year: number;
  targets: AnnualTargets | null;
  approved: TargetProgress;
  disbursed: TargetProgress;
  /** Projects on the list (off-flow excluded) against the target number of key projects. */
  projects: TargetProgress;
}

export interface FunnelRow {
  stage: StageId;
  count: number;
  need: Yuan;
  approved: Yuan;
  disbursed: Yuan;
  /** The amount the column is about: the need before approval, the approved amount from 已审批待投放 on. */
  amount: Yuan;
}

export interface OffFlowRow {
  flag: OffFlowFlag;
  count: number;
  need: Yuan;
}

export interface AgendaBankRow extends MoneyTotals {
  bankId: string;
  name: string;
  category: BankCategory;
  agreementAmount: Yuan;
  projectCount: number;
  lineCount: number;
  /** Change since the previous closed month; null without one. */
  change: { approved: Yuan; contracted: Yuan; disbursed: Yuan } | null;
  /** Disbursed against the strategic agreement amount 协议履约率; null without an agreement. */
  agreementRate: number | null;
}

export interface AgendaGroupRow extends MoneyTotals {
  key: string;
  projectCount: number;
  stalledCount: number;
  openBlockerCount: number;
}

export type WaitingLevel = 'ok' | 'warn' | 'alarm';

export interface WaitingRow {
  projectId: string;
  name: string;
  district: string;
  sector: string;
  stage: StageId;
  leadBankName: string | null;
  bankNames: string[];
  approved: Yuan;
  disbursed: Yuan;
  waiting: Yuan;
  days: number;
  level: WaitingLevel;
  expectedMonth: IsoMonth | null;
  responsibleUnit: string;
}

export interface StalledRow {
  projectId: string;
  name: string;
  district: string;
  stage: StageId;
  leadBankName: string | null;
  responsibleUnit: string;
  flags: StallFlag[];
  /** The earliest `since` of the flags. */
  since: IsoInstant | null;
}

export type ProblemStatus = 'new' | 'inProgress' | 'resolved';

export interface ProblemRow {
  projectId: string;
  projectName: string;
  district: string;
  blockerId: string;
  tag: BlockerTag;
  description: string;
  party: string;
  responsibleUnit: string;
  openedAt: IsoInstant;
  dueDate: IsoDate | null;
  resolvedAt: IsoInstant | null;
  resolution: string | null;
  /** resolved this month; new = opened this month and still open; inProgress = open from before. */
  status: ProblemStatus;
  overdue: boolean;
  daysOverdue: number;
}

export interface ProblemCounts {
  new: number;
  inProgress: number;
  resolved: number;
  overdue: number;
}

export interface ProblemGroup extends ProblemCounts {
  key: string;
}

export interface AssignmentRow {
  projectId: string;
  projectName: string;
  assignmentId: string;
  month: IsoMonth;
  what: string;
  who: string;
  dueDate: IsoDate;
  createdAt: IsoInstant;
  doneAt: IsoInstant | null;
  overdue: boolean;
  daysOverdue: number;
  /** Where the 督办 loop stands (交办 → 签收 → 反馈 → 申请办结 → 销号) and its light, as of the agenda. */
  state: AssignmentState;
  light: Light;
  reports: number;
}

export interface Agenda {
  month: IsoMonth;
  asOf: IsoInstant;
  generatedAt: IsoInstant;
  previousMonth: IsoMonth | null;
  /** The state the agenda describes, as closing the month now would freeze it. */
  snapshot: MonthSnapshot;
  totals: AgendaTotals;
  targets: AgendaTargets;
  funnel: FunnelRow[];
  offFlow: OffFlowRow[];
  byBank: AgendaBankRow[];
  byDistrict: AgendaGroupRow[];
  bySector: AgendaGroupRow[];
  approvedNotDisbursed: WaitingRow[];
  /** The thresholds the waiting levels were measured against. */
  waitingThresholds: { warnDays: number; alarmDays: number };
  stalled: StalledRow[];
  problems: { rows: ProblemRow[]; counts: ProblemCounts; byTag: ProblemGroup[]; byParty: ProblemGroup[] };
  assignments: { open: AssignmentRow[]; overdue: AssignmentRow[]; decidedThisMonth: AssignmentRow[] };
  /** The banks late with the latest reporting round's report 逾期未报 (empty without a round). */
  lateReports: { month: IsoMonth; bankId: string; bankName: string }[];
  changes: MonthDiff;
}

function rate(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

function progress(actual: number, target: number | null | undefined): TargetProgress {
  const t = target ?? null;
  return { actual, target: t, rate: t !== null && t > 0 ? actual / t : null };
}

const collator = new Intl.Collator('zh-CN');

function groupRows(projects: readonly SnapshotProject[], keyOf: (p: SnapshotProject) => string): AgendaGroupRow[] {
  const groups = new Map<string, AgendaGroupRow>();
  for (const project of projects) {
    const key = keyOf(project);
    let row = groups.get(key);
    if (!row) {
      row = { key, projectCount: 0, stalledCount: 0, openBlockerCount: 0, ...emptyMoneyTotals() };
      groups.set(key, row);
    }
    row.projectCount += 1;
    if (project.stalled) row.stalledCount += 1;
    row.openBlockerCount += project.openBlockers.length;
    addMoney(row, project);
  }
  return [...groups.values()].sort((a, b) => b.need - a.need || collator.compare(a.key, b.key));
}

export function waitingLevel(days: number, rules: Pick<StallRules, 'approvedWarnDays' | 'approvedAlarmDays'>): WaitingLevel {
  // Same convention as the stall rules: a threshold fires once the count goes over it.
  if (days > rules.approvedAlarmDays) return 'alarm';
  if (days > rules.approvedWarnDays) return 'warn';
  return 'ok';
}

function earliest(instants: readonly IsoInstant[]): IsoInstant | null {
  let best: IsoInstant | null = null;
  for (const instant of instants) if (best === null || Date.parse(instant) < Date.parse(best)) best = instant;
  return best;
}

function problemCounts(rows: readonly ProblemRow[]): ProblemCounts {
  const counts: ProblemCounts = { new: 0, inProgress: 0, resolved: 0, overdue: 0 };
  for (const row of rows) {
    counts[row.status] += 1;
    if (row.overdue) counts.overdue += 1;
  }
  return counts;
}

function problemGroups(rows: readonly ProblemRow[], keyOf: (row: ProblemRow) => string): ProblemGroup[] {
  const groups = new Map<string, ProblemRow[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const list = groups.get(key);
    if (list) list.push(row);
    else groups.set(key, [row]);
  }
  return [...groups.entries()]
    .map(([key, list]) => ({ key, ...problemCounts(list) }))
    .sort((a, b) => b.overdue - a.overdue || b.new + b.inProgress - (a.new + a.inProgress) || collator.compare(a.key, b.key));
}

function problemRows(projects: readonly Project[], month: IsoMonth, asOf: IsoInstant): ProblemRow[] {
  const start = Date.parse(monthStart(month));
  const end = Date.parse(asOf);
  const asOfDay = dayOf(asOf);
  const rows: ProblemRow[] = [];
  for (const project of projects) {
    for (const blocker of project.blockers) {
      const open = openAt(blocker, asOf);
      const resolvedAt = blocker.resolvedAt === null ? null : Date.parse(blocker.resolvedAt);
      const resolvedThisMonth = resolvedAt !== null && resolvedAt >= start && resolvedAt <= end;
      if (!open && !resolvedThisMonth) continue;
      const status: ProblemStatus = resolvedThisMonth ? 'resolved' : Date.parse(blocker.openedAt) >= start ? 'new' : 'inProgress';
      const daysOverdue = open && blocker.dueDate !== null ? Math.max(daysBetween(blocker.dueDate, asOfDay), 0) : 0;
      rows.push({
        projectId: project.id,
        projectName: project.name,
        district: project.district,
        blockerId: blocker.id,
        tag: blocker.tag,
        description: blocker.description,
        party: blocker.party,
        responsibleUnit: project.responsibleUnit,
        openedAt: blocker.openedAt,
        dueDate: blocker.dueDate,
        resolvedAt: resolvedThisMonth ? blocker.resolvedAt : null,
        resolution: resolvedThisMonth ? blocker.resolution : null,
        status,
        overdue: daysOverdue > 0,
        daysOverdue,
      });
    }
  }
  const order: Record<ProblemStatus, number> = { new: 0, inProgress: 1, resolved: 2 };
  return rows.sort(
    (a, b) =>
      Number(b.overdue) - Number(a.overdue) ||
      order[a.status] - order[b.status] ||
      Date.parse(a.openedAt) - Date.parse(b.openedAt) ||
      (a.blockerId < b.blockerId ? -1 : 1),
  );
}

function assignmentRows(projects: readonly Project[], month: IsoMonth, asOf: IsoInstant, now: Date): AssignmentRow[] {
  const end = Date.parse(asOf);
  const asOfDay = dayOf(asOf);
  const rows: AssignmentRow[] = [];
  for (const project of projects) {
    for (const a of project.assignments) {
      // A month's meeting is usually held after the month ends: its own decisions belong to it.
      if (Date.parse(a.createdAt) > end && a.month !== month) continue;
      const done = a.doneAt !== null && Date.parse(a.doneAt) <= end;
      const daysOverdue = done ? 0 : Math.max(daysBetween(a.dueDate, asOfDay), 0);
      const asOpen = { ...a, doneAt: null };
      const clock = new Date(Math.min(end, now.getTime()));
      rows.push({
        projectId: project.id,
        projectName: project.name,
        assignmentId: a.id,
        month: a.month,
        what: a.what,
        who: a.who,
        dueDate: a.dueDate,
        createdAt: a.createdAt,
        doneAt: done ? a.doneAt : null,
        overdue: daysOverdue > 0,
        daysOverdue,
        state: done ? 'closed' : assignmentState(asOpen),
        light: done ? 'none' : assignmentLight(asOpen, clock),
        reports: (a.reports ?? []).length,
      });
    }
  }
  return rows.sort((a, b) => (a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : a.assignmentId < b.assignmentId ? -1 : 1));
}

function thisYearFigures(lines: readonly LoanLine[], year: string, asOfDay: IsoDate, projectIds: ReadonlySet<string>) {
  let approvedThisYear = 0;
  let disbursedThisYear = 0;
  for (const line of lines) {
    if (!projectIds.has(line.projectId)) continue;
    if (line.approved !== null && line.approvedDate !== null && line.approvedDate.startsWith(year) && line.approvedDate <= asOfDay) {
      approvedThisYear += line.approved;
    }
    for (const tranche of line.tranches) {
      if (tranche.date.startsWith(year) && tranche.date <= asOfDay) disbursedThisYear += tranche.amount;
    }
  }
  return { approvedThisYear, disbursedThisYear };
}

export function buildAgenda(input: AgendaInput): Agenda {
  const { month, projects, lines, banks, targets, previousSnapshot, now } = input;
  const rules = input.rules ?? DEFAULT_STALL_RULES;
  const snapshot = buildMonthSnapshot(month, projects, lines, banks, now);
  const asOfDay = dayOf(snapshot.asOf);
  const year = month.slice(0, 4);
  const bankName = new Map(banks.map((b) => [b.id, b.name]));
  const listed = projects.filter((p) => Date.parse(p.createdAt) <= Date.parse(snapshot.asOf));

  const yearFigures = thisYearFigures(lines, year, asOfDay, new Set(snapshot.projects.map((p) => p.id)));
  const totals: AgendaTotals = {
    ...snapshot.totals,
    ...yearFigures,
    approvalRate: rate(snapshot.totals.approved, snapshot.totals.need),
    disbursementRate: rate(snapshot.totals.disbursed, snapshot.totals.approved),
    landingRate: rate(snapshot.totals.disbursed, snapshot.totals.need),
  };

  const onFlow = snapshot.projects.filter((p) => p.flag === null);
  const funnel: FunnelRow[] = STAGE_IDS.map((stage) => {
    const inStage = onFlow.filter((p) => p.stage === stage);
    const sum = (pick: (p: SnapshotProject) => number) => inStage.reduce((s, p) => s + pick(p), 0);
    const need = sum((p) => p.need);
    const approved = sum((p) => p.approved);
    const beforeApproval = STAGE_IDS.indexOf(stage) < STAGE_IDS.indexOf('approved');
    return { stage, count: inStage.length, need, approved, disbursed: sum((p) => p.disbursed), amount: beforeApproval ? need : approved };
  });
  const offFlow: OffFlowRow[] = (['suspended', 'withdrawn', 'rejected'] as const).map((flag) => {
    const flagged = snapshot.projects.filter((p) => p.flag === flag);
    return { flag, count: flagged.length, need: flagged.reduce((s, p) => s + p.need, 0) };
  });

  const previousBanks = new Map((previousSnapshot?.banks ?? []).map((b) => [b.bankId, b]));
  const byBank: AgendaBankRow[] = snapshot.banks
    .map((bank) => {
      const was = previousBanks.get(bank.bankId);
      return {
        ...bank,
        change: previousSnapshot
          ? {
              approved: bank.approved - (was?.approved ?? 0),
              contracted: bank.contracted - (was?.contracted ?? 0),
              disbursed: bank.disbursed - (was?.disbursed ?? 0),
            }
          : null,
        agreementRate: rate(bank.disbursed, bank.agreementAmount),
      };
    })
    .sort((a, b) => b.disbursed - a.disbursed || b.approved - a.approved || collator.compare(a.name, b.name));

  const approvedNotDisbursed: WaitingRow[] = onFlow
    .filter((p) => p.approvedNotDisbursed > 0)
    .map((p) => {
      const days = p.approvedNotDisbursedDays ?? 0;
      return {
        projectId: p.id,
        name: p.name,
        district: p.district,
        sector: p.sector,
        stage: p.stage,
        leadBankName: p.leadBankId === null ? null : (bankName.get(p.leadBankId) ?? null),
        bankNames: [...new Set(p.lines.filter((l) => l.approved > l.disbursed).map((l) => bankName.get(l.bankId) ?? l.bankId))],
        approved: p.approved,
        disbursed: p.disbursed,
        waiting: p.approvedNotDisbursed,
        days,
        level: waitingLevel(days, rules),
        expectedMonth: p.expectedMonth,
        responsibleUnit: p.responsibleUnit,
      };
    })
    .sort((a, b) => b.days - a.days || b.waiting - a.waiting || (a.projectId < b.projectId ? -1 : 1));

  const stalled: StalledRow[] = snapshot.projects
    .filter((p) => p.stalled)
    .map((p) => ({
      projectId: p.id,
      name: p.name,
      district: p.district,
      stage: p.stage,
      leadBankName: p.leadBankId === null ? null : (bankName.get(p.leadBankId) ?? null),
      responsibleUnit: p.responsibleUnit,
      flags: p.stallFlags,
      since: earliest(p.stallFlags.map((f) => f.since)),
    }))
    .sort((a, b) => (a.since === null ? 1 : b.since === null ? -1 : Date.parse(a.since) - Date.parse(b.since)) || (a.projectId < b.projectId ? -1 : 1));

  const problems = problemRows(listed, month, snapshot.asOf);
  const assignments = assignmentRows(listed, month, snapshot.asOf, now);

  return {
    month,
    asOf: snapshot.asOf,
    generatedAt: now.toISOString(),
    previousMonth: previousSnapshot?.month ?? null,
    snapshot,
    totals,
    targets: {
      year: Number(year),
      targets,
      approved: progress(yearFigures.approvedThisYear, targets?.approved),
      disbursed: progress(yearFigures.disbursedThisYear, targets?.disbursed),
      projects: progress(onFlow.length, targets?.projects),
    },
    funnel,
    offFlow,
    byBank,
    byDistrict: groupRows(snapshot.projects, (p) => p.district),
    bySector: groupRows(snapshot.projects, (p) => p.sector),
    approvedNotDisbursed,
    waitingThresholds: { warnDays: rules.approvedWarnDays, alarmDays: rules.approvedAlarmDays },
    stalled,
    problems: {
      rows: problems,
      counts: problemCounts(problems),
      byTag: problemGroups(problems, (r) => r.tag),
      byParty: problemGroups(problems, (r) => r.party),
    },
    assignments: {
      open: assignments.filter((a) => a.doneAt === null),
      overdue: assignments.filter((a) => a.overdue),
      decidedThisMonth: assignments.filter((a) => a.month === month),
    },
    changes: diffMonths(previousSnapshot, snapshot),
    lateReports: input.reportingRound
      ? lateBanks(input.reportingRound, now).map((bankId) => ({ month: input.reportingRound!.month, bankId, bankName: bankName.get(bankId) ?? bankId }))
      : [],
  };
}
