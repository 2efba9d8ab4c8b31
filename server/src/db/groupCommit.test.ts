import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainError } from '@clearway/core';
import { startPostgresCluster, type PostgresCluster } from '../testing/postgresCluster';
import { openDatabase, type Database } from './database';
import { GroupCommitter, type CommitItem } from './groupCommit';
import { PostgresDocumentStore, SessionEndedError } from './postgresDocumentStore';
import type { SqlExecutor } from './sqlClient';

let cluster: PostgresCluster;
let postgres: Database;
let pglite: Database;

beforeAll(async () => {
  cluster = await startPostgresCluster();
  postgres = await openDatabase({ databaseUrl: await cluster.createDatabase(), dataDir: '' });
  pglite = await openDatabase({ dataDir: '' });
});

afterAll(async () => {
  await postgres?.close();
  await pglite?.close();
  await cluster?.stop();
});

interface Counter {
  count: number;
}

/** A store whose commits wait for each other: the transactions started together go as one batch. */
function gatheringStore(database: Database): PostgresDocumentStore {
  return new PostgresDocumentStore(database.client, { commitsInFlight: 1, commitGatherMs: 200 });
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function increment(store: PostgresDocumentStore, id: string, attempts: number[] = []) {
  return store.runTransaction(async (tx) => {
    attempts.push(1);
    const doc = await tx.get<Counter>('months', id);
    tx.update('months', id, { count: doc!.data.count + 1 }, doc!.version);
  });
}

async function createCounter(store: PostgresDocumentStore): Promise<string> {
  const id = store.newId('months');
  await store.runTransaction(async (tx) => tx.create('months', id, { count: 0 }));
  return id;
}

describe.each([
  ['PostgreSQL', () => postgres],
  ['PGlite', () => pglite],
] as const)('group commit on %s', (_engine, databaseOf) => {
  it('commits waiting together go as one batch, each checked on its own: a race retries, a stale write is refused, the rest land', async () => {
    const store = gatheringStore(databaseOf());
    const [counter, other] = [await createCounter(store), await createCounter(store)];
    const created = store.newId('months');
    const before = { ...store.committer.stats };
    const attempts: number[] = [];
    const outcomes = await Promise.allSettled([
      increment(store, counter, attempts),
      increment(store, counter, attempts),
      // A blind write at a version the document is no longer at: the caller's view is stale.
      store.runTransaction(async (tx) => tx.update('months', other, { count: 99 }, 7)),
      store.runTransaction(async (tx) => tx.create('months', created, { count: 5 })),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(((outcomes[2] as PromiseRejectedResult).reason as DomainError).messageKey).toBe('errors.conflict');
    // The increments and the create went together (on PostgreSQL the blind write goes alone: not
    // having read the document, it locks its whole collection); the increment that lost to the
    // other ran again, in a batch after it.
    expect(store.committer.stats.largestBatch).toBeGreaterThanOrEqual(3);
    expect(attempts).toHaveLength(3);
    expect(store.committer.stats.items - before.items).toBe(5);
    expect(await store.get('months', counter)).toEqual({ id: counter, version: 3, data: { count: 2 } });
    expect(await store.get('months', other)).toEqual({ id: other, version: 1, data: { count: 0 } });
    expect(await store.get('months', created)).toEqual({ id: created, version: 1, data: { count: 5 } });
  });

  it('a commit whose session ended is refused alone; the others of its batch land', async () => {
    const store = gatheringStore(databaseOf());
    const counter = await createCounter(store);
    const noSession = { tokenHash: 'no such session', now: new Date() };
    const outcomes = await Promise.allSettled([
      store.runTransaction(async (tx) => tx.create('months', store.newId('months'), { count: 1 }), { session: noSession }),
      increment(store, counter),
    ]);
    expect((outcomes[0] as PromiseRejectedResult).reason).toBeInstanceOf(SessionEndedError);
    expect(outcomes[1]!.status).toBe('fulfilled');
    expect(store.committer.stats.largestBatch).toBeGreaterThanOrEqual(2);
    expect((await store.get<Counter>('months', counter))!.data.count).toBe(1);
  });

  /**
   * A later item of a batch that read what an earlier one changed runs again: the first commit
   * goes first in the batch (the second reads after a pause), so the second read before it landed.
   */
  async function laterItemSeesEarlier(
    store: PostgresDocumentStore,
    earlier: Parameters<PostgresDocumentStore['runTransaction']>[0],
    later: (attempt: number) => Parameters<PostgresDocumentStore['runTransaction']>[0],
  ): Promise<number> {
    let attempts = 0;
    const before = store.committer.stats.largestBatch;
    await Promise.all([
      store.runTransaction(earlier),
      store.runTransaction(async (tx) => {
        attempts += 1;
        if (attempts === 1) await pause(20);
        await later(attempts)(tx);
      }),
    ]);
    expect(Math.max(before, store.committer.stats.largestBatch)).toBeGreaterThanOrEqual(2);
    return attempts;
  }

  it('a later item that read a document an earlier item of its batch changed runs again', async () => {
    const store = gatheringStore(databaseOf());
    const [source, copy] = [await createCounter(store), store.newId('months')];
    const attempts = await laterItemSeesEarlier(
      store,
      async (tx) => {
        const doc = await tx.get<Counter>('months', source);
        tx.update('months', source, { count: 41 }, doc!.version);
      },
      () => async (tx) => {
        const doc = await tx.get<Counter>('months', source);
        tx.create('months', copy, { count: doc!.data.count + 1 });
      },
    );
    expect(attempts).toBe(2);
    expect((await store.get<Counter>('months', copy))!.data.count).toBe(42);
  });

  it('a later item that read a document as absent which an earlier item of its batch created runs again', async () => {
    const store = gatheringStore(databaseOf());
    const [absent, note] = [store.newId('months'), store.newId('months')];
    const attempts = await laterItemSeesEarlier(
      store,
      async (tx) => tx.create('months', absent, { count: 7 }),
      () => async (tx) => {
        const doc = await tx.get<Counter>('months', absent);
        tx.create('months', note, { count: doc ? doc.data.count : -1 });
      },
    );
    expect(attempts).toBe(2);
    expect((await store.get<Counter>('months', note))!.data.count).toBe(7);
  });

  it('a later item whose query an earlier item of its batch changed runs again (no phantom)', async () => {
    const store = gatheringStore(databaseOf());
    const projectId = `batch-query-${store.newId('projects')}`;
    const summary = store.newId('months');
    const attempts = await laterItemSeesEarlier(
      store,
      async (tx) => tx.create('loanLines', store.newId('loanLines'), { projectId, bankId: 'icbc' }),
      () => async (tx) => {
        const lines = await tx.query('loanLines', { where: [{ field: 'projectId', op: '==', value: projectId }] });
        tx.create('months', summary, { count: lines.length });
      },
    );
    expect(attempts).toBe(2);
    expect((await store.get<Counter>('months', summary))!.data.count).toBe(1);
  });

  it('a commit the database cannot store fails alone: its batch is sent again one by one and the others land', async () => {
    const store = gatheringStore(databaseOf());
    const counter = await createCounter(store);
    const unstorable = store.newId('months');
    const before = { ...store.committer.stats };
    const outcomes = await Promise.allSettled([
      increment(store, counter),
      // jsonb cannot hold U+0000: the batch's statement fails as a whole.
      store.runTransaction(async (tx) => tx.create('months', unstorable, { note: 'a\u0000b' })),
      increment(store, counter),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((outcomes[1] as PromiseRejectedResult).reason)).toMatch(/unicode|\\u0000/i);
    expect(await store.get('months', unstorable)).toBeNull();
    expect((await store.get<Counter>('months', counter))!.data.count).toBe(2);
    // One batch of three that failed, then each alone (one increment may also have retried).
    expect(store.committer.stats.batches - before.batches).toBeGreaterThanOrEqual(4);
  });
});

/** Deadlocks PostgreSQL detected in the test database (its statistics reach the view within a second). */
async function deadlocks(): Promise<number> {
  await pause(1100);
  const [row] = await postgres.sql<{ deadlocks: string }>('SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()');
  return Number(row!.deadlocks);
}

describe('group commit on PostgreSQL, two processes at once', () => {
  it('batches of two stores over the same documents neither deadlock nor lose an update', async () => {
    const stores = [0, 1].map(() => new PostgresDocumentStore(postgres.client, { commitsInFlight: 2 }));
    const counters = await Promise.all([0, 1, 2].map(() => createCounter(stores[0]!)));
    // Each transaction increments two counters in a random order: batches of both stores hold
    // locks on the same documents, taken in key order whatever order their items came in.
    const bump = (store: PostgresDocumentStore, first: string, second: string) =>
      store.runTransaction(async (tx) => {
        const a = await tx.get<Counter>('months', first);
        const b = await tx.get<Counter>('months', second);
        tx.update('months', first, { count: a!.data.count + 1 }, a!.version);
        tx.update('months', second, { count: b!.data.count + 1 }, b!.version);
      });
    const jobs = Array.from({ length: 60 }, (_, i) => {
      const [first, second] = i % 2 === 0 ? [counters[i % 3]!, counters[(i + 1) % 3]!] : [counters[(i + 1) % 3]!, counters[i % 3]!];
      return bump(stores[i % 2]!, first, second);
    });
    const deadlocksBefore = await deadlocks();
    const outcomes = await Promise.allSettled(jobs);
    const landed = outcomes.filter((outcome) => outcome.status === 'fulfilled').length;
    // A deadlock would be retried and could still land: PostgreSQL's own count says none happened.
    expect(await deadlocks()).toBe(deadlocksBefore);
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') expect((outcome.reason as DomainError).messageKey).toBe('errors.conflict');
    }
    const total = (await Promise.all(counters.map((id) => stores[0]!.get<Counter>('months', id)))).reduce((sum, doc) => sum + doc!.data.count, 0);
    expect(landed).toBeGreaterThan(0);
    expect(total).toBe(2 * landed);
    expect(stores[0]!.committer.stats.items + stores[1]!.committer.stats.items).toBeGreaterThanOrEqual(60);
  });
});

/** A database that answers as told, recording the batches it was sent. */
function fakeDatabase(answer: (items: number) => Promise<unknown[]>): { sql: SqlExecutor; sent: number[] } {
  const sent: number[] = [];
  const sql: SqlExecutor = {
    async query<T>(_text: string, params?: unknown[]): Promise<T[]> {
      const items = (params![6] as number[]).length;
      sent.push(items);
      return (await answer(items)) as T[];
    },
    async exec() {},
  };
  return { sql, sent };
}

function item(): CommitItem {
  return {
    locks: [{ key: '1', exclusive: true }],
    reads: [],
    writes: [{ kind: 'create', collection: 'months', id: 'x', json: '{}', expected: null, seen: false, seq: null }],
    queries: [],
    session: null,
    locksCollection: false,
  };
}

function committed(items: number) {
  return Array.from({ length: items }, (_, i) => ({ out_item: i + 1, out_seq: 10 + i, out_code: null, out_detail: null, out_hint: null }));
}

function databaseError(severity: string, code: string): Error {
  return Object.assign(new Error(`${severity} ${code}`), { severity, code });
}

describe('group commit when the database does not answer as planned', () => {
  const threeAtOnce = (committer: GroupCommitter) => Promise.allSettled([committer.commit(item()), committer.commit(item()), committer.commit(item())]);

  it('an ERROR answer rolled the batch back: its commits go again one by one', async () => {
    const { sql, sent } = fakeDatabase(async (items) => {
      if (items > 1) throw databaseError('ERROR', '22P05');
      return committed(items);
    });
    const outcomes = await threeAtOnce(new GroupCommitter(sql, { origin: 'test', maxInFlight: 1, gatherMs: 20 }));
    expect(sent).toEqual([3, 1, 1, 1]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
  });

  it('a broken connection or a FATAL may have come after the commit: nothing is sent twice, every commit is told', async () => {
    for (const failure of [new Error('Connection terminated unexpectedly'), databaseError('FATAL', '57P01'), databaseError('ERROR', '08006'), Object.assign(new Error('write EPIPE'), { code: 'EPIPE' })]) {
      const { sql, sent } = fakeDatabase(async () => {
        throw failure;
      });
      const outcomes = await threeAtOnce(new GroupCommitter(sql, { origin: 'test', maxInFlight: 1, gatherMs: 20 }));
      expect(sent, failure.message).toEqual([3]);
      expect(outcomes.map((outcome) => (outcome as PromiseRejectedResult).reason)).toEqual([failure, failure, failure]);
    }
  });

  it('an answer that leaves a commit out settles it with an error instead of leaving it waiting', async () => {
    const { sql } = fakeDatabase(async (items) => committed(items).slice(1));
    const outcomes = await threeAtOnce(new GroupCommitter(sql, { origin: 'test', maxInFlight: 1, gatherMs: 20 }));
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
  });

  it('a commit that locks a whole collection goes alone', async () => {
    const { sql, sent } = fakeDatabase(async (items) => committed(items));
    const committer = new GroupCommitter(sql, { origin: 'test', maxInFlight: 1, gatherMs: 20 });
    await Promise.all([committer.commit(item()), committer.commit({ ...item(), locksCollection: true }), committer.commit(item())]);
    expect(sent).toEqual([1, 1, 1]);
  });
});
