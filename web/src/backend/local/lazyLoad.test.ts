/**
 * The demo reads only what the board shows before its first paint (the stored cards, the banks and
 * the settings) and every other collection from IndexedDB the first time a watch or a command
 * reads it, brought to the same head as what is already in memory.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openDB } from 'idb';
import { SCHEMA_VERSION, boardCardDoc, boardCardOf, isDomainError, type BoardCard, type CollectionName, type LoanLine, type Project, type StoredDoc } from '@clearway/core';
import type { LocalBackend } from './index';
import { useLocalBackends } from '@/test/localBackends';
import { createChannelHub } from './syncChannel';
import { CARD_FORMAT, CARDS_MARKER } from './persistence';

const NOW = new Date('2026-11-27T08:00:00.000Z');
const TODAY = '2026-11-27';
let dbCounter = 0;
const restore: (() => void)[] = [];

/** A tab whose stall scan waits for a paint that never comes: nothing but the board is read. */
const { open, close } = useLocalBackends({ firstScanAfter: new Promise<void>(() => undefined), now: () => NOW });

afterEach(() => {
  restore.splice(0).forEach((undo) => undo());
});

/** A seeded database, closed again: the next `open` is a reload. */
async function seeded(): Promise<string> {
  const dbName = `lazy-${++dbCounter}`;
  close(await open({ dbName }));
  return dbName;
}

/** Records every bulk read of IndexedDB: the store (or index) and the key range's lower bound. */
function recordBulkReads(): string[] {
  const reads: string[] = [];
  const describe = (range: unknown) => (range instanceof IDBKeyRange ? String(range.lower) : range === undefined || range === null ? '(all)' : String(range));
  const objectStore = IDBObjectStore.prototype;
  const index = IDBIndex.prototype;
  const originals = { getAll: objectStore.getAll, getAllKeys: objectStore.getAllKeys, indexGetAll: index.getAll, openCursor: objectStore.openCursor };
  objectStore.getAll = function (this: IDBObjectStore, query?: unknown, count?: number) {
    reads.push(`${this.name} ${describe(query)}`);
    return originals.getAll.call(this, query as IDBKeyRange, count);
  };
  objectStore.getAllKeys = function (this: IDBObjectStore, query?: unknown, count?: number) {
    reads.push(`${this.name} keys ${describe(query)}`);
    return originals.getAllKeys.call(this, query as IDBKeyRange, count);
  };
  index.getAll = function (this: IDBIndex, query?: unknown, count?: number) {
    reads.push(`${this.objectStore.name}.${this.name} ${describe(query)}`);
    return originals.indexGetAll.call(this, query as IDBKeyRange, count);
  };
  objectStore.openCursor = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['openCursor']>) {
    reads.push(`${this.name} cursor`);
    return originals.openCursor.apply(this, args);
  };
  restore.push(() => {
    objectStore.getAll = originals.getAll;
    objectStore.getAllKeys = originals.getAllKeys;
    index.getAll = originals.indexGetAll;
    objectStore.openCursor = originals.openCursor;
  });
  return reads;
}

function loadedCollections(backend: LocalBackend): CollectionName[] {
  return (['projects', 'loanLines', 'banks', 'members', 'activity', 'settings', 'months', 'snapshots'] as const).filter((name) => backend.store.isLoaded(name));
}

/** A line with room for a tranche of 1 万元 today, and the database's copy of it. */
async function storedLine(dbName: string): Promise<StoredDoc<LoanLine>> {
  const db = await openDB(dbName);
  const rows = (await db.getAll('docs', IDBKeyRange.bound('loanLines/', 'loanLines0', false, true))) as { id: string; version: number; data: LoanLine }[];
  db.close();
  const row = rows.find(({ data: line }) => {
    const drawn = line.tranches.reduce((sum, tranche) => sum + tranche.amount, 0);
    return line.approved !== null && line.approvedDate !== null && line.approved - drawn >= 100_000 && line.status !== 'declined';
  });
  if (!row) throw new Error('the sample has no line with room for tranches');
  return { id: row.id, version: row.version, data: row.data };
}

function addTranche(line: StoredDoc<LoanLine>, version = line.version) {
  return { name: 'line.addTranche' as const, payload: { lineId: line.id, expectedVersion: version, date: TODAY, amount: 10_000 } };
}

