/**
 * The read-policy matrix over the realtime connection: what each role's socket receives, document
 * by document — its snapshots equal core's policy applied to the store, and an independent checker
 * (core/src/testing/readPolicyChecks) finds nothing it should not have received, in snapshots and
 * in the deltas that follow commands. Then sessions: disabling a member ends their socket at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyReadPolicy, applyReadPolicyToAll, boardCardDoc, COLLECTIONS, scopeQueryForActor } from '@clearway/core';
import { SAMPLE_IDENTITIES } from '@clearway/core/sample';
import type { Actor, CollectionName, LoanLine, Member, Project, StoredDoc } from '@clearway/core';
import { readPolicyViolationsOfAll, readPolicyWorld } from '@clearway/core/testing/readPolicyChecks';
import { startTestServer, TestClient, type RealtimeClient, type ServerMessage, type TestServer } from '../testing/harness';

let server: TestServer;
const ROLES = ['u-admin', 'u-staff', 'u-liaison-icbc', 'u-viewer'] as const;
const member = (uid: string) => SAMPLE_IDENTITIES.find((m) => m.uid === uid)!;
const actorOf = (m: Member): Actor => ({ uid: m.uid, name: m.name, role: m.role, bankId: m.bankId });
const clients = new Map<string, TestClient>();
const store = () => server.db.store;

async function firstLine(bankId: string): Promise<StoredDoc<LoanLine>> {
  return (await store().query<LoanLine>('loanLines', { where: [{ field: 'bankId', op: '==', value: bankId }], limit: 1 }))[0]!;
}

async function firstProject(): Promise<StoredDoc<Project>> {
  return (await store().query<Project>('projects', { limit: 1 }))[0]!;
}

/** Every document of a watch's messages, with the watch's collection. */
function received(socket: RealtimeClient, watches: Map<number, CollectionName>): { collection: CollectionName; doc: StoredDoc }[] {
  const out: { collection: CollectionName; doc: StoredDoc }[] = [];
  for (const message of socket.messages) {
    const collection = watches.get(message.id ?? -1);
    if (!collection) continue;
    for (const doc of [...(message.docs ?? []), ...(message.upserts ?? []), ...(message.doc ? [message.doc] : [])]) out.push({ collection, doc });
  }
  return out;
}

beforeAll(async () => {
  server = await startTestServer();
  for (const uid of ROLES) {
    const client = new TestClient(server);
    expect((await client.signIn(member(uid).email!)).status).toBe(200);
    clients.set(uid, client);
  }
  // Some history of every kind: a project change, lines of two banks, member administration.
  const project = await firstProject();
  const staff = clients.get('u-staff')!;
  expect((await staff.command('project.setActionPlan', { projectId: project.id, expectedVersion: project.version, actionPlan: '先行' })).status).toBe(200);
  for (const bankId of ['icbc', 'ceb']) {
    const line = await firstLine(bankId);
    expect((await staff.command('line.setNote', { lineId: line.id, expectedVersion: line.version, note: `note ${bankId}` })).status).toBe(200);
  }
  const viewer = (await store().get<Member>('members', 'u-viewer'))!;
  expect((await clients.get('u-admin')!.command('member.upsert', { ...viewer.data, expectedVersion: viewer.version, name: '周国庆' })).status).toBe(200);
});
afterAll(async () => {
  await server?.close();
});

describe('snapshots: each role receives exactly what core’s read policy and query scope give it', () => {
  for (const uid of ROLES) {
    it(`${member(uid).role} (${uid})`, async () => {
      const actor = actorOf(member(uid));
      const socket = await clients.get(uid)!.realtime();
      const watches = new Map<number, CollectionName>();
      try {
        for (const collection of COLLECTIONS) {
          const { id, docs } = await socket.watchQuery(collection, {});
          watches.set(id, collection);
          // What the same query, scoped for the actor, returns from the store, each document through the policy.
          const expected = applyReadPolicyToAll(actor, collection, await store().query(collection, scopeQueryForActor(actor, collection, {})));
          expect(docs.map((doc) => doc.id).sort(), collection).toEqual(expected.map((doc) => doc.id).sort());
          const byId = new Map(expected.map((doc) => [doc.id, doc]));
          for (const doc of docs) expect(doc, `${collection}/${doc.id}`).toEqual(byId.get(doc.id));
        }
        const world = readPolicyWorld((await store().query<LoanLine>('loanLines')).map((line) => ({ id: line.id, bankId: line.data.bankId })));
        expect(readPolicyViolationsOfAll(actor, received(socket, watches), world)).toEqual([]);
        if (actor.role === 'liaison') {
          // The policy really hides something from a liaison here: other banks' lines exist.
          expect((await store().query('loanLines')).length).toBeGreaterThan(received(socket, watches).filter((r) => r.collection === 'loanLines').length);
        }
      } finally {
        socket.close();
      }
    });
  }

  it('a single-document watch follows the policy too: another bank’s line is null for a liaison', async () => {
    const socket = await clients.get('u-liaison-icbc')!.realtime();
    try {
      const ceb = await firstLine('ceb');
      const icbc = await firstLine('icbc');
      expect((await socket.watchDoc('loanLines', ceb.id)).doc).toBeNull();
      expect((await socket.watchDoc('loanLines', icbc.id)).doc?.id).toBe(icbc.id);
    } finally {
      socket.close();
    }
  });
});

