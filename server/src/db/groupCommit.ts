/**
 * Group commit: the commits that arrive while earlier ones are on their way to the database go
 * together, as one `clearway_commit_batch` statement (commitFunction.ts): one round trip, one
 * database transaction and one WAL flush for all of them, each item still checked on its own.
 * Under load (50 people's commands at once) most of a command's database time was the
 * per-transaction part; with one person, a commit goes at once, alone, as before.
 *
 * Written here rather than taken from a library: node-postgres pipelines nothing and batches
 * nothing, and what an item may share with others (locks, a transaction) is this schema's own.
 */
import { sqlState, type SqlExecutor } from './sqlClient';

/** One transaction's commit: what clearway_commit_batch checks and writes for it. */
export interface CommitItem {
  /** Its advisory locks (the batch takes the union of its items', in key order). */
  locks: readonly { key: string; exclusive: boolean }[];
  /** Documents read and not written, each at the seq it was read at (null: read as absent). */
  reads: readonly { collection: string; id: string; seq: number | null }[];
  writes: readonly CommitWrite[];
  /** Each query re-run (its SQL with values inlined) and the `{ id: seq }` JSON it must still yield. */
  queries: readonly { text: string; expected: string }[];
  /** A session the item's commit checks is still live, at `now`. */
  session: { tokenHash: string; now: Date } | null;
  /**
   * The item locks a whole collection exclusively (a query without an equality filter, a blind
   * write, very many documents): it goes alone, so the commits that happen to share its batch do
   * not wait for that lock with it.
   */
  locksCollection: boolean;
}

export interface CommitWrite {
  kind: 'create' | 'update' | 'delete';
  collection: string;
  id: string;
  /** The document's JSON text (null: a delete). */
  json: string | null;
  /** The version the write expects (null: a create). */
  expected: number | null;
  /** Whether the transaction read the document (a failed precondition is then a race, not a stale version). */
  seen: boolean;
  /** The seq the transaction read it at (null: not read, or a create). */
  seq: number | null;
}

/** What became of an item: committed at `seq`, or refused with clearway_commit_batch's code (nothing written). */
export type CommitOutcome =
  | { committed: true; seq: number }
  | { committed: false; code: 'CW001' | 'CW002' | 'CW003'; collection: string; id: string };

export interface GroupCommitOptions {
  /** Stamped on the change rows (this process's change feed skips its own). */
  origin: string;
  /** Batches on their way at once; more commits wait for one of them to answer and go together. */
  maxInFlight: number;
  /** Most items in one batch (default BATCH_ITEMS; 1: every commit its own transaction, as before group commit). */
  maxItems?: number;
  /** Tests: each item sleeps this long between its checks and its writes. */
  pauseSeconds?: number;
  /** Tests: how long the first commit of a batch waits for others (0: the current turn of the event loop only). */
  gatherMs?: number;
}

/**
 * An item this large goes alone: PostgreSQL's lock table is shared and finite, and one item's
 * failure must not make its batch's others wait for it (an import, a large stall scan).
 */
const ALONE_LOCKS = 400;
const ALONE_WRITES = 200;
const ALONE_CHARS = 1_000_000;
/**
 * Most items per batch, most locks, most JSON: a batch is one transaction, holding all its locks
 * to its end, and its documents are one jsonb parameter (a month's snapshot part is ~900 KB).
 */
const BATCH_ITEMS = 32;
const BATCH_LOCKS = 1_200;
const BATCH_CHARS = 4_000_000;

const BATCH_STATEMENT = `SELECT out_item, out_seq, out_code, out_detail, out_hint
  FROM clearway_commit_batch($1::bigint[], $2::boolean[], $3::integer[], $4::text[], $5::text[], $6::bigint[],
    $7::integer[], $8::text[], $9::text[], $10::text[], $11::jsonb, $12::integer[], $13::boolean[], $14::bigint[],
    $15::integer[], $16::jsonb, $17::jsonb, $18::text[], $19::timestamptz[], $20::text, $21::double precision)`;

interface BatchRow {
  out_item: number;
  out_seq: number | string | null;
  out_code: 'CW001' | 'CW002' | 'CW003' | null;
  out_detail: string | null;
  out_hint: string | null;
}

interface Queued {
  item: CommitItem;
  /** Sent as a batch of its own (large, locking a collection, or its batch failed as a whole). */
  alone: boolean;
  /** The JSON the item writes, in characters. */
  chars: number;
  resolve: (outcome: CommitOutcome) => void;
  reject: (error: unknown) => void;
}

const RETRYABLE_SQLSTATES = new Set(['40001', '40P01']);

export class GroupCommitter {
  private readonly queue: Queued[] = [];
  private inFlight = 0;
  private flushScheduled = false;
  /** Batches sent and items they carried (the tests check commits went together; the bench may print it). */
  readonly stats = { batches: 0, items: 0, largestBatch: 0 };

  constructor(
    private readonly sql: SqlExecutor,
    private readonly options: GroupCommitOptions,
  ) {}

