/**
 * Who is asking: the session cookie names a session, the session a uid, and the members document
 * (read on every request, in the same statement as the session) gives the role, the bank and
 * whether the person is disabled, so a role change or a disabling applies to the very next request.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor, DocumentReader, Member } from '@clearway/core';
import type { AccountRepository, Session } from './accounts';
import type { PrefetchedDoc } from '../db/postgresDocumentStore';
import { ApiError, signInRequired } from '../http/errors';

export const SESSION_COOKIE = 'clearway_session';

export interface SignedIn {
  session: Session;
  actor: Actor;
  /** The members document the actor was made from, as read: a command's transaction takes it as its first read of it. */
  member: PrefetchedDoc;
  /**
   * The session and member came from memory (a command's `recent` lookup), not the database: the
   * command's commit must check the session, and a refusal must be checked before it is told.
   */
  fromRecent?: boolean;
}

export function actorOf(member: Member): Actor {
  return { uid: member.uid, name: member.name, role: member.role, bankId: member.role === 'liaison' ? member.bankId : null, unit: member.role === 'unit' ? (member.unit ?? null) : null };
}

/** The actor of a members document's data, or the refusal to give when there is none or they are disabled. */
function actorOrRefusal(member: Member | null, uid: string): Actor | ApiError {
  if (!member) return new ApiError('permission-denied', 'auth.error.notMember');
  if (member.disabled) return new ApiError('permission-denied', 'auth.error.disabled');
  return actorOf({ ...member, uid });
}

/** The member behind a uid, or the refusal to give when there is none or they are disabled. */
export async function memberActor(reader: DocumentReader, uid: string): Promise<Actor | ApiError> {
  const member = await reader.get<Member>('members', uid);
  return actorOrRefusal(member?.data ?? null, uid);
}

/** The store's recent documents (postgresDocumentStore.ts), for a members document read with its seq. */
export interface RecentMembers {
  get(uid: string): PrefetchedDoc | null;
  put(doc: PrefetchedDoc): void;
}

export interface SessionGuardDeps {
  accounts: AccountRepository;
  now: () => Date;
  sessionTtlMs: number;
  recentMembers?: RecentMembers;
}

export interface SessionOptions {
  /**
   * For a command (commandRoutes.ts): a session looked up lately and its member as the store last
   * knew it may stand for the database lookup, because the command's commit checks both again.
   */
  forCommand?: boolean;
}

/** A command's session and member from memory, or null (then the database decides). */
function recentSignedIn(deps: SessionGuardDeps, token: string): SignedIn | null {
  if (!deps.recentMembers || token.length < 20 || token.length > 100) return null;
  const session = deps.accounts.recentSession(deps.accounts.hashToken(token), deps.now(), deps.sessionTtlMs);
  const member = session ? deps.recentMembers.get(session.uid) : null;
  if (!session || !member) return null;
  // A refusal (disabled, removed) is the database path's to give: it also ends the sessions.
  const actor = actorOrRefusal(member.data as Member, session.uid);
  if (actor instanceof ApiError) return null;
  return { session, actor, member, fromRecent: true };
}

/** The signed-in person of a request, or the refusal (401 without a live session, 403 when disabled). */
export async function requireSession(deps: SessionGuardDeps, request: FastifyRequest, options: SessionOptions = {}): Promise<SignedIn> {
  const token = request.cookies[SESSION_COOKIE];
  if (!token) throw signInRequired();
  const recent = options.forCommand ? recentSignedIn(deps, token) : null;
  if (recent) return recent;
  const found = await deps.accounts.findSessionAndMember<Member>(token, deps.now(), deps.sessionTtlMs);
  if (!found) throw signInRequired();
  const { session } = found;
  const actor = actorOrRefusal(found.member?.data ?? null, session.uid);
  if (actor instanceof ApiError) {
    // A disabled or removed member's sessions end here too (another process may have missed it).
    await deps.accounts.deleteSessionsOf(session.uid);
    throw actor;
  }
  const member: PrefetchedDoc = { collection: 'members', id: session.uid, ...found.member! };
  deps.recentMembers?.put(member);
  return { session, actor, member };
}

export function setSessionCookie(reply: FastifyReply, token: string, expiresAt: Date, secure: boolean): void {
  reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure, path: '/', expires: expiresAt });
}

export function clearSessionCookie(reply: FastifyReply, secure: boolean): void {
  reply.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'lax', secure, path: '/' });
}
