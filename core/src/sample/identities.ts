import type { Actor, Member } from '../types';

/**
 * The people of the sample workspace, one per role (and a liaison for three banks), offered by
 * the local backend's identity switcher. Their uids are stable so tests can pick them by id.
 */
export const SAMPLE_IDENTITIES: readonly Member[] = Object.freeze([
  { uid: 'u-admin', name: '李建华', email: 'admin@clearway.local', role: 'admin', bankId: null, disabled: false },
  { uid: 'u-staff', name: '王丽娟', email: 'staff@clearway.local', role: 'staff', bankId: null, disabled: false },
  { uid: 'u-liaison-icbc', name: '陈志强', email: 'icbc@clearway.local', role: 'liaison', bankId: 'icbc', disabled: false },
  { uid: 'u-liaison-ceb', name: '赵海燕', email: 'ceb@clearway.local', role: 'liaison', bankId: 'ceb', disabled: false },
  { uid: 'u-liaison-ccb', name: '刘晓东', email: 'ccb@clearway.local', role: 'liaison', bankId: 'ccb', disabled: false },
  { uid: 'u-viewer', name: '周国庆', email: 'leader@clearway.local', role: 'viewer', bankId: null, disabled: false },
] satisfies Member[]);

export function sampleActor(member: Member): Actor {
  return { uid: member.uid, name: member.name, role: member.role, bankId: member.bankId };
}

/** The liaison who records a bank's tranches in the sample data, if the bank has one. */
export function liaisonUidOf(bankId: string): string | null {
  return SAMPLE_IDENTITIES.find((member) => member.role === 'liaison' && member.bankId === bankId)?.uid ?? null;
}
