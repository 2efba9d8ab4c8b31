/**
 * Realtime reads: one WebSocket per tab carrying many watches (queries and single documents).
 * A watch's first answer comes from the store; after that the store's change feed drives deltas,
 * computed with core's own query matcher (runQuery on the changed document), so what a client
 * holds is what the same query would return now. Every document goes through the read policy for
 * the connection's actor, every query through scopeQueryForActor.
 *
 * Hand-written because the protocol is ours (see web/src/backend/server/realtime.ts for the client);
 * the socket itself is @fastify/websocket's (ws).
 */
import type { Actor, CollectionName, DocumentChange, DocumentReader, Member, Project, QuerySpec, StoredDoc } from '@clearway/core';
import { boardCardDoc, COLLECTIONS, runQuery } from '@clearway/core';
import type { ReadPolicy } from './policy';
import { SnapshotCache, type Projector } from './snapshotCache';

/** What the hub needs of a socket (ws's WebSocket, or a fake). */
export interface HubSocket {
  readonly readyState: number;
  send(data: string | Uint8Array, options: { binary: boolean }): void;
  close(code?: number, reason?: string): void;
}

export const SIGNED_OUT_CLOSE_CODE = 4401;

/** What a tab asks for in its socket's URL to be sent binary frames (this release's client always does). */
export const BINARY_FRAMES_PARAM = 'frames';

/**
 * One server message: a binary frame holding the JSON text in UTF-8 to a tab that asked for
 * binary frames (see `Connection.send`), else a text frame, for a tab of the release before that
 * is still open when the server is upgraded (it reads text frames only).
 */
export function sendJson(socket: HubSocket, text: string, binary: boolean): void {
  if (binary) socket.send(Buffer.from(text, 'utf8'), { binary: true });
  else socket.send(text, { binary: false });
}

const OPEN = 1;
const MAX_WATCHES_PER_CONNECTION = 200;

export interface HubDeps {
  reader: DocumentReader;
  policy: ReadPolicy;
  /** Whether a session is still live (signed out elsewhere, expired); checked every `sweepMs`. */
  sessionAlive: (tokenHash: string) => Promise<boolean>;
  log: { warn(obj: unknown, msg?: string): void; error(obj: unknown, msg?: string): void };
  sweepMs?: number;
}

/**
 * What a query watch hands out of each document the read policy lets through: the document, or
 * (`board`, on projects) the board's card of it — core's `boardCardOf`, a fraction of the bytes.
 */
export type WatchView = 'board';

interface QueryWatch {
  kind: 'query';
  id: number;
  collection: CollectionName;
  spec: QuerySpec;
  view: WatchView | null;
  /** Versions of the documents the client holds for this watch. */
  known: Map<string, number>;
}

interface DocWatch {
  kind: 'doc';
  id: number;
  collection: CollectionName;
  docId: string;
  /** Version the client holds; null: it was told the document is absent; undefined: not answered yet. */
  known: number | null | undefined;
}

type Watch = QueryWatch | DocWatch;

type ClientMessage =
  | { type: 'watchQuery'; id: number; collection: CollectionName; spec: QuerySpec; view: WatchView | null }
  | { type: 'watchDoc'; id: number; collection: CollectionName; docId: string }
  | { type: 'unwatch'; id: number };

const INVALID = { code: 'invalid-argument', messageKey: 'errors.request.malformed' } as const;

function isCollection(value: unknown): value is CollectionName {
  return typeof value === 'string' && (COLLECTIONS as readonly string[]).includes(value);
}

function parseClientMessage(raw: string): ClientMessage | { invalid: number | null } {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { invalid: null };
  }
  if (!value || typeof value !== 'object') return { invalid: null };
  const message = value as Record<string, unknown>;
  const id = message.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) return { invalid: null };
  if (message.type === 'unwatch') return { type: 'unwatch', id };
  if (!isCollection(message.collection)) return { invalid: id };
  if (message.type === 'watchDoc') {
    if (typeof message.docId !== 'string' || message.docId === '' || message.docId.length > 200) return { invalid: id };
    return { type: 'watchDoc', id, collection: message.collection, docId: message.docId };
  }
  if (message.type === 'watchQuery') {
    const spec = (message.spec ?? {}) as QuerySpec;
    if (typeof spec !== 'object' || Array.isArray(spec)) return { invalid: id };
    const view = message.view ?? null;
    if (view !== null && !(view === 'board' && message.collection === 'projects')) return { invalid: id };
    return { type: 'watchQuery', id, collection: message.collection, spec, view };
  }
  return { invalid: id };
}

