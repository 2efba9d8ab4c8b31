import { afterEach, describe, expect, it, vi } from 'vitest';
import { DomainError, ERROR_CODES, type Actor, type StoredDoc } from '@clearway/core';
import { createServerBackendWith, type ServerBackend } from './adapter';
import { fromHttpError, fromTransportError } from './errors';
import { QueryResult } from './queryResult';
import { fakeServer, type FakeServer } from './testing';

const staff: Actor = { uid: 'u-staff', name: '王敏', role: 'staff', bankId: null };
const liaison: Actor = { uid: 'u-icbc', name: '赵磊', role: 'liaison', bankId: 'icbc' };
const BASE = 'http://127.0.0.1:4321';

const doc = (id: string, version: number, data: Record<string, unknown> = {}): StoredDoc => ({ id, version, data: { id, ...data } });

let backend: ServerBackend | null = null;
async function start(server: FakeServer): Promise<ServerBackend> {
  backend = await createServerBackendWith({ baseUrl: BASE, fetch: server.fetch, createSocket: server.createSocket, random: () => 1, backoff: { initialMs: 100, maxMs: 400 } });
  return backend;
}

afterEach(() => {
  backend?.dispose();
  backend = null;
  vi.useRealTimers();
});

describe('team server backend: realtime', () => {
  it('multiplexes every watch over one socket, applies deltas in the query’s order and limit', async () => {
    const server = fakeServer(staff);
    const backend = await start(server);
    expect(server.sockets).toHaveLength(1);
    expect(server.socket().url).toBe('ws://127.0.0.1:4321/api/realtime?frames=binary');
    const seen: string[][] = [];
    const docs: (StoredDoc | null)[] = [];
    backend.watchQuery('activity', { orderBy: [{ field: 'at', direction: 'desc' }], limit: 2 }, (list) => seen.push(list.map((d) => d.id)));
    backend.watchDoc('settings', 'stallRules', (d) => docs.push(d));
    server.socket().open();
    expect(server.sockets).toHaveLength(1);
    const [query, single] = server.socket().sent;
    expect(query).toMatchObject({ type: 'watchQuery', collection: 'activity', spec: { limit: 2 } });
    expect(single).toMatchObject({ type: 'watchDoc', collection: 'settings', docId: 'stallRules' });

    server.socket().receive({ type: 'snapshot', id: query!.id, docs: [doc('a', 1, { at: '2026-01-02' }), doc('b', 1, { at: '2026-01-01' })] });
    server.socket().receive({ type: 'delta', id: query!.id, upserts: [doc('c', 1, { at: '2026-01-03' })], removed: ['b'] });
    server.socket().receive({ type: 'doc', id: single!.id, doc: doc('stallRules', 3) });
    expect(seen).toEqual([['a', 'b'], ['c', 'a']]);
    expect(docs.map((d) => d?.version)).toEqual([3]);
  });

  it('reads the binary frames of UTF-8 JSON the server sends (Chinese text whole), and still a text frame', async () => {
    const server = fakeServer(staff);
    const backend = await start(server);
    const seen: string[][] = [];
    backend.watchQuery<{ name: string }>('projects', {}, (list) => seen.push(list.map((d) => `${d.id}:${d.data.name}`)));
    server.socket().open();
    expect(server.socket().binaryType).toBe('arraybuffer');
    const [watch] = server.socket().sent;
    server.socket().receive({ type: 'snapshot', id: watch!.id, docs: [doc('p1', 1, { name: '昭通至泸州高速公路' })] });
    server.socket().receiveText({ type: 'delta', id: watch!.id, upserts: [doc('p2', 1, { name: '城市更新项目' })], removed: [] });
    expect(seen).toEqual([['p1:昭通至泸州高速公路'], ['p1:昭通至泸州高速公路', 'p2:城市更新项目']]);
  });

  it("asks for the board's cards as one watch of the projects in the board view, then follows its deltas", async () => {
    const server = fakeServer(staff);
    const backend = await start(server);
    const seen: string[][] = [];
    backend.watchBoard!((cards) => seen.push(cards.map((card) => `${card.id}@${card.version}`)));
    server.socket().open();
    const [watch] = server.socket().sent;
    expect(watch).toEqual({ type: 'watchQuery', id: watch!.id, collection: 'projects', spec: {}, view: 'board' });
    server.socket().receive({ type: 'snapshot', id: watch!.id, docs: [doc('p1', 1), doc('p2', 1)] });
    server.socket().receive({ type: 'delta', id: watch!.id, upserts: [doc('p2', 2)], removed: ['p1'] });
    expect(seen).toEqual([['p1@1', 'p2@1'], ['p2@2']]);
  });

  it('opening the board sends its banks’ watch and then its cards’ with the socket, before the app asks; the first watches take them over, the next have their own', async () => {
    const server = fakeServer(staff);
    backend = await createServerBackendWith({ baseUrl: BASE, fetch: server.fetch, createSocket: server.createSocket, earlyBoard: true });
    expect(server.sockets).toHaveLength(1);
    server.socket().open();
    const [earlyBanks, early] = server.socket().sent;
    // The banks first: the cards that follow paint with their banks' names.
    expect(earlyBanks).toEqual({ type: 'watchQuery', id: earlyBanks!.id, collection: 'banks', spec: {} });
    expect(early).toEqual({ type: 'watchQuery', id: early!.id, collection: 'projects', spec: {}, view: 'board' });
    server.socket().receive({ type: 'snapshot', id: earlyBanks!.id, docs: [doc('icbc', 1)] });
    server.socket().receive({ type: 'snapshot', id: early!.id, docs: [doc('p1', 1), doc('p2', 1)] });

    const banks: string[][] = [];
    const stopBanks = backend.watchQuery('banks', {}, (docs) => banks.push(docs.map((bank) => `${bank.id}@${bank.version}`)));
    expect(banks).toEqual([['icbc@1']]);
    const seen: string[][] = [];
    const stop = backend.watchBoard!((cards) => seen.push(cards.map((card) => `${card.id}@${card.version}`)));
    expect(seen).toEqual([['p1@1', 'p2@1']]);
    server.socket().receive({ type: 'delta', id: early!.id, upserts: [doc('p2', 2)], removed: ['p1'] });
    server.socket().receive({ type: 'delta', id: earlyBanks!.id, upserts: [doc('icbc', 2)], removed: [] });
    expect(seen).toEqual([['p1@1', 'p2@1'], ['p2@2']]);
    expect(banks).toEqual([['icbc@1'], ['icbc@2']]);
    expect(server.socket().sent).toHaveLength(2);

    backend.watchBoard!(() => undefined);
    expect(server.socket().sent.at(-1)).toMatchObject({ type: 'watchQuery', view: 'board' });
    expect(server.socket().sent.at(-1)!.id).not.toBe(early!.id);
    backend.watchQuery('banks', {}, () => undefined);
    expect(server.socket().sent.at(-1)).toMatchObject({ type: 'watchQuery', collection: 'banks' });
    expect(server.socket().sent.at(-1)!.id).not.toBe(earlyBanks!.id);
    stop();
    expect(server.socket().sent.at(-1)).toEqual({ type: 'unwatch', id: early!.id });
    stopBanks();
    expect(server.socket().sent.at(-1)).toEqual({ type: 'unwatch', id: earlyBanks!.id });
  });

  it('early board watches nobody takes over are dropped; one the server refused hands its error to the board', async () => {
    vi.useFakeTimers();
    const server = fakeServer(staff);
    backend = await createServerBackendWith({ baseUrl: BASE, fetch: server.fetch, createSocket: server.createSocket, earlyBoard: true });
    server.socket().open();
    const [earlyBanks, early] = server.socket().sent;
    vi.advanceTimersByTime(15_000);
    expect(server.socket().sent.slice(-2)).toEqual([
      { type: 'unwatch', id: earlyBanks!.id },
      { type: 'unwatch', id: early!.id },
    ]);
    // Dropped: a later watch of the banks is a watch of its own.
    backend.watchQuery('banks', {}, () => undefined);
    expect(server.socket().sent.at(-1)).toMatchObject({ type: 'watchQuery', collection: 'banks' });
    backend.dispose();

    const refusing = fakeServer(staff);
    backend = await createServerBackendWith({ baseUrl: BASE, fetch: refusing.fetch, createSocket: refusing.createSocket, earlyBoard: true });
    refusing.socket().open();
    const [, watch] = refusing.socket().sent;
    refusing.socket().receive({ type: 'error', id: watch!.id, error: { code: 'permission-denied', messageKey: 'errors.permission.denied' } });
    const errors: unknown[] = [];
    backend.watchBoard!(() => undefined, (error) => errors.push(error));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(DomainError);
  });

  it('a watch the server refuses reaches its onError as a DomainError; other watches go on', async () => {
    const server = fakeServer(liaison);
    const backend = await start(server);
    const errors: unknown[] = [];
    const lines: string[][] = [];
    backend.watchQuery('loanLines', {}, () => undefined, (error) => errors.push(error));
    backend.watchQuery('projects', {}, (list) => lines.push(list.map((d) => d.id)));
    server.socket().open();
    const [refused, allowed] = server.socket().sent;
    server.socket().receive({ type: 'error', id: refused!.id, error: { code: 'permission-denied', messageKey: 'auth.error.readDenied' } });
    server.socket().receive({ type: 'snapshot', id: allowed!.id, docs: [doc('p1', 1)] });
    server.socket().receive({ type: 'snapshot', id: 999, docs: [doc('stray', 1)] }); // an id nobody watches
    expect(errors).toHaveLength(1);
    expect((errors[0] as DomainError).toJSON()).toMatchObject({ code: 'permission-denied', messageKey: 'auth.error.readDenied' });
    expect(lines).toEqual([['p1']]);
  });

  it('reconnects with backoff after a drop and re-sends every live watch, so the fresh snapshots miss nothing', async () => {
    vi.useFakeTimers();
    const server = fakeServer(staff);
    const backend = await start(server);
    const seen: string[][] = [];
    const states: string[] = [];
    backend.watchConnection((state) => states.push(state));
    const stop = backend.watchQuery('projects', {}, (list) => seen.push(list.map((d) => `${d.id}@${d.version}`)));
    const gone = backend.watchQuery('banks', {}, () => undefined);
    server.socket().open();
    const [projects] = server.socket().sent;
    server.socket().receive({ type: 'snapshot', id: projects!.id, docs: [doc('p1', 1)] });
    gone();

    server.socket().drop();
    expect(server.sockets).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(99);
    expect(server.sockets).toHaveLength(1); // backoff: not before the first delay
    await vi.advanceTimersByTimeAsync(1);
    expect(server.sockets).toHaveLength(2);
    server.socket().drop(); // still down: the next wait doubles
    await vi.advanceTimersByTimeAsync(199);
    expect(server.sockets).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(server.sockets).toHaveLength(3);

    expect(states).toEqual(['online', 'reconnecting']);
    server.socket().open();
    expect(states).toEqual(['online', 'reconnecting', 'online']);
    expect(server.socket().sent).toEqual([projects]); // the unwatched banks query is not re-sent
    // Meanwhile p1 moved and p2 was created: the fresh snapshot brings both.
    server.socket().receive({ type: 'snapshot', id: projects!.id, docs: [doc('p1', 2), doc('p2', 1)] });
    expect(seen.at(-1)).toEqual(['p1@2', 'p2@1']);
    // Reconnect checked the session each time (a refused upgrade looks like a drop).
    expect(server.requests.filter((r) => r.path === '/api/session')).toHaveLength(3);
    stop();
    expect(server.socket().sent.at(-1)).toEqual({ type: 'unwatch', id: projects!.id });
  });

  it('signedOut ends the session: the actor becomes null with a reason, and the socket is not reopened', async () => {
    vi.useFakeTimers();
    const server = fakeServer(liaison);
    const backend = await start(server);
    const actors: (Actor | null)[] = [];
    backend.watchActor((a) => actors.push(a));
    server.socket().open();
    server.socket().receive({ type: 'signedOut' });
    server.socket().drop(4401);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(actors).toEqual([liaison, null]);
    expect(backend.auth.endedReason()).toBe('auth.error.sessionEnded');
    expect(server.sockets).toHaveLength(1);
  });

  it('a reconnect that finds the session gone signs out instead of retrying for ever', async () => {
    vi.useFakeTimers();
    const server = fakeServer(staff);
    const backend = await start(server);
    server.socket().open();
    server.routes.set('GET /api/session', () => ({ status: 401, body: { error: { code: 'unauthenticated', messageKey: 'auth.error.signInRequired' } } }));
    server.socket().drop();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(server.sockets).toHaveLength(1);
    let current: Actor | null = staff;
    backend.watchActor((a) => (current = a));
    expect(current).toBeNull();
    expect(backend.auth.endedReason()).toBe('auth.error.sessionEnded');
  });

  it('parks watches while signed out; signing in opens the socket and sends them', async () => {
    const server = fakeServer(null);
    server.routes.set('POST /api/session', (body) =>
      (body as { password: string }).password === 'right'
        ? { status: 200, body: { actor: staff } }
        : { status: 401, body: { error: { code: 'unauthenticated', messageKey: 'auth.error.badCredentials' } } },
    );
    const backend = await start(server);
    // The socket opened alongside the session check is closed once the check finds no session.
    const open = () => server.sockets.filter((socket) => socket.closedWith === null);
    expect(server.sockets.every((socket) => socket.closedWith === 1000)).toBe(true);
    backend.watchQuery('projects', {}, () => undefined);
    expect(open()).toHaveLength(0);

    const refused = await backend.auth.signIn('staff@clearway.local', 'wrong').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(DomainError);
    expect((refused as DomainError).messageKey).toBe('auth.error.invalidCredentials');
    expect(open()).toHaveLength(0);

    await backend.auth.signIn(' staff@clearway.local ', 'right');
    expect(server.requests.at(-1)).toMatchObject({ method: 'POST', path: '/api/session', body: { email: 'staff@clearway.local' }, credentials: 'same-origin' });
    server.socket().open();
    expect(server.socket().sent.map((m) => m.type)).toEqual(['watchQuery']);

    server.routes.set('DELETE /api/session', () => ({ status: 204 }));
    await backend.auth.signOut();
    expect(server.socket().closedWith).toBe(1000);
    expect(backend.auth.endedReason()).toBeNull();
  });
});

