/**
 * Who is calling: the role and bank come from the ID token's custom claims, and the members
 * document must agree and not be disabled, so that disabling someone takes effect at once rather
 * than when their token expires (tokens live up to an hour).
 */
import { ROLES } from '@clearway/core';
import type { Actor, DocumentReader, Member, Role } from '@clearway/core';
import { refusal } from './errors';
import { trySyncMemberAuth, type MemberAuthApi } from './members';

export interface CallerAuth {
  uid: string;
  token: Record<string, unknown>;
}

/** The custom claims this app sets on every member (see members.ts). */
export interface MemberClaims {
  role: Role;
  bankId: string | null;
}

export function claimsOf(token: Record<string, unknown>): MemberClaims | null {
  const role = token.role;
  if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) return null;
  const bankId = typeof token.bankId === 'string' ? token.bankId : null;
  return { role: role as Role, bankId };
}

/**
 * Where a caller's claims disagree with their members document, the sync after the membership
 * change failed or has not reached this token: `heal` syncs the Auth user again (the retry path
 * of a pending sync) before the caller is asked to refresh their token.
 */
export interface ClaimsHealer {
  auth: MemberAuthApi;
  log: (message: string, data: unknown) => void;
}

export async function resolveActor(reader: DocumentReader, auth: CallerAuth | undefined, heal?: ClaimsHealer): Promise<Actor> {
  if (!auth) throw refusal('unauthenticated', 'auth.error.signInRequired');
  const claims = claimsOf(auth.token);
  const member = await reader.get<Member>('members', auth.uid);
  if (!member) throw refusal('permission-denied', 'auth.error.notMember');
  if (member.data.disabled) {
    if (heal) await trySyncMemberAuth(heal.auth, member.data, heal.log);
    throw refusal('permission-denied', 'auth.error.disabled');
  }
  if (!claims || member.data.role !== claims.role || member.data.bankId !== claims.bankId) {
    // An admin changed the role since this token was minted (or the claims were never set): the
    // claims are set again, and the client refreshes its token and retries.
    if (heal) await trySyncMemberAuth(heal.auth, member.data, heal.log);
    throw refusal('unauthenticated', 'auth.error.sessionStale');
  }
  return { uid: auth.uid, name: member.data.name, role: member.data.role, bankId: member.data.bankId };
}
