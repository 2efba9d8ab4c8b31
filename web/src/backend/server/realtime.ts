/**
 * ONE WebSocket per tab carrying every watch (queries and documents) of the app. While the
 * channel runs it keeps a socket open: when the socket drops it reconnects with exponential backoff
 * and re-sends every live watch, and the server answers each with a fresh snapshot, so nothing
 * that changed while the tab was away is missed. `signedOut` (or close code 4401) stops it.
 *
 * Hand-written because no library multiplexes this protocol; reconnect-with-backoff wrappers
 * (e.g. reconnecting-websocket) would still leave the watch bookkeeping, which is the bulk of it.
 */
import type { CollectionName, QuerySpec, StoredDoc } from '@clearway/core';
import type { ConnectionState } from '../types';
import { parseServerMessage, SIGNED_OUT_CLOSE_CODE, type ClientMessage, type ServerMessage, type WatchMessage } from './protocol';
import { fromRealtimeError } from './errors';
import { QueryResult } from './queryResult';

/** What the channel needs of a WebSocket (the browser's, or a fake in tests). */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  /** 'arraybuffer': the server's messages are binary frames of UTF-8 JSON. */
  binaryType?: string;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}
export type SocketFactory = (url: string) => SocketLike;

const OPEN = 1;
/** The server sends binary frames of UTF-8 JSON: a browser takes a big text frame several times slower (server/src/realtime/hub.ts). */
const utf8 = new TextDecoder();

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
}
export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 15_000 };

export interface RealtimeChannelOptions {
  url: string;
  createSocket: SocketFactory;
  /** The server ended the session: the adapter signs the tab out. */
  onSignedOut: () => void;
  /**
   * Asked before each reconnect: false stops the channel (e.g. the session turned out to be gone,
   * which a failed upgrade cannot tell the browser).
   */
  beforeReconnect?: () => Promise<boolean>;
  backoff?: BackoffOptions;
  /** Spreads reconnects of many tabs after a server restart; tests pass () => 0.5. */
  random?: () => number;
}

interface Watch {
  message: WatchMessage;
  deliver(message: ServerMessage): void;
}

export class RealtimeChannel {
  private readonly watches = new Map<number, Watch>();
  private nextId = 1;
  private socket: SocketLike | null = null;
  private running = false;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly backoff: BackoffOptions;
  private readonly random: () => number;
  private state: ConnectionState = 'online';
  private readonly stateListeners = new Set<(state: ConnectionState) => void>();

  constructor(private readonly options: RealtimeChannelOptions) {
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.random = options.random ?? Math.random;
  }

  get connected(): boolean {
    return this.socket?.readyState === OPEN;
  }

  /** 'reconnecting' from a drop until the next socket opens; 'online' otherwise (also while stopped). */
  watchState(onNext: (state: ConnectionState) => void): () => void {
    this.stateListeners.add(onNext);
    onNext(this.state);
    return () => this.stateListeners.delete(onNext);
  }

  private setState(next: ConnectionState): void {
    if (next === this.state) return;
    this.state = next;
    for (const listener of this.stateListeners) listener(next);
  }

  /** Opens the socket (signed in); watches registered before are sent once it is open. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.attempt = 0;
    this.connect();
  }

  /** Closes the socket and stops reconnecting; the watches stay registered for the next start. */
  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
      socket.close(1000, 'stopped');
    }
    this.setState('online');
  }

  /** Reconnects at once if the channel is waiting to (the browser came back online). */
  retryNow(): void {
    if (!this.running || this.socket) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.connect();
  }

  watchQuery<T>(
    collection: CollectionName,
    spec: QuerySpec,
    onNext: (docs: StoredDoc<T>[]) => void,
    onError?: (error: unknown) => void,
    view?: 'board',
  ): () => void {
    const result = new QueryResult(spec);
    const message: WatchMessage = { type: 'watchQuery', id: this.nextId++, collection, spec, ...(view ? { view } : {}) };
    return this.add(message, (message) => {
      if (message.type === 'snapshot') result.replace(message.docs);
      else if (message.type === 'delta') result.apply(message.upserts, message.removed);
      else if (message.type === 'error') return onError?.(fromRealtimeError(message.error));
      else return;
      onNext(result.list() as StoredDoc<T>[]);
    });
  }

  watchDoc<T>(
    collection: CollectionName,
    docId: string,
    onNext: (doc: StoredDoc<T> | null) => void,
    onError?: (error: unknown) => void,
  ): () => void {
    return this.add({ type: 'watchDoc', id: this.nextId++, collection, docId }, (message) => {
      if (message.type === 'doc') onNext(message.doc as StoredDoc<T> | null);
      else if (message.type === 'error') onError?.(fromRealtimeError(message.error));
    });
  }

  private add(message: WatchMessage, deliver: (message: ServerMessage) => void): () => void {
    this.watches.set(message.id, { message, deliver });
    this.send(message);
    return () => {
      if (!this.watches.delete(message.id)) return;
      this.send({ type: 'unwatch', id: message.id });
    };
  }

  private send(message: ClientMessage): void {
    if (this.socket?.readyState === OPEN) this.socket.send(JSON.stringify(message));
  }

  private connect(): void {
    const socket = this.options.createSocket(this.options.url);
    socket.binaryType = 'arraybuffer';
    this.socket = socket;
    socket.onopen = () => {
      this.attempt = 0;
      for (const watch of this.watches.values()) socket.send(JSON.stringify(watch.message));
      this.setState('online');
    };
    socket.onmessage = (event) => this.receive(event.data);
    socket.onerror = () => undefined; // a close event follows
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (event.code === SIGNED_OUT_CLOSE_CODE) return this.signedOut();
      this.setState('reconnecting');
      this.scheduleReconnect();
    };
  }

  private receive(data: unknown): void {
    // An ArrayBuffer (the server's binary frames; in tests, one of Node's realm): its UTF-8 JSON.
    const text = typeof data === 'object' && data !== null && 'byteLength' in data ? utf8.decode(data as ArrayBuffer) : data;
    const message = parseServerMessage(text);
    if (!message) return;
    if (message.type === 'signedOut') return this.signedOut();
    this.watches.get(message.id)?.deliver(message);
  }

  private signedOut(): void {
    if (!this.running) return;
    this.stop();
    this.options.onSignedOut();
  }

  private scheduleReconnect(): void {
    if (!this.running) return;
    const ceiling = Math.min(this.backoff.maxMs, this.backoff.initialMs * 2 ** this.attempt);
    const delay = Math.round(ceiling * (0.5 + this.random() / 2));
    this.attempt += 1;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.reconnect();
    }, delay);
  }

  private async reconnect(): Promise<void> {
    if (!this.running) return;
    const go = this.options.beforeReconnect ? await this.options.beforeReconnect().catch(() => true) : true;
    if (!this.running || this.socket) return;
    if (go) this.connect();
    else this.signedOut();
  }
}
