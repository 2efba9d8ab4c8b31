/**
 * The month snapshot 月末快照: a frozen, self-contained record of every project as it stood when a
 * month was closed, so that next month's meeting can show what changed and anyone can look at the
 * board as it was. It holds no references that could later change meaning: names, money and
 * statuses are copied, not linked.
 *
 * Money follows the dated events on the loan lines up to the snapshot's `asOf` instant (the month
 * end, or now when the month has not ended yet): an approval dated after the month end does not
 * count for that month, even when the month is closed a few days later. Stage, flag, clearance and
 * stall status are the project's own as they were when the snapshot was taken.
 */
import { dayOf, monthEnd } from '../dates';
import { compareByRank } from '../rank';
import { STAGE_IDS } from '../types';
import type {
  Assignment,
  Bank,
  BankCategory,
  Blocker,
  BlockerTag,
  ClearanceStatus,
  IsoDate,
  IsoInstant,
  IsoMonth,
  LineStatus,
  LoanLine,
  LoanProduct,
  OffFlowFlag,
  Project,
  StageId,
  StallFlag,
  Yuan,
} from '../types';

export const SNAPSHOT_SCHEMA = 1;

export interface SnapshotLine {
  id: string;
  bankId: string;
  product: LoanProduct;
  status: LineStatus;
  requested: Yuan;
  approved: Yuan;
  approvedDate: IsoDate | null;
  contracted: Yuan;
  disbursed: Yuan;
  /** Tranches dated inside the snapshot's month. */
  disbursedInMonth: Yuan;
}

export interface SnapshotBlocker {
  id: string;
  tag: BlockerTag;
  party: string;
  description: string;
  dueDate: IsoDate | null;
  openedAt: IsoInstant;
}

export interface SnapshotAssignment {
  id: string;
  month: IsoMonth;
  what: string;
  who: string;
  dueDate: IsoDate;
  doneAt: IsoInstant | null;
}

/** The money figures every level (project, bank, district, whole list) adds up. */
export interface MoneyTotals {
  need: Yuan;
  requested: Yuan;
  approved: Yuan;
  contracted: Yuan;
  disbursed: Yuan;
  disbursedInMonth: Yuan;
  approvedNotDisbursed: Yuan;
}

export interface SnapshotProject extends MoneyTotals {
  id: string;
  name: string;
  ownerName: string;
  district: string;
  sector: string;
  leadBankId: string | null;
  responsibleUnit: string;
  responsiblePerson: string;
  stage: StageId;
  rank: string;
  stageEnteredAt: IsoInstant;
  flag: OffFlowFlag | null;
  expectedMonth: IsoMonth | null;
  needThisYear: Yuan;
  /** Whole days since the earliest approval that was not fully drawn at `asOf`; null when nothing waits. */
  approvedNotDisbursedDays: number | null;
  status: ClearanceStatus;
  stalled: boolean;
  stallFlags: StallFlag[];
  openBlockers: SnapshotBlocker[];
  /** Assignments open at `asOf`, and every assignment decided in the snapshot's month. */
  assignments: SnapshotAssignment[];
  lines: SnapshotLine[];
}

export interface SnapshotBankTotals extends MoneyTotals {
  bankId: string;
  name: string;
  category: BankCategory;
  agreementAmount: Yuan;
  projectCount: number;
  lineCount: number;
}

export interface SnapshotTotals extends MoneyTotals {
  projectCount: number;
  offFlowCount: number;
  stalledCount: number;
  openBlockerCount: number;
}

export interface MonthSnapshot {
  schema: typeof SNAPSHOT_SCHEMA;
  month: IsoMonth;
  /** The instant the figures are as of: the month end, or `takenAt` if the month has not ended. */
  asOf: IsoInstant;
  takenAt: IsoInstant;
  /** Sorted by id. */
  projects: SnapshotProject[];
  /** Every bank, including those without lines, sorted by id. */
  banks: SnapshotBankTotals[];
  /**
   * Money of every project on the list, off-flow ones included: money a bank approved or lent
   * for a project that is later suspended did happen.
   */
  totals: SnapshotTotals;
}

export function emptyMoneyTotals(): MoneyTotals {
  return { need: 0, requested: 0, approved: 0, contracted: 0, disbursed: 0, disbursedInMonth: 0, approvedNotDisbursed: 0 };
}

export function addMoney(into: MoneyTotals, from: MoneyTotals): void {
  into.need += from.need;
  into.requested += from.requested;
  into.approved += from.approved;
  into.contracted += from.contracted;
  into.disbursed += from.disbursed;
  into.disbursedInMonth += from.disbursedInMonth;
  into.approvedNotDisbursed += from.approvedNotDisbursed;
}

