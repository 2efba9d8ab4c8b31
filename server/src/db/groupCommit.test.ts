import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainError } from '@clearway/core';
import { startPostgresCluster, type PostgresCluster } from '../testing/postgresCluster';
import { openDatabase, type Database } from './database';
import { PostgresDocumentStore, SessionEndedError } from './postgresDocumentStore';

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
  return new PostgresDocumentStore(database.client, { commitsInFlight: 1, commitGatherMs: 40 });
}

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
    // The four went together; the increment that lost to the other ran again, in a batch after it.
    expect(store.committer.stats.largestBatch).toBeGreaterThanOrEqual(4);
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
    expect((await store.get<Counter>('months', counter))!.data.count).toBe(1);
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
    const outcomes = await Promise.allSettled(jobs);
    const landed = outcomes.filter((outcome) => outcome.status === 'fulfilled').length;
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') expect((outcome.reason as DomainError).messageKey).toBe('errors.conflict');
    }
    const total = (await Promise.all(counters.map((id) => stores[0]!.get<Counter>('months', id)))).reduce((sum, doc) => sum + doc!.data.count, 0);
    expect(landed).toBeGreaterThan(0);
    expect(total).toBe(2 * landed);
    expect(stores[0]!.committer.stats.items + stores[1]!.committer.stats.items).toBeGreaterThanOrEqual(60);
  });
});
