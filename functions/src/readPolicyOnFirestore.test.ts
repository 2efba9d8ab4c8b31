/**
 * The read policy on Firestore, end to end and offline: real commands run on the functions'
 * store (Firestore protocol server + the read-projection decorator); then firestore.rules AS
 * WRITTEN (evaluated by testing/rulesEvaluator.ts) decides, for every sample identity, which stored
 * document it may get; everything it may get is checked by core's independent read-policy checker,
 * and what a liaison assembles from it is the card and snapshot the other backends hand out.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteApp, initializeApp, type App } from 'firebase-admin/app';
import { getFirestore, type Firestore } from 'firebase-admin/firestore';
import {
  COLLECTIONS,
  PARTY_CONTACTS_DOC_ID,
  STALL_SCAN_ACTOR,
  addMonths,
  applyReadPolicy,
  boardCardOf,
  digestLine,
  executeCommand,
  monthOf,
  projectViewForBank,
  type Actor,
  type CollectionName,
  type DocumentStore,
  type LoanLine,
  type Member,
  type Project,
  type StoredDoc,
} from '@clearway/core';
import { createSampleWorkspace, sampleActor, SAMPLE_IDENTITIES, seedStore } from '@clearway/core/sample';
import { partyContactsOf } from '@clearway/core/testing';
import { readPolicyViolations, readPolicyWorld } from '@clearway/core/testing/readPolicyChecks';
import { DERIVED_COLLECTIONS, FirestoreDocumentStore, SCHEMA_FIELD, VERSION_FIELD } from './firestoreDocumentStore';
import { BANK_SNAPSHOTS, BOARD_CARDS, BOARD_VIEWS, CARD_JSON_FIELD, OTHER_BANKS, UNIT_PARTIES_FIELD, backfillReadProjections, bankSnapshotId, boardCardOfStored, withReadProjections } from './readProjections';
import { startFirestoreProtocolServer, type RunningFirestoreServer } from './testing/firestoreProtocolServer';
import { FirestoreRules, type RulesAuth } from './testing/rulesEvaluator';

const root = fileURLToPath(new URL('../../', import.meta.url));
const rules = new FirestoreRules(readFileSync(`${root}firestore.rules`, 'utf8'));
const NOW = new Date('2026-11-20T04:00:00.000Z');
const actorOf = (uid: string): Actor => sampleActor(SAMPLE_IDENTITIES.find((m) => m.uid === uid)!);

let server: RunningFirestoreServer;
let app: App;
let db: Firestore;
let raw: FirestoreDocumentStore;
let store: DocumentStore;

type Stored = { collection: string; id: string; data: Record<string, unknown> };
let everything: Stored[] = [];

async function readEverything(): Promise<Stored[]> {
  const out: Stored[] = [];
  for (const collection of [...COLLECTIONS, ...DERIVED_COLLECTIONS]) {
    for (const doc of (await db.collection(collection).get()).docs) out.push({ collection, id: doc.id, data: doc.data() });
  }
  return out;
}

function stripVersion({ [VERSION_FIELD]: version, [SCHEMA_FIELD]: _schema, [UNIT_PARTIES_FIELD]: _unitParties, ...data }: Record<string, unknown>): { version: number; data: Record<string, unknown> } {
  return { version: typeof version === 'number' ? version : 0, data };
}

function memberData(uid: string): Record<string, unknown> | null {
  return everything.find((doc) => doc.collection === 'members' && doc.id === uid)?.data ?? null;
}

/** What the rules let `auth` get, one document at a time. */
function readable(auth: RulesAuth | null): Stored[] {
  const database = (collection: string, id: string) => everything.find((doc) => doc.collection === collection && doc.id === id)?.data ?? null;
  return everything.filter((doc) => rules.allows({ auth, method: 'get', collection: doc.collection, id: doc.id, resource: doc.data }, database));
}

function authOf(actor: Actor): RulesAuth {
  return { uid: actor.uid, token: { role: actor.role, bankId: actor.bankId } };
}

