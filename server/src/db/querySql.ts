/**
 * Core's QuerySpec as SQL over the `documents` table, with the semantics of core's in-memory
 * evaluation (core/src/store/query.ts), which is Firestore's:
 *   - a filter or an orderBy on a field a document lacks excludes the document;
 *   - `==` / `in` compare whole JSON values (jsonb equality: numbers by value, objects by content);
 *   - `!=` never matches null or a missing field;
 *   - range filters match only values of the filter value's type (number, string or boolean);
 *   - `array-contains` matches an array holding an element equal to the value;
 *   - order across types is null < boolean < number < string < array < map, ties by id;
 *   - strings compare by code point (COLLATE "C"), never by the database's locale.
 * The one difference: two arrays are ordered the jsonb way (shorter first), not element by
 * element; the app never orders by an array field.
 *
 * Paths are chained `->` steps (`data -> 'stall' -> 'nextCheckAt'`): on an array `-> 'text'` is
 * NULL, so a segment like `0` never indexes into an array (`#>` would), just as readPath refuses.
 * The expressions are written exactly as the indexes in migrations.ts are, so the planner uses them.
 */
import type { CollectionName, QueryFilter, QuerySpec } from '@clearway/core';
import { COLLECTIONS } from '@clearway/core';

export interface BuiltQuery {
  text: string;
  params: unknown[];
}

/** A SQL string literal; standard_conforming_strings is on in every supported PostgreSQL. */
export function sqlLiteral(value: string): string {
  if (value.includes('\u0000')) throw new Error('A query field may not contain NUL');
  return `'${value.replace(/'/g, "''")}'`;
}

export function assertCollection(collection: string): asserts collection is CollectionName {
  if (!(COLLECTIONS as readonly string[]).includes(collection)) throw new Error(`Unknown collection ${collection}`);
}

/** The jsonb at a dotted path, or SQL NULL when the document lacks it. */
export function jsonPath(field: string): string {
  return `(data${field.split('.').map((segment) => ` -> ${sqlLiteral(segment)}`).join('')})`;
}

/** The text of a string at a dotted path (NULL for missing; meaningful only where the value is a string). */
export function textPath(field: string): string {
  const segments = field.split('.');
  const last = segments.pop()!;
  return `((data${segments.map((segment) => ` -> ${sqlLiteral(segment)}`).join('')} ->> ${sqlLiteral(last)}) COLLATE "C")`;
}

type ScalarType = 'number' | 'string' | 'boolean';

function comparableType(value: unknown): ScalarType | null {
  if (typeof value === 'number') return Number.isFinite(value) ? 'number' : null;
  if (typeof value === 'string' || typeof value === 'boolean') return typeof value as ScalarType;
  return null;
}

function toJson(value: unknown): string | undefined {
  return JSON.stringify(value);
}

class QueryBuilder {
  readonly params: unknown[] = [];

  /** inline: values as literals in the text (a query that travels as text, e.g. to be re-run inside clearway_commit). */
  constructor(private readonly inline = false) {}

  param(value: unknown, cast: string): string {
    if (this.inline) {
      if (Array.isArray(value)) return `ARRAY[${value.map((element) => sqlLiteral(String(element))).join(', ')}]::${cast}`;
      return `${sqlLiteral(String(value))}::${cast}`;
    }
    this.params.push(value);
    return `$${this.params.length}::${cast}`;
  }

