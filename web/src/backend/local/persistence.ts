/**
 * IndexedDB persistence of the local backend (via `idb`).
 *
 * `docs` holds one row per document keyed `collection/id`, stamped with the schema version it was
 * written in and the sequence number of the commit that wrote it; a delete leaves a tombstone row
 * so that a tab can learn of it. `meta/head` holds the latest commit's sequence number and the
 * workspace epoch (a new one on every reset or clear). A tab that holds the writer lock reads what
 * changed since its own last sequence (the `bySeq` index), runs its command, and commits the
 * changed rows together with the new head in ONE IndexedDB transaction, so a commit is all or
 * nothing and tabs never interleave.
 *
 * The board reads only its own rows: `cards` holds every project's board card (core's
 * `boardCardOf`, about a sixth of a project's bytes), written in the same transaction as the
 * project, and one collection is read by its key range (`projects/` up to `projects0`), so a
 * reload never touches the loan lines, the history or the snapshots until something shows them.
 *
 * Rows that cannot be read (corrupt, or written by a newer release) are moved to `quarantine`
 * with the reason when their collection is read: kept aside, never deleted, and reported on screen.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import {
  COLLECTIONS,
  SCHEMA_VERSION,
  boardCardDoc,
  encodeQuarantineReason,
  migrateStoredDoc,
  type BoardCard,
  type CollectionName,
  type DocumentChange,
  type Project,
  type StoredDoc,
  type VersionedStoredDoc,
} from '@clearway/core';

export const DEFAULT_DB_NAME = 'clearway-local';
/**
 * 1: rows without schema version or sequence; 2: adds `bySeq`, `quarantine` and `meta/head`;
 * 3: adds `cards` (built from the projects at the first load, see `CARD_FORMAT`);
 * 4: adds `byNextCheck` (the stall scan's candidates, see `readDueProjects`).
 */
const DB_VERSION = 4;
const HEAD_KEY = 'head';
const CARDS_KEY = 'cardsFormat';
/**
 * The shape of the stored cards. A release that changes `BoardCard` bumps it, and the first load
 * of a database with cards of another format builds them again from the projects.
 */
export const CARD_FORMAT = 2;
/**
 * What `meta/cardsFormat` holds: the card format and the data schema the cards were built from.
 * A schema bump migrates the projects as they are read, so cards built from the old shape are
 * built again too.
 */
export const CARDS_MARKER = `${CARD_FORMAT}/${SCHEMA_VERSION}`;

interface PersistedDoc {
  collection: CollectionName;
  id: string;
  version: number;
  data: unknown;
  /** Absent on rows written before schema versions (version 1). */
  schemaVersion?: number;
  /** The commit that wrote the row; absent on rows written before sequences. */
  seq?: number;
  /** A tombstone: the document was deleted by commit `seq`. */
  deleted?: true;
}

export interface QuarantinedRecord {
  key: string;
  reason: string;
  quarantinedAt: string;
  /** The row exactly as it was stored. */
  row: unknown;
}

export interface Head {
  seq: number;
  epoch: string;
}

interface LocalSchema extends DBSchema {
  docs: { key: string; value: PersistedDoc; indexes: { bySeq: number; byNextCheck: string } };
  cards: { key: string; value: StoredDoc<BoardCard> };
  meta: { key: string; value: { key: string; value: unknown } };
  quarantine: { key: string; value: QuarantinedRecord };
}

export type CollectionSnapshot = Record<CollectionName, StoredDoc[]>;

/** Where a stored project keeps its next stall check (`Project.stall.nextCheckAt`). */
const NEXT_CHECK_PATH = 'data.stall.nextCheckAt';

/** The projects whose next stall check has come, read by the index, with the head of the same transaction. */
export interface DueRead {
  head: Head | null;
  docs: StoredDoc[];
  /** Some rows could not be read: the caller reads the whole collection instead (which quarantines them). */
  unreadable: boolean;
}

/** One collection as stored, read in one transaction with the head and the commits after a sequence. */
export interface CollectionRead {
  head: Head | null;
  docs: StoredDoc[];
  /** The rows committed after the sequence asked for, in every collection (a catch-up). */
  changes: DocumentChange[];
  /** Collections of rows among `changes` that could not be read. */
  unreadableIn: Set<CollectionName>;
  /** Keys of the rows of the collection moved to quarantine by this read. */
  quarantinedKeys: string[];
}

