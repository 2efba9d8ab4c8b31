/**
 * Who may run which command (DOMAIN.md roles). Admin: everything. Staff: the day-to-day work on
 * projects, lines, blockers and the monthly meeting, but not settings, banks or members. Liaison:
 * only the bank's own records on their own bank's lines. Viewer: read only. The daily stall scan
 * runs as a system actor with the admin role.
 */
import { DomainError } from './errors';
import { COMMAND_NAMES } from './commands/contract';
import type { CommandName } from './commands/contract';
import type { Actor, LoanLine, Role } from './types';

const ADMIN_ONLY: readonly Role[] = ['admin'];
const BUREAU: readonly Role[] = ['admin', 'staff'];
const BUREAU_AND_BANKS: readonly Role[] = ['admin', 'staff', 'liaison'];
/** Whoever an assignment can name: the bureau, a bank's liaison, a unit's contact 责任单位联系人. */
const PARTIES: readonly Role[] = ['admin', 'staff', 'liaison', 'unit'];

export const COMMAND_PERMISSIONS: Record<CommandName, readonly Role[]> = {
  'project.create': BUREAU,
  'project.update': BUREAU,
  'project.move': BUREAU,
  'project.setFlag': BUREAU,
  'project.reschedule': BUREAU,
  'project.setActionPlan': BUREAU,
  'prerequisite.set': BUREAU,
  'blocker.add': BUREAU,
  'blocker.resolve': BUREAU,
  'line.add': BUREAU,
  'line.recordApproval': BUREAU_AND_BANKS,
  'line.recordContract': BUREAU_AND_BANKS,
  'line.addTranche': BUREAU_AND_BANKS,
  'line.setNote': BUREAU_AND_BANKS,
  'rules.setStageLimits': ADMIN_ONLY,
  'targets.set': ADMIN_ONLY,
  'bank.upsert': ADMIN_ONLY,
  'member.upsert': ADMIN_ONLY,
  'stall.scan': ADMIN_ONLY,
  'assignment.add': BUREAU,
  'assignment.complete': BUREAU,
  'month.close': BUREAU,
  'ledger.importProject': BUREAU,
  'ledger.undoImport': BUREAU,
  'month.reopen': ADMIN_ONLY,
  // The party's steps: the handler checks that the assignment names the actor (followUp/loop.ts).
  'assignment.acknowledge': PARTIES,
  'assignment.report': PARTIES,
  'assignment.requestClose': PARTIES,
  'assignment.close': BUREAU,
  'assignment.return': BUREAU,
  'reporting.open': BUREAU,
  'reporting.submit': BUREAU_AND_BANKS,
  'reporting.chase': BUREAU,
  'notify.setChannels': ADMIN_ONLY,
  'scorecard.setWeights': ADMIN_ONLY,
  'letter.issue': BUREAU,
};

/** Commands that act on one loan line, where a liaison is limited to their own bank. */
export const LINE_COMMANDS: readonly CommandName[] = [
  'line.add',
  'line.recordApproval',
  'line.recordContract',
  'line.addTranche',
  'line.setNote',
];

function isKnownCommand(name: string): name is CommandName {
  return (COMMAND_NAMES as readonly string[]).includes(name);
}

export function canRun(actor: Pick<Actor, 'role' | 'bankId'>, name: CommandName): boolean {
  if (!isKnownCommand(name)) return false;
  if (!COMMAND_PERMISSIONS[name].includes(actor.role)) return false;
  // A liaison who speaks for no bank has no line of their own to act on.
  if (actor.role === 'liaison' && !actor.bankId) return false;
  return true;
}

export function assertCanRun(actor: Pick<Actor, 'role' | 'bankId'>, name: CommandName): void {
  if (!canRun(actor, name)) {
    throw new DomainError('permission-denied', 'errors.permission.role', { role: actor.role, command: String(name) });
  }
}

/** Whether the actor may act on this line at all (liaisons: only their own bank's lines). */
export function canAccessLine(actor: Pick<Actor, 'role' | 'bankId'>, line: Pick<LoanLine, 'bankId'>): boolean {
  return actor.role !== 'liaison' || (actor.bankId !== null && actor.bankId === line.bankId);
}

/**
 * Refuses a liaison on another bank's line. A stored line (it has an id) is refused exactly as a
 * line that does not exist — same code, message and params — so the answer tells nothing about
 * other banks' lines (no existence oracle) and never names the bank. A line the caller is about to
 * create names its bank in the caller's own payload, so that refusal may say why.
 */
export function assertLineAccess(actor: Pick<Actor, 'role' | 'bankId'>, line: Pick<LoanLine, 'bankId'> & { id?: string }): void {
  if (canAccessLine(actor, line)) return;
  if (typeof line.id === 'string') throw new DomainError('not-found', 'errors.notFound.line', { id: line.id });
  throw new DomainError('permission-denied', 'errors.permission.otherBank');
}

/** Role and bank together, for showing or hiding a line's action buttons. */
export function canRunOnLine(
  actor: Pick<Actor, 'role' | 'bankId'>,
  name: CommandName,
  line: Pick<LoanLine, 'bankId'>,
): boolean {
  return canRun(actor, name) && canAccessLine(actor, line);
}

/** The one actor the daily stall scan runs as, in the local backend and in Cloud Functions alike. */
export const STALL_SCAN_ACTOR: Readonly<Actor> = Object.freeze({
  uid: 'system:stallScan',
  name: 'stall scan 停滞扫描',
  role: 'admin',
  bankId: null,
});

/** Whether an activity was written by a system job rather than a person (its stored name is not localised). */
export function isSystemActor(actor: Pick<Actor, 'uid'>): boolean {
  return actor.uid.startsWith('system');
}
