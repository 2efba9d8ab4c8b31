/**
 * Seeds a running emulator stack with the sample workspace and one Auth account per sample
 * identity (email + a shared password, custom claims {role, bankId}), through the admin SDK.
 */
import { deleteApp, initializeApp } from 'firebase-admin/app';
import { getAuth } from 'firebase-admin/auth';
import { getFirestore } from 'firebase-admin/firestore';
import { createSampleWorkspace, SAMPLE_IDENTITIES, seedStore } from '@clearway/core/sample';
import type { Member } from '@clearway/core';
import { FirestoreDocumentStore } from '../firestoreDocumentStore';
import { withReadProjections } from '../readProjections';
import { claimsFor } from '../handlers/members';
import type { EmulatorStack } from './emulatorStack';

export const SAMPLE_PASSWORD = 'clearway-demo';

export interface SeedOptions {
  now?: Date;
  projects?: number;
  password?: string;
}

export async function seedEmulators(stack: Pick<EmulatorStack, 'projectId' | 'firestoreHost' | 'authHost'>, options: SeedOptions = {}): Promise<Member[]> {
  process.env.FIRESTORE_EMULATOR_HOST = stack.firestoreHost;
  process.env.FIREBASE_AUTH_EMULATOR_HOST = stack.authHost;
  process.env.METADATA_SERVER_DETECTION = 'none';
  const app = initializeApp({ projectId: stack.projectId }, `seed-${Date.now()}-${Math.random()}`);
  try {
    const workspace = createSampleWorkspace({ now: options.now ?? new Date(), projects: options.projects });
    await seedStore(withReadProjections(new FirestoreDocumentStore(getFirestore(app))), workspace);
    const auth = getAuth(app);
    const members = workspace.members.length > 0 ? workspace.members : [...SAMPLE_IDENTITIES];
    for (const member of members) {
      if (!member.email) continue;
      await auth.createUser({
        uid: member.uid,
        email: member.email,
        password: options.password ?? SAMPLE_PASSWORD,
        displayName: member.name,
        disabled: member.disabled,
      });
      if (!member.disabled) await auth.setCustomUserClaims(member.uid, { ...claimsFor(member) });
    }
    return members;
  } finally {
    await deleteApp(app);
  }
}
