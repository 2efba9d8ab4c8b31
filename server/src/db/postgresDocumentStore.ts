/**
 * Core's DocumentStore on PostgreSQL (or PGlite): documents as jsonb rows with a version.
 *
 * Transactions are optimistic and serializable, as the in-memory store's are. An attempt runs the
 * callback with plain reads (no database transaction is held while the callback thinks, so
 * callbacks that wait for each other cannot deadlock, and PGlite's single connection is never
 * blocked) and records what it saw: the commit seq of every document read (absent included) and
 * the ids and seqs of every query's result. The commit is one statement, so one short database
 * transaction (clearway_commit_batch, commitFunction.ts: one round trip, shared with the other
 * commits waiting then: groupCommit.ts), that locks what the attempt touched, re-reads all of it,
 * and writes only if none of it changed:
 *   - each document written: an exclusive advisory lock on (collection, id); each document only
 *     read, absent ones included: a shared one;
 *   - each collection touched: a shared collection lock; each query re-run: an exclusive lock on
 *     the value it filters by (`projectId == X`; writers lock the values their documents had and
 *     have) or else on its whole collection, so no write that could change its result lands between
 *     the re-run and the commit (no phantoms); a commit with very many documents of one
 *     collection locks that collection exclusively instead;
 * taken in key order (no deadlock between commits), held to COMMIT. That is two-phase locking
 * over the commit window: validation and write are atomic, and the attempt is equivalent to having
 * run entirely at its commit. Commits of different processes touching different documents run
 * at once, so PostgreSQL flushes them to disk together; those of one process go in batches. A changed read retries the callback (bounded, with jitter); a stale
 * `expectedVersion` on a document the callback did not read fails at once with a ConflictError,
 * so a retry never turns a client's out-of-date edit into a success.
 */
import { createHash, randomBytes } from 'node:crypto';
import { ConflictError, runQuery } from '@clearway/core';
import type { CollectionName, DocumentChange, DocumentStore, QuerySpec, StoredDoc, TransactionContext } from '@clearway/core';
import { GroupCommitter } from './groupCommit';
import { assertCollection, buildDocumentQuery } from './querySql';
import { sqlState, type SqlClient, type SqlExecutor } from './sqlClient';

/** How long commits gather before one NOTIFY announces them all (announce): a few ms on the way to other processes. */
const ANNOUNCE_WINDOW_MS = 5;

/** Retries after the first attempt; the in-memory store allows 5, concurrent servers need a few more. */
export const MAX_TRANSACTION_RETRIES = 8;
/** The NOTIFY channel a commit announces itself on (no payload: listeners read document_changes, so nothing nears 8000 bytes). */
export const CHANGES_CHANNEL = 'clearway_document_changes';

export type ChangeListener = (changes: DocumentChange[]) => void;

/** A document read before a transaction (with the commit seq it was read at), for its first attempt to use as its own read. */
export interface PrefetchedDoc {
  collection: CollectionName;
  id: string;
  version: number;
  data: unknown;
  seq: number;
}

interface DocRow {
  id: string;
  version: number;
  data: unknown;
  seq: number | string;
}

type PendingWrite =
  | { kind: 'create'; collection: CollectionName; id: string; json: string; predicates: string[] }
  | { kind: 'update'; collection: CollectionName; id: string; json: string; predicates: string[]; expectedVersion: number }
  | { kind: 'delete'; collection: CollectionName; id: string; expectedVersion: number };

interface DocRead {
  collection: CollectionName;
  id: string;
  /** null: read as absent. */
  seq: number | null;
  version: number | null;
}

interface QueryRead {
  collection: CollectionName;
  spec: QuerySpec;
  result: { id: string; seq: number }[];
}

/**
 * A transaction given a session to check (`runTransaction`'s `session`) found it ended when it
 * committed (signed out, expired, or its member disabled, in this process or another): nothing
 * was written.
 */
export class SessionEndedError extends Error {
  constructor() {
    super('the session ended before the commit');
  }
}

/** A session a transaction's commit checks is still live (see clearway_commit_batch's item_sessions). */
export interface SessionCheck {
  tokenHash: string;
  now: Date;
}

export interface StoreTransactionOptions {
  prefetched?: readonly PrefetchedDoc[];
  session?: SessionCheck;
}

/** A document as the store last knew it, with the seq of the commit that wrote it. */
interface RecentDoc {
  version: number;
  seq: number;
  json: string;
}

/**
 * The documents this process read or wrote lately, each at the commit seq it was at, so the first
 * attempt of a transaction takes them as its reads instead of asking the database (a command on a
 * card reads the card, its rules and its lines; a round trip costs more than the query). Nothing
 * here has to be current: every read, from here or not, is validated at commit (clearway_commit_batch
 * checks its seq under the locks), so an entry another process made stale costs one retry, which
 * reads the database. Own commits put what they wrote (known exactly, at their seq); other
 * processes' commits (the change feed) and a resync remove what they touch; a document's seq only
 * grows (its writers hold its exclusive lock and draw the seq after it), so an older read never
 * replaces a newer entry.
 */
