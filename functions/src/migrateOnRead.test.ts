/**
 * The deployed functions read every stored document through core's migrateStoredDoc: a document
 * an older release wrote is read in the current shape by the command handlers, and the next
 * command that writes it stores it stamped with the current schema. On the Firestore protocol
 * server, through the same store the command endpoint uses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteApp, initializeApp, type App } from 'firebase-admin/app';
import { getFirestore, type Firestore } from 'firebase-admin/firestore';
import { executeCommand, SCHEMA_VERSION } from '@clearway/core';
import type { Actor, Project } from '@clearway/core';
import { FirestoreDocumentStore, SCHEMA_FIELD, SCHEMA_META_COLLECTION, SCHEMA_META_DOC, VERSION_FIELD } from './firestoreDocumentStore';
import { withReadProjections } from './readProjections';
import { startFirestoreProtocolServer, type RunningFirestoreServer } from './testing/firestoreProtocolServer';

let server: RunningFirestoreServer;
const apps: App[] = [];

function database(projectId: string): Firestore {
  const app = initializeApp({ projectId }, `${projectId}-${Date.now()}`);
  apps.push(app);
  return getFirestore(app);
}

beforeAll(async () => {
  process.env.METADATA_SERVER_DETECTION = 'none';
  server = await startFirestoreProtocolServer();
  process.env.FIRESTORE_EMULATOR_HOST = server.host;
});

afterAll(async () => {
  await Promise.all(apps.map((app) => deleteApp(app)));
  server.stop();
});

const STAFF: Actor = { uid: 'u-staff', name: '王丽娟', role: 'staff', bankId: null };
const NOW = new Date('2026-03-10T02:00:00.000Z');

/** A project as a release before schema versions stored it: no blockers, assignments, flag, digest… */
const OLD_PROJECT = {
  id: 'p-old',
  name: '城南污水处理厂',
  owner: { name: '城投集团', type: 'platform' },
  district: '城南区',
  sector: '水务',
  source: 'self',
  buildStatus: 'new',
  totalInvestment: 0,
  equityRequired: 0,
  equityPaid: 0,
  needTotal: 300_000_000,
  needThisYear: 0,
  responsibleUnit: '',
  responsiblePerson: '',
  stage: 'pipeline',
  rank: 'a0',
  stageEnteredAt: '2026-01-05T00:00:00.000Z',
  createdAt: '2026-01-05T00:00:00.000Z',
  updatedAt: '2026-01-05T00:00:00.000Z',
  updatedBy: 'u-staff',
};

describe('the functions store migrates what it reads', () => {
  it('reads an old-schema project in the current shape, lets a command change it, and stores it stamped', async () => {
    const db = database('demo-migrate-on-read');
    await db.collection('projects').doc('p-old').set({ ...OLD_PROJECT, [VERSION_FIELD]: 7 });
    const raw = new FirestoreDocumentStore(db);
    const store = withReadProjections(raw);

    const read = await raw.get<Project>('projects', 'p-old');
    expect(read?.version).toBe(7);
    expect(read?.data).toMatchObject({ blockers: [], assignments: [], bankIds: [], flag: null, actionPlan: '', leadBankId: null });
    expect(read?.data.prerequisites.businessLicence).toEqual({ status: 'todo', docNo: null, date: null });

    // Before migration on read, every command on such a project ended in `internal`.
    await executeCommand(store, { actor: STAFF, now: NOW }, {
      name: 'project.setActionPlan',
      payload: { projectId: 'p-old', expectedVersion: 7, actionPlan: '月底前召开银企对接会' },
    });
    const stored = (await db.collection('projects').doc('p-old').get()).data()!;
    expect(stored[VERSION_FIELD]).toBe(8);
    expect(stored[SCHEMA_FIELD]).toBe(SCHEMA_VERSION);
    expect(stored).toMatchObject({ actionPlan: '月底前召开银企对接会', blockers: [], assignments: [], lines: [] });
    // The stamp is storage bookkeeping: the handlers never see it.
    expect((await raw.get<Project>('projects', 'p-old'))?.data).not.toHaveProperty(SCHEMA_FIELD);
    // The liaisons' projection was written from the migrated project too.
    expect((await db.collection('boardViews').doc('p-old').get()).data()).toMatchObject({ actionPlan: '月底前召开银企对接会', blockers: [] });
  });

  it('reads an unstamped document at the database schema, and one it cannot bring up as absent', async () => {
    const db = database('demo-migrate-on-read-meta');
    // The migration script ran: every unstamped document is current, a corrupt one is left over.
    await db.collection(SCHEMA_META_COLLECTION).doc(SCHEMA_META_DOC).set({ version: SCHEMA_VERSION });
    await db.collection('banks').doc('icbc').set({ id: 'icbc', name: '工商银行', category: 'stateLarge', agreementAmount: 0, [VERSION_FIELD]: 1 });
    await db.collection('banks').doc('broken').set({ id: 'broken', name: 42, [VERSION_FIELD]: 1 });
    await db
      .collection('banks')
      .doc('newer')
      .set({ id: 'newer', name: '未来银行', category: 'stateLarge', agreementAmount: 0, [VERSION_FIELD]: 1, [SCHEMA_FIELD]: SCHEMA_VERSION + 1 });
    const store = new FirestoreDocumentStore(db);

    expect(await store.get('banks', 'icbc')).toEqual({
      id: 'icbc',
      version: 1,
      data: { id: 'icbc', name: '工商银行', category: 'stateLarge', agreementAmount: 0 },
    });
    expect(await store.get('banks', 'broken')).toBeNull();
    expect(await store.get('banks', 'newer')).toBeNull();
    expect((await store.query('banks')).map((doc) => doc.id)).toEqual(['icbc']);
    // Unreadable is not absent for a write: creating over it conflicts instead of overwriting it.
    await expect(store.runTransaction(async (tx) => {
      expect(await tx.get('banks', 'broken')).toBeNull();
      tx.create('banks', 'broken', { id: 'broken', name: '覆盖', category: 'stateLarge', agreementAmount: 0 });
    })).rejects.toMatchObject({ messageKey: 'errors.conflict' });
    expect((await db.collection('banks').doc('broken').get()).data()?.name).toBe(42);
    // The database schema is read once per store, not once per read.
    const before = store.usage.reads;
    await store.get('banks', 'icbc');
    expect(store.usage.reads - before).toBe(1);
  });
});
