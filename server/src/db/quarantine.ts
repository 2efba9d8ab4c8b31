/**
 * The documents the server put aside when it opened the database (storedDocuments.ts): rows it
 * could not bring to the current schema. Nothing reads them but a person: an admin sees the list
 * on screen and downloads them, exactly as they were stored, to repair or re-enter by hand.
 */
import type { AppDatabase } from '../app';

/** One quarantined document, as the admin's list shows it. */
export interface QuarantinedDocumentSummary {
  collection: string;
  id: string;
  reason: string;
  /** When it was put aside (ISO instant). */
  quarantinedAt: string;
}

/** …and as the download gives it: with its stored version, schema version and data. */
export interface QuarantinedDocument extends QuarantinedDocumentSummary {
  version: number;
  schemaVersion: number;
  data: unknown;
}

interface Row {
  collection: string;
  id: string;
  reason: string;
  quarantined_at: Date | string;
  version: number;
  schema_version: number;
  data: unknown;
}

function isoOf(value: Date | string): string {
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

const ORDER = 'ORDER BY quarantined_at, collection, id';

export async function listQuarantined(db: Pick<AppDatabase, 'sql'>): Promise<QuarantinedDocumentSummary[]> {
  const rows = await db.sql<Row>(`SELECT collection, id, reason, quarantined_at FROM quarantined_documents ${ORDER}`);
  return rows.map((row) => ({ collection: row.collection, id: row.id, reason: row.reason, quarantinedAt: isoOf(row.quarantined_at) }));
}

export async function readQuarantined(db: Pick<AppDatabase, 'sql'>): Promise<QuarantinedDocument[]> {
  const rows = await db.sql<Row>(
    `SELECT collection, id, reason, quarantined_at, version, schema_version, data FROM quarantined_documents ${ORDER}`,
  );
  return rows.map((row) => ({
    collection: row.collection,
    id: row.id,
    reason: row.reason,
    quarantinedAt: isoOf(row.quarantined_at),
    version: row.version,
    schemaVersion: row.schema_version,
    data: row.data,
  }));
}
