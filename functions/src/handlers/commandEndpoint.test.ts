import { beforeEach, describe, expect, it } from 'vitest';
import { HttpsError } from 'firebase-functions/v2/https';
import { MemoryDocumentStore } from '@clearway/core';
import { createSampleWorkspace, SAMPLE_IDENTITIES, seedStore } from '@clearway/core/sample';
import type { LoanLine, Member, Project, StoredDoc } from '@clearway/core';
import { handleCommand, handleInvite, type EndpointDeps } from './commandEndpoint';
import type { MemberAuthApi } from './members';
import { runStallScan } from './stallScan';

const NOW = new Date('2026-06-15T02:00:00.000Z');

/** Records what the endpoint asks of Firebase Auth. */
class FakeAuth {
  users = new Map<string, { uid: string; email: string; disabled: boolean }>();
  claims = new Map<string, object | null>();
  revoked: string[] = [];
  async getUserByEmail(email: string) {
    const user = [...this.users.values()].find((u) => u.email === email);
    if (!user) throw Object.assign(new Error('no user'), { code: 'auth/user-not-found' });
    return user;
  }
  async createUser(props: { email: string }) {
    const user = { uid: `uid-${this.users.size + 1}`, email: props.email, disabled: false };
    this.users.set(user.uid, user);
    return user;
  }
  async updateUser(uid: string, props: { disabled?: boolean }) {
    const user = this.users.get(uid) ?? { uid, email: `${uid}@example.com`, disabled: false };
    this.users.set(uid, { ...user, disabled: props.disabled ?? user.disabled });
    return user;
  }
  async setCustomUserClaims(uid: string, claims: object | null) {
    this.claims.set(uid, claims);
  }
  async revokeRefreshTokens(uid: string) {
    this.revoked.push(uid);
  }
  async generatePasswordResetLink(email: string) {
    return `https://example.invalid/reset?email=${encodeURIComponent(email)}`;
  }
}

function identity(role: Member['role'], bankId: string | null = null): Member {
  return SAMPLE_IDENTITIES.find((m) => m.role === role && (bankId === null || m.bankId === bankId))!;
}

function callerOf(member: Member) {
  return { uid: member.uid, token: { role: member.role, bankId: member.bankId } };
}

async function refusalOf(promise: Promise<unknown>): Promise<HttpsError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HttpsError);
  return error as HttpsError;
}