  filter(filter: QueryFilter): string {
    const value = filter.value;
    const json = jsonPath(filter.field);
    switch (filter.op) {
      case '==': {
        const encoded = toJson(value);
        return encoded === undefined ? 'FALSE' : `${json} = ${this.param(encoded, 'jsonb')}`;
      }
      case '!=': {
        const encoded = toJson(value);
        const notNull = `${json} <> 'null'::jsonb`;
        return encoded === undefined ? notNull : `(${notNull} AND ${json} <> ${this.param(encoded, 'jsonb')})`;
      }
      case '<':
      case '<=':
      case '>':
      case '>=': {
        const type = comparableType(value);
        if (!type) return 'FALSE';
        const typeCheck = `jsonb_typeof(${json}) = '${type}'`;
        const comparison =
          type === 'string'
            ? `${textPath(filter.field)} ${filter.op} ${this.param(value, 'text')}`
            : `${json} ${filter.op} ${this.param(toJson(value), 'jsonb')}`;
        return `(${typeCheck} AND ${comparison})`;
      }
      case 'in': {
        if (!Array.isArray(value)) return 'FALSE';
        const candidates = value.map(toJson).filter((encoded): encoded is string => encoded !== undefined);
        if (candidates.length === 0) return 'FALSE';
        return `${json} = ANY(${this.param(candidates, 'jsonb[]')})`;
      }
      case 'array-contains': {
        const encoded = toJson(value);
        if (encoded === undefined) return 'FALSE';
        const isArray = `jsonb_typeof(${json}) = 'array'`;
        // jsonb containment is exact for a scalar element but recursive for objects and arrays
        // ([[1,2]] @> [[1]]), so those are compared element by element.
        if (value === null || typeof value !== 'object') return `(${isArray} AND ${json} @> ${this.param(`[${encoded}]`, 'jsonb')})`;
        return `(${isArray} AND EXISTS (SELECT 1 FROM jsonb_array_elements(${json}) AS element(value) WHERE element.value = ${this.param(encoded, 'jsonb')}))`;
      }
      default: {
        const unknownOp: never = filter.op;
        throw new Error(`Unsupported query operator ${String(unknownOp)}`);
      }
    }
  }
}

/** What the filters already say about a field's type or value, so its ordering can use the index. */
function knownOrderType(field: string, filters: QueryFilter[]): ScalarType | 'constant' | null {
  for (const filter of filters) {
    if (filter.field !== field) continue;
    if (filter.op === '==' && toJson(filter.value) !== undefined) return 'constant';
    if (['<', '<=', '>', '>='].includes(filter.op)) return comparableType(filter.value);
  }
  return null;
}

function orderTerms(field: string, direction: 'ASC' | 'DESC', filters: QueryFilter[]): string[] {
  const json = jsonPath(field);
  const known = knownOrderType(field, filters);
  if (known === 'constant') return [];
  if (known === 'string') return [`${textPath(field)} ${direction}`];
  if (known === 'number' || known === 'boolean') return [`${json} ${direction}`];
  const rank = `CASE jsonb_typeof(${json}) WHEN 'null' THEN 0 WHEN 'boolean' THEN 1 WHEN 'number' THEN 2 WHEN 'string' THEN 3 WHEN 'array' THEN 4 ELSE 5 END`;
  return [
    `${rank} ${direction}`,
    `CASE WHEN jsonb_typeof(${json}) = 'string' THEN ${textPath(field)} END ${direction}`,
    `CASE WHEN jsonb_typeof(${json}) IN ('boolean', 'number', 'array') THEN ${json} END ${direction}`,
  ];
}

/** SELECT id, version, data, seq of the documents of `collection` matching `spec`, in its order. */
export function buildDocumentQuery(
  collection: CollectionName,
  spec: QuerySpec = {},
  columns = 'id, version, data, seq',
  options: { inline?: boolean } = {},
): BuiltQuery {
  assertCollection(collection);
  const builder = new QueryBuilder(options.inline);
  const filters = spec.where ?? [];
  const orderBy = spec.orderBy ?? [];
  const conditions = [`collection = ${sqlLiteral(collection)}`, ...filters.map((filter) => builder.filter(filter))];
  for (const order of orderBy) conditions.push(`${jsonPath(order.field)} IS NOT NULL`);
  const terms = orderBy.flatMap((order) => orderTerms(order.field, order.direction === 'desc' ? 'DESC' : 'ASC', filters));
  terms.push('id');
  let text = `SELECT ${columns} FROM documents WHERE ${conditions.join(' AND ')} ORDER BY ${terms.join(', ')}`;
  if (spec.limit !== undefined) {
    if (!Number.isInteger(spec.limit) || spec.limit < 0) throw new Error(`Invalid query limit ${spec.limit}`);
    text += ` LIMIT ${spec.limit}`;
  }
  return { text, params: builder.params };
}