describe('the demo reads what the board shows first', () => {
  it('a reload reads only the cards, the banks and the settings before it is ready', async () => {
    const dbName = await seeded();
    const reads = recordBulkReads();
    const tab = await open({ dbName });
    expect(reads.sort()).toEqual(['cards (all)', 'docs banks/', 'docs keys banks/', 'docs keys settings/', 'docs settings/'].sort());
    expect(loadedCollections(tab)).toEqual(['banks', 'settings']);

    // The board is there all the same: every project's card as stored.
    const cards: StoredDoc<BoardCard>[][] = [];
    const stop = tab.watchBoard!((docs) => cards.push(docs));
    expect(cards).toHaveLength(1);
    expect(loadedCollections(tab)).toEqual(['banks', 'settings']);
    const projects = await tab.store.query<Project>('projects');
    expect(cards[0]).toEqual(projects.map(boardCardDoc));
    stop();
  });

  it("a drawer's lines are read on its first watch, and the other collections stay on disk", async () => {
    const dbName = await seeded();
    const line = await storedLine(dbName);
    const tab = await open({ dbName });
    const reads = recordBulkReads();
    let seen: StoredDoc<LoanLine>[] | null = null;
    const stop = tab.watchQuery<LoanLine>('loanLines', { where: [{ field: 'projectId', op: '==', value: line.data.projectId }] }, (docs) => (seen = docs));
    await vi.waitFor(() => expect(seen).not.toBeNull());
    expect(seen!.map((doc) => doc.id)).toContain(line.id);
    expect(seen!.every((doc) => doc.data.projectId === line.data.projectId)).toBe(true);
    expect(reads.filter((read) => read.startsWith('docs ')).sort()).toEqual(['docs keys loanLines/', 'docs loanLines/']);
    expect(loadedCollections(tab)).toEqual(['loanLines', 'banks', 'settings']);
    stop();
  });

  it('a command on lines not read yet reads them first: a fresh version goes through, a stale one is a conflict', async () => {
    const dbName = await seeded();
    const line = await storedLine(dbName);
    const tab = await open({ dbName });
    await tab.execute(addTranche(line));
    const stored = (await tab.store.get<LoanLine>('loanLines', line.id))!;
    expect(stored.version).toBe(line.version + 1);
    expect(stored.data.tranches).toHaveLength(line.data.tranches.length + 1);
    // The project's digest was written from the lines as stored, not from an empty collection.
    const project = (await tab.store.get<Project>('projects', line.data.projectId))!;
    expect(project.data.lines.find((entry) => entry.id === line.id)?.trancheCount).toBe(stored.data.tranches.length);

    close(tab);
    const again = await open({ dbName });
    const error = await again.execute(addTranche(line)).catch((e: unknown) => e);
    expect(isDomainError(error) && error.messageKey).toBe('errors.conflict');
    expect((await again.store.get<LoanLine>('loanLines', line.id))?.version).toBe(line.version + 1);
  });

  it("another tab's commit to a collection this tab has not read is there when it reads it, the cards follow at once", async () => {
    const dbName = await seeded();
    const line = await storedLine(dbName);
    for (const channel of ['none', 'hub'] as const) {
      const hub = createChannelHub();
      const tabA = await open({ dbName, ...(channel === 'hub' ? { channel: hub.join() } : {}) });
      const tabB = await open({ dbName, ...(channel === 'hub' ? { channel: hub.join() } : {}) });
      const cards: StoredDoc<BoardCard>[][] = [];
      const stop = tabA.watchBoard!((docs) => cards.push(docs));
      const current = (await tabB.store.get<LoanLine>('loanLines', line.id))!;
      await tabB.execute(addTranche(line, current.version));
      const written = (await tabB.store.get<Project>('projects', line.data.projectId))!;
      if (channel === 'hub') {
        // The notice reaches A: its card of the project follows, its lines stay on disk.
        await vi.waitFor(() => expect(cards.at(-1)!.find((card) => card.id === written.id)?.version).toBe(written.version));
        expect(tabA.store.isLoaded('loanLines')).toBe(false);
      }
      const seen = (await tabA.store.get<LoanLine>('loanLines', line.id))!;
      expect(seen.version).toBe(current.version + 1);
      expect(seen.data.tranches).toHaveLength(current.data.tranches.length + 1);
      // Reading the lines brought A's other collections (the cards too) to the same commit.
      expect(cards.at(-1)!.find((card) => card.id === written.id)).toEqual(boardCardDoc(written));
      expect((await tabA.store.get<Project>('projects', written.id))?.version).toBe(written.version);
      stop();
      close(tabA);
      close(tabB);
    }
  });

  it('a collection read after another tab emptied the workspace (a new epoch, no notice) is read from the new one, the board too', async () => {
    const dbName = await seeded();
    const tabA = await open({ dbName });
    const cards: StoredDoc<BoardCard>[][] = [];
    const stop = tabA.watchBoard!((docs) => cards.push(docs));
    expect(cards.at(-1)!.length).toBeGreaterThan(0);
    const tabB = await open({ dbName });
    await tabB.local.switchIdentity('u-admin');
    await tabB.workspace.clearAll();

    expect(await tabA.store.query('loanLines')).toEqual([]);
    expect(cards.at(-1)).toEqual([]);
    expect(await tabA.store.query('projects')).toEqual([]);
    stop();
  });

  it("open watches show the new workspace after a reset (this tab's or another's), not an empty list or a missing project", async () => {
    const dbName = await seeded();
    for (const who of ['this tab', 'another tab'] as const) {
      const hub = createChannelHub();
      const tabA = await open({ dbName, channel: hub.join() });
      const tabB = await open({ dbName, channel: hub.join() });
      let projects: StoredDoc<Project>[] = [];
      let drawer: StoredDoc<Project> | null | undefined;
      const first = (await tabA.store.query<Project>('projects'))[0]!;
      const stopQuery = tabA.watchQuery<Project>('projects', {}, (docs) => (projects = docs));
      const stopDoc = tabA.watchDoc<Project>('projects', first.id, (doc) => (drawer = doc));
      await vi.waitFor(() => expect(projects.length).toBeGreaterThan(0));
      await vi.waitFor(() => expect(drawer?.id).toBe(first.id));

      await (who === 'this tab' ? tabA : tabB).local.resetSampleData();
      await tabB.flush();
      await tabA.flush();
      // The sample is deterministic: the same projects again, under a new epoch.
      await vi.waitFor(async () => expect(projects).toEqual(await tabA.store.query<Project>('projects')));
      expect(projects.length).toBeGreaterThan(0);
      await vi.waitFor(async () => expect(drawer).toEqual(await tabA.store.get<Project>('projects', first.id)));
      expect(drawer).not.toBeNull();
      stopQuery();
      stopDoc();
      close(tabA);
      close(tabB);
    }
  });

  it('an unreadable row is quarantined when its collection is first read, and reported', async () => {
    const dbName = await seeded();
    const db = await openDB(dbName);
    const head = (await db.get('meta', 'head')) as { value: { seq: number } };
    await db.put('docs', { collection: 'loanLines', id: 'broken', version: 1, seq: head.value.seq, schemaVersion: 2, data: 'not a line' }, 'loanLines/broken');
    db.close();

    const tab = await open({ dbName });
    expect(tab.local.storageNotice().quarantined).toBe(0);
    const lines = await tab.store.query<LoanLine>('loanLines');
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.some((doc) => doc.id === 'broken')).toBe(false);
    expect(tab.local.storageNotice().quarantined).toBe(1);
    expect((await tab.local.quarantinedRecords()).map((record) => record.key)).toEqual(['loanLines/broken']);

    close(tab);
    const check = await openDB(dbName);
    expect(await check.get('docs', 'loanLines/broken')).toBeUndefined();
    check.close();
    const again = await open({ dbName });
    expect(again.local.storageNotice().quarantined).toBe(1);
  });

  it('rows put into the database by something else than a commit (no sequence) are found at the next load, once', async () => {
    const dbName = await seeded();
    const db = await openDB(dbName);
    await db.put('docs', { collection: 'projects', id: 'damaged', version: 1, data: 'not a project' }, 'projects/damaged');
    await db.put('docs', { collection: 'loanLines', id: 'damaged', version: 1, data: 'not a line' }, 'loanLines/damaged');
    db.close();
    const tab = await open({ dbName });
    expect(tab.local.storageNotice().quarantined).toBe(2);
    expect((await tab.local.quarantinedRecords()).map((record) => record.key).sort()).toEqual(['loanLines/damaged', 'projects/damaged']);
    close(tab);

    const reads = recordBulkReads();
    const again = await open({ dbName });
    expect(again.local.storageNotice().quarantined).toBe(2);
    expect(reads.filter((read) => read.startsWith('docs ') && !/banks|settings/.test(read))).toEqual([]);
  });

  it('the stall scan after the first paint reads what it needs then and lets go of what no watch reads; a reload right after reads the board only', async () => {
    const dbName = `lazy-${++dbCounter}`;
    const storage = new Map<string, string>();
    const memo = { getItem: (key: string) => storage.get(key) ?? null, setItem: (key: string, value: string) => void storage.set(key, value) };
    let painted!: () => void;
    const tab = await open({ dbName, storage: memo, firstScanAfter: new Promise<void>((resolve) => (painted = resolve)) });
    let lines: StoredDoc<LoanLine>[] = [];
    const stop = tab.watchQuery<LoanLine>('loanLines', {}, (docs) => (lines = docs));
    expect(await tab.runStallScan()).not.toBeNull();
    expect(loadedCollections(tab)).toEqual(['loanLines', 'banks', 'settings']);
    expect(lines.length).toBeGreaterThan(0);
    stop();
    storage.clear();
    painted();
    await vi.waitFor(() => expect(storage.size).toBe(1));
    await tab.flush();
    expect(loadedCollections(tab)).toEqual(['banks', 'settings']);
    close(tab);

    const reads = recordBulkReads();
    const reloaded = await open({ dbName, storage: memo, firstScanAfter: Promise.resolve() });
    await reloaded.flush();
    expect(reads.filter((read) => read.startsWith('docs ') && !/banks|settings/.test(read))).toEqual([]);
    expect(loadedCollections(reloaded)).toEqual(['banks', 'settings']);
  });
});

