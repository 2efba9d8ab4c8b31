/**
 * The ledger import on the team server, end to end (core/src/ledger/importScenario.ts): the
 * browser's preview of the quirky 台账 against what the server holds, then its commands over HTTP
 * with real sessions, on the real store (PGlite). Refusals keep core's codes, with their HTTP
 * statuses: 403 for a person's role, 409 for a precondition.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import { SAMPLE_IDENTITIES } from '@clearway/core/sample';
import type { CommandResult } from '@clearway/core';
import { describeLedgerImportEndToEnd, type ScenarioOutcome, type ScenarioPerson } from '@clearway/core/testing';
import { startTestServer, TestClient, type TestServer } from '../testing/harness';

const UIDS: Record<ScenarioPerson, string> = { staff: 'u-staff', liaison: 'u-liaison-icbc', viewer: 'u-viewer' };
const STATUS_OF: Record<string, number> = { 'permission-denied': 403, 'failed-precondition': 409 };

let server: TestServer;
const clients = new Map<ScenarioPerson, TestClient>();

beforeAll(async () => {
  server = await startTestServer();
  for (const [person, uid] of Object.entries(UIDS) as [ScenarioPerson, string][]) {
    const client = new TestClient(server);
    expect((await client.signIn(SAMPLE_IDENTITIES.find((m) => m.uid === uid)!.email!)).status).toBe(200);
    clients.set(person, client);
  }
});
afterAll(async () => {
  await server?.close();
});

describeLedgerImportEndToEnd('on the team server', {
  reader: () => server.db.store,
  async run(person, name, payload): Promise<ScenarioOutcome> {
    const answer = await clients.get(person)!.command(name, payload);
    if (answer.status === 200) return { ok: true, result: answer.body as CommandResult };
    const error = (answer.body as unknown as { error: { code: string; messageKey: string; params: Record<string, unknown>; fieldErrors: { path: string }[] } }).error;
    if (STATUS_OF[error.code]) expect(answer.status).toBe(STATUS_OF[error.code]);
    return { ok: false, ...error };
  },
  count: async (collection) => (await server.db.store.query(collection)).length,
  mark: '（台账导入）',
  touchedUndo: true,
});
