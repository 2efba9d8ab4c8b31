/**
 * The role × command matrix over HTTP with real sessions, on the real store (PGlite): every answer
 * is checked against what the database then holds, activity record included. And the bad requests
 * that must get a clear error and write nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canRun } from '@clearway/core';
import { SAMPLE_IDENTITIES } from '@clearway/core/sample';
import type { Activity, Bank, CommandName, LoanLine, Member, Project, StoredDoc } from '@clearway/core';
import { startTestServer, TestClient, type TestServer } from '../testing/harness';

let server: TestServer;
const clients = new Map<string, TestClient>();
const PEOPLE: Member[] = ['u-admin', 'u-staff', 'u-liaison-icbc', 'u-viewer'].map((uid) => SAMPLE_IDENTITIES.find((m) => m.uid === uid)!);

let project: StoredDoc<Project>;
let ownLine: StoredDoc<LoanLine>;
let otherLine: StoredDoc<LoanLine>;

const store = () => server.db.store;
const version = async (collection: 'projects' | 'loanLines' | 'settings' | 'banks', id: string) => (await store().get(collection, id))?.version ?? null;
const count = async (collection: 'activity' | 'banks') => (await store().query(collection)).length;

beforeAll(async () => {
  server = await startTestServer();
  for (const member of PEOPLE) {
    const client = new TestClient(server);
    expect((await client.signIn(member.email!)).status).toBe(200);
    clients.set(member.uid, client);
  }
  project = (await store().query<Project>('projects', { where: [{ field: 'stage', op: '==', value: 'pipeline' }], limit: 1 }))[0]!;
  ownLine = (await store().query<LoanLine>('loanLines', { where: [{ field: 'bankId', op: '==', value: 'icbc' }], limit: 1 }))[0]!;
  otherLine = (await store().query<LoanLine>('loanLines', { where: [{ field: 'bankId', op: '==', value: 'ceb' }], limit: 1 }))[0]!;
});
afterAll(async () => {
  await server?.close();
});

interface Case {
  name: CommandName;
  target: () => { collection: 'projects' | 'loanLines' | 'settings'; id: string } | null;
  payload: (member: Member) => Promise<unknown>;
}

const targetsYear = () => new Date().getFullYear();

const CASES: Case[] = [
  {
    name: 'project.setActionPlan',
    target: () => ({ collection: 'projects', id: project.id }),
    payload: async (m) => ({ projectId: project.id, expectedVersion: await version('projects', project.id), actionPlan: `一项一策 by ${m.uid}` }),
  },
  {
    name: 'blocker.add',
    target: () => ({ collection: 'projects', id: project.id }),
    payload: async (m) => ({
      projectId: project.id,
      expectedVersion: await version('projects', project.id),
      tag: 'permits',
      description: `用地手续未办结 (${m.uid})`,
      party: '市自然资源局',
      dueDate: '2026-07-31',
    }),
  },
  {
    name: 'line.setNote',
    target: () => ({ collection: 'loanLines', id: ownLine.id }),
    payload: async (m) => ({ lineId: ownLine.id, expectedVersion: await version('loanLines', ownLine.id), note: `note by ${m.uid}` }),
  },
  {
    name: 'targets.set',
    target: () => ({ collection: 'settings', id: `targets-${targetsYear()}` }),
    payload: async () => ({
      expectedVersion: await version('settings', `targets-${targetsYear()}`),
      year: targetsYear(),
      approved: 50_0000_0000,
      disbursed: 30_0000_0000,
      projects: 30,
    }),
  },
  {
    name: 'bank.upsert',
    target: () => null,
    payload: async (m) => ({ expectedVersion: null, name: `测试农商银行-${m.uid}`, category: 'rural', agreementAmount: 10_0000_0000 }),
  },
];

describe('role x command over HTTP', () => {
  for (const command of CASES) {
    for (const member of PEOPLE) {
      const allowed = canRun(member, command.name);
      it(`${member.role} ${allowed ? 'may' : 'may not'} run ${command.name}`, async () => {
        const target = command.target();
        const versionBefore = target ? await version(target.collection, target.id) : null;
        const activityBefore = await count('activity');
        const banksBefore = await count('banks');

        const answer = await clients.get(member.uid)!.command(command.name, await command.payload(member));

        if (allowed) {
          expect(answer.status).toBe(200);
          const result = answer.body as { written: unknown[]; activityId: string; createdId?: string };
          if (target) {
            expect(await version(target.collection, target.id)).toBe((versionBefore ?? 0) + 1);
            expect(result.written).toContainEqual({ ...target, version: (versionBefore ?? 0) + 1 });
          } else {
            expect(await count('banks')).toBe(banksBefore + 1);
            expect((await store().get<Bank>('banks', result.createdId!))?.data.name).toBe(`测试农商银行-${member.uid}`);
          }
          expect(await count('activity')).toBe(activityBefore + 1);
          const activity = await store().get<Activity>('activity', result.activityId);
          expect(activity?.data).toMatchObject({ command: command.name, actor: { uid: member.uid, name: member.name, role: member.role } });
        } else {
          expect(answer.status).toBe(403);
          expect(answer.body).toMatchObject({ error: { code: 'permission-denied', messageKey: 'errors.permission.role' } });
          if (target) expect(await version(target.collection, target.id)).toBe(versionBefore);
          expect(await count('banks')).toBe(banksBefore);
          expect(await count('activity')).toBe(activityBefore);
        }
      });
    }
  }
});

describe('refusals keep core’s codes and write nothing', () => {
  it('a liaison recording on another bank’s line is refused as an unknown line (404)', async () => {
    const activityBefore = await count('activity');
    const before = await store().get<LoanLine>('loanLines', otherLine.id);
    const answer = await clients.get('u-liaison-icbc')!.command('line.addTranche', {
      lineId: otherLine.id,
      expectedVersion: before!.version,
      date: '2026-06-10',
      amount: 1_000_000,
    });
    expect(answer.status).toBe(404);
    expect(answer.body).toMatchObject({ error: { code: 'not-found', messageKey: 'errors.notFound.line' } });
    expect(await store().get('loanLines', otherLine.id)).toEqual(before);
    expect(await count('activity')).toBe(activityBefore);
  });

  it('bad input is 400 invalid-argument with field errors', async () => {
    const answer = await clients.get('u-staff')!.command('project.setActionPlan', { projectId: project.id, expectedVersion: 'one' });
    expect(answer.status).toBe(400);
    const error = (answer.body as unknown as { error: { code: string; messageKey: string; fieldErrors: { path: string }[] } }).error;
    expect(error).toMatchObject({ code: 'invalid-argument', messageKey: 'errors.validation' });
    expect(error.fieldErrors.map((f) => f.path)).toContain('expectedVersion');
  });

  it('a stale version is 409 errors.conflict', async () => {
    const current = await store().get<Project>('projects', project.id);
    const answer = await clients.get('u-staff')!.command('project.setActionPlan', { projectId: project.id, expectedVersion: current!.version - 1, actionPlan: 'stale' });
    expect(answer.status).toBe(409);
    expect(answer.body).toMatchObject({ error: { code: 'failed-precondition', messageKey: 'errors.conflict' } });
    expect(await version('projects', project.id)).toBe(current!.version);
  });

  it('an unknown project is 404', async () => {
    const answer = await clients.get('u-staff')!.command('project.setActionPlan', { projectId: 'no-such-project', expectedVersion: 1, actionPlan: 'x' });
    expect(answer.status).toBe(404);
    expect(answer.body).toMatchObject({ error: { code: 'not-found' } });
  });
});

describe('bad requests get a clear error and write nothing', () => {
  const cases: [string, (client: TestClient) => Promise<{ status: number; body: unknown }>, number, string][] = [
    ['an oversized body', (c) => c.command('project.setActionPlan', { projectId: 'x', expectedVersion: 1, actionPlan: 'x'.repeat(300 * 1024) }), 413, 'errors.request.tooLarge'],
    ['malformed JSON', (c) => c.request('POST', '/api/commands', '{"name": "project.move", "payload": {', {}), 400, 'errors.request.malformed'],
    ['JSON nested too deep', (c) => c.command('project.setActionPlan', JSON.parse('['.repeat(40) + ']'.repeat(40))), 400, 'errors.request.tooDeep'],
    ['a body that is not JSON', (c) => c.request('POST', '/api/commands', 'name=project.move', { 'content-type': 'application/x-www-form-urlencoded' }), 415, 'errors.request.notJson'],
    ['an unknown command', (c) => c.command('project.delete', { projectId: 'x' }), 400, 'errors.command.unknown'],
    ['a prototype-poisoning body', (c) => c.request('POST', '/api/commands', '{"name":"project.setActionPlan","payload":{"__proto__":{"admin":true}}}'), 400, 'errors.request.malformed'],
  ];
  for (const [label, send, status, messageKey] of cases) {
    it(`${label}: ${status} ${messageKey}`, async () => {
      const activityBefore = await count('activity');
      const projectBefore = await store().get('projects', project.id);
      const answer = await send(clients.get('u-staff')!);
      expect(answer.status).toBe(status);
      expect(answer.body).toMatchObject({ error: { messageKey } });
      expect(await count('activity')).toBe(activityBefore);
      expect(await store().get('projects', project.id)).toEqual(projectBefore);
    });
  }

  it('no session: 401 auth.error.signInRequired, nothing written', async () => {
    const activityBefore = await count('activity');
    const answer = await new TestClient(server).command('project.setActionPlan', { projectId: project.id, expectedVersion: 1, actionPlan: 'anon' });
    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({ error: { code: 'unauthenticated', messageKey: 'auth.error.signInRequired' } });
    expect(await count('activity')).toBe(activityBefore);
  });

  it('a forged session cookie is 401', async () => {
    const client = new TestClient(server);
    client.cookie = 'clearway_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    expect((await client.command('project.setActionPlan', {})).status).toBe(401);
  });

  it('unknown /api paths are JSON 404s', async () => {
    const answer = await clients.get('u-staff')!.request('GET', '/api/nothing-here');
    expect(answer.status).toBe(404);
    expect(answer.body).toMatchObject({ error: { code: 'not-found', messageKey: 'errors.request.notFound' } });
  });
});