describe('deltas after commands follow the policy', () => {
  it('every role sees a moved card; a liaison receives nothing of another bank’s line', async () => {
    const sockets = new Map<string, { socket: RealtimeClient; watches: Map<number, CollectionName>; projects: number }>();
    for (const uid of ROLES) {
      const socket = await clients.get(uid)!.realtime();
      const watches = new Map<number, CollectionName>();
      let projects = 0;
      for (const collection of ['projects', 'loanLines', 'activity', 'members'] as const) {
        const { id } = await socket.watchQuery(collection, {});
        watches.set(id, collection);
        if (collection === 'projects') projects = id;
      }
      sockets.set(uid, { socket, watches, projects });
    }
    try {
      const staff = clients.get('u-staff')!;
      const marks = new Map([...sockets].map(([uid, { socket }]) => [uid, socket.mark()]));
      const ceb = await firstLine('ceb');
      expect((await staff.command('line.setNote', { lineId: ceb.id, expectedVersion: ceb.version, note: 'only the bureau and ceb see this' })).status).toBe(200);
      // Then a change every role sees: each socket gets its deltas in commit order, so once this
      // arrives, anything about the ceb line would have arrived before it.
      const project = await firstProject();
      const answer = await staff.command('project.setActionPlan', { projectId: project.id, expectedVersion: project.version, actionPlan: '再推进' });
      expect(answer.status).toBe(200);
      const stored = (await store().get<Project>('projects', project.id))!;

      for (const uid of ROLES) {
        const { socket, watches, projects } = sockets.get(uid)!;
        const delta: ServerMessage = await socket.next(
          (m) => m.type === 'delta' && m.id === projects && (m.upserts ?? []).some((d) => d.id === project.id && d.version === stored.version),
          { from: marks.get(uid) },
        );
        const actor = actorOf(member(uid));
        expect(delta.upserts!.find((d) => d.id === project.id)).toEqual(applyReadPolicy(actor, 'projects', stored));
        const cebSeen = received(socket, watches).some((r) => r.collection === 'loanLines' && r.doc.id === ceb.id);
        expect(cebSeen, uid).toBe(actor.role !== 'liaison');
        const world = readPolicyWorld((await store().query<LoanLine>('loanLines')).map((line) => ({ id: line.id, bankId: line.data.bankId })));
        expect(readPolicyViolationsOfAll(actor, received(socket, watches), world), uid).toEqual([]);
      }
    } finally {
      for (const { socket } of sockets.values()) socket.close();
    }
  });

  it('a query with a limit receives the new top documents', async () => {
    const socket = await clients.get('u-viewer')!.realtime();
    try {
      const project = await firstProject();
      const spec = { where: [{ field: 'projectId', op: '==' as const, value: project.id }], orderBy: [{ field: 'at', direction: 'desc' as const }], limit: 2 };
      const { id } = await socket.watchQuery('activity', spec);
      const mark = socket.mark();
      const answer = await clients.get('u-staff')!.command('project.setActionPlan', { projectId: project.id, expectedVersion: project.version, actionPlan: '第三次' });
      expect(answer.status).toBe(200);
      const activityId = (answer.body as { activityId: string }).activityId;
      const delta = await socket.next((m) => m.id === id && m.type === 'delta', { from: mark });
      expect(delta.upserts!.map((d) => d.id)).toContain(activityId);
    } finally {
      socket.close();
    }
  });

  it('a socket that reconnects gets fresh snapshots with what changed while it was away', async () => {
    const client = clients.get('u-staff')!;
    const first = await client.realtime();
    const project = await firstProject();
    await first.watchDoc('projects', project.id);
    first.close();
    await first.closed();
    const answer = await client.command('project.setActionPlan', { projectId: project.id, expectedVersion: project.version, actionPlan: '离线期间' });
    expect(answer.status).toBe(200);
    const again = await client.realtime();
    try {
      const { doc } = await again.watchDoc('projects', project.id);
      expect(doc?.version).toBe(project.version + 1);
      expect((doc?.data as Project).actionPlan).toBe('离线期间');
    } finally {
      again.close();
    }
  });

  it('a malformed message is answered with an error, and the socket keeps working', async () => {
    const socket = await clients.get('u-staff')!.realtime();
    try {
      const mark = socket.mark();
      socket.send({ type: 'watchQuery', id: 99, collection: 'secrets', spec: {} });
      expect((await socket.next((m) => m.id === 99, { from: mark })).error).toMatchObject({ code: 'invalid-argument' });
      socket.send('not json');
      const { docs } = await socket.watchQuery('banks', {});
      expect(docs.length).toBeGreaterThan(0);
      // Every answer, the errors too, came as a binary frame of UTF-8 JSON (the bank names whole).
      expect(socket.textFrames).toBe(0);
      expect(docs.map((bank) => (bank.data as { name: string }).name).join()).toMatch(/银行/);
    } finally {
      socket.close();
    }
  });

  it('a tab of the release before (no binary frames asked for) is still answered in text frames', async () => {
    const socket = await clients.get('u-staff')!.realtime('text');
    try {
      const { docs } = await socket.watchQuery('banks', {});
      expect(docs.map((bank) => (bank.data as { name: string }).name).join()).toMatch(/银行/);
      expect(socket.binaryFrames).toBe(0);
      expect(socket.textFrames).toBeGreaterThan(0);
    } finally {
      socket.close();
    }
  });
});

