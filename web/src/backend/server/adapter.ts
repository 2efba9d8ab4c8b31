/**
 * The team server backend: commands and account actions over fetch (same-origin cookie session),
 * every read over one multiplexed WebSocket (./realtime). Only this folder talks HTTP to the
 * server. Watches follow the signed-in actor: while nobody is signed in they are parked, and a new
 * sign-in reconnects so the server applies the new person's read policy.
 */
import { DomainError } from '@clearway/core';
import type { Actor, Bank, BoardCard, CollectionName, CommandEnvelope, CommandResult, DeliveryLogEntry, NotifyChannelKind, QuerySpec, StoredDoc } from '@clearway/core';
import type { Backend, NewMemberInput, NewMemberResult, QuarantinedDocumentSummary, SignedOutReason, Unsubscribe } from '../types';
import { fromHttpError, fromTransportError } from './errors';
import { RealtimeChannel, type BackoffOptions, type SocketFactory, type SocketLike } from './realtime';

export interface ServerBackendOptions {
  /** Where the server is, e.g. `http://127.0.0.1:3000`; defaults to the page's origin. */
  baseUrl?: string;
  fetch?: typeof fetch;
  createSocket?: SocketFactory;
  backoff?: BackoffOptions;
  random?: () => number;
  /**
   * The page opened is the board: its watches (its banks, then its cards) go out with the socket's
   * first messages, before the app has mounted and asked, and the first watches of the same take
   * them over (see `openEarlyBoard`).
   */
  earlyBoard?: boolean;
}

/** How long an early watch of the board waits to be taken over before it is dropped (another page opened). */
const EARLY_BOARD_MS = 15_000;

export interface ServerBackend extends Backend {
  readonly kind: 'server';
  watchConnection: NonNullable<Backend['watchConnection']>;
  auth: Required<NonNullable<Backend['auth']>>;
  admin: Required<NonNullable<Backend['admin']>>;
  quarantine: NonNullable<Backend['quarantine']>;
  workspace: NonNullable<Backend['workspace']>;
  /** Closes the socket and forgets every listener (tests, hot reload). */
  dispose(): void;
}

function actorKey(actor: Actor | null): string {
  return actor ? `${actor.uid}|${actor.role}|${actor.bankId ?? ''}` : '';
}

