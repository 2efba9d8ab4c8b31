/**
 * How a closed month is stored: one `months/YYYY-MM` document with the month's status, and its
 * snapshot in `snapshots/YYYY-MM`. A Firestore document holds at most 1 MiB, and a 5,000-project
 * snapshot is several times that, so a large snapshot keeps only its header (bank totals, list
 * totals) in `snapshots/YYYY-MM` and its projects in `snapshots/YYYY-MM-p0`, `-p1`, …
 */
import type { DocumentReader } from '../store/documentStore';
import type { IsoInstant, IsoMonth } from '../types';
import type { MonthSnapshot, SnapshotProject, SnapshotTotals } from './snapshot';

export const FIRESTORE_MAX_DOCUMENT_BYTES = 1_048_576;
/** Room left under the limit for the document name, index entries and estimation error. */
export const SNAPSHOT_PART_BUDGET_BYTES = 900_000;

export type MonthStatus = 'open' | 'closed';

/** The `months/YYYY-MM` document. A month without one is open. */
export interface MonthDoc {
  month: IsoMonth;
  status: MonthStatus;
  closedAt: IsoInstant | null;
  closedBy: { uid: string; name: string } | null;
  /** Number of `snapshots/YYYY-MM-pN` documents; 0 when the projects sit in `snapshots/YYYY-MM`. */
  snapshotParts: number;
  projectCount: number;
  totals: SnapshotTotals | null;
  /** Closed by an admin before the month ended. */
  early?: boolean;
  /** Set when an admin reopened the month (`month.reopen`); a later close keeps them. */
  reopenedAt?: IsoInstant;
  reopenedBy?: { uid: string; name: string };
  reopenReason?: string;
}

/** The `snapshots/YYYY-MM` document. */
export interface SnapshotHeaderDoc extends Omit<MonthSnapshot, 'projects'> {
  parts: number;
  projects: SnapshotProject[];
}

/** A `snapshots/YYYY-MM-pN` document. */
export interface SnapshotPartDoc {
  month: IsoMonth;
  part: number;
  projects: SnapshotProject[];
}

export function snapshotPartId(month: IsoMonth, part: number): string {
  return `${month}-p${part}`;
}

/**
 * The UTF-8 byte length of `text`, as TextEncoder would encode it (a lone surrogate as U+FFFD,
 * 3 bytes), counted without encoding: every command sizes the project it writes.
 */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/**
 * Firestore's documented storage size of a value: strings are their UTF-8 bytes + 1, numbers 8,
 * booleans and null 1, maps the sum of their field names (UTF-8 + 1) and values, arrays the sum of
 * their values.
 */
export function firestoreValueSize(value: unknown): number {
  if (value === null || value === undefined || typeof value === 'boolean') return 1;
  if (typeof value === 'number') return 8;
  if (typeof value === 'string') return utf8Length(value) + 1;
  if (Array.isArray(value)) return value.reduce<number>((sum, item) => sum + firestoreValueSize(item), 0);
  if (typeof value === 'object') {
    let size = 0;
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined) continue;
      size += utf8Length(key) + 1 + firestoreValueSize(item);
    }
    return size;
  }
  throw new TypeError(`Cannot size a ${typeof value}`);
}

/** A document's size: its name in the collection plus 32 bytes of overhead plus its fields. */
export function firestoreDocumentSize(collection: string, id: string, data: unknown): number {
  return utf8Length(collection) + 1 + utf8Length(id) + 1 + 16 + 32 + firestoreValueSize(data);
}

/** The larger of the JSON text size and Firestore's own measure, so both stores are safe. */
export function storedSize(collection: string, id: string, data: unknown): number {
  return Math.max(utf8Length(JSON.stringify(data)), firestoreDocumentSize(collection, id, data));
}