export class RecentDocuments {
  private readonly entries = new Map<string, RecentDoc>();
  private chars = 0;
  /**
   * Small unlimited query results (a project's lines) as the ids they held: answered again from
   * the documents above, in core's query order (runQuery: what the database's order is, see the
   * parity tests), while every one of them is here. A commit re-runs each query it read and
   * compares ids and seqs, so a result that missed a change costs a retry, as a stale document does.
   */
  private readonly queries = new Map<CollectionName, Map<string, { spec: QuerySpec; ids: Set<string> }>>();

  constructor(
    private readonly maxEntries = 5_000,
    private readonly maxChars = 32 * 1024 * 1024,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: string): RecentDoc | undefined {
    const entry = this.entries.get(key);
    if (entry) {
      // Least recently used first: a hit moves to the end.
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  put(key: string, doc: RecentDoc): void {
    const held = this.entries.get(key);
    if (held && held.seq >= doc.seq) return;
    if (held) this.delete(key);
    if (doc.json.length > this.maxChars / 64) return;
    this.entries.set(key, doc);
    this.chars += doc.json.length;
    for (const [oldest, entry] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.chars <= this.maxChars) break;
      this.entries.delete(oldest);
      this.chars -= entry.json.length;
    }
  }

  delete(key: string): void {
    const held = this.entries.get(key);
    if (!held) return;
    this.entries.delete(key);
    this.chars -= held.json.length;
  }

  clear(): void {
    this.entries.clear();
    this.queries.clear();
    this.chars = 0;
  }

  /** A query's result from the documents here, or null when it was not kept or one of its documents is gone. */
  getQuery(collection: CollectionName, spec: QuerySpec): DocRow[] | null {
    if (spec.limit !== undefined) return null;
    const kept = this.queries.get(collection);
    const key = queryKey(spec);
    const held = kept?.get(key);
    if (!kept || !held) return null;
    kept.delete(key);
    kept.set(key, held);
    const docs: StoredDoc[] = [];
    const seqs = new Map<string, number>();
    for (const id of held.ids) {
      const entry = this.entries.get(keyOf(collection, id));
      if (!entry) return null;
      docs.push({ id, version: entry.version, data: JSON.parse(entry.json) as unknown });
      seqs.set(id, entry.seq);
    }
    const answer = runQuery(docs, spec);
    // A document that no longer matches means the ids are not what the database would answer.
    if (answer.length !== docs.length) return null;
    return answer.map((doc) => ({ id: doc.id, version: doc.version, data: doc.data, seq: seqs.get(doc.id)! }));
  }

  /** Keeps a query's result (and its documents) when it is small and unlimited. */
  putQuery(collection: CollectionName, spec: QuerySpec, rows: readonly DocRow[]): void {
    if (spec.limit !== undefined || rows.length > RECENT_QUERY_MAX_ROWS || NOT_RECENT.has(collection)) return;
    for (const row of rows) this.put(keyOf(collection, row.id), { version: Number(row.version), seq: Number(row.seq), json: JSON.stringify(row.data) });
    let kept = this.queries.get(collection);
    if (!kept) this.queries.set(collection, (kept = new Map()));
    const key = queryKey(spec);
    kept.delete(key);
    kept.set(key, { spec: structuredClone(spec), ids: new Set(rows.map((row) => row.id)) });
    // Few per collection: each write of it is matched against every one (least recently used go first).
    for (const oldest of kept.keys()) {
      if (kept.size <= RECENT_QUERIES_PER_COLLECTION) break;
      kept.delete(oldest);
    }
  }

  /** This process committed `data` (null: deleted) as the document `id`: each kept query of its collection takes it in or lets it go. */
  applyWrite(collection: CollectionName, id: string, data: unknown): void {
    for (const held of this.queries.get(collection)?.values() ?? []) {
      const matches = data !== null && runQuery([{ id, version: 1, data }], { where: held.spec.where, orderBy: held.spec.orderBy }).length === 1;
      if (matches) held.ids.add(id);
      else held.ids.delete(id);
    }
  }

  /** Another process changed documents of these collections: their kept queries are asked of the database again. */
  forgetQueriesOf(collections: Iterable<CollectionName>): void {
    for (const collection of collections) this.queries.delete(collection);
  }
}

const RECENT_QUERY_MAX_ROWS = 50;
/** History records are written once and read in pages; a month's snapshot parts are up to 900 KB each: neither is kept. */
const NOT_RECENT: ReadonlySet<CollectionName> = new Set(['activity', 'snapshots']);
const RECENT_QUERIES_PER_COLLECTION = 64;

function queryKey(spec: QuerySpec): string {
  return JSON.stringify(spec);
}

/** Thrown inside the store only: the attempt lost a race and runs again. */
class RetryableConflict extends Error {
  constructor(
    readonly collection: string,
    readonly id: string,
  ) {
    super(`transaction conflict on ${collection}/${id}`);
  }
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const RETRYABLE_SQLSTATES = new Set(['40001', '40P01']);

/** Random bytes for ids, drawn from the system a few KB at a time rather than 20 bytes per id. */
const idEntropy = { pool: Buffer.alloc(0), offset: 0 };

function randomIdBytes(count: number): Buffer {
  if (idEntropy.offset + count > idEntropy.pool.length) {
    idEntropy.pool = randomBytes(4096);
    idEntropy.offset = 0;
  }
  const bytes = idEntropy.pool.subarray(idEntropy.offset, idEntropy.offset + count);
  idEntropy.offset += count;
  return bytes;
}

function keyOf(collection: string, id: string): string {
  return `${collection}/${id}`;
}

function toStoredDoc<T>(row: DocRow): StoredDoc<T> {
  return { id: row.id, version: Number(row.version), data: row.data as T };
}

function assertVersionArgument(expectedVersion: number): void {
  if (!Number.isInteger(expectedVersion) || expectedVersion < 1) {
    throw new Error(`expectedVersion must be a positive integer, got ${String(expectedVersion)}`);
  }
}

function encode(collection: string, id: string, data: unknown): string {
  const json = JSON.stringify(data);
  if (json === undefined) throw new Error(`Document ${collection}/${id} has no JSON representation`);
  return json;
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface PostgresDocumentStoreOptions {
  /**
   * Stamped on this store's change rows and NOTIFYs, so this process's change feed skips what the
   * store told its listeners itself (default: a random id).
   */
  origin?: string;
  /** Whether commits NOTIFY other processes (PostgreSQL; PGlite has no other process). */
  notify?: boolean;
  /** Tests only: a commit sleeps this long between its validation and its writes, to hold commits side by side. */
  validationPauseMs?: number;
  /**
   * Commits (batches of them: groupCommit.ts) on their way to the database at once; commits
   * arriving meanwhile wait and go together. Default: COMMITS_IN_FLIGHT.
   */
  commitsInFlight?: number;
  /**
   * Most commits in one batch (default: groupCommit.ts's). Tests of commits side by side: 1, with
   * commitsInFlight Infinity, so every commit is its own transaction, sent at once.
   */
  commitBatchItems?: number;
  /** Tests only: how long a batch waits for more commits before it goes (groupCommit.ts). */
  commitGatherMs?: number;
}

/**
 * Two batches on their way: while PostgreSQL runs one, the next gathers, and a second backend
 * can work while the first flushes. Measured on 2 cores (npm run bench -- --only server).
 */
export const COMMITS_IN_FLIGHT = 2;

export class PostgresDocumentStore implements DocumentStore {
  private readonly listeners = new Set<ChangeListener>();
  private readonly resyncListeners = new Set<() => void>();
  private readonly inFlight = new Set<Promise<unknown>>();
  /** The NOTIFY on its way (see announce), and whether commits completed since it was sent. */
  private announcing: Promise<void> | null = null;
  private announceAgain = false;
  /** What transactions' first attempts read instead of the database (see RecentDocuments). */
  readonly recent = new RecentDocuments();
  readonly origin: string;
  /** Sends the commits, together when several are waiting (groupCommit.ts). */
  readonly committer: GroupCommitter;

  constructor(
    private readonly client: SqlClient,
    private readonly options: PostgresDocumentStoreOptions = {},
  ) {
    this.origin = options.origin ?? randomBytes(12).toString('hex');
    this.committer = new GroupCommitter(client, {
      origin: this.origin,
      maxInFlight: options.commitsInFlight ?? COMMITS_IN_FLIGHT,
      pauseSeconds: (options.validationPauseMs ?? 0) / 1000,
      ...(options.commitBatchItems ? { maxItems: options.commitBatchItems } : {}),
      ...(options.commitGatherMs ? { gatherMs: options.commitGatherMs } : {}),
    });
  }

  async get<T>(collection: CollectionName, id: string): Promise<StoredDoc<T> | null> {
    const row = await readDoc(this.client, collection, id);
    return row ? toStoredDoc<T>(row) : null;
  }

  async query<T>(collection: CollectionName, spec: QuerySpec = {}): Promise<StoredDoc<T>[]> {
    const built = buildDocumentQuery(collection, spec);
    const rows = await this.client.query<DocRow>(built.text, built.params);
    return rows.map((row) => toStoredDoc<T>(row));
  }

  newId(_collection: CollectionName): string {
    let id = '';
    for (const byte of randomIdBytes(20)) id += ID_ALPHABET[byte % ID_ALPHABET.length];
    return id;
  }

  /** Calls `listener` after every commit of this store, and (through the change feed) of other processes. */
  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Calls `listener` when changes may have been missed (the change feed was away past the log's retention). */
  onResync(listener: () => void): () => void {
    this.resyncListeners.add(listener);
    return () => {
      this.resyncListeners.delete(listener);
    };
  }

  /** @internal the change feed asks for a full reload through this. */
  resync(): void {
    this.recent.clear();
    for (const listener of [...this.resyncListeners]) {
      try {
        listener();
      } catch (error) {
        console.error('PostgresDocumentStore resync listener failed', error);
      }
    }
  }

  /** @internal the change feed hands other processes' commits to the listeners through this. */
  emit(changes: DocumentChange[]): void {
    // Their seqs are not in the feed: the next read of these asks the database.
    for (const change of changes) this.recent.delete(keyOf(change.collection, change.id));
    this.recent.forgetQueriesOf(changes.map((change) => change.collection));
    this.tell(changes);
  }

  private tell(changes: DocumentChange[]): void {
    if (changes.length === 0) return;
    const listeners = [...this.listeners];
    for (const [i, listener] of listeners.entries()) {
      try {
        // The changes are this call's own (parsed from the commit or the change feed): the last
        // listener may have them, each other one gets a copy.
        listener(i === listeners.length - 1 ? changes : structuredClone(changes));
      } catch (error) {
        // A failing listener must not undo or hide a commit that already happened.
        console.error('PostgresDocumentStore listener failed', error);
      }
    }
  }

  runTransaction<R>(fn: (tx: TransactionContext) => Promise<R>, options: StoreTransactionOptions = {}): Promise<R> {
    const running = this.runAttempts(fn, options);
    this.inFlight.add(running);
    const settle = () => this.inFlight.delete(running);
    running.then(settle, settle);
    return running;
  }

  /** Resolves once no transaction is running (graceful shutdown: commands in flight finish) and their commits are announced. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0 || this.announcing) {
      await Promise.allSettled([...this.inFlight]);
      await this.announcing;
    }
  }

  /**
   * Tells other processes' change feeds that commits landed: one NOTIFY, sent after a short
   * window, for every commit that completed meanwhile, rather than one inside each commit. Each
   * NOTIFY wakes every listening backend and its process (this one's own feed among them), and one
   * per commit was a quarter of PostgreSQL's work per command. The feeds read by snapshot, so one
   * wake-up brings every commit before it; a NOTIFY lost (the process killed right after a commit,
   * the connection failing) is made up by the feeds' periodic catch-up (changeFeed.ts).
   */
  private announce(): void {
    if (this.announcing) {
      this.announceAgain = true;
      return;
    }
    this.announcing = (async () => {
      do {
        this.announceAgain = false;
        await pause(ANNOUNCE_WINDOW_MS);
        try {
          await this.client.query('SELECT pg_notify($1, $2)', [CHANGES_CHANNEL, this.origin], 'clearway_announce');
        } catch {
          // The database is away: the feeds catch up when it is back.
        }
      } while (this.announceAgain);
    })().finally(() => {
      this.announcing = null;
    });
  }

  /**
   * This store, with transactions whose first attempt takes `docs` as already read (a request read
   * its member with its session). Such a read is validated at commit like any other, so a document
   * changed since makes the attempt run again, on fresh reads.
   */
  withPrefetched(docs: readonly PrefetchedDoc[], session?: SessionCheck): DocumentStore {
    return {
      get: (collection, id) => this.get(collection, id),
      query: (collection, spec) => this.query(collection, spec),
      newId: (collection) => this.newId(collection),
      runTransaction: (fn) => this.runTransaction(fn, { prefetched: docs, ...(session ? { session } : {}) }),
    };
  }

  /** The recent copy of a document with its seq, for a request to hand its transaction as prefetched (null: none). */
  recentDoc(collection: CollectionName, id: string): PrefetchedDoc | null {
    const recent = this.recent.get(keyOf(collection, id));
    return recent ? { collection, id, version: recent.version, seq: recent.seq, data: JSON.parse(recent.json) as unknown } : null;
  }

  /** Keeps a document a request read (with its seq: e.g. a member read with the session) as recent. */
  rememberDoc(doc: PrefetchedDoc): void {
    this.recent.put(keyOf(doc.collection, doc.id), { version: doc.version, seq: doc.seq, json: JSON.stringify(doc.data) });
  }

  private async runAttempts<R>(fn: (tx: TransactionContext) => Promise<R>, options: StoreTransactionOptions): Promise<R> {
    let lastConflict: RetryableConflict | null = null;
    for (let attempt = 0; attempt <= MAX_TRANSACTION_RETRIES; attempt++) {
      if (attempt > 0) await pause(backoffMs(attempt));
      // A retry reads the database: what made the first attempt lose may be a stale recent document.
      const tx = new PostgresTransaction(this.client, attempt === 0 ? (options.prefetched ?? []) : [], this.recent, attempt === 0);
      let result: R;
      try {
        result = await fn(tx);
      } catch (error) {
        tx.close();
        // The callback may have failed on a view a concurrent commit made inconsistent: then its
        // verdict does not count, and it runs again on fresh reads.
        const stale = await this.findStaleRead(this.client, tx).catch(() => null);
        if (!stale) throw error;
        lastConflict = stale;
        continue;
      }
      tx.close();
      try {
        const changes = await this.commit(tx, options.session);
        if (changes.length > 0 && this.options.notify) this.announce();
        if (changes.length > 0) this.tell(changes);
        return result;
      } catch (error) {
        if (error instanceof RetryableConflict) {
          lastConflict = error;
          continue;
        }
        const state = sqlState(error);
        if (state && RETRYABLE_SQLSTATES.has(state)) {
          lastConflict = new RetryableConflict('(database)', state);
          continue;
        }
        throw error;
      }
    }
    throw new ConflictError(lastConflict?.collection ?? 'unknown', lastConflict?.id ?? 'unknown');
  }

  private async commit(tx: PostgresTransaction, session: SessionCheck | undefined): Promise<DocumentChange[]> {
    if (tx.writes.length === 0) {
      await this.validateReadOnly(tx);
      if (session && !(await sessionLive(this.client, session))) throw new SessionEndedError();
      return [];
    }
    // PGlite runs one statement at a time: nothing to lock against.
    const { locks, locksCollection } = this.client.kind === 'postgres' ? commitLocks(tx) : { locks: [], locksCollection: false };
    const writes = tx.writes;
    // A written document's read is checked by its write (at the seq it was read at).
    const written = new Set(writes.map((write) => keyOf(write.collection, write.id)));
    const reads = [...tx.reads].filter(([key]) => !written.has(key)).map(([, read]) => read);
    const queries = tx.queryReads.map((read) => ({
      text: buildDocumentQuery(read.collection, read.spec, 'id, seq', { inline: true }).text,
      expected: JSON.stringify(Object.fromEntries(read.result.map((row) => [row.id, row.seq]))),
    }));
    const outcome = await this.committer.commit({
      locks,
      reads: reads.map((read) => ({ collection: read.collection, id: read.id, seq: read.seq })),
      writes: writes.map((write) => ({
        kind: write.kind,
        collection: write.collection,
        id: write.id,
        json: write.kind === 'delete' ? null : write.json,
        expected: write.kind === 'create' ? null : write.expectedVersion,
        seen: tx.wasSeen(keyOf(write.collection, write.id)),
        seq: write.kind === 'create' ? null : (tx.reads.get(keyOf(write.collection, write.id))?.seq ?? null),
      })),
      queries,
      session: session ? { tokenHash: session.tokenHash, now: session.now } : null,
      locksCollection,
    });
    if (!outcome.committed) {
      if (outcome.code === 'CW001') {
        this.recent.delete(keyOf(outcome.collection, outcome.id));
        throw new RetryableConflict(outcome.collection, outcome.id);
      }
      if (outcome.code === 'CW003') throw new SessionEndedError();
      // The precondition held when the callback read the document (else the write was refused at
      // once), so a failed one it saw means a race; a blind write's failure is the caller's.
      throw new ConflictError(outcome.collection, outcome.id);
    }
    const seq = outcome.seq;
    return writes.map((write): DocumentChange => {
      const key = keyOf(write.collection, write.id);
      if (write.kind === 'delete') {
        this.recent.delete(key);
        this.recent.applyWrite(write.collection, write.id, null);
        return { collection: write.collection, id: write.id, doc: null };
      }
      const version = write.kind === 'create' ? 1 : write.expectedVersion + 1;
      // A document edited is likely edited again; one only created (an activity record) is not.
      if (write.kind === 'update' && !NOT_RECENT.has(write.collection)) this.recent.put(key, { version, seq, json: write.json });
      const data = JSON.parse(write.json) as unknown;
      this.recent.applyWrite(write.collection, write.id, data);
      return { collection: write.collection, id: write.id, doc: { id: write.id, version, data } };
    });
  }

  /** A read-only attempt saw one consistent state if everything it read is still so in one snapshot. */
  private async validateReadOnly(tx: PostgresTransaction): Promise<void> {
    if (tx.reads.size === 0 && tx.queryReads.length === 0) return;
    const stale =
      tx.queryReads.length === 0
        ? await this.findStaleRead(this.client, tx)
        : await this.client.transaction((sql) => this.findStaleRead(sql, tx), { isolation: 'repeatable read', readOnly: true });
    if (stale) throw stale;
  }

  private async findStaleRead(sql: SqlExecutor, tx: PostgresTransaction): Promise<RetryableConflict | null> {
    if (tx.reads.size === 0 && tx.queryReads.length === 0) return null;
    const current = await currentState(sql, [...tx.reads.values()]);
    return findStaleDocRead(tx, current) ?? (await findStaleQueryRead(sql, tx));
  }
}

function backoffMs(attempt: number): number {
  // Jitter spreads contenders apart so the same ones do not collide again at once.
  return Math.random() * Math.min(2 ** attempt, 40);
}

async function sessionLive(sql: SqlExecutor, session: SessionCheck): Promise<boolean> {
  const rows = await sql.query('SELECT 1 FROM sessions WHERE token_hash = $1 AND expires_at > $2', [session.tokenHash, session.now], 'clearway_session_live');
  return rows.length > 0;
}

async function readDoc(sql: SqlExecutor, collection: CollectionName, id: string): Promise<DocRow | null> {
  assertCollection(collection);
  const [row] = await sql.query<DocRow>(
    'SELECT id, version, data, seq FROM documents WHERE collection = $1 AND id = $2',
    [collection, id],
    'clearway_read_document',
  );
  return row ?? null;
}

async function currentState(
  sql: SqlExecutor,
  keys: { collection: string; id: string }[],
): Promise<Map<string, { version: number; seq: number }>> {
  const state = new Map<string, { version: number; seq: number }>();
  if (keys.length === 0) return state;
  const rows = await sql.query<{ collection: string; id: string; version: number; seq: number | string }>(
    `SELECT d.collection, d.id, d.version, d.seq
       FROM unnest($1::text[], $2::text[]) AS k(collection, id)
       JOIN documents d ON d.collection = k.collection AND d.id = k.id`,
    [keys.map((key) => key.collection), keys.map((key) => key.id)],
    'clearway_current_state',
  );
  for (const row of rows) state.set(keyOf(row.collection, row.id), { version: Number(row.version), seq: Number(row.seq) });
  return state;
}

function findStaleDocRead(tx: PostgresTransaction, current: Map<string, { seq: number }>): RetryableConflict | null {
  for (const [key, read] of tx.reads) {
    if ((current.get(key)?.seq ?? null) !== read.seq) return new RetryableConflict(read.collection, read.id);
  }
  return null;
}

async function findStaleQueryRead(sql: SqlExecutor, tx: PostgresTransaction): Promise<RetryableConflict | null> {
  for (const read of tx.queryReads) {
    const built = buildDocumentQuery(read.collection, read.spec, 'id, seq');
    const now = await sql.query<{ id: string; seq: number | string }>(built.text, built.params);
    const same =
      now.length === read.result.length && now.every((row, i) => row.id === read.result[i]!.id && Number(row.seq) === read.result[i]!.seq);
    if (!same) return new RetryableConflict(read.collection, '(query)');
  }
  return null;
}

/** Lock keys already hashed: a workspace's commits take the same collection and predicate locks over and over. */
const lockKeys = new Map<string, string>();
const LOCK_KEY_CACHE_SIZE = 20_000;

/** A 64-bit advisory lock key (PostgreSQL's one-bigint form, apart from the two-int LOCKS). */
function lockKey(text: string): string {
  let key = lockKeys.get(text);
  if (key === undefined) {
    key = createHash('sha1').update(text).digest().readBigInt64BE(0).toString();
    if (lockKeys.size >= LOCK_KEY_CACHE_SIZE) lockKeys.clear();
    lockKeys.set(text, key);
  }
  return key;
}

/**
 * Fields the app's transactions query by equality (a project's lines, a stage's cards, a bank's
 * name...): a commit that re-runs such a query locks the value it asked for, and a commit writing
 * a document of the collection locks the values the document had and has, instead of the whole
 * collection, so the board's moves and a bank's tranches do not take turns with each other.
 */
const PREDICATE_FIELDS: Partial<Record<CollectionName, readonly string[]>> = {
  projects: ['stage', 'name'],
  loanLines: ['projectId', 'bankId'],
  activity: ['projectId', 'lineId', 'importId'],
  banks: ['name'],
  months: ['status'],
  members: ['uid'],
};

function isScalar(value: unknown): value is string | number | boolean | null {
  return value === null || typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}

function predicateLock(collection: string, field: string, value: string | number | boolean | null): string {
  return `predicate:${collection}:${field}=${JSON.stringify(value)}`;
}

/**
 * The predicate locks a document's data falls under. Only scalars: an object never equals a
 * scalar query value, and a query on a non-scalar value locks its whole collection.
 */
export function predicateLocksOf(collection: CollectionName, data: unknown): string[] {
  const keys: string[] = [];
  for (const field of PREDICATE_FIELDS[collection] ?? []) {
    const value = data !== null && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>)[field] : undefined;
    if (isScalar(value)) keys.push(predicateLock(collection, field, value));
  }
  return keys;
}

/**
 * predicateLocksOf the document as stored, from the data being written (each predicate field
 * through JSON as the whole document goes), without parsing the whole document back.
 */
function predicateLocksOfWritten(collection: CollectionName, data: unknown): string[] {
  const fields = PREDICATE_FIELDS[collection];
  if (!fields || data === null || typeof data !== 'object' || Array.isArray(data)) return [];
  const stored: Record<string, unknown> = {};
  for (const field of fields) {
    const encoded = JSON.stringify((data as Record<string, unknown>)[field]);
    if (encoded !== undefined) stored[field] = JSON.parse(encoded);
  }
  return predicateLocksOf(collection, stored);
}

/** The predicate locks that cover a query's result, or null when only the collection lock does. */
function predicateLocksOfQuery(collection: CollectionName, spec: QuerySpec): string[] | null {
  const fields = PREDICATE_FIELDS[collection] ?? [];
  for (const filter of spec.where ?? []) {
    if (!fields.includes(filter.field)) continue;
    if (filter.op === '==' && isScalar(filter.value)) return [predicateLock(collection, filter.field, filter.value)];
    if (filter.op === 'in' && Array.isArray(filter.value) && filter.value.every(isScalar)) {
      return filter.value.map((value) => predicateLock(collection, filter.field, value));
    }
  }
  return null;
}

/**
 * Beyond this many documents of one collection, a commit locks the whole collection instead
 * (an import, a large stall scan): PostgreSQL's lock table is shared and finite.
 */
const DOCUMENT_LOCKS_PER_COLLECTION = 200;

/** The advisory locks a commit takes (key order: no two commits wait for each other in a cycle). */
function commitLocks(tx: PostgresTransaction): { locks: { key: string; exclusive: boolean }[]; locksCollection: boolean } {
  // Every collection touched: a shared lock at least, so a commit holding a collection
  // exclusively (a query re-run, or too many documents) excludes everyone touching it.
  const collections = new Map<string, boolean>();
  const documents = new Map<string, Map<string, boolean>>();
  const touch = (collection: string, id: string, exclusive: boolean) => {
    if (!collections.has(collection)) collections.set(collection, false);
    const ids = documents.get(collection) ?? new Map<string, boolean>();
    documents.set(collection, ids);
    ids.set(id, exclusive || (ids.get(id) ?? false));
  };
  // key -> exclusive; an exclusive need wins over a shared one (and over a hash collision).
  const locks = new Map<string, boolean>();
  const want = (text: string, exclusive: boolean) => {
    const key = lockKey(text);
    locks.set(key, exclusive || (locks.get(key) ?? false));
  };
  for (const read of tx.reads.values()) touch(read.collection, read.id, false);
  for (const write of tx.writes) {
    touch(write.collection, write.id, true);
    const before = tx.predicateLocksSeen(write.collection, write.id);
    // A blind update or delete: what the document held is unknown, so lock its whole collection.
    if (before === undefined && write.kind !== 'create' && PREDICATE_FIELDS[write.collection]) collections.set(write.collection, true);
    for (const text of before ?? []) want(text, false);
    if (write.kind !== 'delete') for (const text of write.predicates) want(text, false);
  }
  for (const read of tx.queryReads) {
    const predicates = predicateLocksOfQuery(read.collection, read.spec);
    if (predicates) {
      if (!collections.has(read.collection)) collections.set(read.collection, false);
      for (const text of predicates) want(text, true);
    } else {
      collections.set(read.collection, true);
    }
  }

  for (const [collection, ids] of documents) {
    if (ids.size > DOCUMENT_LOCKS_PER_COLLECTION) {
      collections.set(collection, true);
      continue;
    }
    for (const [id, exclusive] of ids) want(`document:${keyOf(collection, id)}`, exclusive);
  }
  for (const [collection, exclusive] of collections) want(`collection:${collection}`, exclusive);
  const sorted = [...locks]
    .map(([key, exclusive]) => ({ key, exclusive, order: BigInt(key) }))
    .sort((a, b) => (a.order < b.order ? -1 : 1))
    .map(({ key, exclusive }) => ({ key, exclusive }));
  return { locks: sorted, locksCollection: [...collections.values()].some(Boolean) };
}

class PostgresTransaction implements TransactionContext {
  readonly reads = new Map<string, DocRead>();
  readonly queryReads: QueryRead[] = [];
  /** Version seen by every read (null when absent), to refuse a stale expectedVersion at once. */
  private readonly seenVersions = new Map<string, number | null>();
  /** The predicate locks each document seen fell under (taken when read: the callback may mutate what it got). */
  private readonly seenPredicates = new Map<string, string[]>();
  readonly writes: PendingWrite[] = [];
  private readonly writtenKeys = new Set<string>();
  private closed = false;

  /** Documents read before the attempt, each used once as the attempt's first read of it. */
  private readonly prefetched = new Map<string, PrefetchedDoc>();

  constructor(
    private readonly sql: SqlExecutor,
    prefetched: readonly PrefetchedDoc[] = [],
    private readonly recent: RecentDocuments | null = null,
    /** Whether reads may come from `recent` (a first attempt); every attempt's database reads refresh it. */
    private readonly readRecent = false,
  ) {
    for (const doc of prefetched) this.prefetched.set(keyOf(doc.collection, doc.id), doc);
  }

  /** A document read: prefetched, recent, or from the database (and then kept as recent). */
  private async readRow(collection: CollectionName, id: string, key: string): Promise<DocRow | null> {
    const prefetched = this.prefetched.get(key);
    if (prefetched) {
      this.prefetched.delete(key);
      return prefetched;
    }
    const recent = this.readRecent ? this.recent?.get(key) : undefined;
    if (recent) return { id, version: recent.version, seq: recent.seq, data: JSON.parse(recent.json) as unknown };
    const row = await readDoc(this.sql, collection, id);
    if (row && this.recent && !NOT_RECENT.has(collection)) this.recent.put(key, { version: Number(row.version), seq: Number(row.seq), json: JSON.stringify(row.data) });
    return row;
  }

  close(): void {
    this.closed = true;
  }

  predicateLocksSeen(collection: CollectionName, id: string): string[] | undefined {
    return this.seenPredicates.get(keyOf(collection, id));
  }

  wasSeen(key: string): boolean {
    return this.seenVersions.has(key);
  }

  async get<T>(collection: CollectionName, id: string): Promise<StoredDoc<T> | null> {
    this.assertCanRead(collection);
    const key = keyOf(collection, id);
    const row = await this.readRow(collection, id, key);
    if (!this.reads.has(key)) {
      this.reads.set(key, { collection, id, seq: row ? Number(row.seq) : null, version: row ? Number(row.version) : null });
      this.seenVersions.set(key, row ? Number(row.version) : null);
      this.seenPredicates.set(key, row ? predicateLocksOf(collection, row.data) : []);
    }
    return row ? toStoredDoc<T>(row) : null;
  }

  async query<T>(collection: CollectionName, spec: QuerySpec = {}): Promise<StoredDoc<T>[]> {
    this.assertCanRead(collection);
    let rows = this.readRecent ? this.recent?.getQuery(collection, spec) : null;
    if (!rows) {
      const built = buildDocumentQuery(collection, spec);
      rows = await this.sql.query<DocRow>(built.text, built.params);
      this.recent?.putQuery(collection, spec, rows);
    }
    this.queryReads.push({ collection, spec: structuredClone(spec), result: rows.map((row) => ({ id: row.id, seq: Number(row.seq) })) });
    for (const row of rows) {
      const key = keyOf(collection, row.id);
      if (!this.seenVersions.has(key)) this.seenVersions.set(key, Number(row.version));
      if (!this.seenPredicates.has(key)) this.seenPredicates.set(key, predicateLocksOf(collection, row.data));
    }
    return rows.map((row) => toStoredDoc<T>(row));
  }

  create<T>(collection: CollectionName, id: string, data: T): void {
    const key = this.assertCanWrite(collection, id);
    if (this.seenVersions.has(key) && this.seenVersions.get(key) !== null) throw new ConflictError(collection, id);
    this.writes.push({ kind: 'create', collection, id, json: encode(collection, id, data), predicates: predicateLocksOfWritten(collection, data) });
  }

  update<T>(collection: CollectionName, id: string, data: T, expectedVersion: number): void {
    const key = this.assertCanWrite(collection, id);
    assertVersionArgument(expectedVersion);
    this.refuseStaleAgainstRead(key, collection, id, expectedVersion);
    this.writes.push({ kind: 'update', collection, id, json: encode(collection, id, data), predicates: predicateLocksOfWritten(collection, data), expectedVersion });
  }

  delete(collection: CollectionName, id: string, expectedVersion: number): void {
    const key = this.assertCanWrite(collection, id);
    assertVersionArgument(expectedVersion);
    this.refuseStaleAgainstRead(key, collection, id, expectedVersion);
    this.writes.push({ kind: 'delete', collection, id, expectedVersion });
  }

  /** The attempt saw another version than the caller expects: the caller's view is stale. */
  private refuseStaleAgainstRead(key: string, collection: CollectionName, id: string, expectedVersion: number): void {
    if (this.seenVersions.has(key) && this.seenVersions.get(key) !== expectedVersion) throw new ConflictError(collection, id);
  }

  private assertCanRead(collection: string): asserts collection is CollectionName {
    assertCollection(collection);
    if (this.closed) throw new Error('Transaction is finished: read outside its callback');
    if (this.writes.length > 0) throw new Error('Transactions require all reads to be executed before all writes');
  }

  private assertCanWrite(collection: string, id: string): string {
    assertCollection(collection);
    if (this.closed) throw new Error('Transaction is finished: write outside its callback');
    if (typeof id !== 'string' || id === '' || id.includes('/')) throw new Error(`Invalid document id ${id}`);
    const key = keyOf(collection, id);
    if (this.writtenKeys.has(key)) throw new Error(`Transaction writes ${key} twice`);
    this.writtenKeys.add(key);
    return key;
  }
}