/** The collection of the policy a physical document stands for, and the document as the app sees it. */
function asReceived(doc: Stored): { collection: CollectionName; doc: StoredDoc } {
  const { version, data } = stripVersion(doc.data);
  if (doc.collection === BOARD_VIEWS) return { collection: 'projects', doc: { id: doc.id, version, data } };
  if (doc.collection === BANK_SNAPSHOTS) {
    const { bankId, ...rest } = data;
    return { collection: 'snapshots', doc: { id: doc.id.slice(`${String(bankId)}~`.length), version, data: rest } };
  }
  return { collection: doc.collection as CollectionName, doc: { id: doc.id, version, data } };
}

beforeAll(async () => {
  process.env.METADATA_SERVER_DETECTION = 'none';
  server = await startFirestoreProtocolServer();
  process.env.FIRESTORE_EMULATOR_HOST = server.host;
  app = initializeApp({ projectId: 'demo-read-policy' }, `read-policy-${Date.now()}`);
  db = getFirestore(app);
  raw = new FirestoreDocumentStore(db);
  store = withReadProjections(raw);
  await seedStore(store, createSampleWorkspace({ now: NOW, projects: 24 }));
  const run = (actor: Actor, name: Parameters<typeof executeCommand>[2]['name'], payload: unknown) =>
    executeCommand(store, { actor, now: NOW }, { name, payload } as Parameters<typeof executeCommand>[2]);
  await run(actorOf('u-staff'), 'month.close', { month: addMonths(monthOf(NOW), -1) });
  const [cebLine] = await store.query<LoanLine>('loanLines', { where: [{ field: 'bankId', op: '==', value: 'ceb' }] });
  await run(actorOf('u-liaison-ceb'), 'line.setNote', { lineId: cebLine!.id, expectedVersion: cebLine!.version, note: '已上报总行' });
  const [project] = await store.query<Project>('projects', { limit: 1 });
  await run(actorOf('u-staff'), 'project.setActionPlan', { projectId: project!.id, expectedVersion: project!.version, actionPlan: '一项一策' });
  await run(actorOf('u-admin'), 'member.upsert', { uid: 'u-gone', expectedVersion: null, name: '已停用', email: 'gone@clearway.local', role: 'staff', disabled: true });
  await run({ ...STALL_SCAN_ACTOR }, 'stall.scan', { scope: 'all' });
  await run(actorOf('u-staff'), 'letter.issue', { month: null, letters: [{ key: '市住建局', party: '市住建局' }, { key: 'bank:ceb', party: '光大银行' }] });
  everything = await readEverything();
}, 120_000);

afterAll(async () => {
  await deleteApp(app);
  server.stop();
});

