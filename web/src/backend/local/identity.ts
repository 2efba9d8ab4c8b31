/**
 * The identity switcher of the local backend: the sample people (admin, staff, bank liaisons,
 * viewer), and the choice remembered in localStorage across reloads.
 */
import { type Actor } from '@clearway/core';
import { SAMPLE_IDENTITIES } from '@clearway/core/sample';
import type { LocalIdentity } from '../types';

export const IDENTITY_STORAGE_KEY = 'clearway.identity';
/** Staff can do the board's everyday work, so a first-time visitor starts as staff. */
export const DEFAULT_IDENTITY_UID = 'u-staff';

/** The actor that runs the stall scan: the daily job acts with admin rights. */

export type IdentityStorage = Pick<Storage, 'getItem' | 'setItem'>;

export function localIdentities(): LocalIdentity[] {
  return SAMPLE_IDENTITIES.filter((member) => !member.disabled).map((member) => ({
    uid: member.uid,
    name: member.name,
    role: member.role,
    bankId: member.bankId,
    labelKey: `app.identity.${member.role}`,
  }));
}

function defaultStorage(): IdentityStorage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

export function rememberedIdentity(
  identities: LocalIdentity[],
  storage: IdentityStorage | null = defaultStorage(),
): LocalIdentity {
  const saved = storage?.getItem(IDENTITY_STORAGE_KEY);
  const found = identities.find((identity) => identity.uid === saved);
  const fallback = identities.find((identity) => identity.uid === DEFAULT_IDENTITY_UID) ?? identities[0];
  if (!found && !fallback) throw new Error('The sample workspace has no identities.');
  return (found ?? fallback)!;
}

export function rememberIdentity(uid: string, storage: IdentityStorage | null = defaultStorage()): void {
  storage?.setItem(IDENTITY_STORAGE_KEY, uid);
}

export function actorOfIdentity(identity: LocalIdentity): Actor {
  return { uid: identity.uid, name: identity.name, role: identity.role, bankId: identity.bankId };
}
