/**
 * The web SDK's listeners from Node (gRPC, several listeners multiplexed on one Listen stream)
 * against the protocol server with our Listen, and against upstream's Listen to show that each
 * case tests something upstream gets wrong.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteApp, initializeApp, type FirebaseApp } from 'firebase/app';
import {
  collection,
  connectFirestoreEmulator,
  doc,
  getFirestore,
  onSnapshot,
  query,
  where,
  type DocumentSnapshot,
  type Firestore,
  type QuerySnapshot,
} from 'firebase/firestore';
import { Firestore as AdminFirestore } from 'firebase-admin/firestore';
import { startFirestoreProtocolServer, type RunningFirestoreServer } from './firestoreProtocolServer';

const PROJECT_ID = 'demo-listen';
/** How long the upstream server gets to show a delivery it never makes. */
const UPSTREAM_GRACE_MS = 2_000;
const DELIVERY_TIMEOUT_MS = 10_000;

interface Setup {
  server: RunningFirestoreServer;
  admin: AdminFirestore;
  app: FirebaseApp;
  db: Firestore;
}

async function setUp(upstreamListen: boolean, name: string): Promise<Setup> {
  const server = await startFirestoreProtocolServer(undefined, { upstreamListen });
  const admin = new AdminFirestore({ projectId: PROJECT_ID, host: server.host, ssl: false });
  await admin.doc('items/a1').set({ kind: 'a', n: 1 });
  await admin.doc('items/a2').set({ kind: 'a', n: 2 });
  await admin.doc('items/b1').set({ kind: 'b', n: 3 });
  const app = initializeApp({ projectId: PROJECT_ID, apiKey: 'demo-api-key' }, name);
  const db = getFirestore(app);
  connectFirestoreEmulator(db, '127.0.0.1', server.port);
  return { server, admin, app, db };
}

async function tearDown(setup: Setup | undefined): Promise<void> {
  if (!setup) return;
  await deleteApp(setup.app);
  await setup.admin.terminate();
  setup.server.stop();
}

/** Resolves with the first value that satisfies `predicate`, or null after `ms`. */
function waitFor<T>(values: T[], subscribe: (push: (value: T) => void) => void, predicate: (value: T) => boolean, ms: number): Promise<T | null> {
  return new Promise((resolve) => {
    const found = values.find(predicate);
    if (found !== undefined) return resolve(found);
    const timer = setTimeout(() => resolve(null), ms);
    subscribe((value) => {
      if (predicate(value)) {
        clearTimeout(timer);
        resolve(value);
      }
    });
  });
}

function recorder<T>() {
  const values: T[] = [];
  const waiters = new Set<(value: T) => void>();
  return {
    push(value: T) {
      values.push(value);
      for (const waiter of waiters) waiter(value);
    },
    until(predicate: (value: T) => boolean, ms: number) {
      return waitFor(values, (push) => waiters.add(push), predicate, ms);
    },
  };
}

const idsOf = (snapshot: QuerySnapshot) => snapshot.docs.map((d) => d.id).sort();

/**
 * The four behaviours, each as "delivered within `ms`": a second listener's first snapshot, a
 * delete reaching a query, a document leaving a query by an update, and the stream still
 * serving after a listener is removed and another added.
 */
async function observe(setup: Setup, ms: number) {
  const { db, admin } = setup;
  const kindA = recorder<QuerySnapshot>();
  const stopQuery = onSnapshot(query(collection(db, 'items'), where('kind', '==', 'a')), kindA.push);
  const initial = await kindA.until((s) => idsOf(s).join() === 'a1,a2', DELIVERY_TIMEOUT_MS);

  const single = recorder<DocumentSnapshot>();
  const stopSingle = onSnapshot(doc(db, 'items/b1'), single.push);
  const secondListener = await single.until((s) => s.exists() && s.get('n') === 3, ms);

  await admin.doc('items/a1').delete();
  const deleteReached = await kindA.until((s) => idsOf(s).join() === 'a2', ms);

  await admin.doc('items/a2').update({ kind: 'b' });
  const leftQuery = await kindA.until((s) => s.empty, ms);

  stopSingle();
  const again = recorder<DocumentSnapshot>();
  const stopAgain = onSnapshot(doc(db, 'items/b1'), again.push);
  await admin.doc('items/b1').update({ n: 4 });
  const afterRemove = await again.until((s) => s.get('n') === 4, ms);

  stopAgain();
  stopQuery();
  return {
    initial: initial !== null,
    secondListener: secondListener !== null,
    deleteReached: deleteReached !== null,
    leftQuery: leftQuery !== null,
    afterRemove: afterRemove !== null,
  };
}

describe('Listen of the protocol server, from the web SDK in Node', () => {
  let patched: Setup | undefined;
  let upstream: Setup | undefined;
  beforeAll(async () => {
    patched = await setUp(false, 'listen-patched');
    upstream = await setUp(true, 'listen-upstream');
  });
  afterAll(async () => {
    await tearDown(patched);
    await tearDown(upstream);
  });

  it('serves every listener of one client: a second listener, deletes, documents leaving a query, removed targets', async () => {
    expect(await observe(patched!, DELIVERY_TIMEOUT_MS)).toEqual({
      initial: true,
      secondListener: true,
      deleteReached: true,
      leftQuery: true,
      afterRemove: true,
    });
  }, 60_000);

  it('upstream’s Listen hears only the first listener of a client, so the same checks fail there', async () => {
    expect(await observe(upstream!, UPSTREAM_GRACE_MS)).toEqual({
      initial: true,
      secondListener: false,
      deleteReached: false,
      leftQuery: false,
      afterRemove: false,
    });
  }, 60_000);
});

describe('many Listen streams of the protocol server at once', () => {
  it('serves more than ten streams without a listener-leak warning, and a closed stream stops listening', async () => {
    const server = await startFirestoreProtocolServer();
    const admin = new AdminFirestore({ projectId: PROJECT_ID, host: server.host, ssl: false });
    await admin.doc('items/a1').set({ kind: 'a', n: 1 });
    const emitter = (server.server as unknown as { state: { emitter: { listenerCount(event: string): number } } }).state.emitter;
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on('warning', onWarning);
    const apps = Array.from({ length: 12 }, (_, i) => initializeApp({ projectId: PROJECT_ID, apiKey: 'demo-api-key' }, `listen-many-${i}`));
    try {
      const before = emitter.listenerCount('update-document');
      const snapshots = await Promise.all(
        apps.map((app) => {
          const db = getFirestore(app);
          connectFirestoreEmulator(db, '127.0.0.1', server.port);
          return new Promise<number>((resolve) => {
            const stop = onSnapshot(doc(db, 'items/a1'), (snapshot) => {
              if (!snapshot.metadata.fromCache) {
                stop();
                resolve(snapshot.get('n') as number);
              }
            });
          });
        }),
      );
      expect(snapshots).toEqual(apps.map(() => 1));
      expect(emitter.listenerCount('update-document')).toBe(before + apps.length);
      await Promise.all(apps.map((app) => deleteApp(app)));
      await expect.poll(() => emitter.listenerCount('update-document'), { timeout: DELIVERY_TIMEOUT_MS }).toBe(before);
      // Node emits the warning on a later tick.
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.filter((name) => name === 'MaxListenersExceededWarning')).toEqual([]);
    } finally {
      process.off('warning', onWarning);
      await Promise.all(apps.map((app) => deleteApp(app).catch(() => undefined)));
      await admin.terminate();
      server.stop();
    }
  });
});
