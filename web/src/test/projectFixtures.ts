/** Builders for the project drawer's tests, and a tiny Backend over core's in-memory store. */
import {
  applyReadPolicy,
  applyReadPolicyToAll,
  executeCommand,
  scopeQueryForActor,
  type MemoryDocumentStore,
  type Actor,
  type CollectionName,
  type LoanLine,
  type QuerySpec,
  type StoredDoc,
} from '@clearway/core';
import type { Backend } from '@/backend/types';
// Core's builders are not part of the package; web tests share them by path rather than keep a copy.
import { makeLine as makeCoreLine } from '@clearway/core/testing';

export const WAN = 10_000;
export const T0 = '2026-03-02T02:00:00.000Z';

/** Core's rule-test loan line (20,000万元 requested from icbc for p1), at this file's T0. */
export function makeLine(overrides: Partial<LoanLine> = {}): LoanLine {
  return makeCoreLine({ createdAt: T0, updatedAt: T0, updatedBy: 'u-staff', ...overrides });
}

/**
 * A Backend that runs commands with core's executor on a MemoryDocumentStore and serves watches
 * from its change feed, through core's read policy for `actor`: what the local backend does,
 * minus IndexedDB and tab sync.
 */
export function memoryBackend(store: MemoryDocumentStore, actor: Actor, now: () => Date = () => new Date()): Backend {
  const changedIn = (collection: CollectionName, listener: () => void) =>
    store.subscribe((changes) => {
      if (changes.some((change) => change.collection === collection)) listener();
    });
  return {
    kind: 'local',
    ready: async () => {},
    execute: (command) => executeCommand(store, { actor, now: now() }, command),
    watchQuery<T>(collection: CollectionName, spec: QuerySpec, onNext: (docs: StoredDoc<T>[]) => void) {
      const emit = () =>
        void store
          .query(collection, scopeQueryForActor(actor, collection, spec))
          .then((docs) => onNext(applyReadPolicyToAll(actor, collection, docs) as StoredDoc<T>[]));
      emit();
      return changedIn(collection, emit);
    },
    watchDoc<T>(collection: CollectionName, id: string, onNext: (doc: StoredDoc<T> | null) => void) {
      const emit = () =>
        void store.get(collection, id).then((doc) => onNext(doc ? (applyReadPolicy(actor, collection, doc) as StoredDoc<T> | null) : null));
      emit();
      return changedIn(collection, emit);
    },
    watchActor(onNext) {
      onNext(actor);
      return () => {};
    },
  };
}