/** What the board paints first, read in one transaction. */
export interface BoardRead {
  head: Head | null;
  cards: StoredDoc<BoardCard>[];
  collections: Partial<CollectionSnapshot>;
  /** Every row in quarantine now. */
  quarantined: number;
  /** Rows in `docs` (tombstones included): none and no head is a database never seeded. */
  rowCount: number;
}

function keyOf(collection: CollectionName, id: string): string {
  return `${collection}/${id}`;
}

/** The keys of one collection: `c/` up to, not including, `c0` (the character after the slash). */
function rangeOf(collection: CollectionName): IDBKeyRange {
  return IDBKeyRange.bound(`${collection}/`, `${collection}0`, false, true);
}

function isKnownCollectionKey(key: string): boolean {
  const slash = key.indexOf('/');
  return slash > 0 && (COLLECTIONS as readonly string[]).includes(key.slice(0, slash));
}

/** A row to move to quarantine, as found by a read (it moves only if nobody rewrote it since). */
interface Unreadable {
  key: string;
  reason: string;
  row: unknown;
}

/** A readable row of an older schema, to store again in the current one. */
interface Outdated {
  key: string;
  row: PersistedDoc;
  /** The row as read (it is rewritten only if still so). */
  was: unknown;
}

/** The rows of one collection as the current shape, and what to quarantine or rewrite. */
function readRows(keys: string[], rows: unknown[]): { docs: StoredDoc[]; unreadable: Unreadable[]; outdated: Outdated[] } {
  const docs: StoredDoc[] = [];
  const unreadable: Unreadable[] = [];
  const outdated: Outdated[] = [];
  rows.forEach((row, index) => {
    if ((row as PersistedDoc | null)?.deleted) return;
    const key = keys[index]!;
    const result = readRow(row);
    if ('quarantined' in result) {
      unreadable.push({ key, reason: result.quarantined, row });
      return;
    }
    docs.push(result.doc);
    const stored = row as PersistedDoc;
    if (stored.schemaVersion !== SCHEMA_VERSION || stored.seq === undefined) outdated.push({ key, row: rowOf(result.collection, result.doc, stored.seq ?? 0), was: row });
  });
  return { docs, unreadable, outdated };
}

/** The same stored row (a commit since would have given it another sequence or version). */
function sameRow(a: unknown, b: unknown): boolean {
  const x = a as Partial<PersistedDoc> | null | undefined;
  const y = b as Partial<PersistedDoc> | null | undefined;
  return !!x && !!y && x.seq === y.seq && x.version === y.version && x.schemaVersion === y.schemaVersion && x.deleted === y.deleted;
}

export function emptySnapshot(): CollectionSnapshot {
  return Object.fromEntries(COLLECTIONS.map((name) => [name, [] as StoredDoc[]])) as CollectionSnapshot;
}