describe('command endpoint', () => {
  let store: MemoryDocumentStore;
  let auth: FakeAuth;
  let deps: EndpointDeps;
  let logged: unknown[];

  beforeEach(async () => {
    store = new MemoryDocumentStore();
    await seedStore(store, createSampleWorkspace({ now: NOW }));
    auth = new FakeAuth();
    logged = [];
    deps = { store, auth: auth as unknown as MemberAuthApi, now: () => NOW, log: (_m, e) => logged.push(e) };
  });

  async function aProject(stage: Project['stage'] = 'pipeline'): Promise<StoredDoc<Project>> {
    const [doc] = await store.query<Project>('projects', { where: [{ field: 'stage', op: '==', value: stage }, { field: 'flag', op: '==', value: null }] });
    return doc!;
  }

  const moveOf = (doc: StoredDoc<Project>, expectedVersion = doc.version) => ({
    name: 'project.move',
    payload: { projectId: doc.id, expectedVersion, toStage: doc.data.stage, before: null, after: null },
  });

  it('refuses a request without App Check when the param enforces it', async () => {
    const enforced: EndpointDeps = { ...deps, requireAppCheck: () => true };
    const project = await aProject();
    const error = await refusalOf(handleCommand(enforced, { auth: callerOf(identity('staff')), data: moveOf(project) }));
    expect([error.code, (error.details as { messageKey: string }).messageKey]).toEqual(['unauthenticated', 'auth.error.appCheck']);
    await handleCommand(enforced, { auth: callerOf(identity('staff')), app: { appId: 'web' }, data: moveOf(project) });
  });

  it('refuses a caller without a signed-in user', async () => {
    const error = await refusalOf(handleCommand(deps, { data: moveOf(await aProject()) }));
    expect(error.code).toBe('unauthenticated');
    expect(error.details).toEqual({ messageKey: 'auth.error.signInRequired', params: {}, fieldErrors: [] });
  });

  it('runs a command as the caller and records who did it', async () => {
    const project = await aProject();
    const result = await handleCommand(deps, { auth: callerOf(identity('staff')), data: moveOf(project) });
    expect(result.written).toContainEqual({ collection: 'projects', id: project.id, version: project.version + 1 });
    const activity = await store.get<{ actor: { uid: string; name: string } }>('activity', result.activityId!);
    expect(activity?.data.actor).toMatchObject({ uid: 'u-staff', name: identity('staff').name });
  });

  it('maps a role refusal to permission-denied with its message key, and writes nothing', async () => {
    const before = store.exportAll();
    const error = await refusalOf(handleCommand(deps, { auth: callerOf(identity('viewer')), data: moveOf(await aProject()) }));
    expect(error.code).toBe('permission-denied');
    expect((error.details as { messageKey: string }).messageKey).toBe('errors.permission.role');
    expect(store.exportAll()).toEqual(before);
  });

  it('maps a stale version to failed-precondition errors.conflict', async () => {
    const project = await aProject();
    await handleCommand(deps, { auth: callerOf(identity('staff')), data: moveOf(project) });
    const error = await refusalOf(handleCommand(deps, { auth: callerOf(identity('admin')), data: moveOf(project) }));
    expect(error.code).toBe('failed-precondition');
    expect((error.details as { messageKey: string }).messageKey).toBe('errors.conflict');
  });

  it('maps bad input to invalid-argument with field errors', async () => {
    const project = await aProject();
    const error = await refusalOf(
      handleCommand(deps, { auth: callerOf(identity('staff')), data: { ...moveOf(project), payload: { projectId: project.id } } }),
    );
    expect(error.code).toBe('invalid-argument');
    const details = error.details as { messageKey: string; fieldErrors: { path: string }[] };
    expect(details.messageKey).toBe('errors.validation');
    expect(details.fieldErrors.map((f) => f.path)).toContain('expectedVersion');
  });

  it('refuses a payload of many keys before validating it, member.upsert included, and writes nothing', async () => {
    const before = store.exportAll();
    const manyKeys = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, i]));
    for (const name of ['project.move', 'member.upsert']) {
      const error = await refusalOf(handleCommand(deps, { auth: callerOf(identity('admin')), data: { name, payload: manyKeys } }));
      expect([error.code, (error.details as { messageKey: string }).messageKey], name).toEqual(['resource-exhausted', 'errors.payload.tooComplex']);
    }
    expect(store.exportAll()).toEqual(before);
  });

  it('refuses an unknown command name', async () => {
    const error = await refusalOf(handleCommand(deps, { auth: callerOf(identity('admin')), data: { name: 'project.delete', payload: {} } }));
    expect(error.code).toBe('invalid-argument');
    expect((error.details as { messageKey: string }).messageKey).toBe('errors.command.unknown');
  });

  it('refuses a liaison on another bank’s line as an unknown line and writes nothing', async () => {
    const liaison = identity('liaison', 'icbc');
    const [line] = await store.query<LoanLine>('loanLines', { where: [{ field: 'bankId', op: '!=', value: 'icbc' }] });
    const before = store.exportAll();
    const error = await refusalOf(
      handleCommand(deps, {
        auth: callerOf(liaison),
        data: { name: 'line.setNote', payload: { lineId: line!.id, expectedVersion: line!.version, note: 'not mine' } },
      }),
    );
    // Answered as a line that does not exist, without naming its bank.
    expect(error.code).toBe('not-found');
    expect((error.details as { messageKey: string }).messageKey).toBe('errors.notFound.line');
    expect(JSON.stringify(error.details)).not.toContain(line!.data.bankId);
    expect(store.exportAll()).toEqual(before);
  });

  it('refuses a token without role claims, an unknown member and a disabled member', async () => {
    const project = await aProject();
    // A member whose token lacks the claims (their sync never landed) gets them set, then refreshes.
    const noClaims = await refusalOf(handleCommand(deps, { auth: { uid: 'u-staff', token: {} }, data: moveOf(project) }));
    expect([noClaims.code, (noClaims.details as { messageKey: string }).messageKey]).toEqual(['unauthenticated', 'auth.error.sessionStale']);
    expect(auth.claims.get('u-staff')).toEqual({ role: 'staff', bankId: null });
    const stranger = await refusalOf(handleCommand(deps, { auth: { uid: 'nobody', token: { role: 'admin' } }, data: moveOf(project) }));
    expect((stranger.details as { messageKey: string }).messageKey).toBe('auth.error.notMember');

    const staff = identity('staff');
    const member = await store.get<Member>('members', staff.uid);
    await handleCommand(deps, {
      auth: callerOf(identity('admin')),
      data: { name: 'member.upsert', payload: { ...member!.data, expectedVersion: member!.version, disabled: true } },
    });
    const disabled = await refusalOf(handleCommand(deps, { auth: callerOf(staff), data: moveOf(project) }));
    expect([disabled.code, (disabled.details as { messageKey: string }).messageKey]).toEqual(['permission-denied', 'auth.error.disabled']);
    expect(auth.claims.get(staff.uid)).toBeNull();
    expect(auth.revoked).toContain(staff.uid);
    expect(auth.users.get(staff.uid)?.disabled).toBe(true);
  });

  it('asks for a fresh token when the role changed since it was minted, and sets the new claims', async () => {
    const viewer = identity('viewer');
    const member = await store.get<Member>('members', viewer.uid);
    await handleCommand(deps, {
      auth: callerOf(identity('admin')),
      data: { name: 'member.upsert', payload: { ...member!.data, expectedVersion: member!.version, role: 'staff' } },
    });
    expect(auth.claims.get(viewer.uid)).toEqual({ role: 'staff', bankId: null });
    const stale = await refusalOf(handleCommand(deps, { auth: callerOf(viewer), data: moveOf(await aProject()) }));
    expect([stale.code, (stale.details as { messageKey: string }).messageKey]).toEqual(['unauthenticated', 'auth.error.sessionStale']);
    await handleCommand(deps, { auth: { uid: viewer.uid, token: { role: 'staff', bankId: null } }, data: moveOf(await aProject()) });
  });

  it('checks the membership inside the command transaction: a member disabled after the first check cannot commit', async () => {
    const staff = identity('staff');
    const project = await aProject();
    const racing: EndpointDeps = {
      ...deps,
      store: {
        get: store.get.bind(store),
        query: store.query.bind(store),
        newId: store.newId.bind(store),
        // The admin's disable commits between the endpoint's check and the command's transaction.
        runTransaction: async (fn) => {
          const member = (await store.get<Member>('members', staff.uid))!;
          if (!member.data.disabled) {
            await store.runTransaction(async (tx) => tx.update('members', staff.uid, { ...member.data, disabled: true }, member.version));
          }
          return store.runTransaction(fn);
        },
      },
    };
    const before = (await store.get<Project>('projects', project.id))!;
    const error = await refusalOf(handleCommand(racing, { auth: callerOf(staff), data: moveOf(project) }));
    expect([error.code, (error.details as { messageKey: string }).messageKey]).toEqual(['permission-denied', 'auth.error.disabled']);
    expect((await store.get<Project>('projects', project.id))!.version).toBe(before.version);
  });

  it('reports a failed claims sync after member.upsert as saved-but-pending, and heals it on the member’s next call', async () => {
    const viewer = identity('viewer');
    const member = (await store.get<Member>('members', viewer.uid))!;
    const failing = Object.assign(Object.create(auth) as FakeAuth, {
      setCustomUserClaims: async () => {
        throw new Error('auth backend unavailable');
      },
    });
    const result = await handleCommand(
      { ...deps, auth: failing as unknown as MemberAuthApi },
      { auth: callerOf(identity('admin')), data: { name: 'member.upsert', payload: { ...member.data, expectedVersion: member.version, role: 'staff' } } },
    );
    expect(result.notices).toEqual(['errors.member.claimsPending']);
    expect((await store.get<Member>('members', viewer.uid))!.data.role).toBe('staff');
    expect(auth.claims.has(viewer.uid)).toBe(false);
    expect(String(JSON.stringify(logged))).toContain(viewer.uid);

    // Auth is back: the member's next call (old token) sets the claims and asks for a fresh token.
    const stale = await refusalOf(handleCommand(deps, { auth: callerOf(viewer), data: moveOf(await aProject()) }));
    expect((stale.details as { messageKey: string }).messageKey).toBe('auth.error.sessionStale');
    expect(auth.claims.get(viewer.uid)).toEqual({ role: 'staff', bankId: null });
    await handleCommand(deps, { auth: { uid: viewer.uid, token: { role: 'staff', bankId: null } }, data: moveOf(await aProject()) });
  });

  it('hides unexpected failures behind internal, and logs them', async () => {
    const broken: EndpointDeps = { ...deps, store: { ...store, get: store.get.bind(store), query: store.query.bind(store), newId: store.newId.bind(store), runTransaction: async () => { throw new Error('disk on fire'); } } };
    const error = await refusalOf(handleCommand(broken, { auth: callerOf(identity('staff')), data: moveOf(await aProject()) }));
    expect(error.code).toBe('internal');
    expect(error.message).not.toContain('disk');
    expect(String(logged[0])).toContain('disk on fire');
  });
});

