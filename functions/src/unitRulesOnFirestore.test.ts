/**
 * firestore.rules for the unit contact 责任单位联系人 (role `unit`), offline: real commands on the
 * functions' store (Firestore protocol server + the read-projection decorator), then the rules AS
 * WRITTEN (testing/rulesEvaluator.ts) decide what a unit contact may get. It may get the board
 * views of the projects naming its unit, the banks, the settings and its own member document —
 * each exactly what core's read policy gives a unit — and nothing else: no project document, loan
 * line, history, month or snapshot. Clients write nothing (firestoreRules.test.ts).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteApp, initializeApp, type App } from 'firebase-admin/app';
import { getFirestore, type Firestore } from 'firebase-admin/firestore';
import { addMonths, applyReadPolicy, COLLECTIONS, monthOf, executeCommand, namedParties, projectConcernsUnit, type Actor, type CollectionName, type Project } from '@clearway/core';
import { createSampleWorkspace, sampleActor, SAMPLE_IDENTITIES, seedStore } from '@clearway/core/sample';
import { DERIVED_COLLECTIONS, FirestoreDocumentStore, SCHEMA_FIELD, VERSION_FIELD } from './firestoreDocumentStore';
import { BOARD_VIEWS, UNIT_PARTIES_FIELD, withReadProjections } from './readProjections';
import { startFirestoreProtocolServer, type RunningFirestoreServer } from './testing/firestoreProtocolServer';
import { FirestoreRules, type RulesAuth } from './testing/rulesEvaluator';

const root = fileURLToPath(new URL('../../', import.meta.url));
const rules = new FirestoreRules(readFileSync(`${root}firestore.rules`, 'utf8'));
const NOW = new Date('2026-11-20T04:00:00.000Z');
/** The unit: the responsible unit of the first sample project (found once the sample is seeded). */
let UNIT = '';
let unitActor: Actor;
const admin = sampleActor(SAMPLE_IDENTITIES.find((m) => m.uid === 'u-admin')!);
const staff = sampleActor(SAMPLE_IDENTITIES.find((m) => m.uid === 'u-staff')!);

type Stored = { collection: string; id: string; data: Record<string, unknown> };
let server: RunningFirestoreServer;
let app: App;
let db: Firestore;
const everything: Stored[] = [];
/** A project only an assignment names the unit on, one only a blocker does (in a list), one "牵头" text. */
let byAssignment = '';
let byBlocker = '';
let byLeadText = '';

function readable(auth: RulesAuth | null): Stored[] {
  const database = (collection: string, id: string) => everything.find((doc) => doc.collection === collection && doc.id === id)?.data ?? null;
  return everything.filter((doc) => rules.allows({ auth, method: 'get', collection: doc.collection, id: doc.id, resource: doc.data }, database));
}

const authOf = (uid: string, role = 'unit'): RulesAuth => ({ uid, token: { role, bankId: null } });
const projects = () => everything.filter((d) => d.collection === 'projects');
const plain = ({ [VERSION_FIELD]: _v, [SCHEMA_FIELD]: _s, [UNIT_PARTIES_FIELD]: _p, ...data }: Record<string, unknown>) => data;

beforeAll(async () => {
  process.env.METADATA_SERVER_DETECTION = 'none';
  server = await startFirestoreProtocolServer();
  process.env.FIRESTORE_EMULATOR_HOST = server.host;
  app = initializeApp({ projectId: 'demo-unit-rules' }, `unit-rules-${Date.now()}`);
  db = getFirestore(app);
  const store = withReadProjections(new FirestoreDocumentStore(db));
  await seedStore(store, createSampleWorkspace({ now: NOW, projects: 16 }));
  const run = (actor: Actor, name: Parameters<typeof executeCommand>[2]['name'], payload: unknown) =>
    executeCommand(store, { actor, now: NOW }, { name, payload } as Parameters<typeof executeCommand>[2]);
  const seeded = await store.query<Project>('projects');
  UNIT = seeded[0]!.data.responsibleUnit;
  unitActor = { uid: 'u-unit', name: '责任单位联系人', role: 'unit', bankId: null, unit: UNIT };
  await run(staff, 'month.close', { month: addMonths(monthOf(NOW), -1) });
  await run(admin, 'member.upsert', { uid: unitActor.uid, expectedVersion: null, name: unitActor.name, email: 'unit@clearway.local', role: 'unit', unit: UNIT });
  // The command refuses a unit contact without a unit; a document stored otherwise must still read no project.
  await db.collection('members').doc('u-unit-none').set({ uid: 'u-unit-none', name: '未指定单位', email: null, role: 'unit', bankId: null, unit: null, disabled: false, [VERSION_FIELD]: 1 });
  const others = (await store.query<Project>('projects')).filter((p) => !namedParties(p.data).includes(UNIT));
  const [a, b, c] = others;
  byAssignment = a!.id;
  byBlocker = b!.id;
  byLeadText = c!.id;
  await run(staff, 'assignment.add', { projectId: a!.id, expectedVersion: a!.version, month: '2026-11', what: '协调施工许可', who: UNIT, dueDate: '2026-12-10' });
  await run(staff, 'blocker.add', { projectId: b!.id, expectedVersion: b!.version, tag: 'permits', description: '用地手续未批', party: `市自然资源局、${UNIT}`, dueDate: null });
  await run(staff, 'blocker.add', { projectId: c!.id, expectedVersion: c!.version, tag: 'permits', description: '路网配套', party: `${UNIT}牵头`, dueDate: null });
  // A letter to the unit itself: who was sent one is still the bureau's.
  await run(staff, 'letter.issue', { month: null, letters: [{ key: UNIT, party: UNIT }] });
  for (const collection of [...COLLECTIONS, ...DERIVED_COLLECTIONS]) {
    for (const doc of (await db.collection(collection).get()).docs) everything.push({ collection, id: doc.id, data: doc.data() });
  }
}, 120_000);

