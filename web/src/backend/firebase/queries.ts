/**
 * The store's QuerySpec and StoredDoc on the Firestore web SDK. Documents hold their data plus
 * the version field `_v` (see functions/src/firestoreDocumentStore.ts).
 */
import { collection, doc, limit, orderBy, query, where } from 'firebase/firestore';
import type { DocumentReference, DocumentSnapshot, Firestore, Query, QueryConstraint } from 'firebase/firestore';
import type { Actor, CollectionName, QuerySpec, StoredDoc } from '@clearway/core';

export const VERSION_FIELD = '_v';

export function toStoredDoc<T>(snapshot: DocumentSnapshot): StoredDoc<T> | null {
  const raw = snapshot.data();
  if (!raw) return null;
  const { [VERSION_FIELD]: version, ...data } = raw;
  return { id: snapshot.id, version: typeof version === 'number' ? version : 0, data: data as T };
}

/**
 * Security rules are not filters: a query must ask only for what the reader may see. A liaison
 * reads their own bank's loan lines and project-level activity, so their queries say so.
 */
export function scopeForActor(collectionName: CollectionName, spec: QuerySpec, actor: Actor | null): QuerySpec {
  if (actor?.role !== 'liaison') return spec;
  const where = [...(spec.where ?? [])];
  const has = (field: string) => where.some((filter) => filter.field === field && filter.op === '==');
  if (collectionName === 'loanLines' && !has('bankId')) where.push({ field: 'bankId', op: '==', value: actor.bankId });
  if (collectionName === 'activity' && !has('lineId')) where.push({ field: 'lineId', op: '==', value: null });
  return where.length === (spec.where?.length ?? 0) ? spec : { ...spec, where };
}

export function buildQuery(db: Firestore, collectionName: CollectionName, spec: QuerySpec): Query {
  const constraints: QueryConstraint[] = [];
  for (const filter of spec.where ?? []) constraints.push(where(filter.field, filter.op, filter.value));
  for (const order of spec.orderBy ?? []) constraints.push(orderBy(order.field, order.direction ?? 'asc'));
  if (spec.limit !== undefined) constraints.push(limit(spec.limit));
  return query(collection(db, collectionName), ...constraints);
}

export function docRef(db: Firestore, collectionName: CollectionName, id: string): DocumentReference {
  return doc(db, collectionName, id);
}
