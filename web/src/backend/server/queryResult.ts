/**
 * The documents of one watched query as the client holds them: the server sends a snapshot, then
 * deltas (upserts and removed ids); the client keeps them in the query's order and limit, so a
 * delta shows exactly as a fresh snapshot would.
 */
import type { QuerySpec, StoredDoc } from '@clearway/core';

function fieldValue(data: unknown, path: string): unknown {
  let value: unknown = data;
  for (const segment of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

/** Firestore's order of types: missing/null, booleans, numbers, strings, then anything else. */
function typeRank(value: unknown): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'boolean') return 1;
  if (typeof value === 'number') return 2;
  if (typeof value === 'string') return 3;
  return 4;
}

function compareValues(a: unknown, b: unknown): number {
  const rank = typeRank(a) - typeRank(b);
  if (rank !== 0) return rank;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return 0;
}

export function compareBySpec(spec: QuerySpec): (a: StoredDoc, b: StoredDoc) => number {
  const orders = spec.orderBy ?? [];
  return (a, b) => {
    for (const order of orders) {
      const result = compareValues(fieldValue(a.data, order.field), fieldValue(b.data, order.field));
      if (result !== 0) return order.direction === 'desc' ? -result : result;
    }
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  };
}

export class QueryResult {
  private readonly docs = new Map<string, StoredDoc>();
  private readonly compare: (a: StoredDoc, b: StoredDoc) => number;

  constructor(private readonly spec: QuerySpec) {
    this.compare = compareBySpec(spec);
  }

  replace(docs: readonly StoredDoc[]): void {
    this.docs.clear();
    for (const doc of docs) this.docs.set(doc.id, doc);
  }

  /** Applies a delta; an upsert older than the document held is ignored (it was overtaken). */
  apply(upserts: readonly StoredDoc[], removed: readonly string[]): void {
    for (const id of removed) this.docs.delete(id);
    for (const doc of upserts) {
      const held = this.docs.get(doc.id);
      if (!held || held.version <= doc.version) this.docs.set(doc.id, doc);
    }
  }

  list(): StoredDoc[] {
    const sorted = [...this.docs.values()].sort(this.compare);
    return this.spec.limit === undefined ? sorted : sorted.slice(0, this.spec.limit);
  }
}
