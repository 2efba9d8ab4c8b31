import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLLECTIONS, MemoryDocumentStore, type CollectionName, type QueryFilter, type QuerySpec, type WhereOp } from '@clearway/core';
import { startPostgresCluster, type PostgresCluster } from '../testing/postgresCluster';
import { openDatabase, type Database } from './database';
import { applyMigrations, MIGRATIONS } from './migrations';
import { QUERY_COLUMNS, QUERY_COLUMNS_MIGRATION, queryColumnText } from './queryColumns';
import { jsonPath, textPath } from './querySql';

/** Every (collection, field, column) the query columns serve. */
const MAPPED = Object.entries(QUERY_COLUMNS).flatMap(([collection, fields]) =>
  Object.entries(fields).map(([field, column]) => ({ collection: collection as CollectionName, field, column })),
);
const COLUMNS = ['q1', 'q2', 'q3', 'q4'] as const;

/** What the column must hold for a row of `collection`: the path into data where it is mapped, else NULL. */
function expectedColumnSql(collection: string, column: string): string {
  const entry = MAPPED.find((candidate) => candidate.collection === collection && candidate.column === column);
  return entry ? jsonPath(entry.field) : 'NULL';
}

/** A document of any collection with every mapped field set from `value` (nested for the stall dates). */
function documentWith(value: unknown): Record<string, unknown> {
  const data: Record<string, unknown> = { keep: 'x' };
  for (const { field } of MAPPED) {
    const [first, second] = field.split('.');
    if (second === undefined) data[first!] = value;
    else data[first!] = { ...(data[first!] as Record<string, unknown> | undefined), [second]: value };
  }
  return data;
}

async function columnsFollowData(database: Database, ids: string[]): Promise<void> {
  for (const collection of COLLECTIONS) {
    const comparisons = COLUMNS.map((column) => `(${column} IS NOT DISTINCT FROM ${expectedColumnSql(collection, column)}) AS ${column}`);
    // The text the stall indexes hold is the text the path into data gives.
    for (const { field, column } of MAPPED.filter((entry) => entry.collection === collection)) {
      comparisons.push(`(${queryColumnText(column)} IS NOT DISTINCT FROM ${textPath(field)}) AS ${column}_text`);
    }
    const nonNull = COLUMNS.map((column) => `(${column} IS NOT NULL) AS ${column}_set`);
    const rows = await database.sql<Record<string, boolean>>(
      `SELECT id, ${comparisons.join(', ')}, ${nonNull.join(', ')} FROM documents WHERE collection = $1 AND id = ANY($2::text[])`,
      [collection, ids],
    );
    expect(rows.length, collection).toBe(ids.length);
    for (const row of rows) {
      for (const column of COLUMNS) expect(row[column], `${collection}/${String(row.id)} ${column}`).toBe(true);
      for (const { column } of MAPPED.filter((entry) => entry.collection === collection)) expect(row[`${column}_text`], `${collection} ${column} text`).toBe(true);
      // The columns are filled only for the collections that query the field.
      const mappedHere = new Set(MAPPED.filter((entry) => entry.collection === collection).map((entry) => entry.column));
      for (const column of COLUMNS) if (!mappedHere.has(column)) expect(row[`${column}_set`], `${collection} ${column}`).toBe(false);
    }
  }
}

const VALUES: unknown[] = [
  5,
  -1,
  0,
  '5',
  'a',
  'B',
  'b',
  'é',
  '中文',
  '',
  '2026-03-01T00:00:00.000Z',
  '2026-03-10T02:00:00.000Z',
  '2026-03-10T02:00:00.001Z',
  null,
  true,
  false,
  // Arrays that order the same element by element (in memory) and shorter first (jsonb): querySql.ts.
  [1],
  [2, 3],
  { k: 1 },
];

function paritySpecs(field: string): QuerySpec[] {
  const ops: WhereOp[] = ['==', '!=', '<', '<=', '>', '>=', 'array-contains'];
  const specs: QuerySpec[] = [{}];
  for (const op of ops) for (const value of VALUES) specs.push({ where: [{ field, op, value }] });
  specs.push({ where: [{ field, op: 'in', value: [5, 'a', null, [1], { k: 1 }] }] });
  for (const direction of ['asc', 'desc'] as const) {
    specs.push({ orderBy: [{ field, direction }] });
    specs.push({ orderBy: [{ field, direction }], limit: 4 });
    // The stall scan's shape.
    specs.push({ where: [{ field, op: '<=', value: '2026-03-10T02:00:00.000Z' }], orderBy: [{ field, direction }], limit: 3 });
    specs.push({ where: [{ field, op: '<', value: 'b' }], orderBy: [{ field, direction }] });
    specs.push({ where: [{ field, op: '>', value: 0 }], orderBy: [{ field, direction }] });
    specs.push({ where: [{ field, op: '==', value: 'a' }], orderBy: [{ field, direction }, { field: 'at', direction: 'desc' }] });
  }
  return specs;
}