/** Does `doc` belong to the result of `spec` ignoring its limit (core's matcher, on one document)? */
function matchesIgnoringLimit(doc: StoredDoc, spec: QuerySpec): boolean {
  return runQuery([doc], { where: spec.where, orderBy: spec.orderBy }).length === 1;
}

export class Connection {
  private readonly watches = new Map<number, Watch>();
  /** Work for this socket runs one task at a time, in arrival order (snapshots before the deltas after them). */
  private queue: Promise<void> = Promise.resolve();
  closed = false;

  constructor(
    private readonly hub: RealtimeHub,
    readonly socket: HubSocket,
    public actor: Actor,
    readonly tokenHash: string,
    private readonly binaryFrames: boolean,
  ) {}

  get uid(): string {
    return this.actor.uid;
  }

  get watchCount(): number {
    return this.watches.size;
  }

  enqueue(task: () => Promise<void> | void): Promise<void> {
    this.queue = this.queue.then(async () => {
      if (this.closed) return;
      try {
        await task();
      } catch (error) {
        this.hub.deps.log.error({ err: error }, 'realtime task failed');
      }
    });
    return this.queue;
  }

  /**
   * A tab that asked for binary frames gets each message as UTF-8 JSON in one (it decodes them
   * with a TextDecoder): Chromium took 130–280 ms to hand a 4 MB text frame (the board at 5,000
   * projects) to the page, and 60–90 ms for the same bytes as a binary frame plus about 23 ms to decode.
   */
  send(text: string): void {
    if (!this.closed && this.socket.readyState === OPEN) sendJson(this.socket, text, this.binaryFrames);
  }

  receive(raw: string): void {
    const message = parseClientMessage(raw);
    if ('invalid' in message) {
      if (message.invalid !== null) this.send(JSON.stringify({ type: 'error', id: message.invalid, error: INVALID }));
      return;
    }
    if (message.type === 'unwatch') {
      void this.enqueue(() => {
        this.watches.delete(message.id);
      });
      return;
    }
    void this.enqueue(async () => {
      if (!this.watches.has(message.id) && this.watches.size >= MAX_WATCHES_PER_CONNECTION) {
        this.send(JSON.stringify({ type: 'error', id: message.id, error: { code: 'resource-exhausted', messageKey: 'errors.request.tooMany' } }));
        return;
      }
      const watch: Watch =
        message.type === 'watchDoc'
          ? { kind: 'doc', id: message.id, collection: message.collection, docId: message.docId, known: undefined }
          : { kind: 'query', id: message.id, collection: message.collection, spec: message.spec, view: message.view, known: new Map() };
      this.watches.set(message.id, watch);
      await this.answerInFull(watch);
    });
  }

