/**
 * The local backend never loses an acknowledged write: tabs (backends on one IndexedDB) take turns
 * through the writer lock and see each other's commits; a write IndexedDB refuses is undone and
 * not acknowledged; old rows are migrated and unreadable rows quarantined at start; a browser
 * without IndexedDB still runs, in memory, and says so.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openDB } from 'idb';
import {
  COLLECTIONS,
  SCHEMA_VERSION,
  boardCardDoc,
  encodeQuarantineReason,
  isDomainError,
  type BoardCard,
  type CollectionName,
  type DomainError,
  type LoanLine,
  type Project,
  type StoredDoc,
  type WorkspaceFile,
} from '@clearway/core';
import type { LocalBackend } from './index';
import { useLocalBackends } from '@/test/localBackends';
import { LocalPersistence } from './persistence';

const NOW = new Date('2026-11-27T08:00:00.000Z');
const TODAY = '2026-11-27';
let dbCounter = 0;
const restore: (() => void)[] = [];
const { open, close } = useLocalBackends({ now: () => NOW });

afterEach(() => {
  restore.splice(0).forEach((undo) => undo());
});

async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!isDomainError(error)) throw new Error(`expected a DomainError, got ${String(error)}`);
  return error;
}

async function movable(backend: LocalBackend): Promise<StoredDoc<Project>> {
  const all = await backend.store.query<Project>('projects');
  const found = all.find((doc) => doc.data.stage === 'approval' && doc.data.flag === null);
  if (!found) throw new Error('the sample has no project under approval');
  return found;
}

function move(doc: StoredDoc<Project>, version: number, toStage: string) {
  return {
    name: 'project.move' as const,
    payload: { projectId: doc.id, expectedVersion: version, toStage, before: null, after: null },
  };
}

/** A line that can take several tranches of 1 万元 today. */
async function openLine(backend: LocalBackend): Promise<StoredDoc<LoanLine>> {
  const lines = await backend.store.query<LoanLine>('loanLines');
  const found = lines.find((doc) => {
    const line = doc.data;
    const drawn = line.tranches.reduce((sum, tranche) => sum + tranche.amount, 0);
    return line.approved !== null && line.approvedDate !== null && line.approved - drawn >= 100_000 && line.status !== 'declined';
  });
  if (!found) throw new Error('the sample has no line with room for tranches');
  return found;
}

describe('one writer across tabs', () => {
  it('a second tab that has not heard of the first tab\'s move gets a conflict, not a silent overwrite', async () => {
    const dbName = `durability-${++dbCounter}`;
    const tabA = await open({ dbName });
    const tabB = await open({ dbName });
    const doc = await movable(tabA);
    // Both tabs saw the card at the same version; no channel tells B about A's move.
    await tabA.execute(move(doc, doc.version, 'diligence'));
    const error = await refusal(tabB.execute(move(doc, doc.version, 'approved')));
    expect(error.messageKey).toBe('errors.conflict');
    // B's store caught up with A's move while it held the lock.
    expect((await tabB.store.get<Project>('projects', doc.id))?.data.stage).toBe('diligence');

    const reloaded = await open({ dbName });
    const stored = await reloaded.store.get<Project>('projects', doc.id);
    expect(stored?.data.stage).toBe('diligence');
    expect(stored?.version).toBe(doc.version + 1);
  });

  it('two tabs adding tranches to one line at once keep every acknowledged tranche, and the digest agrees', async () => {
    const dbName = `durability-${++dbCounter}`;
    const tabA = await open({ dbName });
    const tabB = await open({ dbName });
    const line = await openLine(tabA);
    const acknowledged: string[] = [];

    async function hammer(tab: LocalBackend, label: string): Promise<void> {
      for (let i = 0; i < 4; i++) {
        const current = (await tab.store.get<LoanLine>('loanLines', line.id))!;
        try {
          await tab.execute({
            name: 'line.addTranche',
            payload: { lineId: line.id, expectedVersion: current.version, date: TODAY, amount: 10_000 },
          });
          acknowledged.push(`${label}${i}`);
        } catch (error) {
          if (!isDomainError(error) || error.messageKey !== 'errors.conflict') throw error;
        }
      }
    }
    await Promise.all([hammer(tabA, 'a'), hammer(tabB, 'b')]);
    expect(acknowledged.length).toBeGreaterThan(0);

    const reloaded = await open({ dbName });
    const stored = (await reloaded.store.get<LoanLine>('loanLines', line.id))!.data;
    expect(stored.tranches.length).toBe(line.data.tranches.length + acknowledged.length);
    const project = (await reloaded.store.get<Project>('projects', stored.projectId))!.data;
    const digest = project.lines.find((entry) => entry.id === line.id)!;
    expect(digest.trancheCount).toBe(stored.tranches.length);
    expect(digest.disbursed).toBe(stored.tranches.reduce((sum, tranche) => sum + tranche.amount, 0));
  });
});

