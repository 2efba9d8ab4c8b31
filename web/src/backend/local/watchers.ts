/**
 * Realtime reads over the in-memory store, shaped like Firestore listeners: a watch gets the
 * current result at once and again after every change that touches its collection.
 * An unfiltered watch of a collection (the board's projects) is kept up to date from the changed
 * documents alone, so a move at 5,000 cards does not copy 5,000 documents; filtered watches re-run
 * their query.
 *
 * Every result passes core's read policy for the actor of the moment: queries are scoped with
 * `scopeQueryForActor` and every document goes through `applyReadPolicy` (hidden ones are left out,
 * the others projected), and `refreshAll` re-reads everything when the identity switches.
 *
 * The board's watch reads the tab's stored cards (`BoardCards`) when the reader is on the bureau
 * side, whose cards are the projects' as stored; a bank's or a unit's cards are projected from the
 * projects after the policy, so for them the projects are read.
 */
import { applyReadPolicy, applyReadPolicyToAll, boardCardDoc, readAudienceOf, scopeQueryForActor } from '@clearway/core';
import type {
  Actor,
  BoardCard,
  CollectionName,
  DocumentChange,
  MemoryDocumentStore,
  Project,
  QuerySpec,
  StoredDoc,
} from '@clearway/core';
import type { BoardCards, CardChanges } from './boardCards';

type Unsubscribe = () => void;

interface QueryWatch {
  kind: 'query';
  collection: CollectionName;
  spec: QuerySpec;
  onNext: (docs: StoredDoc[]) => void;
  onError?: (error: unknown) => void;
  /** What the watch hands out of each visible document (the board's cards), after the read policy. */
  view: ((doc: StoredDoc) => StoredDoc) | null;
  /** Live result of an unfiltered watch, by id; null for a filtered one. */
  docs: Map<string, StoredDoc> | null;
  /** Bumped on every refresh so that a slow query cannot overwrite a newer result. */
  generation: number;
  /** The first result has arrived, so changes can be applied to `docs`. */
  loaded: boolean;
  active: boolean;
  /** The board's cards (see `watchBoard`). */
  board?: true;
}

interface DocWatch {
  kind: 'doc';
  collection: CollectionName;
  id: string;
  onNext: (doc: StoredDoc | null) => void;
  onError?: (error: unknown) => void;
  generation: number;
  active: boolean;
}

const UNSCOPED_READER: Actor = { uid: 'system:watchers', name: 'watchers', role: 'admin', bankId: null };

function isUnfiltered(spec: QuerySpec): boolean {
  return !spec.where?.length && !spec.orderBy?.length && spec.limit === undefined;
}

