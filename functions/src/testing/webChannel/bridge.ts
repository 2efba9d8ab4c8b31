/**
 * A WebChannel → gRPC bridge, so that a browser's Firestore SDK can reach a Firestore that speaks
 * only gRPC (the Node protocol server of the emulator stack). Test and dev infrastructure: it binds
 * to loopback, answers loopback origins only, and enforces no security rules (neither does the
 * server behind it).
 *
 * - `…/Listen/channel`: one WebChannel session is one gRPC Listen stream; every message the client
 *   sends is written to it and every response becomes a WebChannel array. The protocol server's
 *   Listen (firestoreListen.ts) ends each batch of changes with one consistency marker for all of
 *   the stream's targets, so the bridge passes messages through unchanged and needs no consistency
 *   gate of its own; one gRPC stream per target would (see WEBCHANNEL.md).
 * - `…/Write/channel`: the Write stream over unary Commits (the protocol server has no Write).
 * - REST `POST /v1/<path>:batchGet|commit|runQuery|runAggregationQuery` (transactions,
 *   aggregations, firebase/firestore/lite), answered as Google's REST front end does.
 *
 * Limits: sessions, bytes queued unacknowledged per session, request body size; idle sessions
 * (no back channel, no request) are closed.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type * as Grpc from '@grpc/grpc-js';
import { FirestoreJsonClient, firestoreMethod, httpStatusOf, rpcErrorJson, type FirestoreMethod, type JsonObject } from './protoJson';
import { chunk, isLoopbackOrigin, parseForwardBody } from './wire';

export interface WebChannelBridgeOptions {
  /** host:port of the gRPC Firestore. */
  firestoreHost: string;
  /** Default: a free port. */
  port?: number;
  maxSessions?: number;
  /** Bytes of arrays a session may hold unacknowledged before it is dropped (the client then reconnects). */
  maxQueuedBytes?: number;
  maxBodyBytes?: number;
  /** Announced in the handshake; a streaming back channel gets a noop when idle this long. */
  keepAliveMs?: number;
  /** How long a long-polling back channel waits for something to send. */
  longPollMs?: number;
  /** A streaming back channel is ended after this long or this many bytes, so the client acknowledges. */
  streamMaxMs?: number;
  streamMaxBytes?: number;
  /** A session with no back channel and no request for this long is closed. */
  sessionIdleMs?: number;
  /**
   * Behave like a buffering proxy: a streaming (CI=0) back channel gets no bytes until it ends, so
   * the client's detection switches it to long polling (CI=1). For tests of long polling in a browser.
   */
  simulateBufferingProxy?: boolean;
  /** Every Listen response sent to a session (tests record what reached a browser). */
  onListenResponse?: (session: BridgeSessionInfo, response: JsonObject) => void;
}

export interface BridgeSessionInfo {
  id: string;
  kind: ChannelKind;
  /** From the ID token the client sent (unverified, as the emulators do), or null when signed out. */
  uid: string | null;
}

export interface WebChannelBridge {
  port: number;
  /** e.g. http://127.0.0.1:8081 */
  url: string;
  sessions(): BridgeSessionInfo[];
  /** Back channel requests served so far, by kind. */
  stats(): { streaming: number; longPolling: number };
  stop(): Promise<void>;
}

type ChannelKind = 'Listen' | 'Write';
type Payload = (JsonObject | string)[];