afterAll(async () => {
  await deleteApp(app);
  server.stop();
});

describe('firestore.rules for a unit contact', () => {
  it('gives the board views of the projects naming the unit, and no other', () => {
    const got = readable(authOf(unitActor.uid)).filter((d) => d.collection === BOARD_VIEWS).map((d) => d.id).sort();
    const naming = projects().filter((p) => namedParties(p.data as unknown as Project).includes(UNIT)).map((p) => p.id).sort();
    expect(got).toEqual(naming);
    expect(got).toContain(byAssignment);
    expect(got).toContain(byBlocker);
    // A project of its own as responsible unit, and many it has nothing to do with.
    expect(projects().some((p) => p.data.responsibleUnit === UNIT && got.includes(p.id))).toBe(true);
    expect(got.length).toBeLessThan(projects().length / 2);
    // Core names the unit anywhere in a party's text; the rules only as one item of the list: fewer, never more.
    expect(got).not.toContain(byLeadText);
    for (const id of got) expect(projectConcernsUnit(projects().find((p) => p.id === id)!.data as unknown as Project, UNIT)).toBe(true);
  });

  it('gives each document exactly as core’s read policy gives it to a unit', () => {
    for (const doc of readable(authOf(unitActor.uid))) {
      const collection = (doc.collection === BOARD_VIEWS ? 'projects' : doc.collection) as CollectionName;
      const source = everything.find((d) => d.collection === collection && d.id === doc.id)!;
      const { [VERSION_FIELD]: version, [SCHEMA_FIELD]: _schema, ...data } = source.data;
      const allowed = applyReadPolicy(unitActor, collection, { id: doc.id, version: Number(version ?? 0), data });
      expect(allowed, `${doc.collection}/${doc.id}`).not.toBeNull();
      expect(plain(doc.data), `${doc.collection}/${doc.id}`).toEqual(plain(allowed!.data as Record<string, unknown>));
    }
  });

  it('reads banks, settings and its own member document, and no project, board card, line, history, month or snapshot', () => {
    const got = readable(authOf(unitActor.uid));
    const of = (collection: string) => got.filter((d) => d.collection === collection);
    expect(of('banks').length).toBe(everything.filter((d) => d.collection === 'banks').length);
    expect(of('settings').length).toBe(everything.filter((d) => d.collection === 'settings').length);
    expect(of('members').map((d) => d.id)).toEqual([unitActor.uid]);
    expect(everything.some((d) => d.collection === 'months')).toBe(true);
    expect(everything.filter((d) => d.collection === 'letters')).toHaveLength(2);
    for (const collection of ['projects', 'boardCards', 'loanLines', 'activity', 'months', 'snapshots', 'bankSnapshots', 'letters']) expect(of(collection), collection).toEqual([]);
  });

  it('gives a unit contact without a unit no board view, and a stale role claim nothing', () => {
    expect(readable(authOf('u-unit-none')).some((d) => d.collection === BOARD_VIEWS)).toBe(false);
    expect(readable(authOf(unitActor.uid, 'staff'))).toEqual([]);
    // The bureau and the banks still read every board view.
    for (const uid of ['u-staff', 'u-liaison-ceb']) {
      const member = SAMPLE_IDENTITIES.find((m) => m.uid === uid)!;
      expect(readable({ uid, token: { role: member.role, bankId: member.bankId } }).filter((d) => d.collection === BOARD_VIEWS).length).toBe(projects().length);
    }
  });
});