function earlierInstant(a: IsoInstant, b: IsoInstant): IsoInstant {
  return Date.parse(a) <= Date.parse(b) ? a : b;
}

function atOrBefore(instant: IsoInstant, cutoff: IsoInstant): boolean {
  return Date.parse(instant) <= Date.parse(cutoff);
}

/** `YYYY-MM-DD` strings compare in calendar order. */
function dayAtOrBefore(day: IsoDate | null, cutoffDay: IsoDate): boolean {
  return day === null || day <= cutoffDay;
}

export function snapshotLine(line: LoanLine, month: IsoMonth, asOfDay: IsoDate): SnapshotLine {
  const approved = line.approved !== null && dayAtOrBefore(line.approvedDate, asOfDay) ? line.approved : 0;
  const contracted = line.contracted !== null && dayAtOrBefore(line.contractDate, asOfDay) ? line.contracted : 0;
  let disbursed = 0;
  let disbursedInMonth = 0;
  for (const tranche of line.tranches) {
    if (tranche.date > asOfDay) continue;
    disbursed += tranche.amount;
    if (tranche.date.startsWith(month)) disbursedInMonth += tranche.amount;
  }
  return {
    id: line.id,
    bankId: line.bankId,
    product: line.product,
    status: line.status,
    requested: line.requested,
    approved,
    approvedDate: approved > 0 ? line.approvedDate : null,
    contracted,
    disbursed,
    disbursedInMonth,
  };
}

function daysFrom(fromDay: IsoDate, toDay: IsoDate): number {
  const toUtc = (d: IsoDate) => Date.UTC(Number(d.slice(0, 4)), Number(d.slice(5, 7)) - 1, Number(d.slice(8, 10)));
  return Math.round((toUtc(toDay) - toUtc(fromDay)) / 86_400_000);
}

/**
 * Free text is cut to a length a meeting reads at a glance, which keeps a 5,000-project
 * snapshot inside one Firestore commit; the full text stays on the project.
 */
export const SNAPSHOT_TEXT_MAX = 60;

function clip(text: string): string {
  const chars = Array.from(text);
  return chars.length <= SNAPSHOT_TEXT_MAX ? text : chars.slice(0, SNAPSHOT_TEXT_MAX - 1).join('') + '…';
}

function snapshotBlocker(blocker: Blocker): SnapshotBlocker {
  return {
    id: blocker.id,
    tag: blocker.tag,
    party: blocker.party,
    description: clip(blocker.description),
    dueDate: blocker.dueDate,
    openedAt: blocker.openedAt,
  };
}

function snapshotAssignment(assignment: Assignment): SnapshotAssignment {
  return {
    id: assignment.id,
    month: assignment.month,
    what: clip(assignment.what),
    who: assignment.who,
    dueDate: assignment.dueDate,
    doneAt: assignment.doneAt,
  };
}

export function openAt(blocker: Pick<Blocker, 'openedAt' | 'resolvedAt'>, asOf: IsoInstant): boolean {
  return atOrBefore(blocker.openedAt, asOf) && (blocker.resolvedAt === null || !atOrBefore(blocker.resolvedAt, asOf));
}

export function snapshotProject(
  project: Project,
  lines: readonly LoanLine[],
  month: IsoMonth,
  asOf: IsoInstant,
): SnapshotProject {
  const asOfDay = dayOf(asOf);
  const snapshotLines = lines
    .filter((line) => atOrBefore(line.createdAt, asOf))
    .map((line) => snapshotLine(line, month, asOfDay))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const money = emptyMoneyTotals();
  money.need = project.needTotal;
  let earliestWaiting: IsoDate | null = null;
  for (const line of snapshotLines) {
    money.requested += line.requested;
    money.approved += line.approved;
    money.contracted += line.contracted;
    money.disbursed += line.disbursed;
    money.disbursedInMonth += line.disbursedInMonth;
    const waiting = Math.max(line.approved - line.disbursed, 0);
    money.approvedNotDisbursed += waiting;
    if (waiting > 0 && line.approvedDate !== null && (earliestWaiting === null || line.approvedDate < earliestWaiting)) {
      earliestWaiting = line.approvedDate;
    }
  }
  return {
    id: project.id,
    name: project.name,
    ownerName: project.owner.name,
    district: project.district,
    sector: project.sector,
    leadBankId: project.leadBankId,
    responsibleUnit: project.responsibleUnit,
    responsiblePerson: project.responsiblePerson,
    stage: project.stage,
    rank: project.rank,
    stageEnteredAt: project.stageEnteredAt,
    flag: project.flag,
    expectedMonth: project.expectedMonth,
    ...money,
    needThisYear: project.needThisYear,
    approvedNotDisbursedDays: earliestWaiting === null ? null : Math.max(daysFrom(earliestWaiting, asOfDay), 0),
    status: project.clearance.status,
    stalled: project.stall.stalled,
    stallFlags: project.stall.flags.map((flag) => ({ rule: flag.rule, since: flag.since, params: { ...flag.params } })),
    openBlockers: project.blockers.filter((b) => openAt(b, asOf)).map(snapshotBlocker),
    assignments: project.assignments
      .filter(
        (a) =>
          a.month === month ||
          (atOrBefore(a.createdAt, asOf) && (a.doneAt === null || !atOrBefore(a.doneAt, asOf))),
      )
      .map(snapshotAssignment),
    lines: snapshotLines,
  };
}

