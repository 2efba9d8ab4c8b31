/**
 * Faults: the real server (the bundle `npm start` runs) as a child process on a PGlite data
 * folder, SIGKILLed in the middle of a burst of commands. After a restart every acknowledged
 * command is there with its activity record, and nothing is half-written: each project's version
 * moved by exactly the number of its activity records from the burst. Then a SIGTERM stops the
 * restarted server cleanly (exit code 0) and the folder opens again.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Activity, Project, StoredDoc } from '@clearway/core';
import { REPO_ROOT } from './config';
import { openDatabase } from './db';
import { TestClient } from './testing/harness';

const dataDir = mkdtempSync(join(tmpdir(), 'clearway-faults-'));
const children: ChildProcess[] = [];

interface Running {
  child: ChildProcess;
  baseUrl: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startServer(): Promise<Running> {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'server', 'dist', 'main.mjs')], {
    cwd: REPO_ROOT,
    env: { ...process.env, CLEARWAY_DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn', DATABASE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 120_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /\[clearway\] ready (http:\/\/\S+)/.exec(output);
      if (ready) {
        clearTimeout(timer);
        resolve({ child, baseUrl: ready[1]!, exited });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before it was ready:\n${output}`));
    });
  });
}

afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

const MARK = 'fault-burst';

describe('SIGKILL during a burst of commands', () => {
  it('keeps every acknowledged command with its activity record and half-writes nothing', async () => {
    execFileSync(process.execPath, [join(REPO_ROOT, 'scripts', 'build-server.mjs')], { cwd: REPO_ROOT, stdio: 'ignore' });
    const first = await startServer();
    const staff = new TestClient({ baseUrl: first.baseUrl, origin: first.baseUrl });
    expect((await staff.signIn('staff@clearway.local')).status).toBe(200);
    const socket = await staff.realtime();
    const { docs } = await socket.watchQuery('projects', { limit: 6 });
    socket.close();
    const start = new Map(docs.map((doc) => [doc.id, doc.version]));

    // Six writers, one per project, each sending its next command as soon as the last is answered.
    const acknowledged: { projectId: string; version: number; activityId: string }[] = [];
    let killed = false;
    const writers = [...start].map(async ([projectId, initial]) => {
      let version = initial;
      for (let i = 0; !killed; i++) {
        const answer = await staff
          .command<{ activityId: string; written: { id: string; version: number }[] }>('project.setActionPlan', { projectId, expectedVersion: version, actionPlan: `${MARK} ${i}` })
          .catch(() => null);
        if (!answer || answer.status !== 200) break;
        version = answer.body.written.find((w) => w.id === projectId)!.version;
        acknowledged.push({ projectId, version, activityId: answer.body.activityId });
      }
    });
    while (acknowledged.length < 40) await new Promise((resolve) => setTimeout(resolve, 5));
    killed = true;
    first.child.kill('SIGKILL');
    await Promise.all(writers);
    expect((await first.exited).signal).toBe('SIGKILL');

    const second = await startServer();
    const again = new TestClient({ baseUrl: second.baseUrl, origin: second.baseUrl });
    expect((await again.signIn('staff@clearway.local')).status).toBe(200);
    second.child.kill('SIGTERM');
    expect(await second.exited).toEqual({ code: 0, signal: null });

    const db = await openDatabase({ databaseUrl: null, dataDir });
    try {
      for (const ack of acknowledged) {
        const project = await db.store.get<Project>('projects', ack.projectId);
        expect(project!.version).toBeGreaterThanOrEqual(ack.version);
        const activity = await db.store.get<Activity>('activity', ack.activityId);
        expect(activity?.data).toMatchObject({ command: 'project.setActionPlan', projectId: ack.projectId });
      }
      for (const [projectId, initial] of start) {
        const project = (await db.store.get<Project>('projects', projectId)) as StoredDoc<Project>;
        const records = (await db.store.query<Activity>('activity', { where: [{ field: 'projectId', op: '==', value: projectId }] })).filter(
          (record) => record.data.command === 'project.setActionPlan' && JSON.stringify(record.data.after).includes(MARK),
        );
        // One activity record per committed write, and no write without its record (or the reverse).
        expect(records.length, projectId).toBe(project.version - initial);
      }
    } finally {
      await db.close();
    }
  }, 300_000);
});
