/**
 * The read policy the server applies to every document it hands out. It lives in core (the same
 * rules firestore.rules states); the server only calls it.
 */
import { applyReadPolicy, scopeQueryForActor } from '@clearway/core';
import type { Actor, CollectionName, QuerySpec, StoredDoc } from '@clearway/core';

export interface ReadPolicy {
  apply(actor: Actor, collection: CollectionName, doc: StoredDoc): StoredDoc | null;
  scope(actor: Actor, collection: CollectionName, spec: QuerySpec): QuerySpec;
}

export const CORE_READ_POLICY: ReadPolicy = {
  apply: applyReadPolicy,
  scope: scopeQueryForActor,
};
