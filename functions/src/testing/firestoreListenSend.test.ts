/**
 * What the protocol server's Listen sends (firestoreListen.ts): a document converted straight from
 * the emulator's fields is exactly upstream's `toV1DocumentObject` (every value type the app
 * stores), kept until the document is written again; and a large result reaches a client whole
 * and in order although it goes out in slices.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteApp, initializeApp, type FirebaseApp } from 'firebase/app';
import { collection, connectFirestoreEmulator, getFirestore, onSnapshot, type QuerySnapshot } from 'firebase/firestore';
import { Firestore as AdminFirestore, Timestamp } from 'firebase-admin/firestore';
import { startFirestoreProtocolServer, type RunningFirestoreServer } from './firestoreProtocolServer';
import { SEND_SLICE, v1DocumentObject } from './firestoreListen';

const PROJECT_ID = 'demo-listen-send';

interface StateLike {
  getDocument(path: string): Parameters<typeof v1DocumentObject>[0];
}

let server: RunningFirestoreServer;
let admin: AdminFirestore;
let app: FirebaseApp;

beforeAll(async () => {
  server = await startFirestoreProtocolServer();
  admin = new AdminFirestore({ projectId: PROJECT_ID, host: server.host, ssl: false });
  app = initializeApp({ projectId: PROJECT_ID, apiKey: 'demo-api-key' }, 'listen-send');
});

afterAll(async () => {
  await deleteApp(app);
  await admin.terminate();
  server.stop();
});

const path = (id: string) => `projects/${PROJECT_ID}/databases/(default)/documents/${id}`;
const state = () => server.server.state as unknown as StateLike;

describe('the Listen’s documents', () => {
  it('converts every value type as upstream does, and anew after a write', async () => {
    await admin.doc('mixed/one').set({
      text: '重点项目',
      amount: 120_000_000,
      ratio: 0.375,
      done: false,
      none: null,
      at: Timestamp.fromMillis(1_795_000_000_123),
      tags: ['a', 2, { deep: [true, null] }],
      nested: { stage: 'approval', money: { line: 5, empty: {} }, list: [] },
      ref: admin.doc('banks/b1'),
      geo: new (await import('firebase-admin/firestore')).GeoPoint(31.2, 121.5),
      bytes: Buffer.from([1, 2, 3]),
    });
    const stored = state().getDocument(path('mixed/one'));
    const first = v1DocumentObject(stored);
    expect(first.object).toEqual(stored.toV1DocumentObject());
    expect(v1DocumentObject(stored)).toBe(first);

    await admin.doc('mixed/one').update({ amount: 130_000_000, 'nested.stage': 'contract' });
    const rewritten = state().getDocument(path('mixed/one'));
    const second = v1DocumentObject(rewritten);
    expect(second).not.toBe(first);
    expect(second.object).toEqual(rewritten.toV1DocumentObject());
    expect(second.print).not.toBe(first.print);
  });

  it('sends a result larger than a slice whole, then the changes after it', async () => {
    const count = SEND_SLICE * 3 + 7;
    const batch = admin.batch();
    for (let i = 0; i < count; i += 1) batch.set(admin.doc(`many/d${String(i).padStart(4, '0')}`), { i, text: `doc ${i}` });
    await batch.commit();
    const db = getFirestore(app);
    connectFirestoreEmulator(db, '127.0.0.1', server.port);
    const snapshots: QuerySnapshot[] = [];
    const whole = new Promise<void>((resolve) => {
      const stop = onSnapshot(collection(db, 'many'), (snapshot) => {
        snapshots.push(snapshot);
        if (snapshot.docs.some((d) => d.get('i') === -1)) {
          stop();
          resolve();
        }
      });
    });
    await new Promise<void>((resolve) => {
      const poll = () => (snapshots.length > 0 ? resolve() : setTimeout(poll, 20));
      poll();
    });
    await admin.doc('many/d0000').update({ i: -1 });
    await whole;
    // Never part of the first result: the SDK raises snapshots only at a consistency marker.
    expect(snapshots[0]!.size).toBe(count);
    expect(snapshots.at(-1)!.size).toBe(count);
    expect(snapshots.at(-1)!.docs.find((d) => d.id === 'd0000')!.get('i')).toBe(-1);
  });
});
