/**
 * The monthly meeting's tables 调度会各表 exactly as the page, the A4 print and the 调度表 workbook
 * show them: the rows in their order and each table's own 合计 row. Nothing that renders a table
 * adds anything up; a total here is the sum of the rows shown, so the page and the workbook agree
 * to the yuan for every reader (a liaison's agenda is already its own bank's, see `agendaForBank`).
 *
 * What the tables count:
 * - The list 清单: every project on the list at the month's end, off-flow ones included — money a
 *   bank approved or lent for a project later suspended did happen. The headline figures, the
 *   funnel's 合计, the by-bank, by-district and by-sector 合计 all add up this same list.
 * - 在库项目 (`isInPipeline`) are the list's projects on the main flow; the funnel shows them stage
 *   by stage and the off-flow ones in rows of their own, so its 合计 is the list's.
 */
import { OFF_FLOW_FLAGS, STAGE_IDS } from '../types';
import type { OffFlowFlag, StageId, Yuan } from '../types';
import type {
  Agenda,
  AgendaBankRow,
  AgendaGroupRow,
  AgendaTargets,
  AssignmentRow,
  ProblemCounts,
  ProblemGroup,
  ProblemRow,
  StalledRow,
  WaitingRow,
} from '../meeting/agenda';
import { addMoney, emptyMoneyTotals } from '../meeting/snapshot';
import type { MoneyTotals, SnapshotProject } from '../meeting/snapshot';
import { agreementFulfilment, isIdleBank, isInPipeline, isOffFlow, rateOf } from './definitions';

/** The headline figures 总体情况 of the list. */
export interface ListSummary extends MoneyTotals {
  /** Every project on the list. */
  projectCount: number;
  /** 在库项目: on the main flow. */
  pipelineCount: number;
  /** 流程外: suspended, withdrawn or rejected. */
  offFlowCount: number;
  stalledCount: number;
  openBlockerCount: number;
  /** 审批率 approved / need. */
  approvalRate: number | null;
  /** 投放率 disbursed / approved. */
  disbursementRate: number | null;
  /** 落地率 disbursed / need. */
  landingRate: number | null;
}

/** One row of the stage funnel: a column of the board, or one off-flow flag. */
export interface FunnelTableRow {
  key: { stage: StageId } | { flag: OffFlowFlag };
  count: number;
  need: Yuan;
  approved: Yuan;
  disbursed: Yuan;
}

export interface FunnelTableTotal {
  count: number;
  need: Yuan;
  approved: Yuan;
  disbursed: Yuan;
}

export interface BankTableTotal extends MoneyTotals {
  agreementAmount: Yuan;
  lineCount: number;
  /** Sum of the rows' month-on-month change; null without a previous closed month. */
  change: { approved: Yuan; contracted: Yuan; disbursed: Yuan } | null;
  agreementRate: number | null;
}

export interface GroupTableRow extends AgendaGroupRow {
  approvalRate: number | null;
  landingRate: number | null;
}

export type GroupTableTotal = Omit<GroupTableRow, 'key'>;

export interface WaitingTableTotal {
  count: number;
  approved: Yuan;
  disbursed: Yuan;
  waiting: Yuan;
  warnCount: number;
  alarmCount: number;
}

export interface ProjectListTotal extends MoneyTotals {
  count: number;
  openBlockerCount: number;
}

export interface Table<Row, Total> {
  rows: Row[];
  total: Total;
}

export interface MeetingTables {
  summary: ListSummary;
  targets: AgendaTargets;
  funnel: Table<FunnelTableRow, FunnelTableTotal>;
  byBank: Table<AgendaBankRow, BankTableTotal>;
  byDistrict: Table<GroupTableRow, GroupTableTotal>;
  bySector: Table<GroupTableRow, GroupTableTotal>;
  waiting: Table<WaitingRow, WaitingTableTotal> & { thresholds: { warnDays: number; alarmDays: number } };
  stalled: Table<StalledRow, { count: number }>;
  problems: Table<ProblemRow, ProblemCounts & { count: number }> & { byTag: ProblemGroup[]; byParty: ProblemGroup[] };
  /** Decisions 交办事项: this month's and every one still open, each once. */
  decisions: Table<AssignmentRow, { count: number; open: number; overdue: number }>;
  /** The key-project list 重点项目清单 in board order: column by column, off-flow projects last. */
  projects: Table<SnapshotProject, ProjectListTotal>;
}

function sumMoney(rows: readonly MoneyTotals[]): MoneyTotals {
  const total = emptyMoneyTotals();
  for (const row of rows) addMoney(total, row);
  return total;
}

function listSummary(projects: readonly SnapshotProject[]): ListSummary {
  const money = sumMoney(projects);
  let pipelineCount = 0;
  let stalledCount = 0;
  let openBlockerCount = 0;
  for (const project of projects) {
    if (isInPipeline(project)) pipelineCount += 1;
    if (project.stalled) stalledCount += 1;
    openBlockerCount += project.openBlockers.length;
  }
  return {
    ...money,
    projectCount: projects.length,
    pipelineCount,
    offFlowCount: projects.length - pipelineCount,
    stalledCount,
    openBlockerCount,
    approvalRate: rateOf(money.approved, money.need),
    disbursementRate: rateOf(money.disbursed, money.approved),
    landingRate: rateOf(money.disbursed, money.need),
  };
}

