/**
 * Schema versions of stored documents and the migrations between them.
 *
 * Every stored document carries the schema version it was written in: the writer of each store
 * (IndexedDB rows of the demo backend, Firestore's `_schema` field, the workspace file's header)
 * stamps `SCHEMA_VERSION` on every write, and a document stored before versions existed counts as
 * version 1. Readers pass each document through `migrateStoredDoc`, which applies the steps from
 * its version up to the current one and checks the result against the current shape; what cannot
 * be brought up is quarantined (kept aside with the reason), never guessed at.
 *
 * A later change of a stored shape appends a step to `MIGRATION_STEPS` and bumps SCHEMA_VERSION;
 * an applied step is never edited (documents out there went through it).
 */
import { emptyClearance, emptyPrerequisite, emptyStall } from '../defaults';
import { COLLECTIONS, type CollectionName, type StoredDoc } from '../store/documentStore';
import { LINE_STATUSES, PREREQ_KEYS, ROLES, STAGE_IDS } from '../types';
import { encodeQuarantineReason, type QuarantineExpected, type QuarantineParams } from './quarantineReason';

export const SCHEMA_VERSION = 2;

/** A stored document as a store hands it over, with the schema version its writer stamped. */
export interface VersionedStoredDoc<T = unknown> extends StoredDoc<T> {
  /** Absent on documents written before schema versions existed: they are version 1. */
  schemaVersion?: number;
}

type DocData = Record<string, unknown>;

/** One step of the migration chain: brings data written at `to - 1` to `to`. */
export interface MigrationStep {
  to: number;
  /** Why the shape changed, for the people reading the migration script's log. */
  description: string;
  migrate: Partial<Record<CollectionName, (data: DocData, id: string) => DocData>>;
}