/** The documents that store `snapshot`, header first. */
export function snapshotDocuments(
  snapshot: MonthSnapshot,
  budgetBytes: number = SNAPSHOT_PART_BUDGET_BYTES,
): { id: string; data: SnapshotHeaderDoc | SnapshotPartDoc }[] {
  const { projects, ...rest } = snapshot;
  const whole: SnapshotHeaderDoc = { ...rest, parts: 0, projects };
  if (storedSize('snapshots', snapshot.month, whole) <= budgetBytes) {
    return [{ id: snapshot.month, data: whole }];
  }
  const header: SnapshotHeaderDoc = { ...rest, parts: 0, projects: [] };
  const parts: SnapshotProject[][] = [];
  const emptyPartSize = storedSize('snapshots', snapshotPartId(snapshot.month, 99), { month: snapshot.month, part: 99, projects: [] });
  let current: SnapshotProject[] = [];
  let currentSize = emptyPartSize;
  for (const project of projects) {
    // JSON adds a comma per item; Firestore adds nothing: the larger one bounds both.
    const size = Math.max(utf8Length(JSON.stringify(project)) + 1, firestoreValueSize(project));
    if (size + emptyPartSize > budgetBytes) {
      throw new RangeError(`Project ${project.id} alone is too large for a snapshot document (${size} bytes)`);
    }
    if (currentSize + size > budgetBytes) {
      parts.push(current);
      current = [];
      currentSize = emptyPartSize;
    }
    current.push(project);
    currentSize += size;
  }
  if (current.length > 0) parts.push(current);
  header.parts = parts.length;
  return [
    { id: snapshot.month, data: header },
    ...parts.map((partProjects, part) => ({
      id: snapshotPartId(snapshot.month, part),
      data: { month: snapshot.month, part, projects: partProjects } satisfies SnapshotPartDoc,
    })),
  ];
}

/** Puts a snapshot back together from its header and its parts (in any order). */
export function assembleSnapshot(header: SnapshotHeaderDoc, parts: readonly SnapshotPartDoc[]): MonthSnapshot {
  if (parts.length !== header.parts) {
    throw new RangeError(`Snapshot ${header.month} has ${parts.length} of ${header.parts} parts`);
  }
  const ordered = [...parts].sort((a, b) => a.part - b.part);
  return {
    schema: header.schema,
    month: header.month,
    asOf: header.asOf,
    takenAt: header.takenAt,
    projects: [...header.projects, ...ordered.flatMap((p) => p.projects)],
    banks: header.banks,
    totals: header.totals,
  };
}

export async function readMonthDoc(reader: DocumentReader, month: IsoMonth): Promise<MonthDoc | null> {
  const stored = await reader.get<MonthDoc>('months', month);
  return stored?.data ?? null;
}

/** The frozen snapshot of a closed month, or null when the month has not been closed. */
export async function readMonthSnapshot(reader: DocumentReader, month: IsoMonth): Promise<MonthSnapshot | null> {
  const header = await reader.get<SnapshotHeaderDoc>('snapshots', month);
  if (!header) return null;
  const parts: SnapshotPartDoc[] = [];
  for (let part = 0; part < header.data.parts; part++) {
    const stored = await reader.get<SnapshotPartDoc>('snapshots', snapshotPartId(month, part));
    if (!stored) throw new RangeError(`Snapshot ${month} is missing part ${part}`);
    parts.push(stored.data);
  }
  return assembleSnapshot(header.data, parts);
}

/** The closed months, newest first. */
export async function listClosedMonths(reader: DocumentReader): Promise<MonthDoc[]> {
  const docs = await reader.query<MonthDoc>('months', {
    where: [{ field: 'status', op: '==', value: 'closed' }],
  });
  return docs.map((d) => d.data).sort((a, b) => (a.month < b.month ? 1 : a.month > b.month ? -1 : 0));
}

/** The latest closed month strictly before `month`, for "what changed since last month". */
export async function previousClosedSnapshot(reader: DocumentReader, month: IsoMonth): Promise<MonthSnapshot | null> {
  const closed = await listClosedMonths(reader);
  const previous = closed.find((m) => m.month < month);
  return previous ? readMonthSnapshot(reader, previous.month) : null;
}