  /** A snapshot (query) or the document (doc watch), from the store. */
  private async answerInFull(watch: Watch): Promise<void> {
    const { policy, reader } = this.hub.deps;
    try {
      if (watch.kind === 'doc') {
        const stored = await reader.get(watch.collection, watch.docId);
        const doc = stored ? policy.apply(this.actor, watch.collection, stored) : null;
        if (this.watches.get(watch.id) !== watch) return;
        watch.known = doc ? doc.version : null;
        this.send(JSON.stringify({ type: 'doc', id: watch.id, doc }));
        return;
      }
      if (watch.spec.limit === undefined) {
        // Unlimited queries (the board above all) are answered from the hub's cache when their collection has not changed.
        const key = `${policy.audienceKey(this.actor, watch.collection)}|${watch.collection}|${watch.view ?? ''}|${JSON.stringify(watch.spec)}`;
        const snapshot = await this.hub.snapshots.get(key, watch.collection, () => this.runScoped(watch), this.projector(watch));
        if (this.watches.get(watch.id) !== watch) return;
        watch.known = new Map(snapshot.versions);
        this.send(`{"type":"snapshot","id":${watch.id},"docs":${snapshot.text}}`);
        return;
      }
      const docs = await this.runScoped(watch);
      if (this.watches.get(watch.id) !== watch) return;
      watch.known = new Map(docs.map((doc) => [doc.id, doc.version]));
      this.send(JSON.stringify({ type: 'snapshot', id: watch.id, docs }));
    } catch (error) {
      if (this.watches.get(watch.id) !== watch) return;
      this.watches.delete(watch.id);
      const refusal = error as { code?: string; messageKey?: string; params?: Record<string, unknown> };
      const wire =
        typeof refusal.messageKey === 'string'
          ? { code: refusal.code ?? 'invalid-argument', messageKey: refusal.messageKey, params: refusal.params ?? {} }
          : { code: 'invalid-argument', messageKey: 'errors.request.badQuery' };
      if (typeof refusal.messageKey !== 'string') this.hub.deps.log.warn({ err: error }, 'realtime query refused');
      this.send(JSON.stringify({ type: 'error', id: watch.id, error: wire }));
    }
  }

  /** What `watch` shows of a changed document, for the cached answer of its audience (the same steps as applyChanges). */
  private projector(watch: QueryWatch): Projector {
    const { policy } = this.hub.deps;
    const actor = this.actor;
    const { collection, view } = watch;
    const scoped = policy.scope(actor, collection, watch.spec);
    return (stored) => {
      if (!matchesIgnoringLimit(stored, scoped)) return null;
      const shown = policy.apply(actor, collection, stored);
      return shown && view === 'board' ? boardCardDoc(shown as StoredDoc<Project>) : shown;
    };
  }

  private async runScoped(watch: QueryWatch): Promise<StoredDoc[]> {
    const { policy, reader } = this.hub.deps;
    const scoped = policy.scope(this.actor, watch.collection, watch.spec);
    const stored = await reader.query(watch.collection, scoped);
    const visible: StoredDoc[] = [];
    for (const doc of stored) {
      // The policy first: a card is made of what this reader may see of the project.
      const shown = policy.apply(this.actor, watch.collection, doc);
      if (shown) visible.push(watch.view === 'board' ? boardCardDoc(shown as StoredDoc<Project>) : shown);
    }
    return visible;
  }

  /** Applies a batch of committed changes to every watch of this connection. */
  async applyChanges(changes: DocumentChange[], policyCache: PolicyCache): Promise<void> {
    for (const watch of [...this.watches.values()]) {
      if (this.watches.get(watch.id) !== watch) continue;
      const relevant = changes.filter((change) => change.collection === watch.collection);
      if (relevant.length === 0) continue;
      if (watch.kind === 'doc') {
        for (const change of relevant) {
          if (change.id !== watch.docId) continue;
          const doc = change.doc ? policyCache.apply(this.actor, change.collection, change.doc) : null;
          if (doc && typeof watch.known === 'number' && doc.version <= watch.known) continue;
          if (!doc && watch.known === null) continue;
          watch.known = doc ? doc.version : null;
          this.send(`{"type":"doc","id":${watch.id},"doc":${doc ? policyCache.json(doc) : 'null'}}`);
        }
        continue;
      }
      if (watch.spec.limit !== undefined) {
        await this.refreshLimited(watch, relevant);
        continue;
      }
      const upserts: string[] = [];
      const removed: string[] = [];
      const scoped = policyCache.scope(this.actor, watch.collection, watch.spec);
      for (const change of relevant) {
        const known = watch.known.get(change.id);
        const stored = change.doc;
        // An older version than the client holds is a late echo (changes from another process can arrive out of order).
        if (stored && known !== undefined && stored.version <= known) continue;
        const visible = stored && matchesIgnoringLimit(stored, scoped) ? policyCache.apply(this.actor, change.collection, stored) : null;
        const shown = visible && watch.view === 'board' ? policyCache.card(visible) : visible;
        if (shown) {
          watch.known.set(change.id, shown.version);
          upserts.push(policyCache.json(shown));
        } else if (known !== undefined) {
          watch.known.delete(change.id);
          removed.push(change.id);
        }
      }
      if (upserts.length || removed.length) {
        this.send(`{"type":"delta","id":${watch.id},"upserts":[${upserts.join(',')}],"removed":${JSON.stringify(removed)}}`);
      }
    }
  }