  commit(item: CommitItem): Promise<CommitOutcome> {
    return new Promise((resolve, reject) => {
      let chars = 0;
      for (const write of item.writes) chars += write.json?.length ?? 0;
      const alone = item.locksCollection || item.locks.length > ALONE_LOCKS || item.writes.length > ALONE_WRITES || chars > ALONE_CHARS;
      this.queue.push({ item, alone, chars, resolve, reject });
      this.scheduleFlush();
    });
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || this.inFlight >= this.options.maxInFlight || this.queue.length === 0) return;
    this.flushScheduled = true;
    const flush = () => {
      this.flushScheduled = false;
      this.flush();
    };
    // setImmediate: the commits other requests reach in this same turn of the event loop go too.
    if (this.options.gatherMs) setTimeout(flush, this.options.gatherMs);
    else setImmediate(flush);
  }

  private flush(): void {
    while (this.inFlight < this.options.maxInFlight && this.queue.length > 0) {
      const batch = this.takeBatch();
      this.inFlight++;
      void this.send(batch).finally(() => {
        this.inFlight--;
        this.scheduleFlush();
      });
    }
  }

  private takeBatch(): Queued[] {
    const first = this.queue.shift()!;
    const batch = [first];
    if (first.alone) return batch;
    const maxItems = this.options.maxItems ?? BATCH_ITEMS;
    let locks = first.item.locks.length;
    let chars = first.chars;
    while (batch.length < maxItems && this.queue.length > 0) {
      const next = this.queue[0]!;
      if (next.alone || locks + next.item.locks.length > BATCH_LOCKS || chars + next.chars > BATCH_CHARS) break;
      batch.push(this.queue.shift()!);
      locks += next.item.locks.length;
      chars += next.chars;
    }
    return batch;
  }

  private async send(batch: Queued[]): Promise<void> {
    this.stats.batches++;
    this.stats.items += batch.length;
    this.stats.largestBatch = Math.max(this.stats.largestBatch, batch.length);
    let rows: BatchRow[];
    try {
      rows = await this.sql.query<BatchRow>(BATCH_STATEMENT, batchParameters(batch.map((queued) => queued.item), this.options), 'clearway_commit_batch');
    } catch (error) {
      // The statement failed with an ERROR, so its transaction rolled back and nothing of it was
      // written: its items go again one by one, so one item's fault (a text PostgreSQL cannot
      // store) fails that item alone. Anything else (the connection broke, the server shut down:
      // a FATAL may come after the commit) leaves the outcome unknown, and a second sending could
      // apply a commit twice: each item is told the error.
      if (batch.length > 1 && statementRolledBack(error)) {
        this.queue.unshift(...batch.map((queued) => ({ ...queued, alone: true })));
        return;
      }
      for (const queued of batch) queued.reject(error);
      return;
    }
    const settled = new Set<number>();
    try {
      for (const row of rows) {
        const index = row.out_item - 1;
        const queued = batch[index];
        if (!queued || settled.has(index)) throw new Error(`clearway_commit_batch answered item ${row.out_item} of ${batch.length} out of turn`);
        settled.add(index);
        if (row.out_code === null) queued.resolve({ committed: true, seq: Number(row.out_seq) });
        else queued.resolve({ committed: false, code: row.out_code, collection: row.out_detail ?? 'unknown', id: row.out_hint ?? 'unknown' });
      }
      if (settled.size !== batch.length) throw new Error(`clearway_commit_batch answered ${settled.size} of ${batch.length} items`);
    } catch (error) {
      // Cannot happen with the function as written; if it does, no commit is left waiting forever.
      batch.forEach((queued, index) => {
        if (!settled.has(index)) queued.reject(error);
      });
    }
  }
}

/**
 * Whether a failed statement surely wrote nothing: the server answered with an ERROR (not FATAL
 * or PANIC, which may come after the commit) outside the connection (08) and shutdown (57) classes.
 */
export function statementRolledBack(error: unknown): boolean {
  const { severity } = (error ?? {}) as { severity?: unknown };
  const state = sqlState(error);
  if (severity !== 'ERROR' || !state) return false;
  return !state.startsWith('08') && !state.startsWith('57') && !RETRYABLE_SQLSTATES.has(state);
}

/** Lock keys compared as the 64-bit integers PostgreSQL orders them by. */
function byKey(a: { order: bigint }, b: { order: bigint }): number {
  return a.order < b.order ? -1 : a.order > b.order ? 1 : 0;
}

function batchParameters(items: readonly CommitItem[], options: GroupCommitOptions): unknown[] {
  // The union of the items' locks: an exclusive need wins over a shared one.
  const locks = new Map<string, boolean>();
  for (const item of items) for (const lock of item.locks) locks.set(lock.key, lock.exclusive || (locks.get(lock.key) ?? false));
  const ordered = [...locks].map(([key, exclusive]) => ({ key, exclusive, order: BigInt(key) })).sort(byKey);

  const readEnds: number[] = [];
  const writeEnds: number[] = [];
  const queryEnds: number[] = [];
  const reads: CommitItem['reads'][number][] = [];
  const writes: CommitWrite[] = [];
  const queries: CommitItem['queries'][number][] = [];
  for (const item of items) {
    reads.push(...item.reads);
    writes.push(...item.writes);
    queries.push(...item.queries);
    readEnds.push(reads.length);
    writeEnds.push(writes.length);
    queryEnds.push(queries.length);
  }
  return [
    ordered.map((lock) => lock.key),
    ordered.map((lock) => lock.exclusive),
    readEnds,
    reads.map((read) => read.collection),
    reads.map((read) => read.id),
    reads.map((read) => read.seq),
    writeEnds,
    writes.map((write) => write.kind),
    writes.map((write) => write.collection),
    writes.map((write) => write.id),
    // The JSON texts as they are, joined into one array (no escaping into an array literal).
    `[${writes.map((write) => write.json ?? 'null').join(',')}]`,
    writes.map((write) => write.expected),
    writes.map((write) => write.seen),
    writes.map((write) => write.seq),
    queryEnds,
    JSON.stringify(queries.map((query) => query.text)),
    `[${queries.map((query) => query.expected).join(',')}]`,
    items.map((item) => item.session?.tokenHash ?? null),
    items.map((item) => item.session?.now ?? null),
    options.origin,
    options.pauseSeconds ?? 0,
  ];
}
