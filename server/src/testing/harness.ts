/**
 * A real team server for tests and benches: the app on a database opened like main.ts opens it
 * (in-memory PGlite unless told otherwise), listening on a free loopback port, with helpers that
 * sign in, run commands and open realtime sockets the way a browser would (cookie + Origin).
 */
import WebSocket from 'ws';
import type { CommandName, CommandResult, QuerySpec, StoredDoc, CollectionName } from '@clearway/core';
import { buildApp, type AppDatabase, type ClearwayApp } from '../app';
import { testConfig, type ServerConfig } from '../config';
import { openDatabase } from '../db';
import { prepareFirstStart, DEMO_PASSWORD } from '../auth/firstStart';

export { DEMO_PASSWORD };

export interface TestServer extends ClearwayApp {
  db: AppDatabase;
  baseUrl: string;
  origin: string;
  close(): Promise<void>;
}

export async function startTestServer(
  options: { seed?: boolean; sampleProjects?: number; config?: Partial<ServerConfig>; databaseUrl?: string | null; dataDir?: string; now?: () => Date } = {},
): Promise<TestServer> {
  const db = await openDatabase({ databaseUrl: options.databaseUrl ?? null, dataDir: options.dataDir ?? '' });
  const config = testConfig(options.config);
  const built = await buildApp({ config, db, now: options.now, sessionSweepMs: 0 });
  if (options.seed ?? true) {
    await prepareFirstStart(db.store, built.context.accounts, { seedDemo: true, now: new Date(), sampleProjects: options.sampleProjects ?? 24 });
  }
  await built.app.listen({ host: '127.0.0.1', port: 0 });
  const address = built.app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    ...built,
    db,
    baseUrl,
    origin: baseUrl,
    async close() {
      await built.app.close();
      await db.close();
    },
  };
}

export interface HttpAnswer<T = unknown> {
  status: number;
  body: T;
}

/** A browser-like client of one person: keeps the session cookie, sends the page's Origin. */
export class TestClient {
  cookie: string | null = null;

  constructor(
    readonly server: Pick<TestServer, 'baseUrl' | 'origin'>,
    readonly origin: string | null = server.origin,
  ) {}

  async request<T = unknown>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpAnswer<T>> {
    const response = await fetch(`${this.server.baseUrl}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(this.origin ? { origin: this.origin } : {}),
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const setCookie = response.headers.getSetCookie().find((value) => value.startsWith('clearway_session='));
    if (setCookie) {
      const value = setCookie.split(';')[0]!;
      this.cookie = value === 'clearway_session=' ? null : value;
    }
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON (the SPA)
    }
    return { status: response.status, body: parsed as T };
  }

  signIn(email: string, password = DEMO_PASSWORD) {
    return this.request<{ actor: unknown }>('POST', '/api/session', { email, password });
  }

  command<T = CommandResult>(name: CommandName | string, payload: unknown) {
    return this.request<T>('POST', '/api/commands', { name, payload });
  }

  /** A realtime socket as this release's tab opens it (binary frames), or as a tab of the release before (`frames: 'text'`). */
  realtime(frames: 'binary' | 'text' = 'binary'): Promise<RealtimeClient> {
    return RealtimeClient.open(this.server.baseUrl.replace(/^http/, 'ws') + '/api/realtime' + (frames === 'binary' ? '?frames=binary' : ''), {
      ...(this.origin ? { origin: this.origin } : {}),
      ...(this.cookie ? { cookie: this.cookie } : {}),
    });
  }
}

export interface ServerMessage {
  type: string;
  id?: number;
  docs?: StoredDoc[];
  upserts?: StoredDoc[];
  removed?: string[];
  doc?: StoredDoc | null;
  error?: { code: string; messageKey: string };
}

/** One realtime socket; every message it received, and a way to wait for the next matching one. */
export class RealtimeClient {
  readonly messages: ServerMessage[] = [];
  /** Messages that came as text frames (the server sends binary frames of UTF-8 JSON to a socket that asks). */
  textFrames = 0;
  binaryFrames = 0;
  closeCode: number | null = null;
  private waiters: { test: (m: ServerMessage) => boolean; resolve: (m: ServerMessage) => void }[] = [];
  private closeWaiters: ((code: number) => void)[] = [];
  private nextId = 1;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data, isBinary) => {
      if (isBinary) this.binaryFrames += 1;
      else this.textFrames += 1;
      const message = JSON.parse(data.toString()) as ServerMessage;
      this.messages.push(message);
      this.waiters = this.waiters.filter((waiter) => {
        if (!waiter.test(message)) return true;
        waiter.resolve(message);
        return false;
      });
    });
    socket.on('close', (code) => {
      this.closeCode = code;
      for (const resolve of this.closeWaiters.splice(0)) resolve(code);
    });
  }

  static open(url: string, headers: Record<string, string>): Promise<RealtimeClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { headers });
      const client = new RealtimeClient(socket);
      socket.once('open', () => resolve(client));
      socket.once('error', reject);
      socket.once('unexpected-response', (_request, response) => reject(new Error(`upgrade refused: ${response.statusCode}`)));
    });
  }

  send(message: unknown): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Where the next message will go: pass it as `from` to look at messages from now on. */
  mark(): number {
    return this.messages.length;
  }

  /** The first message from index `from` (default: the next to arrive) that passes `test`. */
  next(test: (message: ServerMessage) => boolean, options: { from?: number; timeoutMs?: number } = {}): Promise<ServerMessage> {
    const already = this.messages.slice(options.from ?? this.messages.length).find(test);
    if (already) return Promise.resolve(already);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no matching realtime message in time')), options.timeoutMs ?? 10_000);
      this.waiters.push({
        test,
        resolve: (message) => {
          clearTimeout(timer);
          resolve(message);
        },
      });
    });
  }

  async watchQuery(collection: CollectionName, spec: QuerySpec = {}): Promise<{ id: number; docs: StoredDoc[] }> {
    const id = this.nextId++;
    const answer = this.next((m) => m.id === id && (m.type === 'snapshot' || m.type === 'error'));
    this.send({ type: 'watchQuery', id, collection, spec });
    const message = await answer;
    if (message.type === 'error') throw new Error(`watch refused: ${message.error?.messageKey}`);
    return { id, docs: message.docs ?? [] };
  }

  async watchDoc(collection: CollectionName, docId: string): Promise<{ id: number; doc: StoredDoc | null }> {
    const id = this.nextId++;
    const answer = this.next((m) => m.id === id && (m.type === 'doc' || m.type === 'error'));
    this.send({ type: 'watchDoc', id, collection, docId });
    const message = await answer;
    return { id, doc: message.doc ?? null };
  }

  closed(timeoutMs = 10_000): Promise<number> {
    if (this.closeCode !== null) return Promise.resolve(this.closeCode);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('socket did not close in time')), timeoutMs);
      this.closeWaiters.push((code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
  }

  close(): void {
    this.socket.close();
  }
}
