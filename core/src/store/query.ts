/**
 * Query evaluation over plain JSON documents, with Firestore's semantics where they matter to
 * the app: a filter or an orderBy on a field a document lacks excludes that document; range
 * filters only match values of the same type; results are ordered by id unless told otherwise.
 */
import type { QueryFilter, QuerySpec, StoredDoc } from './documentStore';

const MISSING = Symbol('missing');
type FieldValue = unknown | typeof MISSING;

export function readPath(data: unknown, path: string): FieldValue {
  let current: unknown = data;
  for (const segment of path.split('.')) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return MISSING;
    if (!Object.prototype.hasOwnProperty.call(current, segment)) return MISSING;
    current = (current as Record<string, unknown>)[segment];
  }
  return current === undefined ? MISSING : current;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') {
    return typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b);
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  }
  const aRecord = a as Record<string, unknown>;
  const bRecord = b as Record<string, unknown>;
  const aKeys = Object.keys(aRecord).filter((k) => aRecord[k] !== undefined);
  const bKeys = Object.keys(bRecord).filter((k) => bRecord[k] !== undefined);
  return aKeys.length === bKeys.length && aKeys.every((k) => deepEqual(aRecord[k], bRecord[k]));
}

/** Firestore's cross-type order: null < boolean < number < string < array < map. */
function typeRank(value: unknown): number {
  if (value === null) return 0;
  if (typeof value === 'boolean') return 1;
  if (typeof value === 'number') return 2;
  if (typeof value === 'string') return 3;
  if (Array.isArray(value)) return 4;
  return 5;
}

export function compareValues(a: unknown, b: unknown): number {
  const rankDiff = typeRank(a) - typeRank(b);
  if (rankDiff !== 0) return rankDiff;
  if (typeof a === 'boolean' || typeof a === 'number') return Number(a) - Number(b);
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const c = compareValues(a[i], b[i]);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }
  return 0;
}

function sameComparableType(a: unknown, b: unknown): boolean {
  return (
    (typeof a === 'number' && typeof b === 'number') ||
    (typeof a === 'string' && typeof b === 'string') ||
    (typeof a === 'boolean' && typeof b === 'boolean')
  );
}

export function matchesFilter(data: unknown, filter: QueryFilter): boolean {
  const actual = readPath(data, filter.field);
  if (actual === MISSING) return false;
  const expected = filter.value;
  switch (filter.op) {
    case '==':
      return deepEqual(actual, expected);
    case '!=':
      return actual !== null && !deepEqual(actual, expected);
    case '<':
      return sameComparableType(actual, expected) && compareValues(actual, expected) < 0;
    case '<=':
      return sameComparableType(actual, expected) && compareValues(actual, expected) <= 0;
    case '>':
      return sameComparableType(actual, expected) && compareValues(actual, expected) > 0;
    case '>=':
      return sameComparableType(actual, expected) && compareValues(actual, expected) >= 0;
    case 'in':
      return Array.isArray(expected) && expected.some((candidate) => deepEqual(actual, candidate));
    case 'array-contains':
      return Array.isArray(actual) && actual.some((item) => deepEqual(item, expected));
    default: {
      const unknownOp: never = filter.op;
      throw new Error(`Unsupported query operator ${String(unknownOp)}`);
    }
  }
}

/** Filters, orders and limits `docs` (which it does not copy or mutate). */
export function runQuery<T>(docs: Iterable<StoredDoc<T>>, spec: QuerySpec = {}): StoredDoc<T>[] {
  const filters = spec.where ?? [];
  const orderBy = spec.orderBy ?? [];
  const matching = [...docs].filter(
    (doc) =>
      filters.every((f) => matchesFilter(doc.data, f)) &&
      orderBy.every((o) => readPath(doc.data, o.field) !== MISSING),
  );
  matching.sort((a, b) => {
    for (const order of orderBy) {
      const c = compareValues(readPath(a.data, order.field), readPath(b.data, order.field));
      if (c !== 0) return order.direction === 'desc' ? -c : c;
    }
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });
  if (spec.limit !== undefined) {
    if (!Number.isInteger(spec.limit) || spec.limit < 0) throw new Error(`Invalid query limit ${spec.limit}`);
    return matching.slice(0, spec.limit);
  }
  return matching;
}