export function newEpoch(): string {
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

function isHead(value: unknown): value is Head {
  const head = value as Partial<Head> | null;
  return head !== null && typeof head === 'object' && typeof head.seq === 'number' && typeof head.epoch === 'string';
}

function rowOf(collection: CollectionName, doc: StoredDoc, seq: number): PersistedDoc {
  return { collection, id: doc.id, version: doc.version, data: doc.data, schemaVersion: SCHEMA_VERSION, seq };
}

/** A stored row as the current shape, or why it cannot be read. */
function readRow(row: unknown): { collection: CollectionName; doc: StoredDoc } | { quarantined: string } {
  if (row === null || typeof row !== 'object') return { quarantined: encodeQuarantineReason('notARecord') };
  const candidate = row as Partial<PersistedDoc>;
  if (!(COLLECTIONS as readonly string[]).includes(candidate.collection as string)) {
    return { quarantined: encodeQuarantineReason('unknownCollection', { collection: String(candidate.collection) }) };
  }
  const collection = candidate.collection as CollectionName;
  const doc: VersionedStoredDoc = {
    id: candidate.id as string,
    version: candidate.version as number,
    data: candidate.data,
    ...(candidate.schemaVersion === undefined ? {} : { schemaVersion: candidate.schemaVersion }),
  };
  const migrated = migrateStoredDoc(collection, doc);
  return 'quarantined' in migrated ? migrated : { collection, doc: migrated.doc };
}

/** Why a row outside every collection's key range cannot be read. */
function readRowReason(row: unknown): string {
  const read = readRow(row);
  return 'quarantined' in read ? read.quarantined : encodeQuarantineReason('outsideCollection');
}

/** Rows of a catch-up as changes (tombstones as deletions), and the collections of the unreadable ones. */
function changesOf(rows: PersistedDoc[]): { changes: DocumentChange[]; unreadableIn: Set<CollectionName> } {
  const changes: DocumentChange[] = [];
  const unreadableIn = new Set<CollectionName>();
  for (const row of rows) {
    if (row.deleted) {
      changes.push({ collection: row.collection, id: row.id, doc: null });
      continue;
    }
    const read = readRow(row);
    if ('quarantined' in read) unreadableIn.add(row.collection);
    else changes.push({ collection: read.collection, id: read.doc.id, doc: read.doc });
  }
  return { changes, unreadableIn };
}

/**
 * Issues a transaction's writes and waits for them. A write refused at once (a full disk throws
 * from `put`) aborts the transaction, so the writes issued before it are not committed either.
 */
async function writeAll(tx: { abort(): void; done: Promise<void> }, issue: (writes: Promise<unknown>[]) => void): Promise<void> {
  const writes: Promise<unknown>[] = [];
  try {
    issue(writes);
  } catch (error) {
    tx.abort();
    await Promise.allSettled([...writes, tx.done]);
    throw error;
  }
  await Promise.all(writes);
  await tx.done;
}

/** Another tab committed since this one caught up: only possible without Web Locks. */
export class HeadMovedError extends Error {
  constructor(
    readonly current: Head | null,
    readonly expected: Head | null,
  ) {
    super(`IndexedDB head moved to ${JSON.stringify(current)}, expected ${JSON.stringify(expected)}`);
    this.name = 'HeadMovedError';
  }
}

export class LocalPersistence {
  private constructor(private readonly db: IDBPDatabase<LocalSchema>) {}

  /**
   * Opens (and if needed upgrades) the database. A tab of an older release that holds it open
   * blocks the upgrade until it closes: rather than hang on "loading", the open fails at once
   * (the app then runs in memory and says so) and a late success is closed again.
   */
  static open(name: string = DEFAULT_DB_NAME): Promise<LocalPersistence> {
    return new Promise((resolve, reject) => {
      let settled = false;
      const opening = openDB<LocalSchema>(name, DB_VERSION, {
        upgrade(database, _oldVersion, _newVersion, tx) {
          const docs = database.objectStoreNames.contains('docs') ? tx.objectStore('docs') : database.createObjectStore('docs');
          if (!docs.indexNames.contains('bySeq')) docs.createIndex('bySeq', 'seq');
          // A project's next stall check (an ISO instant; null, when no rule can fire, is no key
          // and leaves the row out). Created on a filled store, it indexes the rows already there.
          if (!docs.indexNames.contains('byNextCheck')) docs.createIndex('byNextCheck', NEXT_CHECK_PATH);
          // Filled by the first load (`prepareBoard`), which reads the projects through the migrations.
          if (!database.objectStoreNames.contains('cards')) database.createObjectStore('cards');
          if (!database.objectStoreNames.contains('meta')) database.createObjectStore('meta', { keyPath: 'key' });
          if (!database.objectStoreNames.contains('quarantine')) database.createObjectStore('quarantine');
        },
        blocked() {
          settled = true;
          reject(new DOMException('Another tab of an older version keeps the local database open: close it and reload.', 'BlockedError'));
        },
        // A tab of a newer release wants to upgrade: let it; this tab's next write then fails and says so.
        blocking() {
          void opening.then((db) => db.close());
        },
      });
      opening.then(
        (db) => {
          if (settled) db.close();
          else resolve(new LocalPersistence(db));
        },
        (error: unknown) => {
          if (!settled) reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  }

  async readHead(): Promise<Head | null> {
    const row = await this.db.get('meta', HEAD_KEY);
    return isHead(row?.value) ? row.value : null;
  }

  /**
   * The board's first read: the head, every card and the small collections the board reads (banks,
   * settings), in one transaction; their unreadable rows go to quarantine. A database whose cards
   * are missing or of another format (one written before cards or before heads), or that holds
   * rows no commit wrote, is prepared first (`prepareBoard`) and read again.
   */
  async readBoard(collections: readonly CollectionName[], now: Date = new Date()): Promise<BoardRead> {
    for (let attempt = 0; ; attempt++) {
      // One transaction: whether the stored cards can be used (see below), and the reads themselves.
      const tx = this.db.transaction(['docs', 'cards', 'meta', 'quarantine'], 'readonly');
      const docs = tx.objectStore('docs');
      const meta = tx.objectStore('meta');
      const [headRow, format, rowCount, sequencedCount, quarantined, cards, ...reads] = await Promise.all([
        meta.get(HEAD_KEY),
        meta.get(CARDS_KEY),
        docs.count(),
        docs.index('bySeq').count(),
        tx.objectStore('quarantine').count(),
        tx.objectStore('cards').getAll(),
        ...collections.flatMap((collection) => [docs.getAllKeys(rangeOf(collection)), docs.getAll(rangeOf(collection))]),
      ]);
      await tx.done;
      const head = isHead(headRow?.value) ? headRow.value : null;
      // Cards of this release's format, and every row written by a commit: a row without a
      // sequence (put there by something else than this app, or of the release before heads) is
      // missing from `bySeq`, which two key counts tell without reading a row.
      if (attempt === 0 && (!head || format?.value !== CARDS_MARKER || rowCount !== sequencedCount)) {
        if (rowCount > 0 || format?.value !== CARDS_MARKER) {
          await this.prepareBoard(now);
          // Prepared (or new and empty): read again, unless nothing can have changed.
          if (rowCount > 0) continue;
        }
      }
      const read: Partial<CollectionSnapshot> = {};
      const unreadable: Unreadable[] = [];
      const outdated: Outdated[] = [];
      collections.forEach((collection, index) => {
        const rows = readRows(reads[index * 2] as string[], reads[index * 2 + 1] as unknown[]);
        read[collection] = rows.docs;
        unreadable.push(...rows.unreadable);
        outdated.push(...rows.outdated);
      });
      const moved = (await this.settle(unreadable, outdated, now)).length;
      return { head, cards: cards as StoredDoc<BoardCard>[], collections: read, quarantined: quarantined + moved, rowCount };
    }
  }

  /**
   * Builds every card from the projects, in one transaction with the reads (a commit of another
   * tab lands before or after, never in between). Runs once per database and card format, and
   * again only if rows without a sequence appear: it also reads every such row of the other
   * collections (quarantined if unreadable, stored again with a sequence if not) and the rows of
   * collections this release does not know (no key range ever reads them), and gives a database
   * of the release before heads its first head (its rows are the workspace as of sequence 0).
   */
  private async prepareBoard(now: Date): Promise<void> {
    const tx = this.db.transaction(['docs', 'cards', 'meta', 'quarantine'], 'readwrite');
    const docs = tx.objectStore('docs');
    const [allKeys, sequencedKeys, projectKeys, projectRows, headRow] = await Promise.all([
      docs.getAllKeys(),
      docs.index('bySeq').getAllKeys(),
      docs.getAllKeys(rangeOf('projects')),
      docs.getAll(rangeOf('projects')),
      tx.objectStore('meta').get(HEAD_KEY),
    ]);
    const sequenced = new Set(sequencedKeys);
    const loose = allKeys.filter((key) => !key.startsWith('projects/') && (!sequenced.has(key) || !isKnownCollectionKey(key)));
    const looseRows = await Promise.all(loose.map((key) => docs.get(key)));
    const strays = loose.flatMap((key, index) => (isKnownCollectionKey(key) ? [] : [{ key, row: looseRows[index] as unknown, reason: readRowReason(looseRows[index]) }]));
    const unsequenced = readRows(
      loose.filter((key) => isKnownCollectionKey(key)),
      looseRows.filter((_row, index) => isKnownCollectionKey(loose[index]!)),
    );
    const projects = readRows(projectKeys, projectRows);
    const unreadable: Unreadable[] = [...strays, ...unsequenced.unreadable, ...projects.unreadable];
    await writeAll(tx, (writes) => {
      writes.push(tx.objectStore('cards').clear());
      for (const record of unreadable) {
        writes.push(tx.objectStore('quarantine').put({ ...record, quarantinedAt: now.toISOString() }, record.key));
        writes.push(docs.delete(record.key));
      }
      for (const { key, row } of [...projects.outdated, ...unsequenced.outdated]) writes.push(docs.put(row, key));
      for (const doc of projects.docs) writes.push(tx.objectStore('cards').put(boardCardDoc(doc as StoredDoc<Project>), doc.id));
      if (!isHead(headRow?.value) && allKeys.length > 0) writes.push(tx.objectStore('meta').put({ key: HEAD_KEY, value: { seq: 0, epoch: newEpoch() } }));
      writes.push(tx.objectStore('meta').put({ key: CARDS_KEY, value: CARDS_MARKER }));
    });
  }

  /**
   * One collection, migrated to the current shape, with the head and the commits after `since`
   * (to bring the collections already in memory to the same head) in one transaction.
   */
  async readCollection(collection: CollectionName, since: number, now: Date = new Date()): Promise<CollectionRead> {
    const tx = this.db.transaction(['docs', 'meta'], 'readonly');
    const docs = tx.objectStore('docs');
    const [headRow, keys, rows, changed] = await Promise.all([
      tx.objectStore('meta').get(HEAD_KEY),
      docs.getAllKeys(rangeOf(collection)),
      docs.getAll(rangeOf(collection)),
      docs.index('bySeq').getAll(IDBKeyRange.lowerBound(since, true)),
    ]);
    await tx.done;
    const read = readRows(keys, rows);
    const { changes, unreadableIn } = changesOf(changed);
    const quarantinedKeys = await this.settle(read.unreadable, read.outdated, now);
    return { head: isHead(headRow?.value) ? headRow.value : null, docs: read.docs, changes, unreadableIn, quarantinedKeys };
  }

  /**
   * The projects whose `stall.nextCheckAt` is at or before `at` (the daily scan's candidates, as
   * core's `stall.scan` queries them), by the `byNextCheck` index: the other projects, the lines
   * and the history are not read. Rows of another schema are migrated as read.
   */
  async readDueProjects(at: string): Promise<DueRead> {
    const tx = this.db.transaction(['docs', 'meta'], 'readonly');
    const index = tx.objectStore('docs').index('byNextCheck');
    const range = IDBKeyRange.upperBound(at);
    const [headRow, keys, rows] = await Promise.all([tx.objectStore('meta').get(HEAD_KEY), index.getAllKeys(range), index.getAll(range)]);
    await tx.done;
    const inProjects = keys.flatMap((key, position) => (key.startsWith('projects/') ? [position] : []));
    const read = readRows(
      inProjects.map((position) => keys[position]!),
      inProjects.map((position) => rows[position]),
    );
    return { head: isHead(headRow?.value) ? headRow.value : null, docs: read.docs, unreadable: read.unreadable.length > 0 };
  }

  /**
   * Moves unreadable rows to quarantine and stores outdated ones in the current schema, each only
   * if the row is still as it was read (a commit of another tab since wins). Needs no writer lock:
   * the check and the write are one transaction. Returns the keys it quarantined.
   */
  private async settle(unreadable: Unreadable[], outdated: Outdated[], now: Date): Promise<string[]> {
    if (unreadable.length === 0 && outdated.length === 0) return [];
    const tx = this.db.transaction(['docs', 'cards', 'quarantine'], 'readwrite');
    const docs = tx.objectStore('docs');
    const current = await Promise.all([...unreadable, ...outdated].map((item) => docs.get(item.key)));
    const moved: string[] = [];
    await writeAll(tx, (writes) => {
      unreadable.forEach((record, index) => {
        if (!sameRow(current[index], record.row)) return;
        moved.push(record.key);
        writes.push(tx.objectStore('quarantine').put({ ...record, quarantinedAt: now.toISOString() }, record.key));
        writes.push(docs.delete(record.key));
        if (record.key.startsWith('projects/')) writes.push(tx.objectStore('cards').delete(record.key.slice('projects/'.length)));
      });
      outdated.forEach((item, index) => {
        if (sameRow(current[unreadable.length + index], item.was)) writes.push(docs.put(item.row, item.key));
      });
    });
    return moved;
  }

  /** The changes committed after `seq` (documents, migrated, and deletions) and the head now. */
  async changesSince(seq: number): Promise<{ head: Head | null; changes: DocumentChange[]; unreadableIn: Set<CollectionName> }> {
    const tx = this.db.transaction(['docs', 'meta'], 'readonly');
    const [headRow, rows] = await Promise.all([
      tx.objectStore('meta').get(HEAD_KEY),
      tx.objectStore('docs').index('bySeq').getAll(IDBKeyRange.lowerBound(seq, true)),
    ]);
    await tx.done;
    return { head: isHead(headRow?.value) ? headRow.value : null, ...changesOf(rows) };
  }

  /**
   * Commits the changes of one command as sequence `head.seq` in one transaction, only if the
   * stored head is still `expected` (the writer lock makes that so; the check makes sure).
   */
  async commit(changes: DocumentChange[], expected: Head | null, next: Head): Promise<void> {
    const tx = this.db.transaction(['docs', 'cards', 'meta'], 'readwrite');
    const meta = tx.objectStore('meta');
    const stored = await meta.get(HEAD_KEY);
    const current = isHead(stored?.value) ? stored.value : null;
    if (current?.seq !== expected?.seq || current?.epoch !== expected?.epoch) {
      tx.abort();
      await tx.done.catch(() => undefined);
      throw new HeadMovedError(current, expected);
    }
    const docs = tx.objectStore('docs');
    const cards = tx.objectStore('cards');
    await writeAll(tx, (writes) => {
      for (const change of changes) {
        const key = keyOf(change.collection, change.id);
        writes.push(
          change.doc
            ? docs.put(rowOf(change.collection, change.doc, next.seq), key)
            : docs.put({ collection: change.collection, id: change.id, version: 0, data: null, seq: next.seq, deleted: true }, key),
        );
        if (change.collection === 'projects') {
          writes.push(change.doc ? cards.put(boardCardDoc(change.doc as StoredDoc<Project>), change.id) : cards.delete(change.id));
        }
      }
      writes.push(meta.put({ key: HEAD_KEY, value: next }));
    });
  }

  /** The stored documents at `keys` (null where absent or deleted): the state before a failed commit. */
  async readDocs(changes: DocumentChange[]): Promise<DocumentChange[]> {
    const tx = this.db.transaction('docs', 'readonly');
    const out: DocumentChange[] = [];
    for (const change of changes) {
      const row = await tx.store.get(keyOf(change.collection, change.id));
      const read = row && !row.deleted ? readRow(row) : null;
      out.push({ collection: change.collection, id: change.id, doc: read && !('quarantined' in read) ? read.doc : null });
    }
    await tx.done;
    return out;
  }

  /** Replaces every stored document with `snapshot` under a new epoch (first start, reset, clear). */
  async replaceAll(snapshot: Partial<CollectionSnapshot>, head: Head): Promise<void> {
    const tx = this.db.transaction(['docs', 'cards', 'meta'], 'readwrite');
    const docs = tx.objectStore('docs');
    const cards = tx.objectStore('cards');
    await writeAll(tx, (writes) => {
      writes.push(docs.clear(), cards.clear());
      for (const [collection, list] of Object.entries(snapshot) as [CollectionName, StoredDoc[]][]) {
        for (const doc of list) writes.push(docs.put(rowOf(collection, doc, head.seq), keyOf(collection, doc.id)));
      }
      for (const doc of snapshot.projects ?? []) writes.push(cards.put(boardCardDoc(doc as StoredDoc<Project>), doc.id));
      writes.push(tx.objectStore('meta').put({ key: CARDS_KEY, value: CARDS_MARKER }));
      writes.push(tx.objectStore('meta').put({ key: HEAD_KEY, value: head }));
      writes.push(tx.objectStore('meta').put({ key: 'seededAt', value: new Date().toISOString() }));
    });
  }

  async quarantined(): Promise<QuarantinedRecord[]> {
    return this.db.getAll('quarantine');
  }

  close(): void {
    this.db.close();
  }
}