describe('the stored cards', () => {
  it('are of the format this release writes: a change to the fields of BoardCard bumps CARD_FORMAT (the stored cards are then built again)', async () => {
    const tab = await open({ dbName: `lazy-${++dbCounter}` });
    const project = (await tab.store.query<Project>('projects'))[0]!;
    expect({ format: CARD_FORMAT, fields: Object.keys(boardCardOf(project.data)).sort() }).toEqual({
      format: 2,
      fields: ['assignments', 'bankIds', 'blockers', 'clearance', 'district', 'flag', 'id', 'leadBankId', 'lineCount', 'lines', 'name', 'needTotal', 'owner', 'rank', 'responsiblePerson', 'responsibleUnit', 'sector', 'stage', 'stall'],
    });
  });

  it('of another format are built again from the projects at the next load', async () => {
    const dbName = await seeded();
    const db = await openDB(dbName);
    const any = (await db.getAllKeys('cards'))[0]!;
    await db.put('cards', { id: any, version: 1, data: { stale: true } }, any);
    await db.put('meta', { key: 'cardsFormat', value: CARD_FORMAT - 1 });
    db.close();
    const tab = await open({ dbName });
    let cards: StoredDoc<BoardCard>[] = [];
    tab.watchBoard!((docs) => (cards = docs))();
    expect(cards).toEqual((await tab.store.query<Project>('projects')).map(boardCardDoc));
  });

  it('built from the projects of an older data schema are built again at the next load (the projects are migrated first)', async () => {
    // A marker of the card format alone (written before the schema was part of it) says nothing of the schema either.
    for (const marker of [`${CARD_FORMAT}/${SCHEMA_VERSION - 1}`, CARD_FORMAT]) {
      const dbName = await seeded();
      const db = await openDB(dbName);
      const any = (await db.getAllKeys('cards'))[0]!;
      await db.put('cards', { id: any, version: 1, data: { stale: true } }, any);
      await db.put('meta', { key: 'cardsFormat', value: marker });
      db.close();
      const tab = await open({ dbName });
      let cards: StoredDoc<BoardCard>[] = [];
      tab.watchBoard!((docs) => (cards = docs))();
      expect(cards).toEqual((await tab.store.query<Project>('projects')).map(boardCardDoc));
      const check = await openDB(dbName);
      expect(await check.get('meta', 'cardsFormat')).toEqual({ key: 'cardsFormat', value: CARDS_MARKER });
      check.close();
      close(tab);
    }
  });
});
