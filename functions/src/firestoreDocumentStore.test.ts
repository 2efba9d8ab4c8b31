import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteApp, initializeApp, type App } from 'firebase-admin/app';
import { getFirestore, type Firestore } from 'firebase-admin/firestore';
import { describeDocumentStoreContract } from '@clearway/core/store/documentStoreContract';
import { SCHEMA_VERSION } from '@clearway/core';
import { FirestoreDocumentStore, SCHEMA_FIELD, VERSION_FIELD } from './firestoreDocumentStore';
import { startFirestoreProtocolServer, type RunningFirestoreServer } from './testing/firestoreProtocolServer';

let server: RunningFirestoreServer;
let app: App;
let db: Firestore;

beforeAll(async () => {
  process.env.METADATA_SERVER_DETECTION = 'none';
  server = await startFirestoreProtocolServer();
  process.env.FIRESTORE_EMULATOR_HOST = server.host;
  app = initializeApp({ projectId: 'demo-store-contract' }, `store-contract-${Date.now()}`);
  db = getFirestore(app);
});

afterAll(async () => {
  await deleteApp(app);
  server.stop();
});

// The protocol server does not isolate transactions (DESIGN.md): interleaving is tested on the
// in-memory store; here the contract covers everything a client's stale version can cause.
describeDocumentStoreContract('FirestoreDocumentStore on the Firestore protocol server', async () => new FirestoreDocumentStore(db, undefined, { migrateOnRead: false }), {
  serializableTransactions: false,
});

describe('FirestoreDocumentStore storage and cost counting', () => {
  it('stores the version and the schema stamp as fields beside the data, and strips them on read', async () => {
    const store = new FirestoreDocumentStore(db, undefined, { migrateOnRead: false });
    const id = store.newId('banks');
    await store.runTransaction(async (tx) => tx.create('banks', id, { name: '工商银行', agreementAmount: 5_000_000_000 }));
    const raw = (await db.collection('banks').doc(id).get()).data();
    expect(raw).toEqual({ name: '工商银行', agreementAmount: 5_000_000_000, [VERSION_FIELD]: 1, [SCHEMA_FIELD]: SCHEMA_VERSION });
    expect(await store.get('banks', id)).toEqual({ id, version: 1, data: { name: '工商银行', agreementAmount: 5_000_000_000 } });
  });

  it('counts one read per document read, one per empty query, and one write per write', async () => {
    const store = new FirestoreDocumentStore(db, undefined, { migrateOnRead: false });
    const tag = store.newId('banks');
    const ids = [store.newId('banks'), store.newId('banks')];
    await store.runTransaction(async (tx) => {
      for (const id of ids) tx.create('banks', id, { tag });
    });
    expect(store.usage).toEqual({ reads: 0, writes: 2 });
    await store.query('banks', { where: [{ field: 'tag', op: '==', value: tag }] });
    expect(store.usage.reads).toBe(2);
    await store.query('banks', { where: [{ field: 'tag', op: '==', value: 'nothing' }] });
    expect(store.usage.reads).toBe(3);
    await store.runTransaction(async (tx) => {
      const doc = await tx.get<{ tag: string }>('banks', ids[0]!);
      tx.update('banks', ids[0]!, { tag, renamed: true }, doc!.version);
    });
    expect(store.usage).toEqual({ reads: 4, writes: 3 });
  });

  it('drops undefined fields instead of failing, as JSON would', async () => {
    const store = new FirestoreDocumentStore(db, undefined, { migrateOnRead: false });
    const id = store.newId('banks');
    await store.runTransaction(async (tx) => tx.create('banks', id, { name: 'x', note: undefined, list: [{ a: 1, b: undefined }] }));
    expect((await store.get('banks', id))?.data).toEqual({ name: 'x', list: [{ a: 1 }] });
  });
});

describe('queries on null, as the app runs them', () => {
  it('filters == null and != null, alone and with other filters', async () => {
    const store = new FirestoreDocumentStore(db, undefined, { migrateOnRead: false });
    const tag = store.newId('activity');
    const [a, b] = [store.newId('activity'), store.newId('activity')];
    await store.runTransaction(async (tx) => {
      tx.create('activity', a, { tag, lineId: null });
      tx.create('activity', b, { tag, lineId: 'line-1' });
    });
    const ids = async (op: '==' | '!=') =>
      (await store.query('activity', { where: [{ field: 'tag', op: '==', value: tag }, { field: 'lineId', op, value: null }] })).map((d) => d.id);
    expect(await ids('==')).toEqual([a]);
    expect(await ids('!=')).toEqual([b]);
  });
});
