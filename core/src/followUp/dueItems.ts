/**
 * What needs me 待我处理: the items waiting on one person, the in-app page, the header count and
 * the daily digest read the same list.
 * - everyone: the open assignments and blockers whose party names them (see `namesActor`), and the
 *   stalled or blocked projects they are responsible for (责任人 by name, a unit contact by 责任单位);
 * - a liaison: the lines waiting on their bank, and this month's report while it is not submitted;
 * - staff and admins: every assignment awaiting 销号, and what is overdue across the city
 *   (assignments and blockers past their due date, banks late with their report).
 */
import { isActiveLine } from '../stall';
import type { Actor, Assignment, Bank, Blocker, ClearanceSummary, IsoDate, LineDigest, Project } from '../types';
import { assignmentLight, assignmentState, blockerLight, LIGHT_SEVERITY, namesActor } from './loop';
import type { AssignmentState, Light } from './loop';
import { bankReportState, daysToDeadline } from './reporting';
import type { ReportingRound } from './reporting';
import { DUE_SOON_DAYS } from './loop';

export const DUE_ITEM_KINDS = [
  'assignment', // an open assignment naming me
  'assignmentToClose', // staff: a close request waiting for 销号 or 退回
  'blocker', // an open blocker naming me
  'project', // a stalled or blocked project I am responsible for
  'bankLine', // liaison: a line waiting on my bank
  'monthlyReport', // liaison: my bank's report of the open round
  'overdueAssignment', // staff: an overdue assignment anywhere in the city
  'overdueBlocker', // staff: an overdue blocker anywhere in the city
  'lateBank', // staff: a bank late with its report
] as const;
export type DueItemKind = (typeof DUE_ITEM_KINDS)[number];

/** Where the item is done: a project's drawer on the board, the bank workspace, or the reporting round. */
export type DueItemLink =
  | { to: 'project'; projectId: string }
  | { to: 'myBank'; bankId: string; projectId?: string }
  | { to: 'reporting'; month: string; bankId?: string };

export interface DueItem {
  /** Stable per item (kind + ids): the digest sends each item once per day by it. */
  key: string;
  kind: DueItemKind;
  light: Light;
  dueDate: IsoDate | null;
  projectId: string | null;
  projectName: string | null;
  bankId: string | null;
  /** The item's own words: what was decided, the blocker, the project's name, the month. */
  title: string;
  /** The party named, the loop state or the stall status, for the line under the title. */
  detail: string;
  state?: AssignmentState;
  link: DueItemLink;
}

/**
 * What the list reads of a project: a whole project, or the board's card of it (`boardCardOf`,
 * which keeps the open assignments and blockers and the active lines), so the header counts from
 * the cards the board already holds. Closed assignments, resolved blockers and lines that wait on
 * no bank make no item either way.
 */
export type DueProject = Pick<Project, 'id' | 'name' | 'responsibleUnit' | 'responsiblePerson'> & {
  assignments: readonly Assignment[];
  blockers: readonly Pick<Blocker, 'id' | 'description' | 'party' | 'dueDate' | 'resolvedAt'>[];
  clearance: Pick<ClearanceSummary, 'status'>;
  lines: readonly Pick<LineDigest, 'id' | 'bankId' | 'status' | 'approved' | 'disbursed'>[];
};

export interface DueDocs {
  projects: readonly DueProject[];
  banks: readonly Pick<Bank, 'id' | 'name'>[];
  /** Reporting rounds (any order); only the latest open one matters for a liaison. */
  reportingRounds?: readonly ReportingRound[];
}

export type DueActor = Pick<Actor, 'uid' | 'name' | 'role' | 'bankId'> & { unit?: string | null };

function isBureau(actor: DueActor): boolean {
  return actor.role === 'admin' || actor.role === 'staff';
}

function isResponsibleFor(actor: DueActor, project: DueProject): boolean {
  if (actor.role === 'unit' && actor.unit) return namesActor(project.responsibleUnit, actor, []);
  return project.responsiblePerson.trim().length > 0 && project.responsiblePerson.trim() === actor.name.trim();
}

