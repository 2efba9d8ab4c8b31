/**
 * The 督办 loop on a meeting's assignment 交办事项:
 *   交办 assigned → 签收 acknowledged → 反馈 progress reports → 申请办结 close requested → 销号 closed,
 * and 退回 (staff send a close request back with a reason; the item is open again).
 *
 * Each item carries a light on the Asia/Shanghai calendar:
 * - 红 red: overdue — the due date has passed and the item is not closed (a close requested on or
 *   before the due date is the bureau's turn, not the unit's, so it is not red for that).
 * - 黄 yellow: behind pace — not acknowledged within ACK_WITHIN_DAYS of being assigned, or half the
 *   time from assignment to due date has gone without a single progress report, or the latest
 *   report (or the acknowledgement) is older than REPORT_EVERY_DAYS: a report is missing.
 * - 蓝 blue: due within DUE_SOON_DAYS days (today included) and otherwise on pace.
 * - 绿 green: open and on pace.
 * - none: closed 已销号.
 */
import { addDays, dayNumber, dayOf, dayNumberOfIsoDate, todayIso } from '../dates';
import type { Actor, Assignment, Bank, Blocker, IsoDate, Member } from '../types';

export const ASSIGNMENT_STATES = ['assigned', 'acknowledged', 'closeRequested', 'closed'] as const;
export type AssignmentState = (typeof ASSIGNMENT_STATES)[number];

export const LIGHTS = ['red', 'yellow', 'blue', 'green', 'none'] as const;
export type Light = (typeof LIGHTS)[number];

export const DUE_SOON_DAYS = 3;
export const ACK_WITHIN_DAYS = 3;
export const REPORT_EVERY_DAYS = 14;

export const LIGHT_SEVERITY: Record<Light, number> = { red: 0, yellow: 1, blue: 2, green: 3, none: 4 };

export function assignmentState(a: Assignment): AssignmentState {
  if (a.doneAt !== null) return 'closed';
  if (a.closeRequest) return 'closeRequested';
  if (a.acknowledged) return 'acknowledged';
  return 'assigned';
}

/** The last time the responsible party said something: its latest report, else the acknowledgement. */
function lastWordAt(a: Assignment): string | null {
  const reports = a.reports ?? [];
  return reports.length > 0 ? reports[reports.length - 1]!.at : (a.acknowledged?.at ?? null);
}

/** Whether a day number is overdue against a due date, on today's calendar day. */
function isOverdue(dueDate: IsoDate, today: IsoDate): boolean {
  return today > dueDate;
}

function dueSoon(dueDate: IsoDate, today: IsoDate): boolean {
  return dueDate <= addDays(today, DUE_SOON_DAYS - 1) && dueDate >= today;
}

/** Why an open assignment is behind pace, or null when it is not (see the header). */
export function behindPaceReason(a: Assignment, now: Date): 'notAcknowledged' | 'noReport' | 'reportMissing' | null {
  if (assignmentState(a) !== 'assigned' && assignmentState(a) !== 'acknowledged') return null;
  const todayNo = dayNumber(now);
  const assignedNo = dayNumber(a.createdAt);
  if (!a.acknowledged && todayNo - assignedNo > ACK_WITHIN_DAYS) return 'notAcknowledged';
  const dueNo = dayNumberOfIsoDate(a.dueDate);
  const reports = a.reports ?? [];
  if (reports.length === 0 && dueNo > assignedNo && (todayNo - assignedNo) * 2 >= dueNo - assignedNo && a.acknowledged) {
    return 'noReport';
  }
  const last = lastWordAt(a);
  if (last !== null && todayNo - dayNumber(last) > REPORT_EVERY_DAYS) return 'reportMissing';
  return null;
}

export function assignmentLight(a: Assignment, now: Date): Light {
  const state = assignmentState(a);
  if (state === 'closed') return 'none';
  const today = todayIso(now);
  if (state === 'closeRequested') {
    const askedOnTime = dayOf(a.closeRequest!.at) <= a.dueDate;
    return askedOnTime || !isOverdue(a.dueDate, today) ? 'green' : 'red';
  }
  if (isOverdue(a.dueDate, today)) return 'red';
  if (behindPaceReason(a, now) !== null) return 'yellow';
  if (dueSoon(a.dueDate, today)) return 'blue';
  return 'green';
}

/** A blocker's light: red overdue, blue due within three days, green otherwise, none once resolved or undated. */
export function blockerLight(b: Pick<Blocker, 'dueDate' | 'resolvedAt'>, now: Date): Light {
  if (b.resolvedAt !== null) return 'none';
  if (b.dueDate === null) return 'green';
  const today = todayIso(now);
  if (isOverdue(b.dueDate, today)) return 'red';
  if (dueSoon(b.dueDate, today)) return 'blue';
  return 'green';
}

/** Party names compared without spaces and full-width spaces, so 「市 自然资源局」 names 市自然资源局. */
export function compactName(text: string): string {
  return text.replace(/[\s\u3000]+/g, '');
}

/**
 * Whether a party text 责任方 names this person: a liaison when it names their bank (工商银行 names
 * 工商银行城南支行's liaison too), a unit contact when it names their unit, anyone by their own name.
 */