function describeOn(kind: 'PGlite' | 'PostgreSQL', open: () => Promise<Database>, cleanup: () => Promise<void> = async () => {}) {
  describe(`query columns on ${kind}`, () => {
    let database: Database;

    beforeAll(async () => {
      database = await open();
    });

    afterAll(async () => {
      await database?.close();
      await cleanup();
    });

    it('hold what the query would read from data, in every collection, and follow updates', async () => {
      const ids = VALUES.map((_, i) => `gen-${i}`);
      await database.store.runTransaction(async (tx) => {
        for (const collection of COLLECTIONS) ids.forEach((id, i) => tx.create(collection, id, documentWith(VALUES[i])));
        // Missing fields and a stall that is not an object.
        for (const collection of COLLECTIONS) tx.create(collection, 'gen-empty', { stall: [1] });
      });
      await columnsFollowData(database, [...ids, 'gen-empty']);
      const set = await database.sql<{ n: number }>(`SELECT count(*)::int AS n FROM documents WHERE collection = 'projects' AND q1 IS NOT NULL AND id LIKE 'gen-%'`);
      expect(set[0]!.n).toBe(VALUES.length);

      // Each row takes the next row's values: every column must change with its data.
      await database.store.runTransaction(async (tx) => {
        for (const collection of COLLECTIONS) {
          ids.forEach((id, i) => tx.update(collection, id, documentWith(VALUES[(i + 1) % VALUES.length]), 1));
          tx.update(collection, 'gen-empty', documentWith('now set'), 1);
        }
      });
      await columnsFollowData(database, [...ids, 'gen-empty']);
      const after = await database.sql<{ stage: unknown; next: string | null }>(
        `SELECT q1 AS stage, ${queryColumnText('q3')} AS next FROM documents WHERE collection = 'projects' AND id = 'gen-empty'`,
      );
      expect(after).toEqual([{ stage: 'now set', next: 'now set' }]);

      // Written directly, the columns still follow the data.
      await database.sql(`UPDATE documents SET q1 = '"forged"'::jsonb, q3 = NULL WHERE collection = 'projects' AND id = 'gen-empty'`);
      await database.sql(`INSERT INTO documents (collection, id, version, data, seq, q1) VALUES ('projects', 'gen-forged', 1, '{"stage": "matched"}', 1, '"forged"')`);
      await columnsFollowData(database, [...ids, 'gen-empty']);
      const forged = await database.sql<{ id: string; q1: unknown; q3: unknown }>(
        `SELECT id, q1, q3 FROM documents WHERE collection = 'projects' AND id IN ('gen-empty', 'gen-forged') ORDER BY id`,
      );
      expect(forged).toEqual([
        { id: 'gen-empty', q1: 'now set', q3: 'now set' },
        { id: 'gen-forged', q1: 'matched', q3: null },
      ]);
    });

    it('an update that leaves the queried fields alone is HOT; one that changes them is not', async () => {
      await database.store.runTransaction(async (tx) => {
        tx.create('projects', 'hot-project', { name: '热更新', stage: 'pipeline', stall: { nextCheckAt: '2026-03-01T00:00:00.000Z' }, actionPlan: 'a' });
        tx.create('loanLines', 'hot-line', { projectId: 'hot-project', bankId: 'icbc', note: 'a' });
      });
      const counts = await database.client.transaction(async (sql) => {
        // The counters of this transaction alone: no wait for the statistics to be flushed.
        const read = async () =>
          (
            await sql.query<{ updates: number; hot: number }>(
              `SELECT n_tup_upd::int AS updates, n_tup_hot_upd::int AS hot FROM pg_stat_xact_user_tables WHERE relname = 'documents'`,
            )
          )[0] ?? { updates: 0, hot: 0 };
        // As clearway_commit writes: the whole data, the version and the seq.
        const update = (collection: string, id: string, patch: string) =>
          sql.query(`UPDATE documents SET data = data || $3::jsonb, version = version + 1, seq = seq + 1 WHERE collection = $1 AND id = $2`, [
            collection,
            id,
            patch,
          ]);
        const start = await read();
        await update('projects', 'hot-project', '{"actionPlan": "b"}');
        await update('loanLines', 'hot-line', '{"note": "b"}');
        const unqueried = await read();
        await update('projects', 'hot-project', '{"stage": "matched"}');
        await update('loanLines', 'hot-line', '{"bankId": "abc"}');
        const queried = await read();
        return {
          unqueried: { updates: unqueried.updates - start.updates, hot: unqueried.hot - start.hot },
          queried: { updates: queried.updates - unqueried.updates, hot: queried.hot - unqueried.hot },
        };
      });
      expect(counts).toEqual({ unqueried: { updates: 2, hot: 2 }, queried: { updates: 2, hot: 0 } });
    });

    it('queries on the columns return what the in-memory store returns', async () => {
      const memory = new MemoryDocumentStore();
      for (const { collection, field } of MAPPED) {
        const tag = `parity-${field}`;
        const docs: Record<string, unknown>[] = VALUES.map((value, i) => {
          const data: Record<string, unknown> = { tag, at: `2026-03-0${(i % 9) + 1}` };
          const [first, second] = field.split('.');
          data[first!] = second === undefined ? value : { [second]: value };
          return data;
        });
        docs.push({ tag }, { tag, stall: 'not a map' }, { tag, stall: [{ nextCheckAt: 'a' }] });
        for (const target of [database.store, memory]) {
          await target.runTransaction(async (tx) => {
            docs.forEach((data, i) => tx.create(collection, `${tag}-${String(i).padStart(2, '0')}`, data));
          });
        }
        let compared = 0;
        for (const spec of paritySpecs(field)) {
          const byTag: QueryFilter = { field: 'tag', op: '==', value: tag };
          const tagged: QuerySpec = { ...spec, where: [byTag, ...(spec.where ?? [])] };
          const expected = (await memory.query(collection, tagged)).map((doc) => doc.id);
          const actual = (await database.store.query(collection, tagged)).map((doc) => doc.id);
          expect(actual, `${collection} ${JSON.stringify(tagged)}`).toEqual(expected);
          compared += 1;
        }
        expect(compared).toBeGreaterThan(100);
      }
      // The app's combined queries (a liaison's lines of a project, a project's history), over
      // every mix of present, null and missing fields.
      const tag = 'parity-combined';
      const mixes: Record<string, unknown>[] = [];
      for (const projectId of ['a', 'b', null, undefined])
        for (const bankId of ['a', null, undefined])
          for (const lineId of ['l', null, undefined]) mixes.push({ tag, projectId, bankId, lineId, at: `2026-03-${10 + (mixes.length % 7)}` });
      for (const target of [database.store, memory]) {
        await target.runTransaction(async (tx) => {
          for (const collection of ['loanLines', 'activity'] as const) {
            mixes.forEach((mix, i) => tx.create(collection, `${tag}-${i}`, JSON.parse(JSON.stringify(mix)) as Record<string, unknown>));
          }
        });
      }
      const byTag: QueryFilter = { field: 'tag', op: '==', value: tag };
      const combined: [CollectionName, QuerySpec][] = [
        ['loanLines', { where: [byTag, { field: 'projectId', op: '==', value: 'a' }, { field: 'bankId', op: '==', value: 'a' }] }],
        ['loanLines', { where: [byTag, { field: 'projectId', op: 'in', value: ['a', 'b'] }] }],
        ['loanLines', { where: [byTag, { field: 'bankId', op: '==', value: null }] }],
        ['activity', { where: [byTag, { field: 'projectId', op: '==', value: 'a' }, { field: 'lineId', op: '==', value: null }], orderBy: [{ field: 'at', direction: 'desc' }], limit: 50 }],
        ['activity', { where: [byTag, { field: 'projectId', op: '==', value: 'b' }, { field: 'bankId', op: '==', value: 'a' }], orderBy: [{ field: 'at', direction: 'desc' }], limit: 2 }],
      ];
      for (const [collection, spec] of combined) {
        const expected = (await memory.query(collection, spec)).map((doc) => doc.id);
        const actual = (await database.store.query(collection, spec)).map((doc) => doc.id);
        expect(expected.length, JSON.stringify(spec)).toBeGreaterThan(0);
        expect(actual, `${collection} ${JSON.stringify(spec)}`).toEqual(expected);
      }
    });
  });
}