/** The instant a month's figures are as of: its last instant, or `now` while it is still running. */
export function snapshotAsOf(month: IsoMonth, now: Date): IsoInstant {
  return earlierInstant(monthEnd(month), now.toISOString());
}

function byId<T extends { id: string }>(a: T, b: T): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * The by-bank table and the list totals of a snapshot's projects: every bank in `banks` gets a row
 * (sorted by id), with zeros when none of the projects carries a line of it.
 */
export function aggregateSnapshot(
  snapshotProjects: readonly SnapshotProject[],
  banks: readonly Pick<Bank, 'id' | 'name' | 'category' | 'agreementAmount'>[],
): { banks: SnapshotBankTotals[]; totals: SnapshotTotals } {
  const bankTotals = new Map<string, SnapshotBankTotals>();
  for (const bank of [...banks].sort(byId)) {
    bankTotals.set(bank.id, {
      bankId: bank.id,
      name: bank.name,
      category: bank.category,
      agreementAmount: bank.agreementAmount,
      projectCount: 0,
      lineCount: 0,
      ...emptyMoneyTotals(),
    });
  }
  const totals: SnapshotTotals = {
    projectCount: 0,
    offFlowCount: 0,
    stalledCount: 0,
    openBlockerCount: 0,
    ...emptyMoneyTotals(),
  };
  for (const project of snapshotProjects) {
    totals.projectCount += 1;
    if (project.flag !== null) totals.offFlowCount += 1;
    if (project.stalled) totals.stalledCount += 1;
    totals.openBlockerCount += project.openBlockers.length;
    addMoney(totals, project);
    const banksOfProject = new Set<string>();
    for (const line of project.lines) {
      const bank = bankTotals.get(line.bankId);
      if (!bank) continue;
      bank.lineCount += 1;
      bank.requested += line.requested;
      bank.approved += line.approved;
      bank.contracted += line.contracted;
      bank.disbursed += line.disbursed;
      bank.disbursedInMonth += line.disbursedInMonth;
      bank.approvedNotDisbursed += Math.max(line.approved - line.disbursed, 0);
      banksOfProject.add(line.bankId);
    }
    for (const bankId of banksOfProject) {
      const bank = bankTotals.get(bankId);
      if (bank) bank.projectCount += 1;
    }
  }
  return { banks: [...bankTotals.values()], totals };
}

/**
 * Freezes the workspace as it stands for `month`. Projects created after the month's `asOf` are
 * left out (they did not exist yet); so are loan lines created after it.
 */
export function buildMonthSnapshot(
  month: IsoMonth,
  projects: readonly Project[],
  lines: readonly LoanLine[],
  banks: readonly Bank[],
  now: Date,
): MonthSnapshot {
  const asOf = snapshotAsOf(month, now);
  const linesByProject = new Map<string, LoanLine[]>();
  for (const line of lines) {
    const list = linesByProject.get(line.projectId);
    if (list) list.push(line);
    else linesByProject.set(line.projectId, [line]);
  }
  const snapshotProjects = projects
    .filter((project) => atOrBefore(project.createdAt, asOf))
    .map((project) => snapshotProject(project, linesByProject.get(project.id) ?? [], month, asOf))
    .sort(byId);

  const { banks: bankRows, totals } = aggregateSnapshot(snapshotProjects, banks);
  return {
    schema: SNAPSHOT_SCHEMA,
    month,
    asOf,
    takenAt: now.toISOString(),
    projects: snapshotProjects,
    banks: bankRows,
    totals,
  };
}

/** The board as it stood in a closed month (read-only view): columns in rank order, off-flow apart. */
export function boardOfSnapshot(snapshot: MonthSnapshot): {
  columns: { stage: StageId; projects: SnapshotProject[] }[];
  offFlow: SnapshotProject[];
} {
  const columns = STAGE_IDS.map((stage) => ({
    stage,
    projects: snapshot.projects.filter((p) => p.flag === null && p.stage === stage).sort(compareByRank),
  }));
  const offFlow = snapshot.projects.filter((p) => p.flag !== null).sort(compareByRank);
  return { columns, offFlow };
}
