#!/usr/bin/env node
// Makes the first administrator of a Clearway Firebase project (or any later one): creates the
// Auth user when there is none, writes members/{uid} as an enabled admin (with its version field
// and an activity record, as the command endpoint would), and sets the custom claims
// {role: 'admin', bankId: null}. After this, that admin manages everyone else in the app.
//
//   node functions/scripts/make-admin.mjs --project <projectId> --email <email> --name <name> [--password <pw>]
//
// Credentials: Application Default Credentials (`gcloud auth application-default login`) or
// GOOGLE_APPLICATION_CREDENTIALS for a real project; against emulators set FIRESTORE_EMULATOR_HOST
// and FIREBASE_AUTH_EMULATOR_HOST. Without --password, a password-setup link is printed.
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { initializeApp } from 'firebase-admin/app';
import { getAuth } from 'firebase-admin/auth';
import { getFirestore } from 'firebase-admin/firestore';

const { values } = parseArgs({
  options: {
    project: { type: 'string' },
    email: { type: 'string' },
    name: { type: 'string' },
    password: { type: 'string' },
  },
});

const projectId = values.project ?? process.env.GCLOUD_PROJECT;
const email = values.email?.trim().toLowerCase();
if (!projectId || !email || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
  console.error('usage: node functions/scripts/make-admin.mjs --project <projectId> --email <email> --name <name> [--password <pw>]');
  process.exit(2);
}
const name = values.name?.trim() || email;

const app = initializeApp({ projectId });
const auth = getAuth(app);
const db = getFirestore(app);

let user;
try {
  user = await auth.getUserByEmail(email);
  if (values.password) await auth.updateUser(user.uid, { password: values.password });
} catch (error) {
  if (error?.code !== 'auth/user-not-found') throw error;
  user = await auth.createUser({ email, displayName: name, ...(values.password ? { password: values.password } : {}) });
  console.log(`created Auth user ${user.uid}`);
}
await auth.updateUser(user.uid, { disabled: false, displayName: name });

const member = { uid: user.uid, name, email, role: 'admin', bankId: null, disabled: false };
const at = new Date().toISOString();
await db.runTransaction(async (tx) => {
  const ref = db.collection('members').doc(user.uid);
  const snap = await tx.get(ref);
  const previous = snap.exists ? snap.data() : null;
  const version = typeof previous?._v === 'number' ? previous._v : 0;
  tx.set(ref, { ...member, _v: version + 1 });
  const activityId = randomUUID().replaceAll('-', '');
  tx.create(db.collection('activity').doc(activityId), {
    id: activityId,
    at,
    actor: { uid: 'system:make-admin', name: 'make-admin script', role: 'admin' },
    command: 'member.upsert',
    projectId: null,
    lineId: null,
    before: previous ? { role: previous.role ?? null, bankId: previous.bankId ?? null, disabled: previous.disabled ?? null } : null,
    after: { role: 'admin', bankId: null, disabled: false, name, email },
    _v: 1,
  });
});
await auth.setCustomUserClaims(user.uid, { role: 'admin', bankId: null });
await auth.revokeRefreshTokens(user.uid); // an open session picks up the new role at its next sign-in

console.log(`${email} (${user.uid}) is now an administrator of ${projectId}.`);
if (!values.password) {
  try {
    console.log(`password setup link: ${await auth.generatePasswordResetLink(email)}`);
  } catch {
    console.log('(no password-setup link: set one with --password, or use "Forgot password" on the sign-in page)');
  }
}
process.exit(0);