describe('firestore.rules as written, on the documents real commands wrote', () => {
  it('writes a board card and a board view per project and a bank snapshot per bank and snapshot document', () => {
    const count = (collection: string) => everything.filter((doc) => doc.collection === collection).length;
    expect(count(BOARD_CARDS)).toBe(count('projects'));
    expect(count(BOARD_VIEWS)).toBe(count('projects'));
    const banks = count('banks');
    expect(count('snapshots')).toBeGreaterThan(0);
    // One per bank of the table, and one for any bank added after the close.
    expect(count(BANK_SNAPSHOTS)).toBe(count('snapshots') * (banks + 1));
  });

  it('lets every role get only what the read policy allows', () => {
    const world = readPolicyWorld(everything.filter((d) => d.collection === 'loanLines').map((d) => d.data as unknown as LoanLine));
    for (const identity of SAMPLE_IDENTITIES) {
      const reader = sampleActor(identity);
      // The bureau's board cards are checked against their projects below.
      const received = readable(authOf(reader)).filter((doc) => doc.collection !== BOARD_CARDS).map(asReceived);
      const violations = received.flatMap(({ collection, doc }) => readPolicyViolations(reader, collection, doc, world));
      expect(violations, reader.uid).toEqual([]);
      expect(received.length, reader.uid).toBeGreaterThan(0);
    }
  });

  it('gives a liaison the board, its own lines and its bank’s snapshots, and nothing raw of the others', () => {
    const liaison = actorOf('u-liaison-ceb');
    const got = readable(authOf(liaison));
    const of = (collection: string) => got.filter((doc) => doc.collection === collection);
    expect(of('projects')).toEqual([]);
    expect(of('snapshots')).toEqual([]);
    expect(of(BOARD_VIEWS).length).toBe(everything.filter((d) => d.collection === 'projects').length);
    const ownLines = everything.filter((d) => d.collection === 'loanLines' && d.data.bankId === 'ceb');
    expect(of('loanLines').map((d) => d.id).sort()).toEqual(ownLines.map((d) => d.id).sort());
    expect(of(BANK_SNAPSHOTS).every((d) => d.data.bankId === 'ceb' || d.data.bankId === OTHER_BANKS)).toBe(true);
    expect(of(BANK_SNAPSHOTS).filter((d) => d.data.bankId === 'ceb').length).toBe(everything.filter((d) => d.collection === 'snapshots').length);
    expect(of('members').map((d) => d.id)).toEqual(['u-liaison-ceb']);
    // Its own line's history, not another bank's.
    expect(of('activity').some((d) => d.data.command === 'line.setNote' && d.data.bankId === 'ceb')).toBe(true);
    const icbcGot = readable(authOf(actorOf('u-liaison-icbc')));
    expect(icbcGot.some((d) => d.collection === 'activity' && d.data.lineId !== null)).toBe(false);
    expect(of('months').length).toBeGreaterThan(0);
  });

  it('assembles for a liaison exactly the card and snapshot applyReadPolicy gives in the other backends', () => {
    const liaison = actorOf('u-liaison-icbc');
    const lines = everything.filter((d) => d.collection === 'loanLines' && d.data.bankId === 'icbc').map((d) => d.data as unknown as LoanLine);
    for (const project of everything.filter((d) => d.collection === 'projects')) {
      const view = stripVersion(everything.find((d) => d.collection === BOARD_VIEWS && d.id === project.id)!.data).data as unknown as Project;
      const own = lines.filter((line) => line.projectId === project.id).map(digestLine);
      const expected = applyReadPolicy(liaison, 'projects', { id: project.id, ...stripVersion(project.data) })!.data;
      expect(projectViewForBank(view, own)).toEqual(expected);
    }
    for (const snapshot of everything.filter((d) => d.collection === 'snapshots')) {
      const projected = everything.find((d) => d.collection === BANK_SNAPSHOTS && d.id === bankSnapshotId('icbc', snapshot.id))!;
      expect(asReceived(projected).doc.data).toEqual(applyReadPolicy(liaison, 'snapshots', { id: snapshot.id, ...stripVersion(snapshot.data) })!.data);
    }
  });

  it('gives the board cards to the bureau only, each the card of its project at the project’s version', () => {
    const projects = everything.filter((d) => d.collection === 'projects');
    for (const identity of SAMPLE_IDENTITIES) {
      const reader = sampleActor(identity);
      const cards = readable(authOf(reader)).filter((doc) => doc.collection === BOARD_CARDS);
      if (reader.role === 'liaison' || reader.role === 'unit') {
        // A card holds every bank's line money: no liaison, no unit contact.
        expect(cards, reader.uid).toEqual([]);
        continue;
      }
      if (identity.disabled) continue;
      expect(cards.length, reader.uid).toBe(projects.length);
      for (const project of projects) {
        const card = stripVersion(cards.find((d) => d.id === project.id)!.data);
        const source = stripVersion(project.data);
        expect(card.version).toBe(source.version);
        expect(Object.keys(card.data)).toEqual([CARD_JSON_FIELD]);
        expect(boardCardOfStored(card.data)).toEqual(boardCardOf(applyReadPolicy(reader, 'projects', { id: project.id, ...source })!.data as unknown as Project));
      }
    }
  });

  it('keeps member administration to admins, and gives a disabled member or a stranger nothing', () => {
    const staffGot = readable(authOf(actorOf('u-staff')));
    expect(staffGot.filter((d) => d.collection === 'members').map((d) => d.id)).toEqual(['u-staff']);
    expect(staffGot.some((d) => d.collection === 'activity' && d.data.command === 'member.upsert')).toBe(false);
    const adminGot = readable(authOf(actorOf('u-admin')));
    expect(adminGot.some((d) => d.collection === 'activity' && d.data.command === 'member.upsert')).toBe(true);
    const gone = memberData('u-gone') as unknown as Member;
    expect(gone.disabled).toBe(true);
    expect(readable({ uid: 'u-gone', token: { role: 'staff' } })).toEqual([]);
    expect(readable(null)).toEqual([]);
    // A stale role claim (the member was made a liaison, the token still says staff) reads nothing.
    expect(readable({ uid: 'u-liaison-ceb', token: { role: 'staff' } })).toEqual([]);
  });

  it('gives the register of issued 工作提醒函 (two letters and the year’s counter) to the bureau only', () => {
    const letters = everything.filter((d) => d.collection === 'letters');
    expect(letters).toHaveLength(3);
    for (const identity of SAMPLE_IDENTITIES) {
      const got = readable(authOf(sampleActor(identity))).filter((d) => d.collection === 'letters');
      expect(got, identity.uid).toHaveLength(['admin', 'staff', 'viewer'].includes(identity.role) ? 3 : 0);
    }
  });

  it('lets staff and viewers get which parties have a member (settings/partyContacts), as the members say', () => {
    const members = everything.filter((d) => d.collection === 'members').map((d) => stripVersion(d.data).data as unknown as Member);
    for (const uid of ['u-staff', 'u-viewer']) {
      const got = readable(authOf(actorOf(uid))).find((d) => d.collection === 'settings' && d.id === PARTY_CONTACTS_DOC_ID);
      expect(got && stripVersion(got.data).data, uid).toEqual(partyContactsOf(members));
    }
  });

  it('keeps a move within 3 reads and 4 writes, the board card and view included', async () => {
    const projects = await store.query<Project>('projects', { where: [{ field: 'stage', op: '==', value: 'approval' }] });
    const movable = projects.find((doc) => doc.data.flag === null)!;
    const before = { ...raw.usage };
    await executeCommand(store, { actor: actorOf('u-staff'), now: NOW }, {
      name: 'project.move',
      payload: { projectId: movable.id, expectedVersion: movable.version, toStage: 'diligence', before: null, after: null },
    });
    expect(raw.usage.reads - before.reads).toBeLessThanOrEqual(3);
    expect(raw.usage.writes - before.writes).toBeLessThanOrEqual(4);
    const view = (await db.collection(BOARD_VIEWS).doc(movable.id).get()).data()!;
    expect(view.stage).toBe('diligence');
    expect(view.lines).toEqual([]);
    const card = (await db.collection(BOARD_CARDS).doc(movable.id).get()).data()!;
    expect(card[VERSION_FIELD]).toBe(movable.version + 1);
    expect(boardCardOfStored(card)).toMatchObject({ stage: 'diligence' });
    expect(view[VERSION_FIELD]).toBe(movable.version + 1);
  });

  it('backfills the projections of data stored before they existed', async () => {
    const first = everything.find((d) => d.collection === 'projects')!;
    await db.collection(BOARD_VIEWS).doc(first.id).delete();
    await db.collection(BOARD_CARDS).doc(first.id).delete();
    const written = await backfillReadProjections(db);
    expect(written.boardCards).toBe(everything.filter((d) => d.collection === 'projects').length);
    expect(written.boardViews).toBe(everything.filter((d) => d.collection === 'projects').length);
    const stored = (await db.collection('projects').doc(first.id).get()).data()!;
    const card = (await db.collection(BOARD_CARDS).doc(first.id).get()).data()!;
    expect(stripVersion(card).version).toBe(stored[VERSION_FIELD]);
    expect(boardCardOfStored(stripVersion(card).data)).toEqual(boardCardOf(stripVersion(stored).data as unknown as Project));
    expect(written.bankSnapshots).toBe(everything.filter((d) => d.collection === BANK_SNAPSHOTS).length);
  });
});