describe('without Web Locks', () => {
  it('a commit that another tab got in before is a conflict, undone, and the tab catches up', async () => {
    const dbName = `durability-${++dbCounter}`;
    // Two tabs whose locks do not see each other (a browser without Web Locks).
    const tabA = await open({ dbName, lock: { kind: 'in-page', run: (task) => task() } });
    const tabB = await open({ dbName, lock: { kind: 'in-page', run: (task) => task() } });
    const doc = await movable(tabA);
    const results = await Promise.allSettled([
      tabA.execute(move(doc, doc.version, 'diligence')),
      tabB.execute(move(doc, doc.version, 'pipeline')),
    ]);
    const accepted = results.filter((result) => result.status === 'fulfilled');
    expect(accepted.length).toBeLessThanOrEqual(1);
    for (const result of results) {
      if (result.status === 'rejected') expect((result.reason as DomainError).messageKey).toBe('errors.conflict');
    }
    const reloaded = await open({ dbName });
    const stored = await reloaded.store.get<Project>('projects', doc.id);
    expect(stored?.version).toBe(doc.version + accepted.length);
  });
});

describe('a write IndexedDB refuses', () => {
  it('is reported, undone in memory and never acknowledged', async () => {
    const dbName = `durability-${++dbCounter}`;
    const tab = await open({ dbName });
    const doc = await movable(tab);

    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
      if (this.name === 'docs') throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return put.apply(this, args);
    };
    restore.push(() => {
      IDBObjectStore.prototype.put = put;
    });

    const error = await refusal(tab.execute(move(doc, doc.version, 'diligence')));
    expect(error.messageKey).toBe('workspace.error.storageWriteFailed');
    expect(String(error.params.reason)).toContain('QuotaExceededError');
    const inMemory = await tab.store.get<Project>('projects', doc.id);
    expect(inMemory?.data.stage).toBe('approval');
    expect(inMemory?.version).toBe(doc.version);
    const activity = await tab.store.query('activity', { where: [{ field: 'projectId', op: '==', value: doc.id }] });
    expect(activity.filter((record) => (record.data as { command: string }).command === 'project.move')).toEqual([]);
    // Nothing of the refused command reached IndexedDB: its board card neither (a reload paints from it).
    const db = await openDB(dbName);
    expect(await db.get('cards', doc.id)).toMatchObject({ version: doc.version, data: { stage: 'approval' } });
    db.close();

    // Once IndexedDB takes writes again the same command goes through, from the same version.
    IDBObjectStore.prototype.put = put;
    await tab.execute(move(doc, doc.version, 'diligence'));
    close(tab);
    const reloaded = await open({ dbName });
    expect((await reloaded.store.get<Project>('projects', doc.id))?.data.stage).toBe('diligence');
  });
});

