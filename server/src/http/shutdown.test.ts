/**
 * Graceful shutdown: closing the app stops new connections, lets a command already running finish
 * and answer, and closes realtime sockets as "going away" (1001) so tabs reconnect elsewhere.
 */
import { describe, expect, it } from 'vitest';
import type { Project, TransactionContext } from '@clearway/core';
import { buildApp, type AppDatabase } from '../app';
import { testConfig } from '../config';
import { openDatabase } from '../db';
import { prepareFirstStart } from '../auth/firstStart';
import { TestClient } from '../testing/harness';

describe('graceful shutdown', () => {
  it('a command in flight finishes and is answered; sockets close with 1001', async () => {
    const db = await openDatabase({ databaseUrl: null, dataDir: '' });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inTransaction = new Promise<void>((resolve) => (entered = resolve));
    let holdNext = false;
    const store = Object.create(db.store) as typeof db.store;
    store.runTransaction = async <R>(fn: (tx: TransactionContext) => Promise<R>): Promise<R> => {
      if (holdNext) {
        holdNext = false;
        entered();
        await gate;
      }
      return db.store.runTransaction(fn);
    };
    const gated: AppDatabase = { kind: db.kind, store, sql: (text, params) => db.sql(text, params), close: () => db.close() };
    const { app, context } = await buildApp({ config: testConfig(), db: gated, sessionSweepMs: 0 });
    await prepareFirstStart(db.store, context.accounts, { seedDemo: true, now: new Date(), sampleProjects: 4 });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    const baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    try {
      const staff = new TestClient({ baseUrl, origin: baseUrl });
      expect((await staff.signIn('staff@clearway.local')).status).toBe(200);
      const socket = await staff.realtime();
      await socket.watchQuery('banks');
      const project = (await db.store.query<Project>('projects', { limit: 1 }))[0]!;

      holdNext = true;
      const answer = staff.command('project.setActionPlan', { projectId: project.id, expectedVersion: project.version, actionPlan: '关停前' });
      await inTransaction;
      const closed = app.close();
      expect(await socket.closed()).toBe(1001);
      release();
      expect((await answer).status).toBe(200);
      await closed;
      expect((await db.store.get<Project>('projects', project.id))?.data.actionPlan).toBe('关停前');
      await expect(fetch(`${baseUrl}/api/health`)).rejects.toThrow();
    } finally {
      release();
      await app.close();
      await db.close();
    }
  });
});
