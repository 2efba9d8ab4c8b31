import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STALL_SCAN_ACTOR, type Activity, type Project } from '@clearway/core';
import { openDatabase, type Database } from './db/database';
import type { SqlClient } from './db/sqlClient';
import { latestDueDay, runStallScanIfDue, startStallScanScheduler, STALL_SCAN_JOB, type StallScanOutcome } from './scheduler';
import { createProject } from './testing/commandFixtures';
import { startPostgresCluster, type PostgresCluster } from './testing/postgresCluster';

describe('latestDueDay', () => {
  it('is today from 06:00 Shanghai time (22:00 UTC the day before), else yesterday', () => {
    expect(latestDueDay(new Date('2026-03-09T21:59:59.999Z'))).toBe('2026-03-09');
    expect(latestDueDay(new Date('2026-03-09T22:00:00.000Z'))).toBe('2026-03-10');
    expect(latestDueDay(new Date('2026-03-10T15:59:00.000Z'))).toBe('2026-03-10');
    expect(latestDueDay(new Date('2026-03-10T16:00:00.000Z'))).toBe('2026-03-10');
    expect(latestDueDay(new Date('2026-02-28T21:00:00.000Z'))).toBe('2026-02-28');
    expect(latestDueDay(new Date('2028-02-29T21:00:00.000Z'))).toBe('2028-02-29');
  });
});

describe('the stall scan schedule on PGlite, with a fake clock', () => {
  let database: Database;
  let clock: Date;
  const now = () => clock;

  beforeAll(async () => {
    database = await openDatabase({ dataDir: '' });
  });

  afterAll(async () => {
    await database.close();
  });

  async function scanActivities(): Promise<Activity[]> {
    return (await database.store.query<Activity>('activity', { where: [{ field: 'command', op: '==', value: 'stall.scan' }] })).map((doc) => doc.data);
  }

  it('runs once per Shanghai day, as the stall scan actor, and catches up a missed day at start', async () => {
    const projectId = await createProject(database.store, '停滞检查');
    // Ten months without a word: the project is due and stalls.
    clock = new Date('2027-01-05T01:00:00.000Z'); // 09:00 in Shanghai
    const first = await runStallScanIfDue({ store: database.store, client: database.client, now });
    expect(first).toMatchObject({ outcome: 'ran', day: '2027-01-05' });
    expect((first as Extract<StallScanOutcome, { outcome: 'ran' }>).candidates).toBeGreaterThanOrEqual(1);
    const project = await database.store.get<Project>('projects', projectId);
    expect(project?.data.stall.evaluatedAt).toBe(clock.toISOString());
    const records = await scanActivities();
    expect(records).toHaveLength(1);
    expect(records[0]?.actor).toEqual({ uid: STALL_SCAN_ACTOR.uid, name: STALL_SCAN_ACTOR.name, role: STALL_SCAN_ACTOR.role });

    clock = new Date('2027-01-05T15:00:00.000Z'); // 23:00 the same day
    expect(await runStallScanIfDue({ store: database.store, client: database.client, now })).toEqual({ outcome: 'already-ran', day: '2027-01-05' });
    clock = new Date('2027-01-05T21:59:00.000Z'); // 05:59 the next day: not due yet
    expect(await runStallScanIfDue({ store: database.store, client: database.client, now })).toEqual({ outcome: 'already-ran', day: '2027-01-05' });
    expect(await scanActivities()).toHaveLength(1);

    // The server was off for two days: the scheduler's first check, at start, runs the scan.
    clock = new Date('2027-01-08T03:00:00.000Z');
    const scheduler = startStallScanScheduler({ store: database.store, client: database.client, now });
    try {
      expect(await scheduler.started).toMatchObject({ outcome: 'ran', day: '2027-01-08' });
      expect(await scheduler.check()).toEqual({ outcome: 'already-ran', day: '2027-01-08' });
      expect(scheduler.nextCheckAt()?.toISOString()).toBe('2027-01-08T04:00:00.000Z');
    } finally {
      await scheduler.stop();
    }
    const [row] = await database.sql<{ last_day: string }>('SELECT last_day FROM scheduled_job_runs WHERE job = $1', [STALL_SCAN_JOB]);
    expect(row?.last_day).toBe('2027-01-08');
  });

  it('a failed run is logged and left for the next check, with no day recorded', async () => {
    const errors: string[] = [];
    clock = new Date('2027-02-01T23:00:00.000Z');
    const failing: SqlClient = Object.assign(Object.create(database.client) as SqlClient, {
      query: () => Promise.reject(new Error('database restarting')),
    });
    const scheduler = startStallScanScheduler({
      store: database.store,
      client: failing,
      now,
      logger: { info: () => undefined, error: (_data, message) => errors.push(message) },
    });
    expect(await scheduler.started).toBeNull();
    await scheduler.stop();
    expect(errors).toHaveLength(1);
    const [row] = await database.sql<{ last_day: string }>('SELECT last_day FROM scheduled_job_runs WHERE job = $1', [STALL_SCAN_JOB]);
    expect(row?.last_day).toBe('2027-01-08');
  });
});

describe('the stall scan schedule on PostgreSQL', () => {
  let cluster: PostgresCluster;
  let first: Database;
  let second: Database;

  beforeAll(async () => {
    cluster = await startPostgresCluster();
    const url = await cluster.createDatabase();
    first = await openDatabase({ databaseUrl: url, dataDir: '' });
    second = await openDatabase({ databaseUrl: url, dataDir: '' });
  });

  afterAll(async () => {
    await first?.close();
    await second?.close();
    await cluster?.stop();
  });

  it('two processes checking at once: one runs the scan, the other does not', async () => {
    await createProject(first.store, '两个进程');
    const now = () => new Date('2027-01-05T01:00:00.000Z');
    const outcomes = await Promise.all(
      [first, second, first, second].map((database) => runStallScanIfDue({ store: database.store, client: database.client, now })),
    );
    expect(outcomes.filter((outcome) => outcome.outcome === 'ran')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome.outcome !== 'ran').every((outcome) => ['other-process', 'already-ran'].includes(outcome.outcome))).toBe(true);
    const records = await first.store.query('activity', { where: [{ field: 'command', op: '==', value: 'stall.scan' }] });
    expect(records).toHaveLength(1);
  });
});