const LISTEN = firestoreMethod('Listen', 'bidi');
const COMMIT = firestoreMethod('Commit', 'unary');
const REST_METHODS: Record<string, { method: FirestoreMethod; key: 'database' | 'parent' }> = {
  batchGet: { method: firestoreMethod('BatchGetDocuments', 'server'), key: 'database' },
  commit: { method: COMMIT, key: 'database' },
  runQuery: { method: firestoreMethod('RunQuery', 'server'), key: 'parent' },
  runAggregationQuery: { method: firestoreMethod('RunAggregationQuery', 'server'), key: 'parent' },
};
const CHANNEL_PATH = /^\/google\.firestore\.v1\.Firestore\/(Listen|Write)\/channel$/;
const REST_PATH = /^\/v1\/(.+):(batchGet|commit|runQuery|runAggregationQuery)$/;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function uidOf(authorization: string | undefined): string | null {
  const token = /^Bearer\s+(.+)$/i.exec(authorization ?? '')?.[1];
  const payload = token?.split('.')[1];
  if (!payload) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { user_id?: unknown; sub?: unknown };
    const uid = claims.user_id ?? claims.sub;
    return typeof uid === 'string' ? uid : null;
  } catch {
    return null;
  }
}

function headerOf(headers: Record<string, string>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  return Object.entries(headers).find(([key]) => key.toLowerCase() === wanted)?.[1];
}

interface BackChannel {
  response: ServerResponse;
  streaming: boolean;
  openedAt: number;
  written: number;
  lastWriteAt: number;
  timer: NodeJS.Timeout | null;
}

interface Limits {
  keepAliveMs: number;
  longPollMs: number;
  streamMaxMs: number;
  streamMaxBytes: number;
  maxQueuedBytes: number;
  simulateBufferingProxy: boolean;
}

/** One WebChannel session: arrays out (kept until acknowledged), maps in (each id once). */
class ChannelSession {
  readonly id = randomBytes(12).toString('base64url');
  lastSeen = Date.now();
  private nextArrayId = 1;
  private readonly unacked: { id: number; json: string }[] = [];
  private unackedBytes = 0;
  /**
   * Arrays enqueued since the last write to the back channel, written together once the current
   * burst of Listen responses is in (setImmediate): one chunk per burst, as a server batches, and
   * not one long-poll round trip per document (500 round trips for a 500-card board).
   */
  private unsent: { id: number; json: string }[] = [];
  private flushScheduled = false;
  private lastMapId = -1;
  private back: BackChannel | null = null;
  private closed = false;
  private listen: Grpc.ClientDuplexStream<JsonObject, JsonObject> | null = null;
  private writeQueue: Promise<void> = Promise.resolve();
  private streamTokens = 0;
  readonly info: BridgeSessionInfo;

  constructor(
    readonly kind: ChannelKind,
    private readonly headers: Record<string, string>,
    private readonly database: string,
    private readonly client: FirestoreJsonClient,
    private readonly limits: Limits,
    private readonly onListenResponse: WebChannelBridgeOptions['onListenResponse'],
    private readonly onClose: (session: ChannelSession) => void,
  ) {
    this.info = { id: this.id, kind, uid: uidOf(headerOf(headers, 'Authorization')) };
  }

  get hasBackChannel(): boolean {
    return this.back !== null;
  }

  private metadata(): Grpc.Metadata {
    return FirestoreJsonClient.metadata({ 'google-cloud-resource-prefix': this.database, ...this.headers });
  }

  private openListen(): Grpc.ClientDuplexStream<JsonObject, JsonObject> {
    const call = this.client.bidi(LISTEN, this.metadata());
    call.on('data', (response: JsonObject) => {
      this.onListenResponse?.(this.info, response);
      this.enqueue([response]);
    });
    call.on('error', (error: Grpc.ServiceError) => {
      if (!this.closed) this.enqueue([rpcErrorJson(error)]);
    });
    call.on('end', () => {
      if (!this.closed) this.enqueue(['close']);
    });
    return call;
  }

  /** Messages of forward maps; a retried request repeats maps already seen, which are dropped. */
  deliver(maps: { id: number; data: string }[]): void {
    for (const map of maps) {
      if (map.id <= this.lastMapId) continue;
      this.lastMapId = map.id;
      let message: JsonObject;
      try {
        message = JSON.parse(map.data) as JsonObject;
      } catch {
        this.enqueue([rpcErrorJson({ code: 3, message: 'a message that is not JSON' })]);
        continue;
      }
      if (this.kind === 'Listen') this.sendListen(message);
      else this.sendWrite(message);
    }
  }