export function namesActor(
  party: string,
  actor: Pick<Actor, 'name' | 'role' | 'bankId'> & { unit?: string | null },
  banks: readonly Pick<Bank, 'id' | 'name'>[],
): boolean {
  const text = compactName(party);
  if (text.length === 0) return false;
  if (actor.role === 'liaison' && actor.bankId) {
    const bank = banks.find((b) => b.id === actor.bankId);
    const bankName = bank ? compactName(bank.name) : '';
    if (bankName.length > 0 && text.includes(bankName)) return true;
  }
  if (actor.role === 'unit' && actor.unit) {
    const unit = compactName(actor.unit);
    if (unit.length > 0 && text.includes(unit)) return true;
  }
  const own = compactName(actor.name);
  return own.length > 0 && text === own;
}

/** The enabled members a party text names (empty: no member speaks for it, staff record its steps). */
export function membersNamedBy(party: string, members: readonly Member[], banks: readonly Pick<Bank, 'id' | 'name'>[]): Member[] {
  return members.filter((m) => !m.disabled && m.role !== 'viewer' && namesActor(party, m, banks));
}

export const LOOP_STEPS = ['acknowledge', 'report', 'requestClose', 'close', 'return'] as const;
export type LoopStep = (typeof LOOP_STEPS)[number];

/** Steps the responsible party takes (or staff for a party with no member); the rest are the bureau's. */
const PARTY_STEPS: readonly LoopStep[] = ['acknowledge', 'report', 'requestClose'];

/** Which loop states each step starts from. */
const STEP_FROM: Record<LoopStep, readonly AssignmentState[]> = {
  acknowledge: ['assigned'],
  report: ['acknowledged'],
  requestClose: ['acknowledged'],
  close: ['closeRequested'],
  return: ['closeRequested'],
};

export type StepRefusal =
  | { code: 'permission-denied'; messageKey: 'errors.assignment.notYourParty' | 'errors.assignment.partyActs' | 'errors.permission.role' }
  | { code: 'failed-precondition'; messageKey: 'errors.assignment.wrongState'; params: { state: AssignmentState; step: LoopStep } };

/**
 * Who may take a step of the loop (null: allowed). The party's own steps: a member the assignment
 * names; staff and admins only when no member speaks for the party (they record what the unit
 * said). 销号 and 退回: staff and admins. Viewers: nothing.
 */
export function stepRefusal(
  actor: Pick<Actor, 'name' | 'role' | 'bankId'> & { unit?: string | null },
  step: LoopStep,
  assignment: Assignment,
  context: { members: readonly Member[]; banks: readonly Pick<Bank, 'id' | 'name'>[] },
): StepRefusal | null {
  if (actor.role === 'viewer') return { code: 'permission-denied', messageKey: 'errors.permission.role' };
  const bureau = actor.role === 'admin' || actor.role === 'staff';
  if (PARTY_STEPS.includes(step)) {
    if (!bureau) {
      if (!namesActor(assignment.who, actor, context.banks)) return { code: 'permission-denied', messageKey: 'errors.assignment.notYourParty' };
    } else if (!namesActor(assignment.who, actor, context.banks) && membersNamedBy(assignment.who, context.members, context.banks).length > 0) {
      return { code: 'permission-denied', messageKey: 'errors.assignment.partyActs' };
    }
  } else if (!bureau) {
    return { code: 'permission-denied', messageKey: 'errors.permission.role' };
  }
  const state = assignmentState(assignment);
  if (!STEP_FROM[step].includes(state)) {
    return { code: 'failed-precondition', messageKey: 'errors.assignment.wrongState', params: { state, step } };
  }
  return null;
}

/**
 * The party a bureau member records a party step for 代为登记 (the assignment's 责任方 text), or null
 * when the actor is the party itself or the step is the bureau's own (销号, 退回). Only meaningful
 * once `stepRefusal` allowed the step: staff never reach here for a party that has a member.
 */
export function onBehalfOf(
  actor: Pick<Actor, 'name' | 'role' | 'bankId'> & { unit?: string | null },
  step: LoopStep,
  assignment: Pick<Assignment, 'who'>,
  banks: readonly Pick<Bank, 'id' | 'name'>[],
): string | null {
  if (!PARTY_STEPS.includes(step)) return null;
  if (actor.role !== 'admin' && actor.role !== 'staff') return null;
  return namesActor(assignment.who, actor, banks) ? null : assignment.who;
}

/**
 * The party steps a bureau member may record for an assignment now 代为登记, for the buttons
 * staff see. `partyHasMember` is whether a member speaks for the party: staff cannot read the
 * members list, so they ask `partyHasContact` (settings/partyContacts); null when not known. The
 * command still refuses if one does.
 */
export function onBehalfSteps(
  actor: Pick<Actor, 'name' | 'role' | 'bankId'> & { unit?: string | null },
  assignment: Assignment,
  banks: readonly Pick<Bank, 'id' | 'name'>[],
  partyHasMember: boolean | null,
): LoopStep[] {
  if (actor.role !== 'admin' && actor.role !== 'staff') return [];
  if (partyHasMember === true || namesActor(assignment.who, actor, banks)) return [];
  const state = assignmentState(assignment);
  return PARTY_STEPS.filter((step) => STEP_FROM[step].includes(state));
}