describe('member invitation', () => {
  it('creates the user, the membership and the claims; only admins may invite', async () => {
    const store = new MemoryDocumentStore();
    await seedStore(store, createSampleWorkspace({ now: NOW }));
    const auth = new FakeAuth();
    const deps: EndpointDeps = { store, auth: auth as unknown as MemberAuthApi, now: () => NOW, log: () => undefined };
    const invite = { email: 'New.Liaison@Bank.example', name: '新联络员', role: 'liaison', bankId: 'icbc' };

    const refused = await refusalOf(handleInvite(deps, { auth: callerOf(identity('staff')), data: invite }));
    expect(refused.code).toBe('permission-denied');
    expect(auth.users.size).toBe(0);

    const bad = await refusalOf(handleInvite(deps, { auth: callerOf(identity('admin')), data: { ...invite, bankId: null } }));
    expect(bad.code).toBe('invalid-argument');
    expect(auth.users.size).toBe(0);

    const result = await handleInvite(deps, { auth: callerOf(identity('admin')), data: invite });
    expect(result.createdUser).toBe(true);
    expect(result.passwordSetupLink).toContain('new.liaison%40bank.example');
    expect((await store.get<Member>('members', result.uid))?.data).toEqual({
      uid: result.uid, name: '新联络员', email: 'new.liaison@bank.example', role: 'liaison', bankId: 'icbc', disabled: false,
    });
    expect(auth.claims.get(result.uid)).toEqual({ role: 'liaison', bankId: 'icbc' });

    const again = await handleInvite(deps, { auth: callerOf(identity('admin')), data: { ...invite, role: 'viewer', bankId: null } });
    expect(again).toMatchObject({ uid: result.uid, createdUser: false });
    expect(auth.claims.get(result.uid)).toEqual({ role: 'viewer', bankId: null });
  });
});

describe('daily stall scan', () => {
  it('flags due projects once; a second run the same day writes nothing and records no activity', async () => {
    const store = new MemoryDocumentStore();
    await seedStore(store, createSampleWorkspace({ now: NOW }));
    const later = new Date(NOW.getTime() + 40 * 86_400_000);
    const logs: Record<string, unknown>[] = [];
    const first = await runStallScan(store, later, (_m, data) => logs.push(data));
    expect(first.candidates).toBeGreaterThan(0);
    expect(first.written).toBeGreaterThan(0);
    expect(logs[0]).toMatchObject({ written: first.written, projectIds: first.projectIds });
    const activityAfterFirst = (await store.query('activity')).length;

    const second = await runStallScan(store, later, () => undefined);
    expect(second).toMatchObject({ candidates: 0, written: 0 });
    expect((await store.query('activity')).length).toBe(activityAfterFirst);
  });
});
