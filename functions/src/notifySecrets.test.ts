import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteApp, initializeApp, type App } from 'firebase-admin/app';
import { getFirestore, type Firestore } from 'firebase-admin/firestore';
import { executeCommand, NOTIFY_CHANNELS_DOC_ID, NOTIFY_SECRETS_DOC_ID, type NotifySecrets } from '@clearway/core';
import { FirestoreDocumentStore, SERVER_SECRETS_COLLECTION } from './firestoreDocumentStore';
import { startFirestoreProtocolServer, type RunningFirestoreServer } from './testing/firestoreProtocolServer';

let server: RunningFirestoreServer;
let app: App;
let db: Firestore;

beforeAll(async () => {
  process.env.METADATA_SERVER_DETECTION = 'none';
  server = await startFirestoreProtocolServer();
  process.env.FIRESTORE_EMULATOR_HOST = server.host;
  app = initializeApp({ projectId: 'demo-notify-secrets' }, `notify-secrets-${Date.now()}`);
  db = getFirestore(app);
});

afterAll(async () => {
  await deleteApp(app);
  server.stop();
});

describe('the delivery secrets on Firestore', () => {
  it('are kept outside settings (which members list), where only the functions read them', async () => {
    const store = new FirestoreDocumentStore(db);
    await executeCommand(store, { actor: { uid: 'u-admin', name: '管理员', role: 'admin', bankId: null }, now: new Date('2026-03-10T02:00:00.000Z') }, {
      name: 'notify.setChannels',
      payload: { wecomWebhookUrl: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=fs-secret', smtp: null },
    });
    const listed = await db.collection('settings').get();
    expect(listed.docs.map((doc) => doc.id)).toEqual([NOTIFY_CHANNELS_DOC_ID]);
    expect(JSON.stringify(listed.docs.map((doc) => doc.data()))).not.toContain('fs-secret');
    expect((await db.collection(SERVER_SECRETS_COLLECTION).doc('notify').get()).data()).toMatchObject({ wecomWebhookUrl: expect.stringContaining('fs-secret') });
    expect((await store.get<NotifySecrets>('settings', NOTIFY_SECRETS_DOC_ID))?.data.wecomWebhookUrl).toContain('fs-secret');
  });
});
