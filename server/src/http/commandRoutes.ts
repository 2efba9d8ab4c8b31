/**
 * POST /api/commands: the one write path. The session's actor (from the members document, read
 * now) runs core's executeCommand on the store; refusals keep core's code and message key. After a
 * membership change the account follows: a disabled member's sessions and sockets end at once.
 */
import type { FastifyInstance } from 'fastify';
import { executeCommand, isCommandName } from '@clearway/core';
import type { CommandResult, Member } from '@clearway/core';
import type { ServerContext } from '../app';
import { SessionEndedError } from '../db/postgresDocumentStore';
import { ApiError, signInRequired } from './errors';
import { COMMAND_JSON_LIMITS } from './jsonBody';

/** Requests still running; shutdown waits for them (Fastify's close does too, this is for logs and tests). */
export const inFlightCommands = { count: 0 };

export async function followMembership(ctx: ServerContext, uid: string): Promise<void> {
  const member = await ctx.store.get<Member>('members', uid);
  const disabled = !member || member.data.disabled;
  await ctx.accounts.setDisabled(uid, disabled);
  if (disabled) {
    await ctx.accounts.deleteSessionsOf(uid);
    ctx.hub.endSessionsOf(uid);
  }
}

export function registerCommandRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post('/api/commands', { config: { jsonLimits: COMMAND_JSON_LIMITS } }, async (request): Promise<CommandResult> => {
    const { actor, member, session, fromRecent } = await ctx.authenticate(request, { forCommand: true });
    const body = request.body as { name?: unknown; payload?: unknown } | null;
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new ApiError('invalid-argument', 'errors.request.malformed');
    if (!isCommandName(body.name)) throw new ApiError('invalid-argument', 'errors.command.unknown', { command: String(body.name).slice(0, 80) });
    inFlightCommands.count += 1;
    try {
      // The actor was read before the transaction; the member is checked again inside it, so a
      // command racing an admin's disabling (or a role change) cannot commit. That check starts
      // from the members document the session was read with, validated at commit like any read.
      // A session from memory (not looked up now) is checked by the commit itself; a refusal, which
      // commits nothing, checks it before it is told, so an ended session learns nothing either way.
      const now = ctx.now();
      const check = fromRecent ? { tokenHash: session.tokenHash, now } : undefined;
      const store = ctx.store.withPrefetched?.([member], check) ?? ctx.store;
      let result: CommandResult;
      try {
        result = await executeCommand(store, { actor, now, requireActiveMember: true }, { name: body.name, payload: body.payload });
      } catch (error) {
        if (error instanceof SessionEndedError || (check && !(await ctx.accounts.sessionExists(check.tokenHash, now)))) {
          ctx.accounts.forgetSession(session.tokenHash);
          throw signInRequired();
        }
        throw error;
      }
      if (body.name === 'member.upsert') await followMembership(ctx, String((body.payload as { uid?: unknown }).uid));
      request.log.info({ command: body.name, uid: actor.uid, activityId: result.activityId }, 'command');
      return result;
    } finally {
      inFlightCommands.count -= 1;
    }
  });
}