  private sendListen(message: JsonObject): void {
    this.listen ??= this.openListen();
    try {
      this.listen.write(message);
    } catch (error) {
      this.enqueue([rpcErrorJson({ code: 3, message: error instanceof Error ? error.message : String(error) })]);
    }
  }

  private streamToken(): string {
    return Buffer.from(String(++this.streamTokens)).toString('base64');
  }

  private sendWrite(message: JsonObject): void {
    const writes = message.writes;
    if (message.streamToken === undefined && !(Array.isArray(writes) && writes.length > 0)) {
      this.enqueue([{ streamId: this.id, streamToken: this.streamToken() }]);
      return;
    }
    // Commits in order, one at a time, as the Write stream acknowledges them.
    this.writeQueue = this.writeQueue.then(async () => {
      try {
        const [result] = await this.client.call(COMMIT, { database: this.database, writes: writes ?? [] }, this.metadata());
        this.enqueue([{ streamToken: this.streamToken(), commitTime: result?.commitTime ?? null, writeResults: result?.writeResults ?? [] }]);
      } catch (error) {
        this.enqueue([rpcErrorJson(error as Grpc.ServiceError)]);
      }
    });
  }

  acknowledge(lastArrayId: number): void {
    if (!Number.isFinite(lastArrayId)) return;
    while (this.unacked.length > 0 && this.unacked[0]!.id <= lastArrayId) this.unackedBytes -= this.unacked.shift()!.json.length;
  }

  /** The forward channel's answer: back channel attached, last array id, bytes outstanding. */
  forwardReply(): string {
    return chunk(JSON.stringify([this.back ? 1 : 0, this.nextArrayId - 1, this.unackedBytes]));
  }

  private enqueue(payload: Payload): void {
    if (this.closed) return;
    const id = this.nextArrayId++;
    const json = JSON.stringify([id, payload]);
    this.unacked.push({ id, json });
    this.unackedBytes += json.length;
    if (this.unackedBytes > this.limits.maxQueuedBytes) {
      this.close();
      return;
    }
    this.unsent.push({ id, json });
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      const arrays = this.unsent;
      this.unsent = [];
      if (!this.closed) this.flushTo(this.back, arrays);
    });
  }

  private flushTo(back: BackChannel | null, arrays: { id: number; json: string }[]): void {
    if (!back || arrays.length === 0) return;
    // Held back as a buffering proxy would; they stay unacknowledged and go out on the next back channel.
    if (back.streaming && this.limits.simulateBufferingProxy) return;
    const frame = chunk(`[${arrays.map((array) => array.json).join(',')}]`);
    back.response.write(frame);
    back.written += frame.length;
    back.lastWriteAt = Date.now();
    const done = !back.streaming || back.written > this.limits.streamMaxBytes || Date.now() - back.openedAt > this.limits.streamMaxMs;
    if (done) this.endBackChannel(back);
  }

  private endBackChannel(back: BackChannel): void {
    if (back.timer) clearInterval(back.timer);
    back.timer = null;
    if (this.back === back) this.back = null;
    this.lastSeen = Date.now();
    back.response.end();
  }

  /** A back channel GET: streaming (CI=0) or long polling (CI=1); it replaces the one before. */
  attachBackChannel(response: ServerResponse, streaming: boolean, timeoutMs: number | null): void {
    if (this.back) this.endBackChannel(this.back);
    const back: BackChannel = { response, streaming, openedAt: Date.now(), written: 0, lastWriteAt: Date.now(), timer: null };
    this.back = back;
    response.on('close', () => {
      if (back.timer) clearInterval(back.timer);
      if (this.back === back) {
        this.back = null;
        this.lastSeen = Date.now();
      }
    });
    response.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
    // Every unacknowledged array goes out on this channel now, the unsent ones among them.
    if (this.unacked.length > 0) this.unsent = [];
    if (streaming) {
      // Early bytes: the client's buffering-proxy detection waits for them.
      if (this.unacked.length > 0) this.flushTo(back, this.unacked);
      else this.enqueue(['noop']);
      if (this.back !== back) return;
      back.timer = setInterval(() => {
        if (Date.now() - back.lastWriteAt >= this.limits.keepAliveMs) this.enqueue(['noop']);
        else if (Date.now() - back.openedAt > this.limits.streamMaxMs) this.endBackChannel(back);
      }, Math.max(50, Math.min(this.limits.keepAliveMs, this.limits.streamMaxMs) / 2));
    } else if (this.unacked.length > 0) {
      this.flushTo(back, this.unacked);
    } else {
      back.timer = setTimeout(() => this.enqueue(['noop']), timeoutMs ?? this.limits.longPollMs);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.back) this.endBackChannel(this.back);
    this.listen?.cancel();
    this.listen = null;
    this.onClose(this);
  }
}

