/**
 * First start on an empty database: the sample workspace (core's, the same the demo shows) and a
 * sign-in for each of its people, so someone trying the server can open it in two browsers as
 * staff and as a bank liaison at once. Later starts only list which demo sign-ins still exist.
 */
import { firstNonEmptyCollection } from '@clearway/core';
import { createSampleWorkspace, SAMPLE_IDENTITIES, seedStore } from '@clearway/core/sample';
import type { DocumentStore, Role } from '@clearway/core';
import type { AccountRepository } from './accounts';
import { hashPassword } from './passwords';

/** Printed at start, in the README, and used by the browser tests. Change it (or disable the demo) before real use. */
export const DEMO_PASSWORD = 'clearway-demo';

export interface DemoSignIn {
  email: string;
  password: string;
  name: string;
  role: Role;
  bankId: string | null;
}

export interface FirstStartResult {
  /** True when this start seeded the sample workspace. */
  seeded: boolean;
  /** The demo sign-ins whose accounts exist (their password may have been changed since). */
  demoSignIns: DemoSignIn[];
}

export async function prepareFirstStart(
  store: DocumentStore,
  accounts: AccountRepository,
  options: { seedDemo: boolean; now: Date; sampleProjects?: number },
): Promise<FirstStartResult> {
  let seeded = false;
  if (options.seedDemo && (await firstNonEmptyCollection(store)) === null) {
    await seedStore(store, createSampleWorkspace({ now: options.now, projects: options.sampleProjects }));
    const passwordHash = await hashPassword(DEMO_PASSWORD);
    for (const member of SAMPLE_IDENTITIES) {
      if (member.email) await accounts.create({ uid: member.uid, email: member.email, passwordHash, disabled: member.disabled });
    }
    seeded = true;
  }
  const demoSignIns: DemoSignIn[] = [];
  for (const member of SAMPLE_IDENTITIES) {
    if (!member.email) continue;
    const account = await accounts.findByEmail(member.email);
    if (account && account.uid === member.uid && !account.disabled) {
      demoSignIns.push({ email: member.email, password: DEMO_PASSWORD, name: member.name, role: member.role, bankId: member.bankId });
    }
  }
  return { seeded, demoSignIns };
}
