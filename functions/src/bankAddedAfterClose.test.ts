/**
 * A bank added after a month was closed had no projection of that month's snapshot written for it
 * (month.close writes one per bank of its by-bank table). Its liaison must still see the closed
 * month's published figures — city totals and the by-bank table — as the other backends'
 * `applyReadPolicy` gives them. On the Firestore protocol server, with firestore.rules as written.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteApp, initializeApp, type App } from 'firebase-admin/app';
import { getFirestore, type Firestore } from 'firebase-admin/firestore';
import { addMonths, applyReadPolicy, executeCommand, monthOf } from '@clearway/core';
import type { Actor, DocumentStore, SnapshotHeaderDoc } from '@clearway/core';
import { createSampleWorkspace, sampleActor, SAMPLE_IDENTITIES, seedStore } from '@clearway/core/sample';
import { FirestoreDocumentStore, SCHEMA_FIELD, VERSION_FIELD } from './firestoreDocumentStore';
import { BANK_SNAPSHOTS, OTHER_BANKS, bankSnapshotId, withReadProjections } from './readProjections';
import { startFirestoreProtocolServer, type RunningFirestoreServer } from './testing/firestoreProtocolServer';
import { FirestoreRules, type RulesAuth } from './testing/rulesEvaluator';

const root = fileURLToPath(new URL('../../', import.meta.url));
const rules = new FirestoreRules(readFileSync(`${root}firestore.rules`, 'utf8'));
const NOW = new Date('2026-11-20T04:00:00.000Z');
const CLOSED = addMonths(monthOf(NOW), -1);
const actorOf = (uid: string): Actor => sampleActor(SAMPLE_IDENTITIES.find((m) => m.uid === uid)!);
const NEW_LIAISON: Actor = { uid: 'u-liaison-cmbc', name: '孙晓梅', role: 'liaison', bankId: 'cmbc' };

let server: RunningFirestoreServer;
let app: App;
let db: Firestore;
let store: DocumentStore;

const plain = ({ [VERSION_FIELD]: _v, [SCHEMA_FIELD]: _s, bankId: _b, ...data }: Record<string, unknown>) => data;

beforeAll(async () => {
  process.env.METADATA_SERVER_DETECTION = 'none';
  server = await startFirestoreProtocolServer();
  process.env.FIRESTORE_EMULATOR_HOST = server.host;
  app = initializeApp({ projectId: 'demo-bank-after-close' }, `bank-after-close-${Date.now()}`);
  db = getFirestore(app);
  store = withReadProjections(new FirestoreDocumentStore(db));
  await seedStore(store, createSampleWorkspace({ now: NOW, projects: 12 }));
  const run = (actor: Actor, name: string, payload: unknown) => executeCommand(store, { actor, now: NOW }, { name, payload } as never);
  await run(actorOf('u-staff'), 'month.close', { month: CLOSED });
  // After the close: a new bank and its liaison.
  await run(actorOf('u-admin'), 'bank.upsert', { id: 'cmbc', expectedVersion: null, name: '民生银行', category: 'jointStock', agreementAmount: 0 });
  await run(actorOf('u-admin'), 'member.upsert', {
    uid: NEW_LIAISON.uid,
    expectedVersion: null,
    name: NEW_LIAISON.name,
    email: 'cmbc@clearway.local',
    role: 'liaison',
    bankId: 'cmbc',
    disabled: false,
  });
}, 120_000);

afterAll(async () => {
  await deleteApp(app);
  server.stop();
});

describe('a bank added after a month close', () => {
  it('has no projection of its own, and its liaison reads the one for every other bank: the published figures', async () => {
    const header = (await db.collection('snapshots').doc(CLOSED).get()).data() as SnapshotHeaderDoc & Record<string, unknown>;
    expect(header.banks.map((row) => row.bankId)).not.toContain('cmbc');
    expect((await db.collection(BANK_SNAPSHOTS).doc(bankSnapshotId('cmbc', CLOSED)).get()).exists).toBe(false);

    const other = (await db.collection(BANK_SNAPSHOTS).doc(bankSnapshotId(OTHER_BANKS, CLOSED)).get()).data()!;
    const member = (await db.collection('members').doc(NEW_LIAISON.uid).get()).data()!;
    const auth: RulesAuth = { uid: NEW_LIAISON.uid, token: { role: 'liaison', bankId: 'cmbc' } };
    const database = (collection: string, id: string) => (collection === 'members' && id === NEW_LIAISON.uid ? member : null);
    const allows = (collection: string, id: string, resource: Record<string, unknown> | null) =>
      rules.allows({ auth, method: 'get', collection, id, resource }, database);
    // The rules let the new liaison read it (and its own id, which answers "none"), not the bureau's snapshot or another bank's.
    expect(allows(BANK_SNAPSHOTS, bankSnapshotId(OTHER_BANKS, CLOSED), other)).toBe(true);
    expect(allows(BANK_SNAPSHOTS, bankSnapshotId('cmbc', CLOSED), null)).toBe(true);
    expect(allows('snapshots', CLOSED, header)).toBe(false);
    const icbc = (await db.collection(BANK_SNAPSHOTS).doc(bankSnapshotId('icbc', CLOSED)).get()).data()!;
    expect(allows(BANK_SNAPSHOTS, bankSnapshotId('icbc', CLOSED), icbc)).toBe(false);

    // What it reads is what applyReadPolicy gives this liaison in the demo and on the team server:
    // the month's city totals and by-bank table as published, and no bank's lines.
    const expected = applyReadPolicy(NEW_LIAISON, 'snapshots', { id: CLOSED, version: 1, data: plain(header) })!.data as SnapshotHeaderDoc;
    expect(plain(other)).toEqual(expected);
    const received = plain(other) as unknown as SnapshotHeaderDoc;
    expect(received.totals).toEqual(header.totals);
    expect(received.banks).toEqual(header.banks);
    expect(received.totals.approved).toBeGreaterThan(0);
    expect(received.projects.every((project) => project.lines.length === 0 && project.approved === 0)).toBe(true);
  });
});
