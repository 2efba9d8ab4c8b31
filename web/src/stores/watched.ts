/**
 * One way to read live documents into a store, modelled on VueFire's `useFirestoreRef`: a watch
 * gives its data, whether the first answer is still pending, and the error that ended it, with a
 * retry. A failed read never leaves a page loading forever: the page shows the error (ReadFailed)
 * and the person can try again. The watch follows its reactive inputs (backend, actor, month …)
 * and stops with the store's scope.
 */
import { computed, getCurrentScope, onScopeDispose, ref, shallowRef, watch, type Ref, type ShallowRef } from 'vue';
import type { CollectionName, DomainErrorShape, QuerySpec, StoredDoc } from '@clearway/core';
import type { Backend, Unsubscribe } from '@/backend/types';
import { refusalOf } from '@/backend/commands';

/** Starts a watch: `next` for every value, `fail` once when it ends in an error. */
export type Subscribe<T> = (next: (value: T) => void, fail: (error: unknown) => void) => Unsubscribe;

export interface Watched<T> {
  readonly data: Readonly<ShallowRef<T>>;
  /** True until the first value (or error) of the current watch. */
  readonly pending: Readonly<Ref<boolean>>;
  readonly error: Readonly<ShallowRef<DomainErrorShape | null>>;
  /** Starts the watch again (after an error, or to read afresh). */
  retry(): void;
}

/** A failed read of one or more watches, as a page shows it. */
export interface ReadState {
  readonly pending: boolean;
  readonly error: DomainErrorShape | null;
  retry(): void;
}

export interface WatchOptions<T> {
  /** Called with every value after `data` has it (e.g. to prune optimistic overlays). */
  onValue?: (value: T) => void;
}

/**
 * `source` gives how to subscribe now, or null when there is nothing to read (nobody signed in);
 * it re-runs, and the watch restarts, whenever what it reads changes.
 */
export function useWatched<T>(source: () => Subscribe<T> | null, initial: T, options: WatchOptions<T> = {}): Watched<T> {
  const data = shallowRef<T>(initial);
  const pending = ref(true);
  const error = shallowRef<DomainErrorShape | null>(null);
  const attempt = ref(0);
  let stop: Unsubscribe | null = null;

  function unsubscribe(): void {
    stop?.();
    stop = null;
  }

  watch(
    () => [source(), attempt.value] as const,
    ([subscribe]) => {
      unsubscribe();
      data.value = initial;
      error.value = null;
      pending.value = subscribe !== null;
      if (!subscribe) return;
      let ended = false;
      const stopThis = subscribe(
        (value) => {
          if (ended) return;
          data.value = value;
          pending.value = false;
          options.onValue?.(value);
        },
        (caught) => {
          if (ended) return;
          ended = true;
          error.value = refusalOf(caught);
          pending.value = false;
          unsubscribe();
        },
      );
      // A watch that failed at once has already ended; one that is still live is stopped later.
      if (ended) stopThis();
      else stop = stopThis;
    },
    // Synchronous, as a listener attached by hand would be: the watch is live as soon as its
    // inputs are there, not one tick later (a store that starts and reads at once sees it).
    { immediate: true, flush: 'sync' },
  );
  if (getCurrentScope()) onScopeDispose(unsubscribe);

  return { data, pending, error, retry: () => attempt.value++ };
}

/** A live query on `backend()` (restarted when the backend or the spec changes). */
export function useWatchedQuery<T>(
  backend: () => Backend | null,
  collection: CollectionName,
  spec: () => QuerySpec | null = () => ({}),
  options?: WatchOptions<StoredDoc<T>[]>,
): Watched<StoredDoc<T>[]> {
  // A spec rebuilt with the same filters (e.g. the actor document arriving again) keeps the watch.
  const specText = computed(() => JSON.stringify(spec()));
  return useWatched<StoredDoc<T>[]>(
    () => {
      const current = backend();
      const query = current ? (JSON.parse(specText.value) as QuerySpec | null) : null;
      return current && query ? (next, fail) => current.watchQuery<T>(collection, query, next, fail) : null;
    },
    [],
    options,
  );
}

/** A live document on `backend()` (restarted when the backend or the id changes). */
export function useWatchedDoc<T>(
  backend: () => Backend | null,
  collection: CollectionName,
  id: () => string | null,
  options?: WatchOptions<StoredDoc<T> | null>,
): Watched<StoredDoc<T> | null> {
  return useWatched<StoredDoc<T> | null>(
    () => {
      const current = backend();
      const docId = current ? id() : null;
      return current && docId ? (next, fail) => current.watchDoc<T>(collection, docId, next, fail) : null;
    },
    null,
    options,
  );
}

/**
 * The first value of a watch, then the watch is stopped: for what is read once (a closed month's
 * frozen snapshot, the workspace a ledger preview compares with). Rejects with the watch's error.
 */
export function firstValue<T>(subscribe: Subscribe<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    let done = false;
    let stop: Unsubscribe | null = null;
    const finish = () => {
      done = true;
      // Stopped after the listener returns: some backends are still delivering this value.
      if (stop) queueMicrotask(stop);
    };
    stop = subscribe(
      (value) => {
        if (done) return;
        finish();
        resolve(value);
      },
      (error) => {
        if (done) return;
        finish();
        reject(error);
      },
    );
    // A watch that answered at once has not handed out its stop yet.
    if (done) stop();
  });
}

/** The first of several read states that failed, or null while every read is fine. */
export function failedRead(...reads: (() => ReadState)[]): Readonly<Ref<ReadState | null>> {
  return computed(() => {
    const failed = reads.map((read) => read()).filter((read) => read.error !== null);
    const first = failed[0];
    // The page shows the first error; its retry starts every failed read again, not only that one.
    return first ? { pending: first.pending, error: first.error, retry: () => failed.forEach((read) => read.retry()) } : null;
  });
}

/** Several watches read as one: pending while any is, the first error, a retry of the failed ones. */
export function readStateOf(...watches: Pick<Watched<unknown>, 'pending' | 'error' | 'retry'>[]): Readonly<Ref<ReadState>> {
  const retry = () => watches.filter((item) => item.error.value !== null).forEach((item) => item.retry());
  return computed(() => ({
    pending: watches.some((item) => item.pending.value),
    error: watches.find((item) => item.error.value !== null)?.error.value ?? null,
    retry,
  }));
}
