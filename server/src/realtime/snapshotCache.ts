/**
 * A query's whole answer, serialised, kept per audience and kept current: a reload of the board at
 * 5,000 projects would otherwise read every project out of the database, apply the read policy,
 * make a card of each and stringify 3 MB again for each tab.
 *
 * Why an answer may be reused: an entry is stored only if no change of its collection arrived
 * while it was computed, and each change that arrives after is applied to it (the hub calls
 * `applyChanges` from the store's change listener, before any connection handles the change) the
 * way a connection applies it to what its client holds: the entry's projector (scope, policy,
 * card) decides whether the changed document is in the answer and as what, and an older version
 * than the one held is a late echo. A change committed but not yet announced when a tab is
 * answered from the cache reaches that tab as a delta once announced, exactly as after a read from
 * the database, because the tab's connection already takes part in the hub's change fan-out. The
 * key holds the policy's audience key, so one audience's projection never serves another.
 */
import type { CollectionName, DocumentChange, StoredDoc } from '@clearway/core';

export interface CachedSnapshot {
  /** The JSON array of the documents, as sent in a `snapshot` message. */
  readonly text: string;
  /** Each document's version, what the connection then knows the client holds. */
  readonly versions: ReadonlyMap<string, number>;
}

/** What an entry's query shows of a stored document: its projection, or null when it is not in the answer. */
export type Projector = (doc: StoredDoc) => StoredDoc | null;

interface Entry {
  key: string;
  collection: CollectionName;
  generation: number;
  project: Projector;
  /**
   * Each document's version and JSON, the answer's parts; a changed document is kept as stored
   * (`json` null) until the answer is asked for: most changes are overwritten or never read before
   * then (a command's commit would otherwise project and stringify it for every audience's board).
   */
  docs: Map<string, Part>;
  /** The answer as sent; null after a change until it is asked for again. */
  snapshot: CachedSnapshot | null;
  chars: number;
}

type Part = { version: number; json: string; stored: null } | { version: number; json: null; stored: StoredDoc };

/** Enough for the board of every audience of a large workspace, bounded so memory stays bounded. */
const DEFAULT_MAX_CHARS = 48 * 1024 * 1024;

export class SnapshotCache {
  /** In least-recently-used order (a Map iterates in insertion order; a hit is re-inserted). */
  private readonly entries = new Map<string, Entry>();
  private readonly inFlight = new Map<string, { generation: number; epoch: number; promise: Promise<CachedSnapshot> }>();
  /** Bumped by every change of a collection: an answer computed across a bump is not kept. */
  private readonly generations = new Map<CollectionName, number>();
  /** Bumped by invalidateAll, which covers collections that never had a generation too. */
  private epoch = 0;
  private chars = 0;

  constructor(private readonly maxChars = DEFAULT_MAX_CHARS) {}

  get size(): number {
    return this.entries.size;
  }

  private generation(collection: CollectionName): number {
    return this.generations.get(collection) ?? 0;
  }

  /** Changes of these collections arrived: answers being computed across them are not kept. */
  invalidate(collections: Iterable<CollectionName>): void {
    for (const collection of new Set(collections)) this.generations.set(collection, this.generation(collection) + 1);
  }

  /**
   * A batch of committed changes: every entry of a changed collection takes them in (see the
   * header), as stored; each is projected when the answer is next asked for (snapshotOf).
   */
  applyChanges(changes: readonly DocumentChange[]): void {
    this.invalidate(changes.map((change) => change.collection));
    for (const entry of this.entries.values()) {
      const relevant = changes.filter((change) => change.collection === entry.collection);
      if (relevant.length === 0) continue;
      for (const change of relevant) {
        const held = entry.docs.get(change.id);
        if (change.doc && held && change.doc.version <= held.version) continue;
        if (change.doc) entry.docs.set(change.id, { version: change.doc.version, json: null, stored: change.doc });
        else entry.docs.delete(change.id);
      }
      entry.generation = this.generation(entry.collection);
      entry.snapshot = null;
    }
  }

  /** Changes may have been missed (the change feed resynced): nothing cached can be trusted. */
  invalidateAll(): void {
    this.epoch += 1;
    this.entries.clear();
    this.inFlight.clear();
    this.chars = 0;
  }

  /**
   * The answer under `key` (audience, collection, spec, view), computed by `compute` when there is
   * no current one. Concurrent asks of one key at one generation share one computation.
   */
  get(key: string, collection: CollectionName, compute: () => Promise<StoredDoc[]>, project: Projector): Promise<CachedSnapshot> {
    const generation = this.generation(collection);
    const epoch = this.epoch;
    const hit = this.entries.get(key);
    if (hit && hit.generation === generation) {
      let snapshot: CachedSnapshot | null;
      try {
        snapshot = this.snapshotOf(hit);
      } catch {
        // A change its projector cannot take: the answer is computed again.
        this.drop(key, hit);
        snapshot = null;
      }
      if (snapshot) {
        this.entries.delete(key);
        this.entries.set(key, hit);
        return Promise.resolve(snapshot);
      }
    }
    const pending = this.inFlight.get(key);
    if (pending && pending.generation === generation && pending.epoch === epoch) return pending.promise;
    const promise = compute().then((answer) => {
      const docs = new Map<string, Part>(answer.map((doc) => [doc.id, { version: doc.version, json: JSON.stringify(doc), stored: null }]));
      const entry: Entry = { key, collection, generation, project, docs, snapshot: null, chars: 0 };
      const snapshot = this.snapshotOf(entry);
      if (this.generation(collection) === generation && this.epoch === epoch) this.store(key, entry);
      return snapshot;
    });
    const flight = { generation, epoch, promise };
    this.inFlight.set(key, flight);
    const forget = () => {
      if (this.inFlight.get(key) === flight) this.inFlight.delete(key);
    };
    promise.then(forget, forget);
    return promise;
  }

  private snapshotOf(entry: Entry): CachedSnapshot {
    if (!entry.snapshot) {
      // The changes taken in since the last ask, projected (the projector throws: the caller drops the entry).
      for (const [id, part] of entry.docs) {
        if (part.json !== null) continue;
        const shown = entry.project(part.stored);
        // Still held with the stored version, so a late echo of an older one stays ignored.
        if (shown) entry.docs.set(id, { version: shown.version, json: JSON.stringify(shown), stored: null });
        else entry.docs.delete(id);
      }
      const parts: string[] = [];
      const versions = new Map<string, number>();
      for (const [id, { version, json }] of entry.docs) {
        parts.push(json!);
        versions.set(id, version);
      }
      entry.snapshot = { text: `[${parts.join(',')}]`, versions };
      // The parts and the whole text are both held.
      const chars = entry.snapshot.text.length * 2;
      if (this.entries.get(entry.key) === entry) this.chars += chars - entry.chars;
      entry.chars = chars;
    }
    return entry.snapshot;
  }

  private store(key: string, entry: Entry): void {
    const old = this.entries.get(key);
    if (old) this.drop(key, old);
    if (entry.chars > this.maxChars) return;
    this.entries.set(key, entry);
    this.chars += entry.chars;
    for (const [oldest, value] of this.entries) {
      if (this.chars <= this.maxChars) break;
      this.drop(oldest, value);
    }
  }

  private drop(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.chars -= entry.chars;
  }
}
