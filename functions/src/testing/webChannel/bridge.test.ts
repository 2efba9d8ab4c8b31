/**
 * The bridge on the wire, as Firestore's browser SDK talks to it (raw HTTP here; the browser
 * tests in tests/e2e/firebase*.test.ts run the real SDK): handshake, frames measured in UTF-16
 * code units, acknowledgement and resend, retried forward maps, long polling and streaming back
 * channels, unknown sessions, terminate, Write over Commit, REST, CORS and the limits.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Firestore as AdminFirestore } from 'firebase-admin/firestore';
import { startFirestoreProtocolServer, type RunningFirestoreServer } from '../firestoreProtocolServer';
import { startWebChannelBridge, type WebChannelBridge } from './bridge';
import { chunk, forwardBody, isLoopbackOrigin, parseChunks } from './wire';

const PROJECT_ID = 'demo-bridge';
const DATABASE = `projects/${PROJECT_ID}/databases/(default)`;
const DOCUMENTS = `${DATABASE}/documents`;
const CHINESE_NAME = '重点项目融资调度 🚀 第一批';

type WireArray = [number, unknown[]];
type ListenMessage = {
  targetChange?: { targetChangeType?: string; targetIds?: number[]; readTime?: string };
  documentChange?: { document: { name: string; fields: Record<string, { stringValue?: string; integerValue?: string }> }; targetIds?: number[] };
  documentDelete?: { document: string };
};

let server: RunningFirestoreServer;
let admin: AdminFirestore;
let bridge: WebChannelBridge;

beforeAll(async () => {
  server = await startFirestoreProtocolServer();
  admin = new AdminFirestore({ projectId: PROJECT_ID, host: server.host, ssl: false });
  await admin.doc('items/one').set({ name: CHINESE_NAME, n: 1 });
  await admin.doc('items/two').set({ name: 'two', n: 2 });
  bridge = await startWebChannelBridge({ firestoreHost: server.host, longPollMs: 200, keepAliveMs: 60_000 });
});

afterAll(async () => {
  await bridge?.stop();
  await admin?.terminate();
  server?.stop();
});

const queryTarget = (targetId: number) => ({
  database: DATABASE,
  addTarget: { query: { parent: DOCUMENTS, structuredQuery: { from: [{ collectionId: 'items' }], orderBy: [{ field: { fieldPath: '__name__' } }] } }, targetId },
});

function channelUrl(base: string, kind: 'Listen' | 'Write', params: Record<string, string | number>): string {
  const search = new URLSearchParams({ database: DATABASE, ...Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])) });
  return `${base}/google.firestore.v1.Firestore/${kind}/channel?${search.toString()}`;
}

const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };

async function handshake(base: string, messages: unknown[], kind: 'Listen' | 'Write' = 'Listen') {
  const response = await fetch(channelUrl(base, kind, { VER: 8, RID: 1, CVER: 22, 'X-HTTP-Session-Id': 'gsessionid', zx: 'a', t: 1 }), {
    method: 'POST',
    headers: FORM,
    body: forwardBody(messages, 0, { Authorization: 'Bearer x.eyJ1c2VyX2lkIjoidS1zdGFmZiJ9.', 'X-Goog-Api-Client': 'gl-js/ fire/12' }),
  });
  const text = await response.text();
  return { response, text, frames: (response.ok ? parseChunks(text) : []) as [[number, unknown[]]][] };
}

async function poll(base: string, sid: string, aid: number, kind: 'Listen' | 'Write' = 'Listen'): Promise<{ status: number; text: string; arrays: WireArray[] }> {
  const response = await fetch(channelUrl(base, kind, { SID: sid, RID: 'rpc', AID: aid, CI: 1, TYPE: 'xmlhttp', zx: 'b', t: 1 }));
  const text = await response.text();
  return { status: response.status, text, arrays: response.ok ? (parseChunks(text) as WireArray[][]).flat() : [] };
}

/** Long-polls, acknowledging as the client does, until `done` holds for what arrived; returns every array. */
async function receiveUntil(base: string, sid: string, done: (messages: ListenMessage[]) => boolean, from = 0, kind: 'Listen' | 'Write' = 'Listen') {
  const arrays: WireArray[] = [];
  let aid = from;
  for (let attempt = 0; attempt < 50; attempt++) {
    const acknowledged = aid;
    const { arrays: received } = await poll(base, sid, aid, kind);
    arrays.push(...received);
    aid = Math.max(aid, ...received.map(([id]) => id));
    if (done(messagesOf(arrays))) return { arrays, aid, acknowledged };
  }
  throw new Error(`never received what was awaited: ${JSON.stringify(arrays)}`);
}