function byId(a: StoredDoc, b: StoredDoc): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export class StoreWatchers {
  private readonly watches = new Set<QueryWatch | DocWatch>();
  private readonly unsubscribeStore: Unsubscribe;
  private readonly unsubscribeCards: Unsubscribe;

  constructor(
    private readonly store: MemoryDocumentStore,
    /**
     * The reader whose policy applies (null reads nothing). Left out, the watches read as an admin
     * would: only for tests of the store plumbing itself; the backend always passes its actor.
     */
    private readonly reader: () => Actor | null = () => UNSCOPED_READER,
    /** The bureau's cards kept by the backend; without them the board reads the projects. */
    private readonly cards: BoardCards | null = null,
  ) {
    this.unsubscribeStore = store.subscribe((changes) => this.onChanges(changes));
    this.unsubscribeCards = cards?.subscribe((changes) => this.onCardChanges(changes)) ?? (() => undefined);
  }

  /** The board's cards: every project the reader may see, as core's `boardCardDoc` after the policy. */
  watchBoard(onNext: (docs: StoredDoc<BoardCard>[]) => void, onError?: (error: unknown) => void): Unsubscribe {
    const watch: QueryWatch = {
      kind: 'query',
      collection: 'projects',
      spec: {},
      onNext: onNext as (docs: StoredDoc[]) => void,
      onError,
      view: (doc) => boardCardDoc(doc as StoredDoc<Project>),
      docs: new Map(),
      generation: 0,
      loaded: false,
      active: true,
      board: true,
    };
    this.watches.add(watch);
    void this.refreshQuery(watch);
    return () => this.remove(watch);
  }

  watchQuery<T>(
    collection: CollectionName,
    spec: QuerySpec,
    onNext: (docs: StoredDoc<T>[]) => void,
    onError?: (error: unknown) => void,
    view: ((doc: StoredDoc) => StoredDoc<T>) | null = null,
  ): Unsubscribe {
    const watch: QueryWatch = {
      kind: 'query',
      collection,
      spec,
      onNext: onNext as (docs: StoredDoc[]) => void,
      onError,
      view,
      docs: isUnfiltered(spec) ? new Map() : null,
      generation: 0,
      loaded: false,
      active: true,
    };
    this.watches.add(watch);
    void this.refreshQuery(watch);
    return () => this.remove(watch);
  }

  watchDoc<T>(
    collection: CollectionName,
    id: string,
    onNext: (doc: StoredDoc<T> | null) => void,
    onError?: (error: unknown) => void,
  ): Unsubscribe {
    const watch: DocWatch = {
      kind: 'doc',
      collection,
      id,
      onNext: onNext as (doc: StoredDoc | null) => void,
      onError,
      generation: 0,
      active: true,
    };
    this.watches.add(watch);
    void this.refreshDoc(watch);
    return () => this.remove(watch);
  }

  /** Re-reads every watch (after the whole store was replaced). */
  refreshAll(): void {
    for (const watch of this.watches) {
      if (watch.kind === 'query') void this.refreshQuery(watch);
      else void this.refreshDoc(watch);
    }
  }

  /** The collections an open watch reads from the store (the board's cards read none). */
  collectionsInUse(): Set<CollectionName> {
    const inUse = new Set<CollectionName>();
    for (const watch of this.watches) if (!this.readsCards(watch)) inUse.add(watch.collection);
    return inUse;
  }

  dispose(): void {
    this.unsubscribeStore();
    this.unsubscribeCards();
    for (const watch of this.watches) watch.active = false;
    this.watches.clear();
  }

  private remove(watch: QueryWatch | DocWatch): void {
    watch.active = false;
    this.watches.delete(watch);
  }

  /** Whether a board watch reads the stored cards (a bureau reader) rather than the projects. */
  private readsCards(watch: QueryWatch | DocWatch): watch is QueryWatch & { board: true } {
    return watch.kind === 'query' && watch.board === true && this.cards !== null && readAudienceOf(this.reader()).kind === 'bureau';
  }

  private onCardChanges(changes: CardChanges): void {
    for (const watch of this.watches) {
      if (!this.readsCards(watch)) continue;
      if (changes === 'reset' || !watch.loaded) void this.refreshQuery(watch);
      else this.applyToLive(watch, changes.map(({ id, card }) => ({ id, doc: card })));
    }
  }

  /** Applies changed documents (already as the watch hands them out) to an unfiltered watch's live result. */
  private applyToLive(watch: QueryWatch, changed: { id: string; doc: StoredDoc | null }[]): void {
    if (!watch.docs) return;
    // A refresh still in flight is superseded.
    watch.generation += 1;
    let inserted = false;
    for (const { id, doc } of changed) {
      if (doc && !watch.docs.has(id)) inserted = true;
      if (doc) watch.docs.set(id, doc);
      else watch.docs.delete(id);
    }
    // An update keeps its place in the map (in id order): only a new document needs a sort.
    if (inserted) watch.docs = new Map([...watch.docs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    const docs = [...watch.docs.values()];
    this.deliver(watch, () => watch.onNext(docs));
  }

  private onChanges(changes: DocumentChange[]): void {
    for (const watch of this.watches) {
      if (this.readsCards(watch)) continue;
      const relevant = changes.filter(
        (change) => change.collection === watch.collection && (watch.kind === 'query' || change.id === watch.id),
      );
      if (relevant.length === 0) continue;
      if (watch.kind === 'doc') {
        watch.generation += 1;
        const doc = this.visible(watch.collection, relevant[relevant.length - 1]!.doc);
        this.deliver(watch, () => watch.onNext(doc));
      } else if (watch.docs && watch.loaded) {
        this.applyToLive(
          watch,
          relevant.map((change) => {
            const shown = this.visible(watch.collection, change.doc);
            return { id: change.id, doc: shown && watch.view ? watch.view(shown) : shown };
          }),
        );
      } else {
        void this.refreshQuery(watch);
      }
    }
  }

  private async refreshQuery(watch: QueryWatch): Promise<void> {
    const generation = ++watch.generation;
    watch.loaded = false;
    if (this.readsCards(watch)) {
      const docs = this.cards!.all();
      watch.docs = new Map(docs.map((doc) => [doc.id, doc]));
      watch.loaded = true;
      this.deliver(watch, () => watch.onNext(docs));
      return;
    }
    try {
      const reader = this.reader();
      const found = reader ? await this.store.query(watch.collection, scopeQueryForActor(reader, watch.collection, watch.spec)) : [];
      if (!watch.active || generation !== watch.generation) return;
      const visible = applyReadPolicyToAll(reader, watch.collection, found);
      const docs = watch.view ? visible.map(watch.view) : visible;
      if (watch.docs) watch.docs = new Map([...docs].sort(byId).map((doc) => [doc.id, doc]));
      watch.loaded = true;
      this.deliver(watch, () => watch.onNext(docs));
    } catch (error) {
      if (watch.active) watch.onError?.(error);
    }
  }

  private async refreshDoc(watch: DocWatch): Promise<void> {
    const generation = ++watch.generation;
    try {
      const doc = this.visible(watch.collection, await this.store.get(watch.collection, watch.id));
      if (!watch.active || generation !== watch.generation) return;
      this.deliver(watch, () => watch.onNext(doc));
    } catch (error) {
      if (watch.active) watch.onError?.(error);
    }
  }

  /** What the current reader may see of a stored document (null: hidden or absent). */
  private visible(collection: CollectionName, doc: StoredDoc | null): StoredDoc | null {
    return doc ? applyReadPolicy(this.reader(), collection, doc) : null;
  }

  private deliver(watch: QueryWatch | DocWatch, call: () => void): void {
    if (!watch.active) return;
    try {
      call();
    } catch (error) {
      console.error('[clearway] a watch listener failed', error);
    }
  }
}