  /** A query with a limit: which documents are in the top N can only be told by running it again. */
  private async refreshLimited(watch: QueryWatch, relevant: DocumentChange[]): Promise<void> {
    const scoped = this.hub.deps.policy.scope(this.actor, watch.collection, watch.spec);
    const touches = relevant.some((change) => watch.known.has(change.id) || (change.doc && matchesIgnoringLimit(change.doc, scoped)));
    if (!touches) return;
    const docs = await this.runScoped(watch);
    if (this.watches.get(watch.id) !== watch) return;
    const upserts = docs.filter((doc) => watch.known.get(doc.id) !== doc.version);
    const now = new Set(docs.map((doc) => doc.id));
    const removed = [...watch.known.keys()].filter((id) => !now.has(id));
    watch.known = new Map(docs.map((doc) => [doc.id, doc.version]));
    if (upserts.length || removed.length) this.send(JSON.stringify({ type: 'delta', id: watch.id, upserts, removed }));
  }

  /** The actor changed (role, bank): every watch answers again under the new read policy. */
  async resnapshot(): Promise<void> {
    for (const watch of [...this.watches.values()]) await this.answerInFull(watch);
  }

  signOut(): void {
    if (this.closed) return;
    this.send('{"type":"signedOut"}');
    this.closed = true;
    this.watches.clear();
    try {
      this.socket.close(SIGNED_OUT_CLOSE_CODE, 'signed out');
    } catch {
      // already closing
    }
  }
}

/**
 * Within one batch of changes, connections of one audience (the policy's audienceKey: role, bank,
 * unit) see the same projection of a document: compute it (and its JSON) once per audience, not
 * once per connection or per person.
 */
export class PolicyCache {
  private readonly projected = new Map<string, StoredDoc | null>();
  private readonly texts = new WeakMap<StoredDoc, string>();
  private readonly cards = new WeakMap<StoredDoc, StoredDoc>();
  private readonly scopes = new Map<string, QuerySpec>();

  constructor(private readonly policy: ReadPolicy) {}

  apply(actor: Actor, collection: CollectionName, doc: StoredDoc): StoredDoc | null {
    const key = `${this.policy.audienceKey(actor, collection)}|${collection}|${doc.id}|${doc.version}`;
    if (!this.projected.has(key)) this.projected.set(key, this.policy.apply(actor, collection, doc));
    return this.projected.get(key)!;
  }

  scope(actor: Actor, collection: CollectionName, spec: QuerySpec): QuerySpec {
    const key = `${this.policy.audienceKey(actor, collection)}|${collection}|${JSON.stringify(spec)}`;
    let scoped = this.scopes.get(key);
    if (!scoped) {
      scoped = this.policy.scope(actor, collection, spec);
      this.scopes.set(key, scoped);
    }
    return scoped;
  }

  /** The board's card of a projected project, made once per projection (and so its JSON too). */
  card(doc: StoredDoc): StoredDoc {
    let card = this.cards.get(doc);
    if (!card) this.cards.set(doc, (card = boardCardDoc(doc as StoredDoc<Project>)));
    return card;
  }

  json(doc: StoredDoc): string {
    let text = this.texts.get(doc);
    if (text === undefined) {
      text = JSON.stringify(doc);
      this.texts.set(doc, text);
    }
    return text;
  }
}

export class RealtimeHub {
  private readonly connections = new Set<Connection>();
  private readonly sweepTimer: ReturnType<typeof setInterval> | null;
  /** Whole answers of unlimited queries per audience (see snapshotCache.ts). */
  readonly snapshots = new SnapshotCache();