const messagesOf = (arrays: WireArray[]) => arrays.map(([, payload]) => payload[0]).filter((m): m is ListenMessage => typeof m === 'object');
const isConsistent = (m: ListenMessage) => m.targetChange !== undefined && m.targetChange.targetIds === undefined && m.targetChange.targetChangeType === undefined && !!m.targetChange.readTime;

async function forward(base: string, sid: string, rid: number, aid: number, messages: unknown[], offset: number) {
  const response = await fetch(channelUrl(base, 'Listen', { SID: sid, RID: rid, AID: aid, zx: 'c', t: 1 }), {
    method: 'POST',
    headers: FORM,
    body: forwardBody(messages, offset),
  });
  return { status: response.status, frames: parseChunks(await response.text()) };
}

describe('the WebChannel bridge on the wire', () => {
  it('answers the handshake with the session, and the first message rides on it', async () => {
    const { response, frames } = await handshake(bridge.url, [queryTarget(2)]);
    expect(response.status).toBe(200);
    const [[[arrayId, payload]]] = frames as [[[number, unknown[]]]];
    expect(arrayId).toBe(0);
    expect(payload.slice(0, 4)).toEqual(['c', expect.any(String), null, 8]);
    const sid = payload[1] as string;
    expect(response.headers.get('x-http-session-id')).toBe(sid);
    expect(bridge.sessions()).toContainEqual({ id: sid, kind: 'Listen', uid: 'u-staff' });

    const { arrays } = await receiveUntil(bridge.url, sid, (messages) => messages.some(isConsistent));
    const messages = messagesOf(arrays);
    expect(arrays.map(([id]) => id)).toEqual(arrays.map((_, index) => index + 1));
    expect(messages[0]).toEqual({ targetChange: { targetChangeType: 'ADD', targetIds: [2] } });
    expect(messages.filter((m) => m.documentChange).map((m) => m.documentChange!.document.name)).toEqual([`${DOCUMENTS}/items/one`, `${DOCUMENTS}/items/two`]);
    expect(messages.find((m) => m.documentChange)!.documentChange!.document.fields.name).toEqual({ stringValue: CHINESE_NAME });
    expect(messages.some((m) => m.targetChange?.targetChangeType === 'CURRENT')).toBe(true);
    expect(messages.at(-1)!.targetChange!.readTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
  });

  it('measures frames in UTF-16 code units, as the client slices strings', async () => {
    const { frames } = await handshake(bridge.url, [queryTarget(2)]);
    const sid = (frames[0]![0]![1] as string[])[1]!;
    let raw = '';
    for (let attempt = 0; attempt < 20 && !raw.includes(CHINESE_NAME); attempt++) raw += (await poll(bridge.url, sid, 0)).text;
    // Walk the frames by their declared lengths: each must end exactly where the next begins.
    const declaredLengths: number[] = [];
    let chinese = '';
    for (let at = 0; at < raw.length; ) {
      const newline = raw.indexOf('\n', at);
      const declared = Number(raw.slice(at, newline));
      const json = raw.slice(newline + 1, newline + 1 + declared);
      expect(() => JSON.parse(json) as unknown).not.toThrow();
      declaredLengths.push(declared);
      if (json.includes(CHINESE_NAME)) chinese = json;
      at = newline + 1 + declared;
    }
    expect(declaredLengths.length).toBeGreaterThan(0);
    expect(chinese.length).toBeLessThan(Buffer.byteLength(chinese, 'utf8'));
    expect(chunk('项目🚀')).toBe('4\n项目🚀');
  });

  it('resends what was not acknowledged and nothing that was; acknowledged-only polls get a noop', async () => {
    const { frames } = await handshake(bridge.url, [queryTarget(2)]);
    const sid = (frames[0]![0]![1] as string[])[1]!;
    const first = await receiveUntil(bridge.url, sid, (messages) => messages.some(isConsistent));
    // Polling again with the last acknowledgement sent gets the last poll's arrays once more.
    const resent = await poll(bridge.url, sid, first.acknowledged);
    expect(resent.arrays).toEqual(first.arrays.filter(([id]) => id > first.acknowledged));
    expect(resent.arrays.length).toBeGreaterThan(0);

    const after = await poll(bridge.url, sid, first.aid);
    expect(after.arrays).toEqual([[first.aid + 1, ['noop']]]);
  });

  it('drops forward maps it has seen when the client retries a request', async () => {
    const { frames } = await handshake(bridge.url, [queryTarget(2)]);
    const sid = (frames[0]![0]![1] as string[])[1]!;
    const first = await receiveUntil(bridge.url, sid, (messages) => messages.some(isConsistent));
    const second = { database: DATABASE, addTarget: { documents: { documents: [`${DOCUMENTS}/items/two`] }, targetId: 4 } };
    const reply = await forward(bridge.url, sid, 2, first.aid, [second], 1);
    expect(reply.status).toBe(200);
    expect(reply.frames[0]).toEqual([0, expect.any(Number), expect.any(Number)]);
    expect(await forward(bridge.url, sid, 2, first.aid, [second], 1)).toMatchObject({ status: 200 });
    const removal = { database: DATABASE, removeTarget: 4 };
    await forward(bridge.url, sid, 3, first.aid, [second, removal], 1);

    const rest = await receiveUntil(bridge.url, sid, (messages) => messages.some((m) => m.targetChange?.targetChangeType === 'REMOVE'), first.aid);
    const forTarget4 = messagesOf(rest.arrays).filter((m) => m.targetChange?.targetIds?.includes(4));
    expect(forTarget4.map((m) => m.targetChange!.targetChangeType)).toEqual(['ADD', 'CURRENT', 'REMOVE']);
  });

  it('streams on a CI=0 back channel: early bytes at once, then changes as they happen', async () => {
    const { frames } = await handshake(bridge.url, [queryTarget(2)]);
    const sid = (frames[0]![0]![1] as string[])[1]!;
    const first = await receiveUntil(bridge.url, sid, (messages) => messages.some(isConsistent));
    const aborter = new AbortController();
    const response = await fetch(channelUrl(bridge.url, 'Listen', { SID: sid, RID: 'rpc', AID: first.aid, CI: 0, TYPE: 'xmlhttp' }), { signal: aborter.signal });
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = decoder.decode((await reader.read()).value, { stream: true });
    expect(parseChunks(text)).toEqual([[[first.aid + 1, ['noop']]]]);
    await admin.doc('items/two').update({ n: 20 });
    while (!text.includes('"integerValue":"20"')) text += decoder.decode((await reader.read()).value, { stream: true });
    const changed = messagesOf((parseChunks(text) as WireArray[][]).flat());
    expect(changed.find((m) => m.documentChange)?.documentChange?.document.fields.n).toEqual({ integerValue: '20' });
    aborter.abort();
    await reader.cancel().catch(() => undefined);
  });

  it('answers an unknown or terminated session with 400 "Unknown SID"', async () => {
    const unknown = await poll(bridge.url, 'no-such-session', 0);
    expect(unknown.status).toBe(400);
    expect(unknown.text.indexOf('Unknown SID')).toBeGreaterThan(0);

    const { frames } = await handshake(bridge.url, [queryTarget(2)]);
    const sid = (frames[0]![0]![1] as string[])[1]!;
    const terminate = await fetch(channelUrl(bridge.url, 'Listen', { SID: sid, RID: 9, TYPE: 'terminate', zx: 'd', t: 1 }));
    expect(terminate.status).toBe(200);
    expect(bridge.sessions().map((s) => s.id)).not.toContain(sid);
    const gone = await poll(bridge.url, sid, 0);
    expect([gone.status, gone.text.includes('Unknown SID')]).toEqual([400, true]);
  });

  it('runs the Write stream over commits', async () => {
    const { frames } = await handshake(bridge.url, [{ database: DATABASE }], 'Write');
    const sid = (frames[0]![0]![1] as string[])[1]!;
    const opened = await receiveUntil(bridge.url, sid, (messages) => messages.length > 0, 0, 'Write');
    const [{ streamToken }] = messagesOf(opened.arrays) as unknown as [{ streamToken: string; streamId: string }];
    expect(streamToken).toEqual(expect.any(String));
    const write = { streamToken, writes: [{ update: { name: `${DOCUMENTS}/items/written`, fields: { name: { stringValue: '写入' } } } }] };
    const response = await fetch(channelUrl(bridge.url, 'Write', { SID: sid, RID: 2, AID: opened.aid }), { method: 'POST', headers: FORM, body: forwardBody([write], 1) });
    expect(response.status).toBe(200);
    const done = await receiveUntil(bridge.url, sid, (messages) => messages.length > 0, opened.aid, 'Write');
    expect(messagesOf(done.arrays)[0]).toMatchObject({ commitTime: expect.stringMatching(/Z$/), writeResults: [expect.any(Object)] });
    expect((await admin.doc('items/written').get()).get('name')).toBe('写入');
  });

  it('answers REST batchGet, runQuery, runAggregationQuery and commit as arrays or objects', async () => {
    const rest = (path: string, body: unknown) =>
      fetch(`${bridge.url}/v1/${path}`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: JSON.stringify(body) }).then(async (r) => ({
        status: r.status,
        json: (await r.json()) as unknown,
      }));
    const got = await rest(`${DATABASE}:batchGet`, { documents: [`${DOCUMENTS}/items/one`, `${DOCUMENTS}/items/missing`] });
    expect(got.status).toBe(200);
    expect(got.json).toEqual([
      expect.objectContaining({ found: expect.objectContaining({ name: `${DOCUMENTS}/items/one` }) }),
      expect.objectContaining({ missing: `${DOCUMENTS}/items/missing` }),
    ]);
    const queried = await rest(`${DOCUMENTS}:runQuery`, { structuredQuery: { from: [{ collectionId: 'items' }], where: { fieldFilter: { field: { fieldPath: 'n' }, op: 'EQUAL', value: { integerValue: '1' } } }, limit: 5 } });
    expect((queried.json as { document?: { name: string } }[]).map((r) => r.document?.name)).toEqual([`${DOCUMENTS}/items/one`]);
    const counted = await rest(`${DOCUMENTS}:runAggregationQuery`, {
      structuredAggregationQuery: { structuredQuery: { from: [{ collectionId: 'items' }] }, aggregations: [{ alias: 'total', count: {} }] },
    });
    expect((counted.json as { result: { aggregateFields: { total: { integerValue: string } } } }[])[0]!.result.aggregateFields.total.integerValue).toMatch(/^\d+$/);
    const committed = await rest(`${DATABASE}:commit`, { writes: [{ update: { name: `${DOCUMENTS}/items/rest`, fields: { n: { integerValue: '7' } } } }] });
    expect(committed.json).toMatchObject({ commitTime: expect.any(String) });
    expect((await admin.doc('items/rest').get()).get('n')).toBe(7);
  });

  it('answers loopback origins only, with credentials and the exposed headers, and preflights', async () => {
    expect(['http://127.0.0.1:5173', 'http://localhost:4173', 'http://[::1]:80'].every(isLoopbackOrigin)).toBe(true);
    expect(['http://example.com', 'http://10.0.0.2:5173', 'null', 'file:///x'].some(isLoopbackOrigin)).toBe(false);
    const foreign = await fetch(`${bridge.url}/v1/${DATABASE}:commit`, { method: 'POST', headers: { Origin: 'http://example.com' }, body: '{}' });
    expect(foreign.status).toBe(403);
    const preflight = await fetch(`${bridge.url}/v1/${DATABASE}:commit`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://127.0.0.1:5173', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type,x-goog-api-client' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:5173');
    expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');
    expect(preflight.headers.get('access-control-allow-headers')).toBe('content-type,x-goog-api-client');
    const { response } = await handshake(bridge.url, [queryTarget(2)]);
    expect(response.status).toBe(200);
    const withOrigin = await fetch(channelUrl(bridge.url, 'Listen', { SID: 'x', RID: 'rpc', AID: 0, CI: 1 }), { headers: { Origin: 'http://localhost:5173' } });
    expect(withOrigin.headers.get('access-control-expose-headers')).toBe('X-Client-Wire-Protocol, X-HTTP-Session-Id');
  });

  it('limits sessions, queued bytes and body size', async () => {
    const small = await startWebChannelBridge({ firestoreHost: server.host, maxSessions: 1, maxQueuedBytes: 600, maxBodyBytes: 4096, longPollMs: 200 });
    try {
      const first = await handshake(small.url, [queryTarget(2)]);
      expect(first.response.status).toBe(200);
      const sid = (first.frames[0]![0]![1] as string[])[1]!;
      // Two documents and the target changes outgrow 600 bytes: the session is dropped (the
      // server streams them over a few turns of the event loop, so wait for the drop first).
      for (let waited = 0; small.sessions().length > 0 && waited < 5_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
      const dropped = await poll(small.url, sid, 0);
      expect([dropped.status, dropped.text.includes('Unknown SID')]).toEqual([400, true]);

      const second = await handshake(small.url, [{ database: DATABASE, addTarget: { documents: { documents: [`${DOCUMENTS}/items/none`] }, targetId: 2 } }]);
      expect(second.response.status).toBe(200);
      const third = await handshake(small.url, [queryTarget(2)]);
      expect(third.response.status).toBe(503);

      const big = await fetch(`${small.url}/v1/${DATABASE}:commit`, { method: 'POST', body: 'x'.repeat(10_000) });
      expect(big.status).toBe(413);
    } finally {
      await small.stop();
    }
  });
});
