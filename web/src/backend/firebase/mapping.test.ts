import { describe, expect, it } from 'vitest';
import { DomainError, applyReadPolicy, publicProjectView, type Project } from '@clearway/core';
import { createSampleWorkspace } from '@clearway/core/sample';
import { readFirebaseConfig } from './config';
import { fromCallableError, fromListenerError, fromSignInError } from './errors';
import { joinOwnLines, ownOrOtherBanks } from './policyReads';
import { scopeForActor } from './queries';

describe('Firebase web config', () => {
  it('a demo- project means the emulators, with default or given ports and no API key needed', () => {
    expect(readFirebaseConfig({ VITE_FIREBASE_PROJECT_ID: 'demo-clearway' })).toMatchObject({
      projectId: 'demo-clearway',
      apiKey: 'demo-api-key',
      functionsRegion: 'asia-east2',
      emulators: { host: '127.0.0.1', authPort: 9099, firestorePort: 8080, functionsPort: 5001 },
    });
    expect(
      readFirebaseConfig({ VITE_FIREBASE_PROJECT_ID: 'demo-x', VITE_FIREBASE_AUTH_EMULATOR_PORT: '19099', VITE_FIREBASE_FUNCTIONS_REGION: 'asia-east1' }),
    ).toMatchObject({ functionsRegion: 'asia-east1', emulators: { authPort: 19099 } });
  });

  it('a real project needs its API key and talks to no emulator', () => {
    expect(() => readFirebaseConfig({ VITE_FIREBASE_PROJECT_ID: 'clearway-prod' })).toThrow(/VITE_FIREBASE_API_KEY/);
    expect(readFirebaseConfig({ VITE_FIREBASE_PROJECT_ID: 'clearway-prod', VITE_FIREBASE_API_KEY: 'key' })).toMatchObject({
      authDomain: 'clearway-prod.firebaseapp.com',
      emulators: null,
    });
    expect(() => readFirebaseConfig({ VITE_FIREBASE_PROJECT_ID: 'demo-x', VITE_FIREBASE_AUTH_EMULATOR_PORT: 'abc' })).toThrow(/port/);
  });
});

describe('Firebase errors as DomainErrors', () => {
  it('keeps the command function’s code, message key, params and field errors', () => {
    const error = fromCallableError({
      code: 'functions/failed-precondition',
      details: { messageKey: 'errors.gate.leadBankMissing', params: { stage: 'matched' }, fieldErrors: [] },
    });
    expect(error).toBeInstanceOf(DomainError);
    expect(error.toJSON()).toEqual({ code: 'failed-precondition', messageKey: 'errors.gate.leadBankMissing', params: { stage: 'matched' }, fieldErrors: [] });
  });

  it('gives transport and unexpected failures a message of their own', () => {
    expect(fromCallableError({ code: 'functions/unavailable' }).messageKey).toBe('auth.error.unavailable');
    expect(fromCallableError({ code: 'functions/internal' }).messageKey).toBe('errors.internal');
    expect(fromCallableError(new TypeError('boom')).messageKey).toBe('errors.internal');
    expect(fromListenerError({ code: 'permission-denied' }).messageKey).toBe('auth.error.readDenied');
  });

  it('says why a sign-in failed', () => {
    expect(fromSignInError({ code: 'auth/invalid-credential' }).messageKey).toBe('auth.error.invalidCredentials');
    expect(fromSignInError({ code: 'auth/user-disabled' }).messageKey).toBe('auth.error.disabled');
    expect(fromSignInError({ code: 'auth/too-many-requests' }).messageKey).toBe('auth.error.tooManyAttempts');
    expect(fromSignInError({ code: 'auth/too-many-requests' }).code).toBe('resource-exhausted');
  });
});

describe('queries scoped to what the actor may read', () => {
  const liaison = { uid: 'u', name: 'n', role: 'liaison' as const, bankId: 'icbc' };
  const staff = { ...liaison, role: 'staff' as const, bankId: null };

  it('a liaison asks only for their bank’s lines and project-level activity', () => {
    expect(scopeForActor('loanLines', { where: [{ field: 'projectId', op: '==', value: 'p' }] }, liaison).where).toEqual([
      { field: 'projectId', op: '==', value: 'p' },
      { field: 'bankId', op: '==', value: 'icbc' },
    ]);
    expect(scopeForActor('activity', { orderBy: [{ field: 'at', direction: 'desc' }] }, liaison)).toEqual({
      orderBy: [{ field: 'at', direction: 'desc' }],
      where: [{ field: 'lineId', op: '==', value: null }],
    });
    expect(scopeForActor('projects', {}, liaison)).toEqual({});
  });

  it('leaves everyone else’s queries alone', () => {
    const spec = { where: [{ field: 'projectId', op: '==' as const, value: 'p' }] };
    expect(scopeForActor('loanLines', spec, staff)).toBe(spec);
  });
});

describe('a liaison’s board on Firestore', () => {
  it('joins each board view with the liaison’s own lines into the very card applyReadPolicy gives', () => {
    const workspace = createSampleWorkspace({ now: new Date('2026-11-20T04:00:00.000Z'), projects: 30 });
    const liaison = { uid: 'u-liaison-ceb', name: 'n', role: 'liaison' as const, bankId: 'ceb' };
    const views = workspace.projects.map((project) => ({ id: project.id, version: 3, data: publicProjectView(project) }));
    const ownLines = workspace.loanLines.filter((line) => line.bankId === 'ceb').map((line) => ({ id: line.id, version: 1, data: line }));
    expect(ownLines.length).toBeGreaterThan(0);
    const joined = joinOwnLines(views, ownLines);
    for (const [i, project] of workspace.projects.entries()) {
      const expected = applyReadPolicy(liaison, 'projects', { id: project.id, version: 3, data: project })!.data as Project;
      expect(joined[i]!.data).toEqual(expected);
    }
    expect(joined.some((doc) => doc.data.lines.length > 0)).toBe(true);
  });
});

describe('a liaison’s closed month on Firestore', () => {
  it('reads its bank’s projection, or for a bank added after the close the one for every other bank', () => {
    const own = { id: 'icbc~2026-10', version: 1, data: { month: '2026-10', bankId: 'icbc', totals: { approved: 5 } } };
    const other = { id: '*~2026-10', version: 1, data: { month: '2026-10', bankId: '*', totals: { approved: 9 } } };
    expect(ownOrOtherBanks(own, other, '2026-10')).toEqual({ id: '2026-10', version: 1, data: { month: '2026-10', totals: { approved: 5 } } });
    expect(ownOrOtherBanks(null, other, '2026-10')).toEqual({ id: '2026-10', version: 1, data: { month: '2026-10', totals: { approved: 9 } } });
    expect(ownOrOtherBanks(null, null, '2026-10')).toBeNull();
  });
});
