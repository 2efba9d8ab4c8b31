/**
 * A fake team server for the adapter's tests: fetch answers from a route table, and sockets
 * that the test opens, feeds and drops by hand.
 */
import type { Actor } from '@clearway/core';
import type { SocketLike } from './realtime';
import type { ClientMessage, ServerMessage } from './protocol';

export class FakeSocket implements SocketLike {
  readyState = 0;
  readonly sent: ClientMessage[] = [];
  closedWith: number | null = null;
  onopen: SocketLike['onopen'] = null;
  onmessage: SocketLike['onmessage'] = null;
  onclose: SocketLike['onclose'] = null;
  onerror: SocketLike['onerror'] = null;
  binaryType = 'blob';

  constructor(readonly url: string) {}

  send(data: string): void {
    if (this.readyState !== 1) throw new Error('send on a socket that is not open');
    this.sent.push(JSON.parse(data) as ClientMessage);
  }
  close(code = 1000): void {
    this.closedWith = code;
    this.readyState = 3;
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }
  /** As the team server sends it: a binary frame of UTF-8 JSON, an ArrayBuffer once the adapter asked for those. */
  receive(message: ServerMessage): void {
    const text = JSON.stringify(message);
    this.onmessage?.({ data: this.binaryType === 'arraybuffer' ? new TextEncoder().encode(text).buffer : text });
  }
  /** A text frame (what a server of the release before sent). */
  receiveText(message: ServerMessage): void {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
  /** The connection drops (server restart, network) with `code`. */
  drop(code = 1006): void {
    this.readyState = 3;
    this.onclose?.({ code });
  }
}

export interface FakeResponse {
  status: number;
  body?: unknown;
}

export type Route = (body: unknown) => FakeResponse | Promise<FakeResponse>;

export interface FakeServer {
  sockets: FakeSocket[];
  requests: { method: string; path: string; body: unknown; credentials: RequestCredentials | undefined }[];
  routes: Map<string, Route>;
  fetch: typeof fetch;
  createSocket: (url: string) => FakeSocket;
  /** The last socket the adapter opened. */
  socket(): FakeSocket;
}

export function fakeServer(initialActor: Actor | null): FakeServer {
  const sockets: FakeSocket[] = [];
  const requests: FakeServer['requests'] = [];
  const routes = new Map<string, Route>([
    ['GET /api/session', () => (initialActor ? { status: 200, body: { actor: initialActor } } : { status: 401, body: { error: { code: 'unauthenticated', messageKey: 'auth.error.signInRequired' } } })],
  ]);
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input));
    const method = init?.method ?? 'GET';
    const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
    requests.push({ method, path: url.pathname, body, credentials: init?.credentials });
    const route = routes.get(`${method} ${url.pathname}`);
    const answer = route ? await route(body) : { status: 404, body: { error: { code: 'not-found', messageKey: 'errors.notFound.route' } } };
    return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), { status: answer.status });
  }) as typeof fetch;
  return {
    sockets,
    requests,
    routes,
    fetch: fetchImpl,
    createSocket: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
    socket: () => {
      const last = sockets.at(-1);
      if (!last) throw new Error('no socket opened');
      return last;
    },
  };
}
