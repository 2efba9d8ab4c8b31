/**
 * A query's whole answer, serialised, kept per audience until its collection changes: a reload of
 * the board at 5,000 projects would otherwise read every project out of the database, apply the
 * read policy and make a card of each, and stringify 3 MB again for each tab, while nothing changed.
 *
 * Why an answer may be reused: an entry is stored only if no change of its collection arrived
 * while it was computed, and dropped as soon as one arrives (the hub calls `invalidate` from the
 * store's change listener, before any connection handles the change). A change committed but not
 * yet announced when a tab is answered from the cache reaches that tab as a delta once announced,
 * exactly as it would have after a read from the database, because the tab's connection already
 * takes part in the hub's change fan-out. The key holds the policy's audience key, so one person's
 * projection never serves another audience.
 */
import type { CollectionName, StoredDoc } from '@clearway/core';

export interface CachedSnapshot {
  /** The JSON array of the documents, as sent in a `snapshot` message. */
  readonly text: string;
  /** Each document's version, what the connection then knows the client holds. */
  readonly versions: ReadonlyMap<string, number>;
}

interface Entry {
  collection: CollectionName;
  generation: number;
  snapshot: CachedSnapshot;
}

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

  /** Changes of these collections arrived: their cached answers are out of date. */
  invalidate(collections: Iterable<CollectionName>): void {
    const changed = new Set(collections);
    for (const collection of changed) this.generations.set(collection, this.generation(collection) + 1);
    for (const [key, entry] of this.entries) if (changed.has(entry.collection)) this.drop(key, entry);
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
  get(key: string, collection: CollectionName, compute: () => Promise<StoredDoc[]>): Promise<CachedSnapshot> {
    const generation = this.generation(collection);
    const epoch = this.epoch;
    const hit = this.entries.get(key);
    if (hit && hit.generation === generation) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return Promise.resolve(hit.snapshot);
    }
    const pending = this.inFlight.get(key);
    if (pending && pending.generation === generation && pending.epoch === epoch) return pending.promise;
    const promise = compute().then((docs) => {
      const snapshot: CachedSnapshot = { text: JSON.stringify(docs), versions: new Map(docs.map((doc) => [doc.id, doc.version])) };
      if (this.generation(collection) === generation && this.epoch === epoch) this.store(key, { collection, generation, snapshot });
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

  private store(key: string, entry: Entry): void {
    const old = this.entries.get(key);
    if (old) this.drop(key, old);
    const size = entry.snapshot.text.length;
    if (size > this.maxChars) return;
    this.entries.set(key, entry);
    this.chars += size;
    for (const [oldest, value] of this.entries) {
      if (this.chars <= this.maxChars) break;
      this.drop(oldest, value);
    }
  }

  private drop(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.chars -= entry.snapshot.text.length;
  }
}