describeOn('PGlite', () => openDatabase({ dataDir: '' }));

let cluster: PostgresCluster | undefined;
describeOn(
  'PostgreSQL',
  async () => {
    cluster = await startPostgresCluster();
    return openDatabase({ databaseUrl: await cluster.createDatabase(), dataDir: '' });
  },
  async () => {
    await cluster?.stop();
  },
);

describe('the query columns migration', () => {
  it('fills the columns of the documents stored before it', async () => {
    const position = MIGRATIONS.indexOf(QUERY_COLUMNS_MIGRATION);
    expect(position).toBeGreaterThan(0);
    const database = await openDatabase({ dataDir: '', migrations: MIGRATIONS.slice(0, position) });
    try {
      const ids = VALUES.map((_, i) => `old-${i}`);
      for (const collection of COLLECTIONS) {
        for (const [i, id] of ids.entries()) {
          await database.sql(`INSERT INTO documents (collection, id, version, data, seq) VALUES ($1, $2, 1, $3::jsonb, 1)`, [
            collection,
            id,
            JSON.stringify(documentWith(VALUES[i])),
          ]);
        }
      }
      expect(await applyMigrations(database.client, MIGRATIONS)).toEqual(MIGRATIONS.slice(position).map((_, i) => position + i + 1));
      await columnsFollowData(database, ids);
      const options = await database.sql<{ reloptions: string[] }>(`SELECT reloptions FROM pg_class WHERE relname = 'documents'`);
      expect(options[0]!.reloptions).toContain('fillfactor=85');
      // Analyzed: the planner has the new columns' statistics.
      const analyzed = await database.sql(`SELECT attname FROM pg_stats WHERE tablename = 'documents' AND attname = 'q1'`);
      expect(analyzed).toHaveLength(1);
    } finally {
      await database.close();
    }
  });
});
