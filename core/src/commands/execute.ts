/**
 * The one command executor, shared by the local backend and the Cloud Function: check the
 * actor's role, validate the payload, run the handler in ONE transaction and append one activity
 * record. A refused command (any error) writes nothing.
 */
import { DomainError } from '../errors';
import { assertCanRun } from '../permissions';
import type { DocumentStore } from '../store/documentStore';
import type { TransactionContext } from '../store/documentStore';
import type { Activity, Actor, Member } from '../types';
import { COMMAND_NAMES } from './contract';
import type { CommandContext, CommandEnvelope, CommandName, CommandResult } from './contract';
import { commandHandlerFor } from './handlers';
import { TransactionWriter } from './handlers/types';
import type { HandlerContext } from './handlers/types';
import { assertPayloadWithinLimits, parseCommandPayload } from './schemas';

export function isCommandName(value: unknown): value is CommandName {
  return typeof value === 'string' && (COMMAND_NAMES as readonly string[]).includes(value);
}

/**
 * Refuses an actor whose membership no longer backs them: no members document or a disabled one
 * (permission-denied), or a role or bank other than the one they act with (unauthenticated: their
 * sign-in is stale and must be refreshed). Read in the command's transaction, so it is serialised
 * with the `member.upsert` that disables someone.
 */
export async function assertActiveMember(tx: TransactionContext, actor: Actor): Promise<void> {
  const member = await tx.get<Member>('members', actor.uid);
  if (!member) throw new DomainError('permission-denied', 'auth.error.notMember');
  if (member.data.disabled) throw new DomainError('permission-denied', 'auth.error.disabled');
  if (member.data.role !== actor.role || (member.data.role === 'liaison' && member.data.bankId !== actor.bankId)) {
    throw new DomainError('unauthenticated', 'auth.error.sessionStale');
  }
}

export async function executeCommand(
  store: DocumentStore,
  ctx: CommandContext,
  envelope: CommandEnvelope,
): Promise<CommandResult> {
  const name: unknown = envelope?.name;
  if (!isCommandName(name)) throw new DomainError('invalid-argument', 'errors.command.unknown', { command: String(name) });
  assertCanRun(ctx.actor, name);
  // Before zod sees it: validating a huge payload is itself the cost to avoid.
  assertPayloadWithinLimits(envelope.payload);
  const payload = parseCommandPayload(name, envelope.payload);
  const handler = commandHandlerFor(name);
  if (!handler) throw new DomainError('internal', 'errors.command.unavailable', { command: name });
  const at = ctx.now.toISOString();

  return store.runTransaction(async (tx) => {
    if (ctx.requireActiveMember) await assertActiveMember(tx, ctx.actor);
    const writer = new TransactionWriter(tx);
    const handlerContext: HandlerContext<typeof name> = {
      name,
      payload,
      actor: ctx.actor,
      now: ctx.now,
      at,
      tx,
      writer,
      newId: (collection) => store.newId(collection),
    };
    const outcome = await handler(handlerContext);
    const result: CommandResult = { written: writer.written };
    if (outcome.activity) {
      const activity: Activity = {
        id: store.newId('activity'),
        at,
        actor: { uid: ctx.actor.uid, name: ctx.actor.name, role: ctx.actor.role },
        command: name,
        projectId: outcome.activity.projectId,
        lineId: outcome.activity.lineId,
        ...(outcome.activity.bankId !== undefined ? { bankId: outcome.activity.bankId } : {}),
        before: outcome.activity.before,
        after: outcome.activity.after,
      };
      writer.create('activity', activity.id, activity);
      result.activityId = activity.id;
    }
    if (outcome.createdId !== undefined) result.createdId = outcome.createdId;
    if (outcome.stats) result.stats = outcome.stats;
    if (outcome.skipped?.length) result.skipped = outcome.skipped;
    return result;
  });
}
