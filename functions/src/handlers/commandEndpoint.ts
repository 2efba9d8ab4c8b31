/**
 * The one command endpoint: who is calling (claims + members document), then the core executor
 * on the Firestore store, in one transaction. Everything a command may do is decided in core;
 * this file only adapts the transport. After a membership change the Auth claims follow.
 */
import { COMMAND_NAMES, executeCommand } from '@clearway/core';
import type { CommandName, CommandResult, DocumentStore, Member } from '@clearway/core';
import { resolveActor, type CallerAuth } from './actor';
import { refusal, toHttpsError } from './errors';
import { CLAIMS_PENDING_NOTICE, inviteMember, trySyncMemberAuth, type InviteResult, type MemberAuthApi } from './members';

export interface EndpointDeps {
  store: DocumentStore;
  auth: MemberAuthApi;
  now: () => Date;
  log: (message: string, data: unknown) => void;
  /** The ENFORCE_APP_CHECK param, read per request (see config.ts). */
  requireAppCheck?: () => boolean;
}

export interface CallableRequestLike {
  auth?: CallerAuth;
  /** Set by the Functions SDK when the request carried a valid App Check token. */
  app?: unknown;
  data: unknown;
}

/** App Check, when enforced: a request without a verified token is refused before anything else. */
function assertAppCheck(deps: EndpointDeps, request: CallableRequestLike): void {
  if (deps.requireAppCheck?.() && !request.app) throw refusal('unauthenticated', 'auth.error.appCheck');
}

function envelopeOf(data: unknown): { name: CommandName; payload: unknown } {
  const raw = (data ?? {}) as { name?: unknown; payload?: unknown };
  if (typeof raw.name !== 'string' || !(COMMAND_NAMES as readonly string[]).includes(raw.name)) {
    throw refusal('invalid-argument', 'errors.command.unknown', { command: String(raw.name) });
  }
  return { name: raw.name as CommandName, payload: raw.payload };
}

export async function handleCommand(deps: EndpointDeps, request: CallableRequestLike): Promise<CommandResult> {
  try {
    assertAppCheck(deps, request);
    const actor = await resolveActor(deps.store, request.auth, deps);
    const envelope = envelopeOf(request.data);
    // The membership is checked again inside the transaction: a member disabled after the check
    // above cannot commit.
    const result = await executeCommand(deps.store, { actor, now: deps.now(), requireActiveMember: true }, envelope);
    if (envelope.name === 'member.upsert') {
      // Committed: from here on, a failure to update sign-in rights is reported as pending, not as
      // an error (the change stands, and the sync runs again; see trySyncMemberAuth).
      const uid = (envelope.payload as { uid: string }).uid;
      const member = await deps.store.get<Member>('members', uid);
      if (member && !(await trySyncMemberAuth(deps.auth, member.data, deps.log))) {
        return { ...result, notices: [...(result.notices ?? []), CLAIMS_PENDING_NOTICE] };
      }
    }
    return result;
  } catch (error) {
    throw toHttpsError(error, deps.log);
  }
}

export async function handleInvite(deps: EndpointDeps, request: CallableRequestLike): Promise<InviteResult> {
  try {
    assertAppCheck(deps, request);
    const actor = await resolveActor(deps.store, request.auth, deps);
    return await inviteMember(deps.store, deps.auth, actor, deps.now(), request.data, deps.log);
  } catch (error) {
    throw toHttpsError(error, deps.log);
  }
}