function isPlainObject(value: unknown): value is DocData {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Sets `key` to `fallback()` where the stored document has no value for it at all. */
function withDefault(data: DocData, key: string, fallback: () => unknown): void {
  if (data[key] === undefined) data[key] = fallback();
}

/**
 * Version 1 is every document stored before schema versions: written by earlier releases, some
 * predate fields that every current writer sets, and a handler that meets such a project fails
 * with `internal` on every command. Step 2 fills each missing field with its neutral value: empty
 * lists, null dates, a `todo` prerequisite, and empty derived summaries whose stall check is due
 * at once (so the next stall scan or command re-derives them from the real data). A project
 * without the loan-line digest keeps it absent: the handlers rebuild it from the lines.
 */
const STEP_2: MigrationStep = {
  to: 2,
  description: 'fill the fields that releases before schema versions could leave out',
  migrate: {
    projects(data) {
      const prerequisites = isPlainObject(data.prerequisites) ? { ...data.prerequisites } : {};
      for (const key of PREREQ_KEYS) if (!isPlainObject(prerequisites[key])) prerequisites[key] = emptyPrerequisite();
      data.prerequisites = prerequisites;
      withDefault(data, 'blockers', () => []);
      withDefault(data, 'assignments', () => []);
      withDefault(data, 'bankIds', () => []);
      withDefault(data, 'flag', () => null);
      withDefault(data, 'expectedMonth', () => null);
      withDefault(data, 'leadBankId', () => null);
      withDefault(data, 'lastBankUpdateAt', () => null);
      withDefault(data, 'actionPlan', () => '');
      withDefault(data, 'clearance', emptyClearance);
      withDefault(data, 'stall', () => ({ ...emptyStall(), nextCheckAt: new Date(0).toISOString() }));
      return data;
    },
    loanLines(data) {
      withDefault(data, 'tranches', () => []);
      withDefault(data, 'note', () => '');
      for (const key of ['approved', 'approvedDate', 'contracted', 'contractDate']) withDefault(data, key, () => null);
      return data;
    },
    members(data) {
      withDefault(data, 'email', () => null);
      withDefault(data, 'bankId', () => null);
      withDefault(data, 'disabled', () => false);
      return data;
    },
    activity(data) {
      for (const key of ['projectId', 'lineId', 'before', 'after']) withDefault(data, key, () => null);
      return data;
    },
  },
};

export const MIGRATION_STEPS: readonly MigrationStep[] = [STEP_2];

// The current shapes, checked after migration. They check what a handler or a page relies on
// to not fail (types of the fields it reads), and let other fields through: a stricter check
// would quarantine documents that are fine. Hand-written rather than zod because zod builds a
// copy of every document it parses: 1.2 s for the 10,000 documents of a 5,000-project demo at
// every start, where checking in place takes a few milliseconds.

/** What is wrong with a value: where, and what was expected there. */
interface Misfit {
  path: string;
  expected: QuarantineExpected;
  /** The allowed values (`oneOf`). */
  values?: string;
}

/** Says what is wrong with `value`, or null when it fits. */
type Check = (value: unknown, path: string) => Misfit | null;

const misfit = (path: string, expected: QuarantineExpected, values?: string): Misfit => ({ path: path || '(document)', expected, ...(values === undefined ? {} : { values }) });
const fits =
  (test: (value: unknown) => boolean, expected: QuarantineExpected, values?: string): Check =>
  (value, path) =>
    test(value) ? null : misfit(path, expected, values);
const text = fits((value) => typeof value === 'string', 'text');
const amount = fits((value) => typeof value === 'number' && Number.isFinite(value), 'number');
const flag = fits((value) => typeof value === 'boolean', 'boolean');
const nullable =
  (check: Check): Check =>
  (value, path) =>
    value === null ? null : check(value, path);
const optional =
  (check: Check): Check =>
  (value, path) =>
    value === undefined ? null : check(value, path);
const oneOf = (values: readonly string[]) => fits((value) => values.includes(value as string), 'oneOf', values.join(', '));

function objectWith(fields: Record<string, Check>): Check {
  return (value, path) => {
    if (!isPlainObject(value)) return misfit(path, 'object');
    for (const [key, check] of Object.entries(fields)) {
      const problem = check(value[key], path ? `${path}.${key}` : key);
      if (problem) return problem;
    }
    return null;
  };
}

function listOf(check: Check): Check {
  return (value, path) => {
    if (!Array.isArray(value)) return misfit(path, 'list');
    for (let i = 0; i < value.length; i++) {
      const problem = check(value[i], `${path}.${i}`);
      if (problem) return problem;
    }
    return null;
  };
}

function recordOf(check: Check): Check {
  return (value, path) => {
    if (!isPlainObject(value)) return misfit(path, 'object');
    for (const [key, item] of Object.entries(value)) {
      const problem = check(item, `${path}.${key}`);
      if (problem) return problem;
    }
    return null;
  };
}

const ANY_DOCUMENT = objectWith({});
const STALL_RULES_SHAPE = objectWith({ stageLimitDays: recordOf(nullable(amount)) });
const CURRENT_SHAPES: Partial<Record<CollectionName, Check>> = {
  projects: objectWith({
    name: text,
    stage: oneOf(STAGE_IDS),
    rank: text,
    owner: objectWith({ name: text }),
    district: text,
    sector: text,
    needTotal: amount,
    needThisYear: amount,
    leadBankId: nullable(text),
    stageEnteredAt: text,
    prerequisites: recordOf(objectWith({ status: text })),
    blockers: listOf(objectWith({ id: text })),
    assignments: listOf(objectWith({ id: text })),
    bankIds: listOf(text),
    lines: optional(listOf(objectWith({ id: text, bankId: text }))),
    clearance: objectWith({}),
    stall: objectWith({ flags: listOf(objectWith({})) }),
    updatedAt: text,
  }),
  loanLines: objectWith({
    projectId: text,
    bankId: text,
    status: oneOf(LINE_STATUSES),
    requested: amount,
    approved: nullable(amount),
    contracted: nullable(amount),
    tranches: listOf(objectWith({ id: text, date: text, amount })),
    updatedAt: text,
  }),
  banks: objectWith({ name: text, category: text, agreementAmount: amount }),
  members: objectWith({ name: text, role: oneOf(ROLES), bankId: nullable(text), disabled: flag }),
  activity: objectWith({ at: text, command: text, actor: objectWith({ uid: text }) }),
  months: objectWith({ month: text, status: text }),
  snapshots: objectWith({ month: text }),
};

/**
 * Brings one stored document to the current shape, or says why it cannot be read (quarantine):
 * the reason as stored with the row, a code with parameters (`quarantineReasonOf` reads it).
 * The returned document carries no `schemaVersion`: the store that writes it stamps the current one.
 */
export function migrateStoredDoc(
  collection: CollectionName,
  doc: StoredDoc,
): { doc: StoredDoc } | { quarantined: string } {
  const refuse = (code: Parameters<typeof encodeQuarantineReason>[0], params?: QuarantineParams) => ({ quarantined: encodeQuarantineReason(code, params) });
  if (!(COLLECTIONS as readonly string[]).includes(collection)) return refuse('unknownCollection', { collection: String(collection) });
  if (!isPlainObject(doc)) return refuse('notADocument');
  if (typeof doc.id !== 'string' || doc.id === '' || doc.id.includes('/')) return refuse('invalidId');
  if (!Number.isInteger(doc.version) || doc.version < 1) return refuse('invalidVersion');
  const stamped = (doc as VersionedStoredDoc).schemaVersion;
  const from = stamped === undefined ? 1 : stamped;
  if (!Number.isInteger(from) || from < 1) return refuse('invalidSchemaVersion', { value: String(stamped) });
  if (from > SCHEMA_VERSION) return refuse('newerRelease', { schema: from, supported: SCHEMA_VERSION });
  if (!isPlainObject(doc.data)) return refuse('dataNotObject');

  const steps = MIGRATION_STEPS.filter((step) => step.to > from && step.migrate[collection]);
  // A current document is only checked: copying thousands of them would cost seconds at start.
  let data: DocData = steps.length > 0 ? structuredClone(doc.data) : doc.data;
  try {
    for (const step of steps) {
      data = step.migrate[collection]!(data, doc.id);
    }
  } catch (error) {
    return refuse('migrationFailed', { detail: error instanceof Error ? error.message : String(error) });
  }
  // A collection without a listed shape (a new one) is checked only for being a document.
  const shape =
    collection === 'settings' && doc.id === 'stallRules' ? STALL_RULES_SHAPE : (CURRENT_SHAPES[collection] ?? ANY_DOCUMENT);
  const problem = shape(data, '');
  if (problem) return refuse('fieldShape', { ...problem });
  return { doc: { id: doc.id, version: doc.version, data } };
}
