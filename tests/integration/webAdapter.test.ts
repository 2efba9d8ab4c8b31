/**
 * The web app's Firebase backend (web/src/backend/firebase), run from Node against the same
 * emulators: sign-in with email and password, realtime listeners that fire on change, commands
 * through the callable, and refusals as DomainErrors with the server's message keys.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DomainError, applyReadPolicy, boardCardDoc } from '@clearway/core';
import type { Actor, BoardCard, LoanLine, Project, StoredDoc } from '@clearway/core';
import { createFirebaseBackendWith, type FirebaseBackend } from '../../web/src/backend/firebase/adapter';
import { adminDb, countDocs, emulators, readDoc, sampleMember } from './support/client';

const backends: FirebaseBackend[] = [];

async function backend(): Promise<FirebaseBackend> {
  const env = emulators();
  const created = await createFirebaseBackendWith({
    projectId: env.projectId,
    apiKey: 'demo-api-key',
    authDomain: `${env.projectId}.firebaseapp.com`,
    appId: undefined,
    functionsRegion: env.region,
    emulators: { host: env.host, authPort: env.authPort, firestorePort: env.firestorePort, functionsPort: env.functionsPort },
  });
  backends.push(created);
  await created.ready();
  return created;
}

afterEach(async () => {
  await Promise.all(backends.splice(0).map((b) => b.dispose()));
});

async function rejection(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

/** Collects what a listener delivers, and waits for a delivery that satisfies a condition. */
function recorder<T>() {
  const seen: T[] = [];
  return {
    seen,
    push: (value: T) => seen.push(value),
    until: (predicate: (value: T) => boolean) => vi.waitFor(() => expect(seen.some(predicate)).toBe(true), { timeout: 20_000, interval: 50 }),
  };
}

