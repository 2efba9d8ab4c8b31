/**
 * The change log is kept for the configured retention and pruned by the scheduler; a change feed
 * that was away longer than that (its rows pruned unread) makes every realtime watch reload in
 * full instead of missing the changes, while a feed that kept up goes on with deltas.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Project } from '@clearway/core';
import { startPostgresCluster, type PostgresCluster } from '../testing/postgresCluster';
import { startTestServer, TestClient, type TestServer } from '../testing/harness';
import { openDatabase, type Database } from './database';
import { pruneChangeLog, startChangeLogPruning } from './changeLog';

const DAY_MS = 24 * 3600_000;

async function changeRows(db: Pick<Database, 'sql'>): Promise<number> {
  const [row] = await db.sql<{ n: number | string }>('SELECT count(*) AS n FROM document_changes');
  return Number(row?.n ?? 0);
}

/** Makes every change row written so far look `days` old. */
async function age(db: Pick<Database, 'sql'>, days: number): Promise<void> {
  await db.sql(`UPDATE document_changes SET at = now() - $1 * interval '1 day'`, [days]);
}

describe('pruning on PGlite', () => {
  let db: Database;
  beforeAll(async () => {
    db = await openDatabase({ dataDir: '' });
  });
  afterAll(async () => {
    await db?.close();
  });

  it('removes rows older than the retention only and records the newest pruned transaction', async () => {
    await db.store.runTransaction(async (tx) => tx.create('banks', 'old', { id: 'old', name: '旧银行' }));
    await age(db, 8);
    await db.store.runTransaction(async (tx) => tx.create('banks', 'new', { id: 'new', name: '新银行' }));
    expect(await changeRows(db)).toBe(2);
    expect(await db.sql('SELECT 1 FROM change_log_horizon')).toEqual([]);

    expect(await pruneChangeLog(db.client, 7 * DAY_MS)).toBe(1);
    const left = await db.sql<{ id: string }>('SELECT id FROM document_changes');
    expect(left.map((row) => row.id)).toEqual(['new']);
    const [horizon] = await db.sql<{ pruned_txid: string }>('SELECT pruned_txid::text FROM change_log_horizon');
    expect(horizon?.pruned_txid).toMatch(/^\d+$/);

    // Nothing old enough: nothing removed, the horizon stays where it was.
    expect(await pruneChangeLog(db.client, 7 * DAY_MS)).toBe(0);
    const [same] = await db.sql<{ pruned_txid: string }>('SELECT pruned_txid::text FROM change_log_horizon');
    expect(same?.pruned_txid).toBe(horizon?.pruned_txid);
  });

  it('the scheduler prunes at start with the configured retention, and on demand', async () => {
    await age(db, 3);
    const keepsThreeDays = startChangeLogPruning({ client: db.client, retentionMs: 7 * DAY_MS });
    expect(await keepsThreeDays.started).toBe(0);
    await keepsThreeDays.stop();
    const keepsTwoDays = startChangeLogPruning({ client: db.client, retentionMs: 2 * DAY_MS });
    expect(await keepsTwoDays.started).toBe(1);
    expect(await changeRows(db)).toBe(0);
    await keepsTwoDays.stop();
    expect(await keepsTwoDays.prune()).toBeNull();
  });
});

/** A TCP proxy in front of PostgreSQL that can cut a process off from the database for a while. */
async function startProxy(targetPort: number): Promise<{ port: number; cut(): void; heal(): void; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let cut = false;
  const server: Server = createServer((incoming) => {
    if (cut) {
      incoming.destroy();
      return;
    }
    const outgoing = createConnection({ host: '127.0.0.1', port: targetPort });
    for (const socket of [incoming, outgoing]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    incoming.pipe(outgoing).pipe(incoming);
    incoming.on('close', () => outgoing.destroy());
    outgoing.on('close', () => incoming.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    cut() {
      cut = true;
      for (const socket of sockets) socket.destroy();
    },
    heal() {
      cut = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('a change feed away past the retention on PostgreSQL', () => {
  let cluster: PostgresCluster;
  let proxy: Awaited<ReturnType<typeof startProxy>>;
  let writer: TestServer;
  let follower: TestServer;
  beforeAll(async () => {
    cluster = await startPostgresCluster();
    const url = await cluster.createDatabase();
    proxy = await startProxy(cluster.port);
    writer = await startTestServer({ databaseUrl: url });
    follower = await startTestServer({ databaseUrl: url.replace(`:${cluster.port}/`, `:${proxy.port}/`), seed: false });
  });
  afterAll(async () => {
    await follower?.close();
    await writer?.close();
    await proxy?.close();
    await cluster?.stop();
  });

  async function setActionPlan(staff: TestClient, projectId: string, actionPlan: string): Promise<void> {
    const current = (await writer.db.store.get<Project>('projects', projectId))!;
    const answer = await staff.command('project.setActionPlan', { projectId, expectedVersion: current.version, actionPlan });
    expect(answer.status).toBe(200);
  }

  it('a feed that kept up goes on with deltas after a prune of what it already read', async () => {
    const viewer = new TestClient(follower);
    expect((await viewer.signIn('leader@clearway.local')).status).toBe(200);
    const socket = await viewer.realtime();
    const { id, docs } = await socket.watchQuery('projects', {});
    const project = docs[0]!;
    const staff = new TestClient(writer);
    expect((await staff.signIn('staff@clearway.local')).status).toBe(200);

    await age(writer.db, 30);
    await pruneChangeLog((writer.db as Database).client, 7 * DAY_MS);
    const mark = socket.mark();
    await setActionPlan(staff, project.id, '按期推进');
    const delta = await socket.next((m) => m.id === id && m.type === 'delta', { from: mark });
    expect((delta.upserts!.find((d) => d.id === project.id)!.data as Project).actionPlan).toBe('按期推进');
    socket.close();
  });

  it('a feed cut off while its unread changes were pruned reloads every watch: nothing is missed', async () => {
    const viewer = new TestClient(follower);
    expect((await viewer.signIn('leader@clearway.local')).status).toBe(200);
    const socket = await viewer.realtime();
    const { id, docs } = await socket.watchQuery('projects', {});
    const project = docs[1]!;
    const staff = new TestClient(writer);
    expect((await staff.signIn('staff@clearway.local')).status).toBe(200);

    proxy.cut();
    const mark = socket.mark();
    await setActionPlan(staff, project.id, '断线期间的改动');
    // The change happened "more than the retention ago" and the scheduler pruned it unread.
    await age(writer.db, 8);
    expect(await pruneChangeLog((writer.db as Database).client, 7 * DAY_MS)).toBeGreaterThan(0);
    proxy.heal();

    const snapshot = await socket.next((m) => m.id === id && m.type === 'snapshot', { from: mark, timeoutMs: 30_000 });
    const seen = snapshot.docs!.find((d) => d.id === project.id)!;
    expect((seen.data as Project).actionPlan).toBe('断线期间的改动');
    expect(seen.version).toBe(project.version + 1);

    // Back in step: the next change arrives as a delta again.
    const after = socket.mark();
    await setActionPlan(staff, project.id, '恢复之后');
    const delta = await socket.next((m) => m.id === id && m.type === 'delta', { from: after });
    expect((delta.upserts!.find((d) => d.id === project.id)!.data as Project).actionPlan).toBe('恢复之后');
    socket.close();
  });
});