describe('team server backend: commands and errors', () => {
  it('posts commands and maps refusals to the DomainErrors the Firebase adapter gives', async () => {
    const server = fakeServer(staff);
    server.routes.set('POST /api/commands', (body) =>
      (body as { name: string }).name === 'project.move'
        ? { status: 200, body: { written: [{ collection: 'projects', id: 'p1', version: 2 }] } }
        : {
            status: 409,
            body: { error: { code: 'failed-precondition', messageKey: 'errors.gate.leadBankMissing', params: { stage: 'matched' }, fieldErrors: [] } },
          },
    );
    const backend = await start(server);
    await expect(backend.execute({ name: 'project.move', payload: {} } as never)).resolves.toEqual({ written: [{ collection: 'projects', id: 'p1', version: 2 }] });
    const error = (await backend.execute({ name: 'project.update', payload: {} } as never).catch((e: unknown) => e)) as DomainError;
    expect(error).toBeInstanceOf(DomainError);
    expect(error.toJSON()).toEqual({ code: 'failed-precondition', messageKey: 'errors.gate.leadBankMissing', params: { stage: 'matched' }, fieldErrors: [] });
  });

  it('a command refused for want of a session signs the tab out', async () => {
    const server = fakeServer(liaison);
    server.routes.set('POST /api/commands', () => ({ status: 401, body: { error: { code: 'unauthenticated', messageKey: 'auth.error.signInRequired' } } }));
    const backend = await start(server);
    let current: Actor | null = liaison;
    backend.watchActor((a) => (current = a));
    await expect(backend.execute({ name: 'line.recordTranche', payload: {} } as never)).rejects.toMatchObject({ code: 'unauthenticated' });
    expect(current).toBeNull();
    expect(backend.auth.endedReason()).toBe('auth.error.sessionEnded');
  });

  it('gives statuses without a message, and a dead network, messages of their own', () => {
    expect(fromHttpError(429, null).toJSON()).toMatchObject({ code: 'resource-exhausted', messageKey: 'auth.error.tooManyAttempts' });
    const tooLarge = fromHttpError(413, { error: { code: 'resource-exhausted', messageKey: 'errors.request.tooLarge' } });
    expect(tooLarge.messageKey).toBe('errors.request.tooLarge');
    expect(ERROR_CODES).toContain(tooLarge.code);
    expect(fromHttpError(409, { error: { code: 'already-exists', messageKey: 'errors.member.emailTaken' } }).code).toBe('failed-precondition');
    expect(fromHttpError(502, '<html>').messageKey).toBe('auth.error.unavailable');
    expect(fromHttpError(403, { error: { code: 'permission-denied', messageKey: 'errors.permission.role' } }).code).toBe('permission-denied');
    expect(fromTransportError(new TypeError('Failed to fetch')).messageKey).toBe('auth.error.unavailable');
  });

  it('admin and workspace calls go to their routes', async () => {
    const server = fakeServer(staff);
    server.routes.set('POST /api/admin/members', () => ({ status: 200, body: { uid: 'u-new', temporaryPassword: 'tmp-1' } }));
    server.routes.set('POST /api/admin/members/u%20x/password', () => ({ status: 200, body: { temporaryPassword: 'tmp-2' } }));
    server.routes.set('GET /api/admin/export', () => ({ status: 200, body: { schemaVersion: 1 } }));
    const backend = await start(server);
    await expect(backend.admin.createMember({ email: 'a@b.cn', name: '甲', role: 'viewer', bankId: null })).resolves.toEqual({ uid: 'u-new', temporaryPassword: 'tmp-1' });
    await expect(backend.admin.resetPassword('u x')).resolves.toEqual({ temporaryPassword: 'tmp-2' });
    await expect(backend.workspace.exportAll()).resolves.toEqual({ schemaVersion: 1 });
  });

  it('lists and downloads the quarantined documents from their admin routes', async () => {
    const server = fakeServer(staff);
    const summary = { collection: 'loanLines', id: 'l1', reason: 'tranches: expected a list', quarantinedAt: '2026-12-01T16:30:00.000Z' };
    server.routes.set('GET /api/admin/quarantine', () => ({ status: 200, body: { documents: [summary] } }));
    server.routes.set('GET /api/admin/quarantine/download', () => ({ status: 200, body: { quarantined: [{ ...summary, version: 2, schemaVersion: 1, data: {} }] } }));
    const backend = await start(server);
    await expect(backend.quarantine.list()).resolves.toEqual([summary]);
    await expect(backend.quarantine.download()).resolves.toEqual({ quarantined: [{ ...summary, version: 2, schemaVersion: 1, data: {} }] });
  });
});

describe('a watched query’s documents', () => {
  it('ignores an upsert older than the document held and orders by id without an orderBy', () => {
    const result = new QueryResult({});
    result.replace([doc('b', 3), doc('a', 1)]);
    result.apply([doc('b', 2)], []);
    expect(result.list().map((d) => `${d.id}@${d.version}`)).toEqual(['a@1', 'b@3']);
  });
});