function realtimeUrl(baseUrl: string): string {
  const url = new URL('/api/realtime', baseUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  // Binary frames of UTF-8 JSON (see realtime.ts); a server of the release before ignores this and sends text.
  url.searchParams.set('frames', 'binary');
  return url.toString();
}

export async function createServerBackendWith(options: ServerBackendOptions = {}): Promise<ServerBackend> {
  const baseUrl = options.baseUrl ?? globalThis.location.origin;
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const createSocket: SocketFactory = options.createSocket ?? ((url) => new WebSocket(url) as unknown as SocketLike);

  let actor: Actor | null = null;
  let endedReason: SignedOutReason | null = null;
  const actorListeners = new Set<(actor: Actor | null) => void>();

  /** One JSON request; a refusal rejects with a DomainError. */
  async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await doFetch(new URL(path, baseUrl).toString(), {
        method,
        credentials: 'same-origin',
        headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw fromTransportError(error);
    }
    const text = await response.text().catch(() => '');
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = null;
    }
    if (!response.ok) throw fromHttpError(response.status, parsed, response.headers.get('retry-after'));
    return parsed as T;
  }

  /** The session's actor, or null when there is none (401). */
  async function fetchSession(): Promise<Actor | null> {
    try {
      return (await request<{ actor: Actor }>('GET', '/api/session')).actor ?? null;
    } catch (error) {
      if (error instanceof DomainError && error.code === 'unauthenticated') return null;
      throw error;
    }
  }

  const channel = new RealtimeChannel({
    url: realtimeUrl(baseUrl),
    createSocket,
    backoff: options.backoff,
    random: options.random,
    onSignedOut: () => setActor(null, 'auth.error.sessionEnded'),
    // A refused upgrade looks like any dropped connection in a browser: ask whether the session is still there.
    beforeReconnect: async () => {
      try {
        return (await fetchSession()) !== null;
      } catch {
        return true; // the server is unreachable: keep trying
      }
    },
  });

  function setActor(next: Actor | null, reason: SignedOutReason | null = null): void {
    const changed = actorKey(next) !== actorKey(actor);
    if (!next && actor && reason) endedReason = reason;
    actor = next;
    if (changed) {
      channel.stop();
      if (next) channel.start();
    }
    for (const listener of actorListeners) listener(next);
  }

  const onOnline = () => channel.retryNow();
  globalThis.addEventListener?.('online', onOnline);

  /**
   * The board's watches registered before anything asked, so a reload's banks and cards are on
   * their way while the app's code loads and mounts: the banks first (a few KB), so that the cards
   * that follow paint with their banks' names, not once without them and again with. The first
   * `watchQuery('banks', {})` and the first `watchBoard` adopt them: each gets what already
   * arrived and everything after, as with a watch of its own.
   */
  interface EarlyWatch<T> {
    latest: StoredDoc<T>[] | null;
    failure: { error: unknown } | null;
    onNext: ((docs: StoredDoc<T>[]) => void) | null;
    onError: ((error: unknown) => void) | null;
    stop: () => void;
    timer: ReturnType<typeof setTimeout>;
  }
  let earlyBanks: EarlyWatch<Bank> | null = null;
  let earlyBoard: EarlyWatch<BoardCard> | null = null;

  function holdEarly<T>(open: (onNext: (docs: StoredDoc<T>[]) => void, onError: (error: unknown) => void) => () => void, dropped: () => void): EarlyWatch<T> {
    const held: EarlyWatch<T> = { latest: null, failure: null, onNext: null, onError: null, stop: () => undefined, timer: undefined as never };
    held.stop = open(
      (docs) => {
        held.latest = docs;
        held.onNext?.(docs);
      },
      (error) => {
        held.failure = { error };
        held.onError?.(error);
      },
    );
    held.timer = setTimeout(() => {
      dropped();
      held.stop();
    }, EARLY_BOARD_MS);
    return held;
  }

  function adopt<T>(held: EarlyWatch<T>, onNext: (docs: StoredDoc<T>[]) => void, onError?: (error: unknown) => void): Unsubscribe {
    clearTimeout(held.timer);
    held.onNext = onNext;
    held.onError = onError ?? null;
    if (held.failure) onError?.(held.failure.error);
    else if (held.latest) onNext(held.latest);
    return held.stop;
  }

  function openEarlyBoard(): void {
    const banks: EarlyWatch<Bank> = holdEarly<Bank>(
      (onNext, onError) => channel.watchQuery<Bank>('banks', {}, onNext, onError),
      () => {
        if (earlyBanks === banks) earlyBanks = null;
      },
    );
    earlyBanks = banks;
    const board: EarlyWatch<BoardCard> = holdEarly<BoardCard>(
      (onNext, onError) => channel.watchQuery<BoardCard>('projects', {}, onNext, onError, 'board'),
      () => {
        if (earlyBoard === board) earlyBoard = null;
      },
    );
    earlyBoard = board;
  }

  function watchBoard(onNext: (docs: StoredDoc<BoardCard>[]) => void, onError?: (error: unknown) => void): Unsubscribe {
    const held = earlyBoard;
    earlyBoard = null;
    return held ? adopt(held, onNext, onError) : channel.watchQuery('projects', {}, onNext, onError, 'board');
  }

  function watchQuery<T>(collection: CollectionName, spec: QuerySpec, onNext: (docs: StoredDoc<T>[]) => void, onError?: (error: unknown) => void): Unsubscribe {
    const held = collection === 'banks' && Object.keys(spec).length === 0 ? earlyBanks : null;
    if (!held) return channel.watchQuery(collection, spec, onNext, onError);
    earlyBanks = null;
    return adopt(held as unknown as EarlyWatch<T>, onNext, onError);
  }

  // The socket opens while the session is checked (the upgrade checks it too): on a reload the
  // board's watch is sent a round trip sooner. Without a session the socket is told so and closes.
  if (options.earlyBoard) openEarlyBoard();
  channel.start();
  try {
    actor = await fetchSession();
  } catch (error) {
    channel.stop();
    throw error instanceof DomainError ? error : fromTransportError(error);
  }
  if (actor) channel.start();
  else channel.stop();

  /** A command or admin call whose answer says the session is gone signs the tab out. */
  async function asSignedIn<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof DomainError && error.code === 'unauthenticated' && actor) setActor(null, 'auth.error.sessionEnded');
      throw error;
    }
  }

  return {
    kind: 'server',
    ready: async () => undefined,
    execute: (command: CommandEnvelope) => asSignedIn(() => request<CommandResult>('POST', '/api/commands', command)),
    watchQuery,
    watchDoc: (collection, id, onNext, onError) => channel.watchDoc(collection, id, onNext, onError),
    // The board's first snapshot is its cards only (the server projects them after the read policy).
    watchBoard,
    watchActor(onNext): Unsubscribe {
      actorListeners.add(onNext);
      onNext(actor);
      return () => actorListeners.delete(onNext);
    },
    watchConnection: (onNext) => channel.watchState(onNext),

    auth: {
      async signIn(email: string, password: string): Promise<void> {
        const { actor: signedIn } = await request<{ actor: Actor }>('POST', '/api/session', { email: email.trim(), password });
        endedReason = null;
        setActor(signedIn);
      },
      async signOut(): Promise<void> {
        try {
          await request('DELETE', '/api/session');
        } catch (error) {
          if (!(error instanceof DomainError && error.code === 'unauthenticated')) throw error;
        }
        endedReason = null;
        setActor(null);
      },
      async changePassword(currentPassword: string, newPassword: string): Promise<void> {
        await asSignedIn(() => request('POST', '/api/session/password', { currentPassword, newPassword }));
      },
      endedReason: () => endedReason,
    },

    admin: {
      createMember: (input: NewMemberInput) => asSignedIn(() => request<NewMemberResult>('POST', '/api/admin/members', input)),
      resetPassword: (uid: string) =>
        asSignedIn(() => request<{ temporaryPassword: string }>('POST', `/api/admin/members/${encodeURIComponent(uid)}/password`)),
    },

    quarantine: {
      list: async () => (await asSignedIn(() => request<{ documents: QuarantinedDocumentSummary[] }>('GET', '/api/admin/quarantine'))).documents,
      download: () => asSignedIn(() => request<unknown>('GET', '/api/admin/quarantine/download')),
    },
    notify: {
      deliveries: async () => (await asSignedIn(() => request<{ entries: DeliveryLogEntry[] }>('GET', '/api/admin/deliveries'))).entries,
      sendTest: (channel: NotifyChannelKind, to: string | null) =>
        asSignedIn(() => request<{ status: 'sent' | 'failed'; error: string | null }>('POST', '/api/admin/notify/test', { channel, to })),
    },

    workspace: {
      exportAll: () => asSignedIn(() => request<object>('GET', '/api/admin/export')),
      async importAll(file: unknown): Promise<void> {
        await asSignedIn(() => request('POST', '/api/admin/import', file));
      },
    },

    dispose(): void {
      globalThis.removeEventListener?.('online', onOnline);
      channel.stop();
      actorListeners.clear();
    },
  };
}
