/**
 * Two server processes on one PostgreSQL stay in step: a command through one reaches the realtime
 * clients of the other (PostgreSQL LISTEN/NOTIFY under the store's change feed), and disabling a
 * member through one ends their socket on the other at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Member, Project } from '@clearway/core';
import { startPostgresCluster, type PostgresCluster } from '../testing/postgresCluster';
import { startTestServer, TestClient, type TestServer } from '../testing/harness';

let cluster: PostgresCluster;
let first: TestServer;
let second: TestServer;

beforeAll(async () => {
  cluster = await startPostgresCluster();
  const url = await cluster.createDatabase();
  first = await startTestServer({ databaseUrl: url });
  second = await startTestServer({ databaseUrl: url, seed: false });
});
afterAll(async () => {
  await second?.close();
  await first?.close();
  await cluster?.stop();
});

describe('two processes on one PostgreSQL', () => {
  it('a change made through one reaches the sockets of the other', async () => {
    const watcher = new TestClient(first);
    expect((await watcher.signIn('icbc@clearway.local')).status).toBe(200);
    const socket = await watcher.realtime();
    const { id, docs } = await socket.watchQuery('projects', {});
    const project = docs[0]!;
    const mark = socket.mark();

    const staff = new TestClient(second);
    expect((await staff.signIn('staff@clearway.local')).status).toBe(200);
    const answer = await staff.command('project.setActionPlan', { projectId: project.id, expectedVersion: project.version, actionPlan: '跨进程' });
    expect(answer.status).toBe(200);

    const delta = await socket.next((m) => m.id === id && m.type === 'delta' && (m.upserts ?? []).some((d) => d.id === project.id), { from: mark });
    const seen = delta.upserts!.find((d) => d.id === project.id)!;
    expect(seen.version).toBe(project.version + 1);
    expect((seen.data as Project).actionPlan).toBe('跨进程');
    socket.close();
  });

  it('disabling a member through one process closes their socket on the other', async () => {
    const liaison = new TestClient(first);
    expect((await liaison.signIn('ceb@clearway.local')).status).toBe(200);
    const socket = await liaison.realtime();
    await socket.watchQuery('banks', {});

    const admin = new TestClient(second);
    expect((await admin.signIn('admin@clearway.local')).status).toBe(200);
    const current = (await second.db.store.get<Member>('members', 'u-liaison-ceb'))!;
    expect((await admin.command('member.upsert', { ...current.data, expectedVersion: current.version, disabled: true })).status).toBe(200);

    expect(await socket.closed()).toBe(4401);
    expect((await liaison.request('GET', '/api/session')).status).toBe(401);
  });
});
