/**
 * Member administration. The members collection (written by the core `member.upsert` command,
 * with its permission check, version check and activity record) is the source of truth; the
 * Auth user's custom claims {role, bankId} and disabled flag follow it after every change.
 */
import type { Auth } from 'firebase-admin/auth';
import { assertCanRun, assertPayloadWithinLimits, DomainError, executeCommand, parseCommandPayload, ROLES } from '@clearway/core';
import type { Actor, DocumentStore, Member, Role } from '@clearway/core';
import type { MemberClaims } from './actor';

export type MemberAuthApi = Pick<
  Auth,
  'getUserByEmail' | 'createUser' | 'updateUser' | 'setCustomUserClaims' | 'revokeRefreshTokens' | 'generatePasswordResetLink'
>;

export function claimsFor(member: Pick<Member, 'role' | 'bankId'>): MemberClaims {
  return { role: member.role, bankId: member.role === 'liaison' ? member.bankId : null };
}

/** Makes the Auth user match the members document (idempotent: safe to run again at any time). */
export async function syncMemberAuth(auth: MemberAuthApi, member: Member): Promise<void> {
  if (member.disabled) {
    await auth.updateUser(member.uid, { disabled: true });
    await auth.setCustomUserClaims(member.uid, null);
    await auth.revokeRefreshTokens(member.uid);
    return;
  }
  await auth.updateUser(member.uid, { disabled: false, displayName: member.name });
  await auth.setCustomUserClaims(member.uid, { ...claimsFor(member) });
}

/** Tries the sync this many times before telling the admin it is pending. */
const CLAIMS_SYNC_ATTEMPTS = 3;

/**
 * Syncs the Auth user after a committed membership change. A failure does not undo the change
 * (the members document is the truth) and is not an error of the command: it returns false, the
 * admin reads "saved, sign-in rights will update shortly", and the sync runs again the next time
 * the member calls (see `resolveActor`) or the admin saves again.
 */
export async function trySyncMemberAuth(
  auth: MemberAuthApi,
  member: Member,
  log: (message: string, data: unknown) => void,
): Promise<boolean> {
  for (let attempt = 1; attempt <= CLAIMS_SYNC_ATTEMPTS; attempt++) {
    try {
      await syncMemberAuth(auth, member);
      return true;
    } catch (error) {
      if (attempt === CLAIMS_SYNC_ATTEMPTS) log('member claims sync failed; it runs again on the member’s next call', { uid: member.uid, error });
    }
  }
  return false;
}

export const CLAIMS_PENDING_NOTICE = 'errors.member.claimsPending';

export interface InviteInput {
  email: string;
  name: string;
  role: Role;
  bankId: string | null;
}

export interface InviteResult {
  uid: string;
  /** False when a user with this email already existed (the invite then updates their membership). */
  createdUser: boolean;
  /** A link that lets the invitee choose a password; null where the Auth backend cannot make one. */
  passwordSetupLink: string | null;
  /** Present when the membership was saved but the sign-in rights could not be set yet. */
  notices?: string[];
}

function parseInvite(data: unknown): InviteInput {
  const raw = (data ?? {}) as Record<string, unknown>;
  const email = typeof raw.email === 'string' ? raw.email.trim().toLowerCase() : '';
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
    throw new DomainError('invalid-argument', 'errors.validation', {}, [{ path: 'email', messageKey: 'errors.email.invalid' }]);
  }
  const role = raw.role;
  if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) {
    throw new DomainError('invalid-argument', 'errors.validation', {}, [{ path: 'role', messageKey: 'errors.field.invalid' }]);
  }
  return {
    email,
    name: typeof raw.name === 'string' ? raw.name : '',
    role: role as Role,
    bankId: typeof raw.bankId === 'string' && raw.bankId !== '' ? raw.bankId : null,
  };
}

/**
 * Invites someone by email: creates their Auth user when there is none, writes their membership
 * through the core command (so it is validated, versioned and audited) and sets their claims.
 */
export async function inviteMember(
  store: DocumentStore,
  auth: MemberAuthApi,
  actor: Actor,
  now: Date,
  data: unknown,
  log: (message: string, data: unknown) => void = () => undefined,
): Promise<InviteResult> {
  assertCanRun(actor, 'member.upsert');
  assertPayloadWithinLimits(data);
  const input = parseInvite(data);
  // Validate the membership before touching Auth, so a bad invite creates no user.
  parseCommandPayload('member.upsert', { uid: 'invitee', expectedVersion: null, ...input, disabled: false });

  let uid: string;
  let createdUser = false;
  try {
    uid = (await auth.getUserByEmail(input.email)).uid;
  } catch (error) {
    if ((error as { code?: string }).code !== 'auth/user-not-found') throw error;
    uid = (await auth.createUser({ email: input.email, displayName: input.name, disabled: false })).uid;
    createdUser = true;
  }

  const current = await store.get<Member>('members', uid);
  await executeCommand(store, { actor, now, requireActiveMember: true }, {
    name: 'member.upsert',
    payload: { uid, expectedVersion: current?.version ?? null, ...input, disabled: false },
  });
  const member = await store.get<Member>('members', uid);
  const synced = member ? await trySyncMemberAuth(auth, member.data, log) : true;

  let passwordSetupLink: string | null = null;
  try {
    passwordSetupLink = await auth.generatePasswordResetLink(input.email);
  } catch {
    passwordSetupLink = null;
  }
  return { uid, createdUser, passwordSetupLink, ...(synced ? {} : { notices: [CLAIMS_PENDING_NOTICE] }) };
}