function funnelRow(key: FunnelTableRow['key'], projects: readonly SnapshotProject[]): FunnelTableRow {
  let need = 0;
  let approved = 0;
  let disbursed = 0;
  for (const project of projects) {
    need += project.need;
    approved += project.approved;
    disbursed += project.disbursed;
  }
  return { key, count: projects.length, need, approved, disbursed };
}

function funnelTable(projects: readonly SnapshotProject[]): Table<FunnelTableRow, FunnelTableTotal> {
  const rows = [
    ...STAGE_IDS.map((stage) => funnelRow({ stage }, projects.filter((p) => isInPipeline(p) && p.stage === stage))),
    ...OFF_FLOW_FLAGS.map((flag) => funnelRow({ flag }, projects.filter((p) => isOffFlow(p) && p.flag === flag))),
  ];
  const total: FunnelTableTotal = { count: 0, need: 0, approved: 0, disbursed: 0 };
  for (const row of rows) {
    total.count += row.count;
    total.need += row.need;
    total.approved += row.approved;
    total.disbursed += row.disbursed;
  }
  return { rows, total };
}

function bankTable(agenda: Agenda): Table<AgendaBankRow, BankTableTotal> {
  const rows = agenda.byBank.filter((row) => !isIdleBank(row));
  let change: BankTableTotal['change'] = agenda.previousMonth === null ? null : { approved: 0, contracted: 0, disbursed: 0 };
  for (const row of rows) {
    if (change && row.change) {
      change = {
        approved: change.approved + row.change.approved,
        contracted: change.contracted + row.change.contracted,
        disbursed: change.disbursed + row.change.disbursed,
      };
    }
  }
  return {
    rows,
    total: {
      ...sumMoney(rows),
      agreementAmount: rows.reduce((s, row) => s + row.agreementAmount, 0),
      lineCount: rows.reduce((s, row) => s + row.lineCount, 0),
      change,
      agreementRate: agreementFulfilment(rows),
    },
  };
}

function groupTable(groups: readonly AgendaGroupRow[]): Table<GroupTableRow, GroupTableTotal> {
  const rows = groups.map((row) => ({ ...row, approvalRate: rateOf(row.approved, row.need), landingRate: rateOf(row.disbursed, row.need) }));
  const money = sumMoney(rows);
  return {
    rows,
    total: {
      ...money,
      projectCount: rows.reduce((s, row) => s + row.projectCount, 0),
      stalledCount: rows.reduce((s, row) => s + row.stalledCount, 0),
      openBlockerCount: rows.reduce((s, row) => s + row.openBlockerCount, 0),
      approvalRate: rateOf(money.approved, money.need),
      landingRate: rateOf(money.disbursed, money.need),
    },
  };
}

function waitingTable(rows: readonly WaitingRow[]): WaitingTableTotal {
  const total: WaitingTableTotal = { count: rows.length, approved: 0, disbursed: 0, waiting: 0, warnCount: 0, alarmCount: 0 };
  for (const row of rows) {
    total.approved += row.approved;
    total.disbursed += row.disbursed;
    total.waiting += row.waiting;
    if (row.level === 'warn') total.warnCount += 1;
    if (row.level === 'alarm') total.alarmCount += 1;
  }
  return total;
}

/** Board order: column by column in rank order, off-flow projects after the last column. */
export function inBoardOrder(projects: readonly SnapshotProject[]): SnapshotProject[] {
  const order = (p: SnapshotProject) => (isOffFlow(p) ? STAGE_IDS.length : 0) + STAGE_IDS.indexOf(p.stage);
  return [...projects].sort((a, b) => order(a) - order(b) || (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : a.id < b.id ? -1 : 1));
}

function decisionRows(agenda: Agenda): AssignmentRow[] {
  const seen = new Set<string>();
  return [...agenda.assignments.decidedThisMonth, ...agenda.assignments.open].filter((row) => {
    if (seen.has(row.assignmentId)) return false;
    seen.add(row.assignmentId);
    return true;
  });
}

export function meetingTables(agenda: Agenda): MeetingTables {
  const projects = agenda.snapshot.projects;
  const listed = inBoardOrder(projects);
  const decisions = decisionRows(agenda);
  return {
    summary: listSummary(projects),
    targets: agenda.targets,
    funnel: funnelTable(projects),
    byBank: bankTable(agenda),
    byDistrict: groupTable(agenda.byDistrict),
    bySector: groupTable(agenda.bySector),
    waiting: { rows: agenda.approvedNotDisbursed, total: waitingTable(agenda.approvedNotDisbursed), thresholds: agenda.waitingThresholds },
    stalled: { rows: agenda.stalled, total: { count: agenda.stalled.length } },
    problems: {
      rows: agenda.problems.rows,
      total: { ...agenda.problems.counts, count: agenda.problems.rows.length },
      byTag: agenda.problems.byTag,
      byParty: agenda.problems.byParty,
    },
    decisions: {
      rows: decisions,
      total: {
        count: decisions.length,
        open: decisions.filter((row) => row.doneAt === null).length,
        overdue: decisions.filter((row) => row.overdue).length,
      },
    },
    projects: {
      rows: listed,
      total: { ...sumMoney(listed), count: listed.length, openBlockerCount: listed.reduce((s, p) => s + p.openBlockers.length, 0) },
    },
  };
}