  constructor(readonly deps: HubDeps) {
    const sweepMs = deps.sweepMs ?? 60_000;
    this.sweepTimer = sweepMs > 0 ? setInterval(() => void this.sweep(), sweepMs) : null;
    this.sweepTimer?.unref?.();
  }

  get size(): number {
    return this.connections.size;
  }

  add(socket: HubSocket, actor: Actor, tokenHash: string, binaryFrames = true): Connection {
    const connection = new Connection(this, socket, actor, tokenHash, binaryFrames);
    this.connections.add(connection);
    return connection;
  }

  remove(connection: Connection): void {
    connection.closed = true;
    this.connections.delete(connection);
  }

  /** Feeds a batch of committed changes (the store's onChange) to every connection. */
  onChanges(changes: DocumentChange[]): void {
    if (changes.length === 0) return;
    // Before any connection sees these changes, so no tab is answered from a snapshot older than them once they are known.
    const cache = new PolicyCache(this.deps.policy);
    this.snapshots.applyChanges(changes);
    const memberChanges = changes.filter((change) => change.collection === 'members');
    for (const connection of this.connections) {
      const own = memberChanges.find((change) => change.id === connection.uid);
      if (own) {
        void connection.enqueue(() => this.followMember(connection, own.doc as StoredDoc<Member> | null));
      }
      void connection.enqueue(() => connection.applyChanges(changes, cache));
    }
  }

  /** Changes may have been missed (the change feed lost rows to pruning): every watch answers again from the store. */
  resyncAll(): void {
    this.deps.log.warn({ connections: this.connections.size }, 'change log pruned past the feed: resyncing every watch');
    this.snapshots.invalidateAll();
    for (const connection of this.connections) void connection.enqueue(() => connection.resnapshot());
  }

  /** The connection's own members document changed: disabled or removed ends it; a new role re-answers every watch. */
  private async followMember(connection: Connection, doc: StoredDoc<Member> | null): Promise<void> {
    if (!doc || doc.data.disabled) {
      this.signOut(connection);
      return;
    }
    const member = doc.data;
    const next: Actor = { uid: connection.uid, name: member.name, role: member.role, bankId: member.role === 'liaison' ? member.bankId : null, unit: member.role === 'unit' ? (member.unit ?? null) : null };
    const changed = next.role !== connection.actor.role || next.bankId !== connection.actor.bankId || next.unit !== (connection.actor.unit ?? null);
    connection.actor = next;
    if (changed) await connection.resnapshot();
  }

  private signOut(connection: Connection): void {
    connection.signOut();
    this.remove(connection);
  }

  /** Ends every connection of a person at once (disabled, password reset). */
  endSessionsOf(uid: string): void {
    for (const connection of [...this.connections]) if (connection.uid === uid) this.signOut(connection);
  }

  /** The sessions (token hashes) a person has sockets open with. */
  sessionsOf(uid: string): string[] {
    return [...new Set([...this.connections].filter((c) => c.uid === uid).map((c) => c.tokenHash))];
  }

  /** Ends the connections of one session (signed out in this tab or another). */
  endSession(tokenHash: string): void {
    for (const connection of [...this.connections]) if (connection.tokenHash === tokenHash) this.signOut(connection);
  }

  /** Sessions end elsewhere too (another process, expiry): check each connection's session now and then. */
  async sweep(): Promise<void> {
    const hashes = new Set([...this.connections].map((connection) => connection.tokenHash));
    for (const hash of hashes) {
      let alive = true;
      try {
        alive = await this.deps.sessionAlive(hash);
      } catch (error) {
        this.deps.log.warn({ err: error }, 'session sweep failed');
      }
      if (!alive) this.endSession(hash);
    }
  }

  /** Shutdown: every socket closes as "going away" so clients reconnect to the next process. */
  close(): void {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    for (const connection of [...this.connections]) {
      connection.closed = true;
      try {
        connection.socket.close(1001, 'server shutting down');
      } catch {
        // already closed
      }
      this.connections.delete(connection);
    }
  }
}