function compareItems(a: DueItem, b: DueItem): number {
  const aDue = a.dueDate ?? '9999-12-31';
  const bDue = b.dueDate ?? '9999-12-31';
  if (aDue !== bDue) return aDue < bDue ? -1 : 1;
  if (LIGHT_SEVERITY[a.light] !== LIGHT_SEVERITY[b.light]) return LIGHT_SEVERITY[a.light] - LIGHT_SEVERITY[b.light];
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/** The items due for `actor`, by due date (undated last), then by light. Viewers have none. */
export function dueItemsFor(actor: DueActor, docs: DueDocs, now: Date): DueItem[] {
  if (actor.role === 'viewer') return [];
  const items: DueItem[] = [];
  const bureau = isBureau(actor);
  for (const project of docs.projects) {
    const ref = { projectId: project.id, projectName: project.name };
    const link: DueItemLink = actor.role === 'liaison' && actor.bankId
      ? { to: 'myBank', bankId: actor.bankId, projectId: project.id }
      : { to: 'project', projectId: project.id };
    for (const a of project.assignments) {
      const state = assignmentState(a);
      if (state === 'closed') continue;
      const light = assignmentLight(a, now);
      const base = { ...ref, dueDate: a.dueDate, bankId: null, title: a.what, detail: a.who, state, light, link };
      if (namesActor(a.who, actor, docs.banks) && state !== 'closeRequested') {
        items.push({ ...base, key: `assignment:${project.id}:${a.id}`, kind: 'assignment' });
      } else if (bureau && state === 'closeRequested') {
        items.push({ ...base, key: `assignmentToClose:${project.id}:${a.id}`, kind: 'assignmentToClose' });
      } else if (bureau && light === 'red') {
        items.push({ ...base, key: `overdueAssignment:${project.id}:${a.id}`, kind: 'overdueAssignment' });
      }
    }
    for (const b of project.blockers) {
      if (b.resolvedAt !== null) continue;
      const light = blockerLight(b, now);
      const base = { ...ref, dueDate: b.dueDate, bankId: null, title: b.description, detail: b.party, light, link };
      if (namesActor(b.party, actor, docs.banks)) {
        items.push({ ...base, key: `blocker:${project.id}:${b.id}`, kind: 'blocker' });
      } else if (bureau && light === 'red') {
        items.push({ ...base, key: `overdueBlocker:${project.id}:${b.id}`, kind: 'overdueBlocker' });
      }
    }
    const status = project.clearance.status;
    if ((status === 'stalled' || status === 'blocked') && isResponsibleFor(actor, project)) {
      items.push({
        ...ref,
        key: `project:${project.id}`,
        kind: 'project',
        light: status === 'stalled' ? 'red' : 'yellow',
        dueDate: null,
        bankId: null,
        title: project.name,
        detail: status,
        link,
      });
    }
    if (actor.role === 'liaison' && actor.bankId) {
      for (const line of project.lines) {
        if (line.bankId !== actor.bankId || !isActiveLine(line)) continue;
        items.push({
          ...ref,
          key: `bankLine:${line.id}`,
          kind: 'bankLine',
          light: 'green',
          dueDate: null,
          bankId: line.bankId,
          title: project.name,
          detail: line.status,
          link: { to: 'myBank', bankId: line.bankId, projectId: project.id },
        });
      }
    }
  }
  items.push(...reportItems(actor, docs, now));
  return items.sort(compareItems);
}

function latestRound(rounds: readonly ReportingRound[]): ReportingRound | null {
  let latest: ReportingRound | null = null;
  for (const round of rounds) if (!latest || round.month > latest.month) latest = round;
  return latest;
}

function reportItems(actor: DueActor, docs: DueDocs, now: Date): DueItem[] {
  const round = latestRound(docs.reportingRounds ?? []);
  if (!round) return [];
  const deadlineLight = (): Light => {
    const days = daysToDeadline(round, now);
    return days < 0 ? 'red' : days < DUE_SOON_DAYS ? 'blue' : 'green';
  };
  const base = { projectId: null, projectName: null, dueDate: round.deadline, title: round.month };
  if (actor.role === 'liaison' && actor.bankId && round.bankIds.includes(actor.bankId)) {
    const state = bankReportState(round, actor.bankId, now);
    if (state === 'pending' || state === 'overdue') {
      return [{
        ...base,
        key: `monthlyReport:${round.month}:${actor.bankId}`,
        kind: 'monthlyReport',
        light: deadlineLight(),
        bankId: actor.bankId,
        detail: state,
        link: { to: 'reporting', month: round.month, bankId: actor.bankId },
      }];
    }
    return [];
  }
  if (!isBureau(actor)) return [];
  const names = new Map(docs.banks.map((b) => [b.id, b.name]));
  return round.bankIds
    .filter((bankId) => bankReportState(round, bankId, now) === 'overdue')
    .map((bankId) => ({
      ...base,
      key: `lateBank:${round.month}:${bankId}`,
      kind: 'lateBank' as const,
      light: 'red' as const,
      bankId,
      detail: names.get(bankId) ?? bankId,
      link: { to: 'reporting' as const, month: round.month, bankId },
    }));
}