describe('the board view: one compact snapshot of cards after the read policy, then card deltas', () => {
  const byId = (docs: StoredDoc[]) => [...docs].sort((a, b) => (a.id < b.id ? -1 : 1));

  for (const uid of ['u-staff', 'u-liaison-icbc'] as const) {
    it(`${member(uid).role}: core's card of what the policy shows, a fraction of the projects' bytes, then the changed card`, async () => {
      const actor = actorOf(member(uid));
      const socket = await clients.get(uid)!.realtime();
      try {
        const full = await socket.watchQuery('projects', {});
        const id = 900;
        const answer = socket.next((m) => m.id === id && (m.type === 'snapshot' || m.type === 'error'));
        socket.send({ type: 'watchQuery', id, collection: 'projects', spec: {}, view: 'board' });
        const snapshot = await answer;
        expect(snapshot.type).toBe('snapshot');
        const scoped = await store().query<Project>('projects', scopeQueryForActor(actor, 'projects', {}));
        const expected = applyReadPolicyToAll(actor, 'projects', scoped).map((doc) => boardCardDoc(doc as StoredDoc<Project>));
        expect(byId(snapshot.docs ?? [])).toEqual(byId(expected));
        expect(JSON.stringify(snapshot.docs).length).toBeLessThan(JSON.stringify(full.docs).length * 0.4);

        const mark = socket.mark();
        const project = await firstProject();
        const staff = clients.get('u-staff')!;
        expect((await staff.command('project.setActionPlan', { projectId: project.id, expectedVersion: project.version, actionPlan: `看板 ${uid}` })).status).toBe(200);
        const stored = (await store().get<Project>('projects', project.id))!;
        const delta = await socket.next(
          (m) => m.type === 'delta' && m.id === id && (m.upserts ?? []).some((d) => d.id === project.id && d.version === stored.version),
          { from: mark },
        );
        const shown = applyReadPolicy(actor, 'projects', stored) as StoredDoc<Project>;
        expect(delta.upserts!.find((d) => d.id === project.id)).toEqual(boardCardDoc(shown));
      } finally {
        socket.close();
      }
    });
  }

  it('a tab opened after a change gets the changed card at once, and each audience its own cards (the hub reuses whole answers)', async () => {
    const board = async (uid: string) => {
      const socket = await clients.get(uid)!.realtime();
      try {
        const answer = socket.next((m) => m.id === 902 && m.type === 'snapshot');
        socket.send({ type: 'watchQuery', id: 902, collection: 'projects', spec: {}, view: 'board' });
        return byId((await answer).docs ?? []);
      } finally {
        socket.close();
      }
    };
    const expectedFor = async (uid: string) => {
      const actor = actorOf(member(uid));
      const scoped = await store().query<Project>('projects', scopeQueryForActor(actor, 'projects', {}));
      return byId(applyReadPolicyToAll(actor, 'projects', scoped).map((doc) => boardCardDoc(doc as StoredDoc<Project>)));
    };
    expect(await board('u-staff')).toEqual(await expectedFor('u-staff'));
    expect(await board('u-staff')).toEqual(await expectedFor('u-staff'));
    expect(await board('u-liaison-icbc')).toEqual(await expectedFor('u-liaison-icbc'));
    const project = await firstProject();
    expect((await clients.get('u-staff')!.command('project.setActionPlan', { projectId: project.id, expectedVersion: project.version, actionPlan: '再开一个标签' })).status).toBe(200);
    const after = await board('u-staff');
    expect(after.find((doc) => doc.id === project.id)?.version).toBe(project.version + 1);
    expect(after).toEqual(await expectedFor('u-staff'));
    expect(await board('u-liaison-icbc')).toEqual(await expectedFor('u-liaison-icbc'));
  });

  it('a board view of anything but the projects is refused', async () => {
    const socket = await clients.get('u-staff')!.realtime();
    try {
      const answer = socket.next((m) => m.id === 901);
      socket.send({ type: 'watchQuery', id: 901, collection: 'loanLines', spec: {}, view: 'board' });
      expect((await answer).type).toBe('error');
    } finally {
      socket.close();
    }
  });
});

