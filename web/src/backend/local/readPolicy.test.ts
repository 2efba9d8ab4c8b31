/**
 * The demo backend's reads for every sample identity: every document every watch hands out is
 * checked against core's independent read-policy checker, and switching the identity re-evaluates
 * the watches that are already open.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { COLLECTIONS, addMonths, monthOf, type CollectionName, type LoanLine, type Project, type StoredDoc } from '@clearway/core';
import { readPolicyViolations, readPolicyWorld } from '@clearway/core/testing/readPolicyChecks';
import { createLocalBackend, type LocalBackend } from './index';

const NOW = new Date('2026-11-27T08:00:00.000Z');
let dbCounter = 0;
const opened: LocalBackend[] = [];

function memoryStorage() {
  const values = new Map<string, string>();
  return { getItem: (key: string) => values.get(key) ?? null, setItem: (key: string, value: string) => void values.set(key, value) };
}

async function open(): Promise<LocalBackend> {
  const backend = await createLocalBackend({
    dbName: `clearway-read-policy-${++dbCounter}`,
    channel: null,
    storage: memoryStorage(),
    stallScanIntervalMs: null,
    now: () => NOW,
  });
  await backend.ready();
  opened.push(backend);
  return backend;
}

afterEach(() => {
  for (const backend of opened.splice(0)) backend.dispose();
});

/** The first result of a query watch. */
function firstResult(backend: LocalBackend, collection: CollectionName): Promise<StoredDoc[]> {
  return new Promise((resolve, reject) => {
    const stop = backend.watchQuery(collection, {}, (docs) => {
      queueMicrotask(stop);
      resolve(docs);
    }, reject);
  });
}

function firstDoc(backend: LocalBackend, collection: CollectionName, id: string): Promise<StoredDoc | null> {
  return new Promise((resolve, reject) => {
    const stop = backend.watchDoc(collection, id, (doc) => {
      queueMicrotask(stop);
      resolve(doc);
    }, reject);
  });
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('local backend reads through the read policy', () => {
  it('hands each identity, by query and by document, only what the policy allows', async () => {
    const backend = await open();
    await backend.execute({ name: 'month.close', payload: { month: addMonths(monthOf(NOW), -1) } });
    const world = readPolicyWorld((await backend.store.query<LoanLine>('loanLines')).map((doc) => doc.data));
    const everyDoc = new Map<CollectionName, StoredDoc[]>();
    for (const collection of COLLECTIONS) everyDoc.set(collection, await backend.store.query(collection));

    for (const identity of backend.local.identities()) {
      await backend.local.switchIdentity(identity.uid);
      const reader = { uid: identity.uid, role: identity.role, bankId: identity.bankId };
      const violations: string[] = [];
      let received = 0;
      for (const collection of COLLECTIONS) {
        const docs = await firstResult(backend, collection);
        received += docs.length;
        for (const doc of docs) violations.push(...readPolicyViolations(reader, collection, doc, world));
        for (const stored of everyDoc.get(collection)!) {
          const doc = await firstDoc(backend, collection, stored.id);
          if (doc) violations.push(...readPolicyViolations(reader, collection, doc, world));
        }
      }
      expect(violations, identity.uid).toEqual([]);
      expect(received, identity.uid).toBeGreaterThan(everyDoc.get('projects')!.length);
      // The checker would have seen a leak: the raw documents do not pass it for a liaison.
      if (identity.role === 'liaison') {
        const raw = [...everyDoc].flatMap(([collection, docs]) => docs.flatMap((doc) => readPolicyViolations(reader, collection, doc, world)));
        expect(raw.length, identity.uid).toBeGreaterThan(0);
      }
    }
    expect(everyDoc.get('snapshots')!.length).toBeGreaterThan(0);
  });

  it('re-evaluates open watches when the identity switches', async () => {
    const backend = await open();
    await backend.local.switchIdentity('u-admin');
    let lines: StoredDoc<LoanLine>[] = [];
    let board: StoredDoc<Project>[] = [];
    const stops = [
      backend.watchQuery<LoanLine>('loanLines', {}, (docs) => (lines = docs)),
      backend.watchQuery<Project>('projects', {}, (docs) => (board = docs)),
    ];
    // The first answers wait for the collections to be read from IndexedDB.
    await vi.waitFor(() => expect(lines.length > 0 && board.length > 0).toBe(true));
    const banks = new Set(lines.map((doc) => doc.data.bankId));
    expect(banks.size).toBeGreaterThan(1);
    expect(board.some((doc) => new Set(doc.data.lines.map((l) => l.bankId)).size > 1)).toBe(true);

    await backend.local.switchIdentity('u-liaison-ceb');
    await tick();
    expect(lines.length).toBeGreaterThan(0);
    expect(new Set(lines.map((doc) => doc.data.bankId))).toEqual(new Set(['ceb']));
    expect(board.every((doc) => doc.data.lines.every((line) => line.bankId === 'ceb'))).toBe(true);

    // A change after the switch reaches the open watch projected too.
    const shared = board.find((doc) => doc.data.bankIds.length > 1 && doc.data.bankIds.includes('ceb'))!;
    await backend.local.switchIdentity('u-staff');
    await tick();
    const staffView = board.find((doc) => doc.id === shared.id)!;
    expect(staffView.data.lines.some((line) => line.bankId !== 'ceb')).toBe(true);
    await backend.local.switchIdentity('u-liaison-ceb');
    await backend.execute({ name: 'project.setActionPlan', payload: { projectId: shared.id, expectedVersion: shared.version, actionPlan: '一项一策' } }).catch(() => undefined);
    await tick();
    expect(board.find((doc) => doc.id === shared.id)!.data.lines.every((line) => line.bankId === 'ceb')).toBe(true);
    stops.forEach((stop) => stop());
  });
});
