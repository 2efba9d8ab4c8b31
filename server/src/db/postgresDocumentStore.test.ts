import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeDocumentStoreContract } from '@clearway/core/store/documentStoreContract';
import { DomainError, type Activity, type CollectionName, type DocumentChange, type LoanLine, type Project, type QuerySpec } from '@clearway/core';
import { approvedLine, createProject, ICBC_LIAISON, run, STAFF, WAN } from '../testing/commandFixtures';
import { startPostgresCluster, type PostgresCluster } from '../testing/postgresCluster';
import { expectQueriesMatchMemoryStore } from '../testing/queryParity';
import { openDatabase, type Database } from './database';
import { PostgresDocumentStore, SessionEndedError } from './postgresDocumentStore';
import { buildDocumentQuery } from './querySql';

let cluster: PostgresCluster;
let url: string;
let database: Database;
const connectionTrouble: string[] = [];

beforeAll(async () => {
  cluster = await startPostgresCluster();
  url = await cluster.createDatabase();
  // Connection trouble is expected when the restart test cuts every connection.
  database = await openDatabase({ databaseUrl: url, dataDir: '', onError: (error) => connectionTrouble.push(error.message) });
});

afterAll(async () => {
  await database?.close();
  await cluster?.stop();
});

/** Polls until `check` holds; the bound only keeps a broken feed from hanging the run. */
async function eventually(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describeDocumentStoreContract('PostgresDocumentStore on PostgreSQL', async () => database.store);

describe('PostgresDocumentStore on PostgreSQL', () => {
  it('queries return what the in-memory store returns, for every operator and JSON type', async () => {
    expect(await expectQueriesMatchMemoryStore(database.store)).toBeGreaterThan(500);
  });

  it('has an index for every query the app runs', async () => {
    const cases: [CollectionName, QuerySpec, string][] = [
      ['projects', { where: [{ field: 'stall.nextCheckAt', op: '<=', value: NOW_ISO }], orderBy: [{ field: 'stall.nextCheckAt' }], limit: 200 }, 'documents_projects_stall_next_check'],
      ['projects', { where: [{ field: 'stall.evaluatedAt', op: '<', value: NOW_ISO }], orderBy: [{ field: 'stall.evaluatedAt' }], limit: 200 }, 'documents_projects_stall_evaluated'],
      ['projects', { where: [{ field: 'stage', op: '==', value: 'matched' }], orderBy: [{ field: 'rank', direction: 'desc' }] }, 'documents_projects_stage'],
      ['loanLines', { where: [{ field: 'projectId', op: '==', value: 'p1' }] }, 'documents_loan_lines_project'],
      ['loanLines', { where: [{ field: 'projectId', op: 'in', value: ['p1', 'p2'] }] }, 'documents_loan_lines_project'],
      ['loanLines', { where: [{ field: 'projectId', op: '==', value: 'p1' }, { field: 'bankId', op: '==', value: 'icbc' }] }, 'documents_loan_lines_project'],
      ['loanLines', { where: [{ field: 'bankId', op: '==', value: 'icbc' }] }, 'documents_loan_lines_bank'],
      ['activity', { where: [{ field: 'projectId', op: '==', value: 'p1' }], orderBy: [{ field: 'at', direction: 'desc' }], limit: 50 }, 'documents_activity_project'],
      ['activity', { where: [{ field: 'projectId', op: '==', value: 'p1' }, { field: 'lineId', op: '==', value: null }], orderBy: [{ field: 'at', direction: 'desc' }], limit: 50 }, 'documents_activity_project'],
      ['banks', { where: [{ field: 'name', op: '==', value: '工商银行' }] }, 'documents_banks_name'],
      ['months', { where: [{ field: 'status', op: '==', value: 'closed' }], orderBy: [{ field: 'month', direction: 'desc' }] }, 'documents_months_status'],
      ['projects', { where: [{ field: 'name', op: '==', value: '城南污水处理厂' }], limit: 1 }, 'documents_projects_name'],
      ['activity', { where: [{ field: 'importId', op: '==', value: 'i1' }] }, 'documents_activity_import'],
      ['activity', { where: [{ field: 'projectId', op: '==', value: 'p1' }, { field: 'bankId', op: '==', value: 'icbc' }], orderBy: [{ field: 'at', direction: 'desc' }], limit: 50 }, 'documents_activity_project'],
      ['members', { where: [{ field: 'uid', op: '==', value: 'u1' }] }, 'documents_members_uid'],
      ['letters', { where: [{ field: 'scope', op: '==', value: 'day:2026-04-01' }] }, 'documents_letters_scope'],
    ];
    for (const [collection, spec, index] of cases) {
      const built = buildDocumentQuery(collection, spec);
      const plan = await database.client.transaction(async (sql) => {
        // An almost empty table is cheapest to scan: take scans away to see which index the plan can use.
        await sql.exec('SET LOCAL enable_seqscan = off');
        const rows = await sql.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${built.text}`, built.params);
        return rows.map((row) => row['QUERY PLAN']).join('\n');
      });
      expect(plan, `${collection} ${JSON.stringify(spec)}`).toContain(index);
    }
  });

  it('two moves of one card at once: one applies, the other is refused and writes nothing', async () => {
    const projectId = await createProject(database.store, '两次拖动');
    const move = (toStage: 'matched' | 'approved') =>
      run(database.store, STAFF, 'project.move', { projectId, expectedVersion: 1, toStage, before: null, after: null }).then(
        () => 'applied',
        (error: unknown) => error,
      );
    const outcomes = await Promise.all([move('matched'), move('matched')]);
    expect(outcomes.filter((outcome) => outcome === 'applied')).toHaveLength(1);
    const refusal = outcomes.find((outcome) => outcome !== 'applied');
    expect(refusal).toBeInstanceOf(DomainError);
    expect((refusal as DomainError).messageKey).toBe('errors.conflict');
    const project = await database.store.get<Project>('projects', projectId);
    expect(project).toMatchObject({ version: 2, data: { stage: 'matched' } });
    const moves = await database.store.query<Activity>('activity', {
      where: [{ field: 'projectId', op: '==', value: projectId }, { field: 'command', op: '==', value: 'project.move' }],
    });
    expect(moves).toHaveLength(1);
  });

  it('20 concurrent tranches on one line near its approved amount: none lost, never above approved', async () => {
    const projectId = await createProject(database.store, '并发放款');
    const approved = 1_000 * WAN;
    const amount = 70 * WAN;
    const lineId = await approvedLine(database.store, projectId, approved);
    const outcomes: string[] = [];
    let conflicts = 0;
    const client = async () => {
      // A person who sees "someone else changed this" refreshes and tries again.
      for (let attempt = 0; attempt < 60; attempt++) {
        const line = await database.store.get<LoanLine>('loanLines', lineId);
        try {
          await run(database.store, ICBC_LIAISON, 'line.addTranche', { lineId, expectedVersion: line!.version, date: '2026-03-01', amount });
          outcomes.push('applied');
          return;
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
          if (error.messageKey === 'errors.conflict') {
            conflicts += 1;
            continue;
          }
          outcomes.push(error.messageKey);
          return;
        }
      }
      outcomes.push('gave up');
    };
    await Promise.all(Array.from({ length: 20 }, client));

    const maxTranches = Math.floor(approved / amount);
    expect(outcomes.filter((o) => o === 'applied')).toHaveLength(maxTranches);
    expect(outcomes.filter((o) => o !== 'applied')).toEqual(Array.from({ length: 20 - maxTranches }, () => 'errors.line.overDisbursed'));
    expect(conflicts).toBeGreaterThan(0);
    const line = (await database.store.get<LoanLine>('loanLines', lineId))!;
    const disbursed = line.data.tranches.reduce((sum, tranche) => sum + tranche.amount, 0);
    expect(line.data.tranches).toHaveLength(maxTranches);
    expect(disbursed).toBe(maxTranches * amount);
    expect(disbursed).toBeLessThanOrEqual(approved);
    // version 1 add, 2 approval, then one per applied tranche: a refused command wrote nothing.
    expect(line.version).toBe(2 + maxTranches);
    const project = (await database.store.get<Project>('projects', projectId))!;
    expect(project.data.clearance.disbursed).toBe(disbursed);
    const records = await database.store.query<Activity>('activity', {
      where: [{ field: 'lineId', op: '==', value: lineId }, { field: 'command', op: '==', value: 'line.addTranche' }],
    });
    expect(records).toHaveLength(maxTranches);
  });

  it('two store instances on one PostgreSQL see each other’s commits, and a reconnecting feed misses none', async () => {
    const feedErrors: string[] = [];
    const other = await openDatabase({ databaseUrl: url, dataDir: '', onError: (error) => feedErrors.push(error.message) });
    try {
      const seenHere: DocumentChange[] = [];
      const seenThere: DocumentChange[] = [];
      database.store.onChange((changes) => seenHere.push(...changes));
      other.store.onChange((changes) => seenThere.push(...changes));
      const has = (seen: DocumentChange[], id: string, version: number | null) =>
        seen.some((change) => change.id === id && (version === null ? change.doc === null : change.doc?.version === version));

      const id = database.store.newId('banks');
      await database.store.runTransaction(async (tx) => tx.create('banks', id, { name: '甲' }));
      await eventually(() => has(seenThere, id, 1), 'the other process to see the create');
      expect(seenThere.find((change) => change.id === id)).toEqual({ collection: 'banks', id, doc: { id, version: 1, data: { name: '甲' } } });

      await other.store.runTransaction(async (tx) => {
        const doc = await tx.get('banks', id);
        tx.update('banks', id, { name: '乙' }, doc!.version);
      });
      await eventually(() => has(seenHere, id, 2), 'this process to see the other one’s update');

      // The other process' listening connection drops; commits made meanwhile still reach it.
      const [terminated] = await database.sql<{ ok: boolean }>('SELECT pg_terminate_backend($1) AS ok', [other.changeFeed!.backendPid]);
      expect(terminated?.ok).toBe(true);
      await database.store.runTransaction(async (tx) => {
        const doc = await tx.get('banks', id);
        tx.delete('banks', id, doc!.version);
      });
      await eventually(() => has(seenThere, id, null), 'the reconnected feed to deliver the delete');
      expect(feedErrors.join('\n')).toMatch(/terminating connection/);

      // Each process told its own listeners about its own commits exactly once.
      expect(seenHere.filter((change) => change.id === id).map((change) => change.doc?.version ?? null)).toEqual([1, 2, null]);
      expect(seenThere.filter((change) => change.id === id).map((change) => change.doc?.version ?? null)).toEqual([1, 2, null]);
    } finally {
      await other.close();
    }
  });

  it('concurrent transactions that count a query and insert into it serialize: no phantom, no duplicate count', async () => {
    // Each one counts the project's lines and adds line number <count>: serializable means 0..n-1.
    const projectId = database.store.newId('projects');
    const otherProject = database.store.newId('projects');
    const insertNext = (id: string) =>
      database.store.runTransaction(async (tx) => {
        const lines = await tx.query('loanLines', { where: [{ field: 'projectId', op: '==', value: projectId }] });
        tx.create('loanLines', id, { projectId, bankId: 'icbc', index: lines.length });
      });
    // And lines of another project move into this one meanwhile: an update entering the result.
    const moveIn = async (id: string) => {
      await database.store.runTransaction(async (tx) => tx.create('loanLines', id, { projectId: otherProject, bankId: 'icbc', index: -1 }));
      await database.store.runTransaction(async (tx) => {
        const lines = await tx.query('loanLines', { where: [{ field: 'projectId', op: '==', value: projectId }] });
        const doc = await tx.get<{ index: number }>('loanLines', id);
        tx.update('loanLines', id, { projectId, bankId: 'icbc', index: lines.length }, doc!.version);
      });
    };
    const ids = Array.from({ length: 24 }, () => database.store.newId('loanLines'));
    const outcomes = await Promise.allSettled(ids.map((id, i) => (i % 4 === 3 ? moveIn(id) : insertNext(id))));
    const applied = outcomes.filter((outcome) => outcome.status === 'fulfilled').length;
    const lines = await database.store.query<{ index: number }>('loanLines', { where: [{ field: 'projectId', op: '==', value: projectId }] });
    expect(lines).toHaveLength(applied);
    expect(lines.map((line) => line.data.index).sort((a, b) => a - b)).toEqual(Array.from({ length: applied }, (_, i) => i));
    expect(applied).toBeGreaterThan(1);
    // The others lost the race more often than the bounded retries allow: refused as conflicts.
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') expect((outcome.reason as DomainError).messageKey).toBe('errors.conflict');
    }
  });

  /**
   * A store whose commits sleep after validating, before writing: without its locks, two
   * conflicting commits sent together would both validate and both write.
   */
  function sideBySideStore(): PostgresDocumentStore {
    return new PostgresDocumentStore(database.client, { validationPauseMs: 200, commitsInFlight: Infinity, commitBatchItems: 1 });
  }

  it('two commits validated side by side cannot both miss the other’s insert (predicate locks)', async () => {
    // Each counts one project's lines and adds a line to the other project: serializable means at
    // least one of the two saw the other's line.
    const store = sideBySideStore();
    for (let round = 0; round < 4; round++) {
      const [first, second] = [store.newId('projects'), store.newId('projects')];
      const countAndCross = (counted: string, target: string) =>
        store.runTransaction(async (tx) => {
          const lines = await tx.query('loanLines', { where: [{ field: 'projectId', op: '==', value: counted }] });
          tx.create('loanLines', store.newId('loanLines'), { projectId: target, bankId: 'icbc', saw: lines.length });
        });
      await Promise.all([countAndCross(first, second), countAndCross(second, first)]);
      const seen = await store.query<{ saw: number }>('loanLines', { where: [{ field: 'projectId', op: 'in', value: [first, second] }] });
      expect(seen.map((line) => line.data.saw).sort()).toEqual([0, 1]);
    }
    // Each its own transaction: in one batch they would be checked one after the other, locks or not.
    expect(store.committer.stats.largestBatch).toBe(1);
  });

  it('two commits validated side by side cannot both act on what the other changes (read locks: no write skew)', async () => {
    const store = sideBySideStore();
    for (let round = 0; round < 3; round++) {
      const [a, b] = [store.newId('members'), store.newId('members')];
      await store.runTransaction(async (tx) => {
        tx.create('members', a, { onDuty: true });
        tx.create('members', b, { onDuty: true });
      });
      const goOffDuty = (self: string, other: string) =>
        store.runTransaction(async (tx) => {
          const mine = await tx.get<{ onDuty: boolean }>('members', self);
          const theirs = await tx.get<{ onDuty: boolean }>('members', other);
          if (!theirs!.data.onDuty) return;
          tx.update('members', self, { onDuty: false }, mine!.version);
        });
      await Promise.all([goOffDuty(a, b), goOffDuty(b, a)]);
      const onDuty = [(await store.get<{ onDuty: boolean }>('members', a))!, (await store.get<{ onDuty: boolean }>('members', b))!];
      expect(onDuty.filter((doc) => doc.data.onDuty)).toHaveLength(1);
    }
    expect(store.committer.stats.largestBatch).toBe(1);
  });

  it('a document read before the transaction and changed since is read again: no lost update', async () => {
    const id = database.store.newId('months');
    await database.store.runTransaction(async (tx) => tx.create('months', id, { count: 0 }));
    const [row] = await database.sql<{ version: number; data: { count: number }; seq: string }>(
      "SELECT version, data, seq FROM documents WHERE collection = 'months' AND id = $1",
      [id],
    );
    const prefetched = { collection: 'months' as const, id, version: row!.version, data: row!.data, seq: Number(row!.seq) };
    // Someone else commits after the prefetch.
    await database.store.runTransaction(async (tx) => {
      const doc = await tx.get<{ count: number }>('months', id);
      tx.update('months', id, { count: doc!.data.count + 1 }, doc!.version);
    });
    const seen: number[] = [];
    await database.store.withPrefetched([prefetched]).runTransaction(async (tx) => {
      const doc = await tx.get<{ count: number }>('months', id);
      seen.push(doc!.data.count);
      tx.update('months', id, { count: doc!.data.count + 1 }, doc!.version);
    });
    // The first attempt counted on the stale prefetch; its commit failed validation and the second read afresh.
    expect(seen).toEqual([0, 1]);
    expect(await database.store.get('months', id)).toEqual({ id, version: 3, data: { count: 2 } });
  });

  it('a recent document another process changed since is read again: no lost update, even before its feed tells', async () => {
    const id = database.store.newId('months');
    await database.store.runTransaction(async (tx) => tx.create('months', id, { count: 0 }));
    const increment = (store: PostgresDocumentStore, seen: number[]) =>
      store.runTransaction(async (tx) => {
        const doc = await tx.get<{ count: number }>('months', id);
        seen.push(doc!.data.count);
        tx.update('months', id, { count: doc!.data.count + 1 }, doc!.version);
      });
    // This process now holds the document as it wrote it (version 2)…
    await increment(database.store, []);
    expect(database.store.recent.get(`months/${id}`)?.version).toBe(2);
    // …and a store of another process (no change feed: this one is never told) commits over it.
    const other = new PostgresDocumentStore(database.client);
    await increment(other, []);
    const seen: number[] = [];
    await increment(database.store, seen);
    // The first attempt counted on the recent copy; its commit failed validation and the retry read the database.
    expect(seen).toEqual([1, 2]);
    expect(await database.store.get('months', id)).toEqual({ id, version: 4, data: { count: 3 } });
    // A refusal made from a stale copy does not count either: the retry reads afresh and the edit applies.
    await increment(other, []);
    await database.store.runTransaction(async (tx) => {
      const doc = await tx.get<{ count: number }>('months', id);
      if (doc!.version !== 5) throw new DomainError('failed-precondition', 'test.stale');
      tx.update('months', id, { count: 10 }, 5);
    });
    expect(await database.store.get('months', id)).toEqual({ id, version: 6, data: { count: 10 } });
  });

  it('a recent query result another process changed since is asked again: the transaction sees every document', async () => {
    const projectId = `recent-query-${database.store.newId('projects')}`;
    const lineIds = [database.store.newId('loanLines'), database.store.newId('loanLines'), database.store.newId('loanLines')];
    await database.store.runTransaction(async (tx) => tx.create('loanLines', lineIds[0]!, { projectId, note: 'a' }));
    const summarise = (store: PostgresDocumentStore, seen: number[]) =>
      store.runTransaction(async (tx) => {
        const lines = await tx.query<{ note: string }>('loanLines', { where: [{ field: 'projectId', op: '==', value: projectId }] });
        seen.push(lines.length);
        const first = lines.find((line) => line.id === lineIds[0])!;
        tx.update('loanLines', first.id, { projectId, note: `${lines.length} lines` }, first.version);
      });
    await summarise(database.store, []);
    // This process keeps the result and follows its own writes…
    const seen: number[] = [];
    await summarise(database.store, seen);
    expect(seen).toEqual([1]);
    // …until another process adds a line this one is not told about: the stale answer fails at commit, the retry reads afresh.
    await new PostgresDocumentStore(database.client).runTransaction(async (tx) => tx.create('loanLines', lineIds[1]!, { projectId, note: 'b' }));
    seen.length = 0;
    await summarise(database.store, seen);
    expect(seen).toEqual([1, 2]);
    expect((await database.store.get('loanLines', lineIds[0]!))!.data).toEqual({ projectId, note: '2 lines' });
    // A line this process adds, and one it moves away, are taken in (core's order: by id here).
    await database.store.runTransaction(async (tx) => tx.create('loanLines', lineIds[2]!, { projectId, note: 'c' }));
    const moved = (await database.store.get<{ note: string }>('loanLines', lineIds[1]!))!;
    await database.store.runTransaction(async (tx) => {
      const doc = await tx.get('loanLines', lineIds[1]!);
      tx.update('loanLines', lineIds[1]!, { projectId: 'elsewhere', note: moved.data.note }, doc!.version);
    });
    const final = await database.store.runTransaction((tx) => tx.query<{ note: string }>('loanLines', { where: [{ field: 'projectId', op: '==', value: projectId }] }));
    const fresh = await database.store.query<{ note: string }>('loanLines', { where: [{ field: 'projectId', op: '==', value: projectId }] });
    expect(final).toEqual(fresh);
    expect(final.map((line) => line.id).sort()).toEqual([lineIds[0]!, lineIds[2]!].sort());
  });

  it('a transaction checking its session writes nothing once the session ended', async () => {
    const uid = `session-check-${database.store.newId('members')}`;
    await database.sql("INSERT INTO accounts (uid, email, password_hash, disabled) VALUES ($1, $2, 'x', false)", [uid, `${uid}@clearway.local`]);
    const now = new Date();
    await database.sql('INSERT INTO sessions (token_hash, uid, expires_at) VALUES ($1, $2, $3)', [`live-${uid}`, uid, new Date(now.getTime() + 60_000)]);
    await database.sql('INSERT INTO sessions (token_hash, uid, expires_at) VALUES ($1, $2, $3)', [`expired-${uid}`, uid, new Date(now.getTime() - 1)]);
    const create = (tokenHash: string) => {
      const id = database.store.newId('months');
      return database.store.runTransaction(async (tx) => tx.create('months', id, { by: tokenHash }), { session: { tokenHash, now } }).then(
        async () => (await database.store.get('months', id)) !== null,
        async (error: unknown) => ({ error, written: (await database.store.get('months', id)) !== null }),
      );
    };
    expect(await create(`live-${uid}`)).toBe(true);
    for (const ended of [`expired-${uid}`, `signed-out-${uid}`]) {
      const outcome = await create(ended);
      expect(outcome).toEqual({ error: expect.any(SessionEndedError), written: false });
    }
    // A transaction that writes nothing checks it too.
    await expect(database.store.runTransaction(async (tx) => tx.get('months', 'none'), { session: { tokenHash: `signed-out-${uid}`, now } })).rejects.toBeInstanceOf(SessionEndedError);
  });

  it('a burst of concurrent commits in one process reaches the other, every document at its final version', async () => {
    const other = await openDatabase({ databaseUrl: url, dataDir: '' });
    try {
      const latest = new Map<string, number | null>();
      other.store.onChange((changes) => {
        for (const change of changes) if (change.collection === 'months') latest.set(change.id, change.doc?.version ?? null);
      });
      const ids = Array.from({ length: 40 }, () => database.store.newId('months'));
      const expected = new Map<string, number | null>();
      await Promise.all(
        ids.map(async (id, i) => {
          await database.store.runTransaction(async (tx) => tx.create('months', id, { i }));
          for (let round = 0; round < i % 3; round++) {
            await database.store.runTransaction(async (tx) => {
              const doc = await tx.get<{ i: number }>('months', id);
              tx.update('months', id, { i, round }, doc!.version);
            });
          }
          if (i % 5 === 0) {
            await database.store.runTransaction(async (tx) => {
              const doc = await tx.get('months', id);
              tx.delete('months', id, doc!.version);
            });
            expected.set(id, null);
          } else {
            expected.set(id, 1 + (i % 3));
          }
        }),
      );
      await eventually(() => ids.every((id) => latest.has(id) && latest.get(id) === expected.get(id)), 'every commit of the burst to arrive');
    } finally {
      await other.close();
    }
  });

  it('a commit whose NOTIFY never came still reaches the other process, within a poll', async () => {
    const other = await openDatabase({ databaseUrl: url, dataDir: '' });
    try {
      const seen = new Set<string>();
      other.store.onChange((changes) => {
        for (const change of changes) seen.add(change.id);
      });
      // A process killed between its commit and its announcement: the commit is there, the NOTIFY is not.
      const silent = new PostgresDocumentStore(database.client, { notify: false });
      const id = silent.newId('banks');
      await silent.runTransaction(async (tx) => tx.create('banks', id, { name: '无通知' }));
      await eventually(() => seen.has(id), 'the other process’s feed to read the unannounced commit');
    } finally {
      await other.close();
    }
  });

  it('after PostgreSQL restarts, commits work again and the change feed catches up', async () => {
    const errors: string[] = [];
    const other = await openDatabase({ databaseUrl: url, dataDir: '', onError: (error) => errors.push(error.message) });
    try {
      const seen = new Set<string>();
      other.store.onChange((changes) => {
        for (const change of changes) seen.add(change.id);
      });
      await cluster.restart();
      // Pooled connections died with the server: the first commits may fail, never half-written.
      const id = database.store.newId('banks');
      let attempts = 0;
      await eventually(async () => {
        attempts += 1;
        try {
          await database.store.runTransaction(async (tx) => tx.create('banks', id, { name: '重启之后' }));
          return true;
        } catch {
          return (await database.store.get('banks', id).catch(() => null)) !== null;
        }
      }, 'a commit to succeed after the restart');
      expect(await database.store.get('banks', id)).toEqual({ id, version: 1, data: { name: '重启之后' } });
      await eventually(() => seen.has(id), 'the other process’ feed to reconnect and deliver the commit');
      expect(attempts).toBeGreaterThanOrEqual(1);
      expect(errors.length).toBeGreaterThan(0);
    } finally {
      await other.close();
    }
  });
});

const NOW_ISO = '2026-03-10T02:00:00.000Z';