describe('stored data across versions', () => {
  /** Writes the database as the release before schema versions did (DB version 1, bare rows). */
  async function writeVersionOneDatabase(dbName: string, rows: [string, unknown][]): Promise<void> {
    const db = await openDB(dbName, 1, {
      upgrade(database) {
        database.createObjectStore('docs');
        database.createObjectStore('meta', { keyPath: 'key' });
      },
    });
    const tx = db.transaction('docs', 'readwrite');
    for (const [key, row] of rows) void tx.store.put(row, key);
    await tx.done;
    db.close();
  }

  it('migrates old rows, quarantines unreadable ones (kept, reported) and starts', async () => {
    const source = await open({ dbName: `durability-${++dbCounter}` });
    const projects = await source.store.query<Project>('projects');
    const lines = await source.store.query<LoanLine>('loanLines');
    const banks = await source.store.query('banks');
    const settings = await source.store.query('settings');
    const oldProject = structuredClone(projects[0]!) as unknown as StoredDoc<Record<string, unknown>>;
    delete oldProject.data.assignments;
    delete oldProject.data.stall;

    const dbName = `durability-${++dbCounter}`;
    const row = (collection: string, doc: StoredDoc) => [`${collection}/${doc.id}`, { collection, id: doc.id, version: doc.version, data: doc.data }] as [string, unknown];
    await writeVersionOneDatabase(dbName, [
      row('projects', oldProject),
      ...projects.slice(1).map((doc) => row('projects', doc)),
      ...lines.map((doc) => row('loanLines', doc)),
      ...banks.map((doc) => row('banks', doc)),
      ...settings.map((doc) => row('settings', doc)),
      ['projects/broken', { collection: 'projects', id: 'broken', version: 3, data: 'not a project' }],
      ['gadgets/x', { collection: 'gadgets', id: 'x', version: 1, data: {} }],
      ['projects/future', { collection: 'projects', id: 'future', version: 1, schemaVersion: SCHEMA_VERSION + 1, data: {} }],
    ]);

    const tab = await open({ dbName });
    expect(tab.local.storageNotice()).toMatchObject({ quarantined: 3, inMemoryOnly: false });
    const records = await tab.local.quarantinedRecords();
    expect(records.map((record) => record.key).sort()).toEqual(['gadgets/x', 'projects/broken', 'projects/future']);
    expect(records.find((record) => record.key === 'projects/broken')).toMatchObject({
      reason: encodeQuarantineReason('dataNotObject'),
      row: { collection: 'projects', id: 'broken', data: 'not a project' },
    });
    expect(await tab.store.get('projects', 'broken')).toBeNull();

    // The old project was brought up and takes commands (it used to fail with `internal`).
    const migrated = (await tab.store.get<Project>('projects', oldProject.id))!;
    expect(migrated.data.assignments).toEqual([]);
    await tab.execute({
      name: 'project.setActionPlan',
      payload: { projectId: oldProject.id, expectedVersion: migrated.version, actionPlan: '迁移后可用' },
    });

    // Rows are rewritten in the current schema; the quarantine is still there after a reload.
    close(tab);
    const again = await open({ dbName });
    expect(again.local.storageNotice().quarantined).toBe(3);
    const db = await openDB(dbName);
    const stored = (await db.get('docs', `projects/${projects[1]!.id}`)) as { schemaVersion?: number };
    db.close();
    expect(stored.schemaVersion).toBe(SCHEMA_VERSION);
  });

  it('runs in memory with a warning when IndexedDB cannot be opened', async () => {
    const tab = await open({
      openPersistence: () => Promise.reject(new DOMException('A mutation operation was attempted on a database that did not allow mutations.', 'InvalidStateError')),
    });
    expect(tab.local.storageNotice()).toMatchObject({ inMemoryOnly: true, reason: expect.stringContaining('InvalidStateError') });
    const doc = await movable(tab);
    await tab.execute(move(doc, doc.version, 'diligence'));
    expect((await tab.store.get<Project>('projects', doc.id))?.data.stage).toBe('diligence');
  });

  it('does not hang when a tab of the release before keeps the database open: runs in memory and says so', async () => {
    const dbName = `durability-${++dbCounter}`;
    const oldTab = await openDB(dbName, 1, {
      upgrade(database) {
        database.createObjectStore('docs');
      },
    });
    try {
      const tab = await open({ dbName });
      expect(tab.local.storageNotice()).toMatchObject({ inMemoryOnly: true, reason: expect.stringContaining('BlockedError') });
      expect((await tab.store.query('projects')).length).toBeGreaterThan(0);
    } finally {
      oldTab.close();
    }
  });

  it('runs in memory with a warning in a browser without IndexedDB at all, instead of a TypeError', async () => {
    const indexedDb = Object.getOwnPropertyDescriptor(globalThis, 'indexedDB');
    Reflect.deleteProperty(globalThis, 'indexedDB');
    restore.push(() => {
      if (indexedDb) Object.defineProperty(globalThis, 'indexedDB', indexedDb);
    });
    expect(typeof indexedDB).toBe('undefined');
    const tab = await open({ dbName: `durability-${++dbCounter}` });
    expect(tab.local.storageNotice()).toMatchObject({ inMemoryOnly: true, reason: 'IndexedDB is not available' });
    const doc = await movable(tab);
    await tab.execute(move(doc, doc.version, 'diligence'));
  });

  it('opens a new database with the real adapter', async () => {
    const persistence = await LocalPersistence.open(`durability-${++dbCounter}`);
    expect(await persistence.readHead()).toBeNull();
    persistence.close();
  });

  it('upgrades a database of the release before cards (version 2): builds every card once, then keeps them with each commit', async () => {
    const source = await open({ dbName: `durability-${++dbCounter}` });
    // Read through the store: the collections the tab does not show are not in its memory.
    const snapshot = Object.fromEntries(await Promise.all(COLLECTIONS.map(async (name) => [name, await source.store.query(name)] as const))) as Record<CollectionName, StoredDoc[]>;
    close(source);
    const dbName = `durability-${++dbCounter}`;
    const v2 = await openDB(dbName, 2, {
      upgrade(database) {
        database.createObjectStore('docs').createIndex('bySeq', 'seq');
        database.createObjectStore('meta', { keyPath: 'key' });
        database.createObjectStore('quarantine');
      },
    });
    const tx = v2.transaction(['docs', 'meta'], 'readwrite');
    for (const [collection, docs] of Object.entries(snapshot)) {
      for (const doc of docs) void tx.objectStore('docs').put({ collection, id: doc.id, version: doc.version, data: doc.data, schemaVersion: SCHEMA_VERSION, seq: 4 }, `${collection}/${doc.id}`);
    }
    void tx.objectStore('meta').put({ key: 'head', value: { seq: 4, epoch: 'before-cards' } });
    await tx.done;
    v2.close();

    const tab = await open({ dbName, firstScanAfter: new Promise<void>(() => undefined) });
    let cards: StoredDoc<BoardCard>[] = [];
    const stop = tab.watchBoard!((docs) => (cards = docs));
    expect(cards).toEqual(snapshot.projects.map((doc) => boardCardDoc(doc as StoredDoc<Project>)));
    expect(tab.store.isLoaded('projects')).toBe(false);

    const doc = await movable(tab);
    await tab.execute(move(doc, doc.version, 'diligence'));
    stop();
    close(tab);
    const db = await openDB(dbName);
    expect(db.version).toBe(4);
    // The stall scan's index covers the rows stored before it existed.
    const due = snapshot.projects.filter((project) => (project as StoredDoc<Project>).data.stall.nextCheckAt !== null);
    expect(await db.countFromIndex('docs', 'byNextCheck')).toBe(due.length);
    expect(await db.get('cards', doc.id)).toMatchObject({ id: doc.id, version: doc.version + 1, data: { stage: 'diligence' } });
    expect(await db.get('meta', 'head')).toEqual({ key: 'head', value: { seq: 5, epoch: 'before-cards' } });
    expect(await db.count('cards')).toBe(snapshot.projects.length);
    db.close();
  });
});

