import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { deleteApp, initializeApp, type App } from 'firebase-admin/app';
import { getFirestore, type Firestore } from 'firebase-admin/firestore';
import { SCHEMA_VERSION } from '@clearway/core';
import { QUARANTINE_COLLECTION, SCHEMA_META_COLLECTION, SCHEMA_META_DOC, migrateFirestore, storedSchemaVersion } from './migrateStoredData';
import { startFirestoreProtocolServer, type RunningFirestoreServer } from './testing/firestoreProtocolServer';

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('../scripts/migrate.mjs', import.meta.url));

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

/** A version-1 workspace: a member and a line of before, a corrupt project, a current bank. */
async function seedVersionOne(db: Firestore): Promise<void> {
  await db.collection('members').doc('u1').set({ uid: 'u1', name: '李建华', role: 'admin', bankId: null, _v: 4 });
  await db.collection('banks').doc('icbc').set({ id: 'icbc', name: '工商银行', category: 'stateLarge', agreementAmount: 0, _v: 1 });
  await db
    .collection('loanLines')
    .doc('l1')
    .set({ id: 'l1', projectId: 'p1', bankId: 'icbc', status: 'applying', requested: 100, approved: null, contracted: null, updatedAt: '2026-01-01T00:00:00.000Z', _v: 2 });
  await db.collection('projects').doc('broken').set({ name: 42, _v: 3 });
}

describe('the Firestore migration', () => {
  it('brings version-1 documents up, keeps their _v, quarantines what it cannot read and records the schema', async () => {
    const db = database('demo-migrate-api');
    await seedVersionOne(db);
    expect(await storedSchemaVersion(db)).toBe(1);

    const dry = await migrateFirestore(db, { dryRun: true });
    expect(dry.migrated).toMatchObject({ members: 1, loanLines: 1, banks: 0 });
    expect((await db.collection('members').doc('u1').get()).data()).not.toHaveProperty('disabled');

    const report = await migrateFirestore(db, { now: () => new Date('2026-12-01T00:00:00.000Z') });
    expect(report).toMatchObject({ from: 1, to: SCHEMA_VERSION, migrated: { members: 1, loanLines: 1, banks: 0 }, skippedConcurrent: 0 });
    expect(report.quarantined).toEqual([{ collection: 'projects', id: 'broken', reason: expect.stringContaining('name') }]);

    expect((await db.collection('members').doc('u1').get()).data()).toEqual({
      uid: 'u1', name: '李建华', role: 'admin', bankId: null, email: null, disabled: false, _v: 4, _schema: SCHEMA_VERSION,
    });
    expect((await db.collection('loanLines').doc('l1').get()).data()).toMatchObject({ tranches: [], note: '', _v: 2 });
    expect((await db.collection('projects').doc('broken').get()).exists).toBe(false);
    expect((await db.collection(QUARANTINE_COLLECTION).doc('projects__broken').get()).data()).toMatchObject({
      collection: 'projects',
      id: 'broken',
      stored: { name: 42, _v: 3 },
    });
    expect((await db.collection(SCHEMA_META_COLLECTION).doc(SCHEMA_META_DOC).get()).data()).toMatchObject({ version: SCHEMA_VERSION });

    // A second run finds nothing to do.
    const again = await migrateFirestore(db);
    expect(again).toMatchObject({ from: SCHEMA_VERSION, quarantined: [] });
    expect(Object.values(again.migrated).every((count) => count === 0)).toBe(true);
  });

  it('refuses a database written by a newer release', async () => {
    const db = database('demo-migrate-newer');
    await db.collection(SCHEMA_META_COLLECTION).doc(SCHEMA_META_DOC).set({ version: SCHEMA_VERSION + 1 });
    await expect(migrateFirestore(db)).rejects.toThrow(/newer/);
  });

  it('runs as the documented script', async () => {
    const db = database('demo-migrate-script');
    await seedVersionOne(db);
    const { stdout } = await run(process.execPath, [SCRIPT, '--project', 'demo-migrate-script'], {
      env: { ...process.env, FIRESTORE_EMULATOR_HOST: server.host },
      timeout: 60_000,
    });
    expect(stdout).toContain(`schema 1 → ${SCHEMA_VERSION}`);
    expect(stdout).toContain('quarantine projects/broken');
    expect((await db.collection('members').doc('u1').get()).data()).toMatchObject({ disabled: false, _v: 4 });
  }, 90_000);
});