describe('sessions end at once', () => {
  it('a socket without a session is told signedOut and closed with 4401', async () => {
    const socket = await new TestClient(server).realtime();
    expect(await socket.closed()).toBe(4401);
    expect(socket.messages).toContainEqual({ type: 'signedOut' });
    expect(socket.textFrames).toBe(0);
  });

  it('signing out closes that session’s sockets', async () => {
    const client = new TestClient(server);
    await client.signIn('ccb@clearway.local');
    const socket = await client.realtime();
    await socket.watchQuery('banks');
    await client.request('DELETE', '/api/session');
    expect(await socket.closed()).toBe(4401);
  });

  it('a role change applies to the next request and re-answers the socket’s watches', async () => {
    const admin = clients.get('u-admin')!;
    const client = new TestClient(server);
    await client.signIn('ceb@clearway.local');
    const socket = await client.realtime();
    const { id, docs } = await socket.watchQuery('loanLines', {});
    expect(docs.every((doc) => (doc.data as LoanLine).bankId === 'ceb')).toBe(true);
    const current = (await store().get<Member>('members', 'u-liaison-ceb'))!;
    const mark = socket.mark();
    expect((await admin.command('member.upsert', { ...current.data, expectedVersion: current.version, role: 'viewer', bankId: null })).status).toBe(200);
    const snapshot = await socket.next((m) => m.id === id && m.type === 'snapshot', { from: mark });
    expect(snapshot.docs!.length).toBe((await store().query('loanLines')).length);
    const line = await firstLine('ceb');
    const refused = await client.command('line.setNote', { lineId: line.id, expectedVersion: line.version, note: 'as a viewer now' });
    expect(refused.status).toBe(403);
    socket.close();
  });

  it('disabling a member closes their sockets with signedOut at once, and their next request is refused', async () => {
    const liaison = clients.get('u-liaison-icbc')!;
    const socket = await liaison.realtime();
    await socket.watchQuery('projects', {});
    const current = (await store().get<Member>('members', 'u-liaison-icbc'))!;
    const answer = await clients.get('u-admin')!.command('member.upsert', { ...current.data, expectedVersion: current.version, disabled: true });
    expect(answer.status).toBe(200);
    expect(await socket.closed()).toBe(4401);
    expect(socket.messages.at(-1)).toEqual({ type: 'signedOut' });
    const line = await firstLine('icbc');
    const refused = await liaison.command('line.setNote', { lineId: line.id, expectedVersion: line.version, note: 'after disabling' });
    expect(refused.status).toBe(401);
    expect((await store().get('loanLines', line.id))?.version).toBe(line.version);
    const again = await new TestClient(server).signIn('icbc@clearway.local');
    expect(again.status).toBe(403);
    expect(again.body).toMatchObject({ error: { messageKey: 'auth.error.disabled' } });
  });
});