describe('web Firebase backend from Node', () => {
  it('signs in with email and password and knows the actor from the claims', async () => {
    const b = await backend();
    const actors = recorder<Actor | null>();
    b.watchActor(actors.push);
    expect(actors.seen).toEqual([null]);

    const wrong = await rejection(b.auth!.signIn(sampleMember('staff').email!, 'not-the-password'));
    expect(wrong.messageKey).toBe('auth.error.invalidCredentials');

    await b.auth!.signIn(sampleMember('staff').email!, emulators().password);
    await actors.until((a) => a?.uid === 'u-staff');
    expect(actors.seen.at(-1)).toMatchObject({ uid: 'u-staff', role: 'staff', bankId: null, name: sampleMember('staff').name });

    await b.auth!.signOut();
    await actors.until((a) => a === null && actors.seen.length > 2);
  });

  // Every listener below shares one Firestore instance, so one Listen stream: each must be served by
  // the server, not from the local cache an earlier listener filled.
  it('listeners deliver stored documents and fire when a command changes them', async () => {
    const b = await backend();
    await b.auth!.signIn(sampleMember('staff').email!, emulators().password);
    const lists = recorder<StoredDoc<Project>[]>();
    b.watchQuery<Project>('projects', { where: [{ field: 'stage', op: '==', value: 'pipeline' }] }, lists.push);
    await lists.until((docs) => docs.length > 0);
    const first = lists.seen.at(-1)!;
    expect(first.every((d) => d.data.stage === 'pipeline' && d.version >= 1 && !('_v' in (d.data as object)))).toBe(true);

    // A second listener, on a document the first one does not hold: only the server can answer it.
    const outside = (await adminDb().collection('projects').where('stage', '==', 'approval').limit(1).get()).docs[0]!;
    const single = recorder<StoredDoc<Project> | null>();
    b.watchDoc<Project>('projects', outside.id, single.push);
    await single.until((d) => d?.id === outside.id && d.version === outside.get('_v'));

    const plan = `整改措施 ${Date.now()}`;
    const changed = await b.execute({
      name: 'project.setActionPlan',
      payload: { projectId: outside.id, expectedVersion: outside.get('_v') as number, actionPlan: plan },
    });
    expect(changed.written).toContainEqual({ collection: 'projects', id: outside.id, version: (outside.get('_v') as number) + 1 });
    await single.until((d) => d?.data.actionPlan === plan);

    const target = first[0]!;
    await b.execute({ name: 'project.setActionPlan', payload: { projectId: target.id, expectedVersion: target.version, actionPlan: plan } });
    await lists.until((docs) => docs.some((d) => d.id === target.id && d.data.actionPlan === plan && d.version === target.version + 1));
    expect((await readDoc<Project>('projects', target.id))?.data.actionPlan).toBe(plan);
  });

  it('a document deleted on the server leaves a query listener, and a removed listener leaves the others working', async () => {
    const b = await backend();
    await b.auth!.signIn(sampleMember('staff').email!, emulators().password);
    const id = `zz-listener-${Date.now()}`;
    await adminDb().doc(`banks/${id}`).set({ id, name: '临时银行', category: 'other', agreementAmount: 0, _v: 1 });
    const banks = recorder<StoredDoc[]>();
    b.watchQuery('banks', {}, banks.push);
    await banks.until((docs) => docs.some((d) => d.id === id));

    const stopSingle = b.watchDoc('banks', id, () => undefined);
    stopSingle();
    await adminDb().doc(`banks/${id}`).delete();
    await banks.until((docs) => docs.length > 0 && !docs.some((d) => d.id === id));
  });

  it('a refused command rejects with the server’s code and message key, and a stale one with a conflict', async () => {
    const b = await backend();
    await b.auth!.signIn(sampleMember('viewer').email!, emulators().password);
    const project = (await readDoc<Project>('projects', (await firstPipelineProjectId())))!;
    const refused = await rejection(
      b.execute({ name: 'project.setActionPlan', payload: { projectId: project.id, expectedVersion: project.version, actionPlan: 'x' } }),
    );
    expect([refused.code, refused.messageKey]).toEqual(['permission-denied', 'errors.permission.role']);

    await b.auth!.signOut();
    await b.auth!.signIn(sampleMember('staff').email!, emulators().password);
    const stale = await rejection(
      b.execute({ name: 'project.setActionPlan', payload: { projectId: project.id, expectedVersion: project.version - 1, actionPlan: 'x' } }),
    );
    expect([stale.code, stale.messageKey]).toEqual(['failed-precondition', 'errors.conflict']);
  });

  it('a liaison’s loan-line queries are scoped to their own bank', async () => {
    const b = await backend();
    await b.auth!.signIn(sampleMember('liaison', 'icbc').email!, emulators().password);
    const lines = recorder<StoredDoc<LoanLine>[]>();
    b.watchQuery<LoanLine>('loanLines', {}, lines.push);
    await lines.until((docs) => docs.length > 0);
    expect(new Set(lines.seen.at(-1)!.map((d) => d.data.bankId))).toEqual(new Set(['icbc']));
  });

  it('the board’s cards: the bureau’s written with each command, a liaison’s core’s card of its own bank’s view', async () => {
    const total = await countDocs('projects');
    const b = await backend();
    await b.auth!.signIn(sampleMember('staff').email!, emulators().password);
    const boards = recorder<StoredDoc<BoardCard>[]>();
    b.watchBoard!(boards.push);
    await boards.until((cards) => cards.length === total);
    const target = (await readDoc<Project>('projects', await firstPipelineProjectId()))!;
    expect(boards.seen.at(-1)!.find((card) => card.id === target.id)).toEqual(boardCardDoc(target));

    const blockers = target.data.clearance.openBlockers.length;
    await b.execute({
      name: 'blocker.add',
      payload: { projectId: target.id, expectedVersion: target.version, tag: 'permits', description: '规划许可待批', party: '市自然资源局', dueDate: null },
    });
    await boards.until((cards) => cards.some((card) => card.id === target.id && card.version === target.version + 1));
    const changed = (await readDoc<Project>('projects', target.id))!;
    expect(changed.data.clearance.openBlockers).toHaveLength(blockers + 1);
    expect(boards.seen.at(-1)!.find((card) => card.id === target.id)).toEqual(boardCardDoc(changed));

    const liaison = sampleMember('liaison', 'icbc');
    const l = await backend();
    await l.auth!.signIn(liaison.email!, emulators().password);
    const theirs = recorder<StoredDoc<BoardCard>[]>();
    l.watchBoard!(theirs.push);
    await theirs.until((cards) => cards.length === total);
    const asLiaison = applyReadPolicy(liaison, 'projects', changed) as StoredDoc<Project>;
    expect(theirs.seen.at(-1)!.find((card) => card.id === target.id)).toEqual(boardCardDoc(asLiaison));
  });

  it('parks listeners while signed out and attaches them on sign-in', async () => {
    const b = await backend();
    const banks = recorder<StoredDoc[]>();
    b.watchQuery('banks', {}, banks.push);
    expect(banks.seen).toEqual([]);
    await b.auth!.signIn(sampleMember('viewer').email!, emulators().password);
    await banks.until((docs) => docs.length > 0);
  });
});

async function firstPipelineProjectId(): Promise<string> {
  const snap = await adminDb().collection('projects').where('stage', '==', 'pipeline').limit(1).get();
  return snap.docs[0]!.id;
}
