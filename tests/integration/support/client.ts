/**
 * Talking to the emulators as the app does: real ID tokens from the Auth emulator, the `command`
 * callable over HTTP (the callable protocol), and the admin SDK to look at what Firestore holds.
 */
import { inject } from 'vitest';
import { getApps, initializeApp, type App } from 'firebase-admin/app';
import { getFirestore, type Firestore } from 'firebase-admin/firestore';
import { SAMPLE_IDENTITIES } from '@clearway/core/sample';
import type { CommandName, CommandResult, Member, Role, StoredDoc } from '@clearway/core';
import type { IntegrationEnv } from './env';

export function emulators(): IntegrationEnv {
  return inject('emulators');
}

export function sampleMember(role: Role, bankId?: string): Member {
  const member = SAMPLE_IDENTITIES.find((m) => m.role === role && (bankId === undefined || m.bankId === bankId));
  if (!member) throw new Error(`no sample ${role} ${bankId ?? ''}`);
  return member;
}

const tokens = new Map<string, string>();

/** Signs in on the Auth emulator with email + password and returns a real ID token. */
export async function idTokenFor(email: string, password = emulators().password, fresh = false): Promise<string> {
  if (!fresh && tokens.has(email)) return tokens.get(email)!;
  const env = emulators();
  const response = await fetch(
    `http://${env.authHost}/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=demo-api-key`,
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password, returnSecureToken: true }) },
  );
  const body = (await response.json()) as { idToken?: string; error?: { message: string } };
  if (!body.idToken) throw new Error(`sign-in of ${email} failed: ${body.error?.message ?? response.status}`);
  tokens.set(email, body.idToken);
  return body.idToken;
}

export type CallOutcome =
  | { ok: true; result: CommandResult }
  | { ok: false; status: string; messageKey: string | undefined; details: Record<string, unknown> | undefined };

/** Calls a callable the way the web SDK does: POST {data}, Bearer ID token, {result} or {error}. */
export async function callFunction(name: string, data: unknown, idToken: string | null): Promise<CallOutcome> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (idToken) headers.authorization = `Bearer ${idToken}`;
  const response = await fetch(`${emulators().functionsBaseUrl}/${name}`, { method: 'POST', headers, body: JSON.stringify({ data }) });
  const body = (await response.json()) as { result?: unknown; error?: { status: string; details?: Record<string, unknown> } };
  if (body.error) {
    const details = body.error.details;
    return { ok: false, status: body.error.status, messageKey: details?.messageKey as string | undefined, details };
  }
  return { ok: true, result: body.result as CommandResult };
}

export async function runCommand(member: Member, name: CommandName, payload: unknown): Promise<CallOutcome> {
  return callFunction('command', { name, payload }, await idTokenFor(member.email!));
}

let adminApp: App | null = null;

/** The admin SDK on the emulators' Firestore, to check what was (not) written. */
export function adminDb(): Firestore {
  if (!adminApp) {
    const env = emulators();
    process.env.FIRESTORE_EMULATOR_HOST = env.firestoreHost;
    process.env.FIREBASE_AUTH_EMULATOR_HOST = env.authHost;
    process.env.METADATA_SERVER_DETECTION = 'none';
    adminApp = getApps().find((app) => app.name === 'integration-admin') ?? initializeApp({ projectId: env.projectId }, 'integration-admin');
  }
  return getFirestore(adminApp);
}

export async function readDoc<T>(collection: string, id: string): Promise<StoredDoc<T> | null> {
  const snap = await adminDb().collection(collection).doc(id).get();
  const raw = snap.data();
  if (!raw) return null;
  const { _v: version, _schema, ...data } = raw;
  return { id, version: version as number, data: data as T };
}

export async function countDocs(collection: string): Promise<number> {
  return (await adminDb().collection(collection).get()).size;
}