describe('workspace backup in the demo', () => {
  it('exports the workspace, imports it into an emptied one losslessly, refuses a non-empty one', async () => {
    const dbName = `durability-${++dbCounter}`;
    const tab = await open({ dbName });
    await tab.local.switchIdentity('u-admin');
    const file = await tab.workspace.exportAll();
    expect(file.schemaVersion).toBe(SCHEMA_VERSION);

    const refused = await refusal(tab.workspace.importAll(file));
    expect(refused.messageKey).toBe('workspace.error.notEmpty');

    await tab.workspace.clearAll();
    expect(await tab.store.query('projects')).toEqual([]);
    await tab.workspace.importAll(JSON.parse(JSON.stringify(file)));
    close(tab);

    const reloaded = await open({ dbName });
    await reloaded.local.switchIdentity('u-admin');
    const again: WorkspaceFile = await reloaded.workspace.exportAll();
    expect(again.collections).toEqual(file.collections);
  });

  it('an import that fails after some of its batches committed leaves the workspace empty, in memory and on disk', async () => {
    const dbName = `durability-${++dbCounter}`;
    const tab = await open({ dbName });
    await tab.local.switchIdentity('u-admin');
    const file = await tab.workspace.exportAll();
    await tab.workspace.clearAll();
    // Enough documents for three batches; the third one fails.
    const broken = structuredClone(file);
    const record = (id: string) => ({
      id,
      data: { id, at: NOW.toISOString(), actor: { uid: 'u-admin', name: '李建华', role: 'admin' }, command: 'project.create', projectId: null, lineId: null, before: null, after: null },
    });
    broken.collections.activity = [...broken.collections.activity, ...Array.from({ length: 900 }, (_, i) => record(`bulk-${i}`))];
    const failing = tab.store.runTransaction.bind(tab.store);
    let calls = 0;
    tab.store.runTransaction = (async (fn: Parameters<typeof failing>[0]) => {
      if (++calls === 3) throw new Error('disk on fire');
      return failing(fn);
    }) as typeof tab.store.runTransaction;
    await expect(tab.workspace.importAll(broken)).rejects.toBeDefined();
    tab.store.runTransaction = failing;
    expect(calls).toBe(3);
    expect(await tab.store.query('projects')).toEqual([]);
    expect(await tab.store.query('activity')).toEqual([]);
    close(tab);
    const reloaded = await open({ dbName });
    expect(await reloaded.store.query('projects')).toEqual([]);
  });

  it('is for admins only', async () => {
    const tab = await open({ dbName: `durability-${++dbCounter}` });
    await tab.local.switchIdentity('u-staff');
    expect((await refusal(tab.workspace.exportAll())).messageKey).toBe('errors.permission.role');
  });
});
