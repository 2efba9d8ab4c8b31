/**
 * The store's QuerySpec and StoredDoc on the Firestore web SDK. Documents hold their data plus
 * the version field `_v` and the schema stamp `_schema` (see functions/src/firestoreDocumentStore.ts).
 */
import { collection, doc, limit, orderBy, query, where } from 'firebase/firestore';
import type { DocumentReference, DocumentSnapshot, Firestore, Query, QueryConstraint } from 'firebase/firestore';
import { DomainError, INTERNAL_ERROR_KEY, scopeQueryForActor } from '@clearway/core';
import type { Actor, BoardCard, CollectionName, QuerySpec, StoredDoc } from '@clearway/core';

export const VERSION_FIELD = '_v';
/** The schema version the functions stamp on every write: storage bookkeeping, not data. */
export const SCHEMA_FIELD = '_schema';

/** The read projections the command function writes (functions/src/readProjections.ts). */
export const BOARD_CARDS = 'boardCards';
export const BOARD_VIEWS = 'boardViews';
export const BANK_SNAPSHOTS = 'bankSnapshots';
/**
 * The parties a board view names, written with it for the rules to find a unit contact's projects
 * (functions/src/readProjections.ts): a rules helper, not a Project field, so no reader sees it.
 */
export const UNIT_PARTIES_FIELD = 'unitParties';
export type FirestoreCollection = CollectionName | typeof BOARD_CARDS | typeof BOARD_VIEWS | typeof BANK_SNAPSHOTS;

/** The `bankId` of the snapshot projection for a bank added after the close (readProjections.ts). */
export const OTHER_BANKS = '*';

export function bankSnapshotId(bankId: string, snapshotId: string): string {
  return `${bankId}~${snapshotId}`;
}

export function toStoredDoc<T>(snapshot: DocumentSnapshot): StoredDoc<T> | null {
  const raw = snapshot.data();
  if (!raw) return null;
  const { [VERSION_FIELD]: version, [SCHEMA_FIELD]: _schema, ...data } = raw;
  return { id: snapshot.id, version: typeof version === 'number' ? version : 0, data: data as T };
}

/** The field of a `boardCards` document that holds its card as JSON text (functions/src/readProjections.ts says why). */
export const CARD_JSON_FIELD = 'cardJson';

/**
 * A `boardCards` document as the board reads it: the card its JSON text holds, at the project's
 * version; a card stored field by field (written before the cards were packed, not yet backfilled)
 * as it is. A `cardJson` that is not a card's JSON object is refused (DomainError), never shown.
 */
export function toBoardCard(snapshot: DocumentSnapshot): StoredDoc<BoardCard> | null {
  const doc = toStoredDoc<Record<string, unknown>>(snapshot);
  if (!doc) return null;
  if (!(CARD_JSON_FIELD in doc.data)) return doc as unknown as StoredDoc<BoardCard>;
  const packed = doc.data[CARD_JSON_FIELD];
  let card: unknown = null;
  try {
    card = typeof packed === 'string' ? JSON.parse(packed) : null;
  } catch {
    card = null;
  }
  if (typeof card !== 'object' || card === null || Array.isArray(card)) throw new DomainError('internal', INTERNAL_ERROR_KEY);
  return { ...doc, data: card as BoardCard };
}

/** A `boardViews` document as the app reads it: the stored document without the rules' helper field. */
export function toBoardView<T>(snapshot: DocumentSnapshot): StoredDoc<T> | null {
  const doc = toStoredDoc<T & { [UNIT_PARTIES_FIELD]?: unknown }>(snapshot);
  if (!doc) return null;
  const { [UNIT_PARTIES_FIELD]: _parties, ...data } = doc.data as Record<string, unknown>;
  return { ...doc, data: data as T };
}

/**
 * Security rules are not filters: a query must ask only for what the reader may see, so it carries
 * the filters core's read policy adds (`scopeQueryForActor`): a liaison's loan lines of their bank,
 * project-level history; a non-admin's own member document.
 */
export function scopeForActor(collectionName: CollectionName, spec: QuerySpec, actor: Actor | null): QuerySpec {
  return actor ? scopeQueryForActor(actor, collectionName, spec) : spec;
}

export function buildQuery(db: Firestore, collectionName: FirestoreCollection, spec: QuerySpec): Query {
  const constraints: QueryConstraint[] = [];
  for (const filter of spec.where ?? []) constraints.push(where(filter.field, filter.op, filter.value));
  for (const order of spec.orderBy ?? []) constraints.push(orderBy(order.field, order.direction ?? 'asc'));
  if (spec.limit !== undefined) constraints.push(limit(spec.limit));
  return query(collection(db, collectionName), ...constraints);
}

export function docRef(db: Firestore, collectionName: FirestoreCollection, id: string): DocumentReference {
  return doc(db, collectionName, id);
}