function readBody(request: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    request.on('data', (part: Buffer) => {
      size += part.length;
      if (size > maxBytes) {
        reject(new HttpError(413, 'request body too large'));
        request.removeAllListeners('data');
        request.resume();
        return;
      }
      parts.push(part);
    });
    request.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    request.on('error', reject);
  });
}

export async function startWebChannelBridge(options: WebChannelBridgeOptions): Promise<WebChannelBridge> {
  const limits: Limits = {
    keepAliveMs: options.keepAliveMs ?? 20_000,
    longPollMs: options.longPollMs ?? 20_000,
    streamMaxMs: options.streamMaxMs ?? 60_000,
    streamMaxBytes: options.streamMaxBytes ?? 1 << 20,
    maxQueuedBytes: options.maxQueuedBytes ?? 16 << 20,
    simulateBufferingProxy: options.simulateBufferingProxy ?? false,
  };
  const backChannels = { streaming: 0, longPolling: 0 };
  const maxSessions = options.maxSessions ?? 256;
  const maxBodyBytes = options.maxBodyBytes ?? 1 << 20;
  const sessionIdleMs = options.sessionIdleMs ?? 60_000;
  const client = new FirestoreJsonClient(options.firestoreHost);
  const sessions = new Map<string, ChannelSession>();

  const sweep = () => {
    const now = Date.now();
    for (const session of sessions.values()) if (!session.hasBackChannel && now - session.lastSeen > sessionIdleMs) session.close();
  };
  const sweeper = setInterval(sweep, Math.max(1_000, Math.min(10_000, sessionIdleMs / 2)));
  sweeper.unref();

  const corsHeaders = (request: IncomingMessage): Record<string, string> => {
    const origin = request.headers.origin;
    if (!origin) return {};
    return {
      'Access-Control-Allow-Origin': origin,
      'Access-Control-Allow-Credentials': 'true',
      'Access-Control-Expose-Headers': 'X-Client-Wire-Protocol, X-HTTP-Session-Id',
      Vary: 'Origin',
    };
  };

  async function handleChannel(kind: ChannelKind, url: URL, request: IncomingMessage, response: ServerResponse): Promise<void> {
    const params = url.searchParams;
    const sid = params.get('SID');
    if (params.get('TYPE') === 'terminate') {
      if (sid) sessions.get(sid)?.close();
      response.writeHead(200, { 'Content-Type': 'text/plain' }).end();
      return;
    }
    if (!sid) {
      if (request.method !== 'POST') throw new HttpError(400, 'a handshake is a POST');
      const body = parseForwardBody(await readBody(request, maxBodyBytes));
      sweep();
      if (sessions.size >= maxSessions) throw new HttpError(503, 'too many WebChannel sessions');
      const database = params.get('database') ?? '';
      const session = new ChannelSession(kind, body.headers, database, client, limits, options.onListenResponse, (closed) =>
        sessions.delete(closed.id),
      );
      sessions.set(session.id, session);
      session.deliver(body.maps);
      const handshake = chunk(JSON.stringify([[0, ['c', session.id, null, 8, 0, limits.keepAliveMs]]]));
      response.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'X-HTTP-Session-Id': session.id, 'Cache-Control': 'no-store' });
      response.end(handshake);
      return;
    }
    const session = sessions.get(sid);
    // The client looks for "Unknown SID" past the start of the body, then reconnects.
    if (!session || session.kind !== kind) throw new HttpError(400, 'Bad Request: Unknown SID');
    session.lastSeen = Date.now();
    session.acknowledge(Number(params.get('AID') ?? NaN));
    if (request.method === 'GET' && params.get('RID') === 'rpc') {
      const timeout = Number(params.get('TO'));
      backChannels[params.get('CI') === '0' ? 'streaming' : 'longPolling']++;
      session.attachBackChannel(response, params.get('CI') === '0', Number.isFinite(timeout) && timeout > 0 ? timeout : null);
      return;
    }
    if (request.method !== 'POST') throw new HttpError(400, 'a forward channel request is a POST');
    const body = parseForwardBody(await readBody(request, maxBodyBytes));
    session.deliver(body.maps);
    response.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
    response.end(session.forwardReply());
  }

  async function handleRest(path: string, name: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method !== 'POST') throw new HttpError(405, 'POST only');
    const { method, key } = REST_METHODS[name]!;
    const text = await readBody(request, maxBodyBytes);
    let body: JsonObject;
    try {
      body = (text ? JSON.parse(text) : {}) as JsonObject;
    } catch {
      throw new HttpError(400, 'the body is not JSON');
    }
    const database = /^projects\/[^/]+\/databases\/[^/]+/.exec(path)?.[0] ?? path;
    const headers: Record<string, string> = { 'google-cloud-resource-prefix': database };
    if (request.headers.authorization) headers.authorization = request.headers.authorization;
    const reply = (status: number, json: unknown) => {
      response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' }).end(JSON.stringify(json));
    };
    try {
      const results = await client.call(method, { ...body, [key]: body[key] ?? (key === 'database' ? database : path) }, FirestoreJsonClient.metadata(headers));
      reply(200, method.kind === 'unary' ? results[0] : results);
    } catch (error) {
      const code = (error as Grpc.ServiceError).code ?? 2;
      reply(httpStatusOf(code), rpcErrorJson(error as Grpc.ServiceError));
    }
  }

  const server: Server = createServer((request, response) => {
    const origin = request.headers.origin;
    if (origin && !isLoopbackOrigin(origin)) {
      response.writeHead(403, { 'Content-Type': 'text/plain' }).end('only loopback origins may use this bridge');
      return;
    }
    for (const [name, value] of Object.entries(corsHeaders(request))) response.setHeader(name, value);
    if (request.method === 'OPTIONS') {
      response.writeHead(204, {
        'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
        'Access-Control-Allow-Headers': request.headers['access-control-request-headers'] ?? '',
        'Access-Control-Max-Age': '600',
      });
      response.end();
      return;
    }
    const url = new URL(request.url ?? '/', 'http://bridge');
    const channel = CHANNEL_PATH.exec(url.pathname);
    const rest = REST_PATH.exec(url.pathname);
    const handled = channel
      ? handleChannel(channel[1] as ChannelKind, url, request, response)
      : rest
        ? handleRest(decodeURIComponent(rest[1]!), rest[2]!, request, response)
        : Promise.reject(new HttpError(404, 'not a Firestore WebChannel or REST path'));
    handled.catch((error: unknown) => {
      const status = error instanceof HttpError ? error.status : 500;
      const message = error instanceof Error ? error.message : String(error);
      if (!response.headersSent) response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' });
      response.end(message);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    sessions: () => [...sessions.values()].map((session) => session.info),
    stats: () => ({ ...backChannels }),
    async stop() {
      clearInterval(sweeper);
      for (const session of [...sessions.values()]) session.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      client.close();
    },
  };
}
