/**
 * The whole role × command matrix over HTTP with real sessions: every command name for every
 * signed-in role. commands.test.ts runs a few commands through to their writes; here each command
 * is sent with a payload that is not an object, so the only question is the role check: a role core's canRun refuses
 * gets 403 errors.permission.role, an allowed one gets past it to the payload check (400
 * errors.validation), and nothing is written either way.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canRun, COMMAND_NAMES } from '@clearway/core';
import { SAMPLE_IDENTITIES } from '@clearway/core/sample';
import type { Member } from '@clearway/core';
import { startTestServer, TestClient, type TestServer } from '../testing/harness';

let server: TestServer;
const clients = new Map<string, TestClient>();
const PEOPLE: Member[] = ['u-admin', 'u-staff', 'u-liaison-icbc', 'u-viewer'].map((uid) => SAMPLE_IDENTITIES.find((m) => m.uid === uid)!);

beforeAll(async () => {
  server = await startTestServer({ sampleProjects: 4 });
  for (const member of PEOPLE) {
    const client = new TestClient(server);
    expect((await client.signIn(member.email!)).status).toBe(200);
    clients.set(member.uid, client);
  }
});
afterAll(async () => {
  await server?.close();
});

describe('every command × every role over HTTP', () => {
  for (const member of PEOPLE) {
    it(`${member.role}: refused exactly the commands core refuses the role, nothing written`, async () => {
      const activityBefore = (await server.db.store.query('activity')).length;
      const answers: Record<string, [number, string | undefined]> = {};
      const expected: Record<string, [number, string]> = {};
      for (const name of COMMAND_NAMES) {
        const answer = await clients.get(member.uid)!.command<{ error?: { messageKey?: string } }>(name, 1);
        answers[name] = [answer.status, answer.body.error?.messageKey];
        expected[name] = canRun(member, name) ? [400, 'errors.validation'] : [403, 'errors.permission.role'];
      }
      expect(answers).toEqual(expected);
      expect((await server.db.store.query('activity')).length).toBe(activityBefore);
    }, 120_000);
  }
});
