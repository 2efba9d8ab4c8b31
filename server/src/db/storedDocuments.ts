/**
 * Brings the stored documents to core's current schema when the server opens the database, so a
 * handler never meets an old shape (which would answer `internal` on every command) and one
 * corrupt row does not stop the server: it is moved to `quarantined_documents` with the reason.
 *
 * The documents table carries one schema version for all its rows (`document_schema`), not one
 * per row: every process of a release writes the current shape, and this pass runs before the
 * store is handed out. Rows stored before the version existed count as version 1.
 */
import { migrateStoredDoc, SCHEMA_VERSION, type CollectionName, type StoredDoc } from '@clearway/core';
import type { Migration } from './migrations';
import { LOCKS, type SqlClient } from './sqlClient';

/** Appended to MIGRATIONS: where the schema version of the rows and the quarantined rows live. */
export const DOCUMENT_SCHEMA_MIGRATION: Migration = {
  name: 'document-schema-and-quarantine',
  sql: `
    -- One row: the core SCHEMA_VERSION every row of documents is in (absent: 1, before versions).
    CREATE TABLE document_schema (
      only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
      version integer NOT NULL CHECK (version >= 1)
    );
    -- Rows that could not be brought to the current shape, kept for a person to look at.
    CREATE TABLE quarantined_documents (
      collection text COLLATE "C" NOT NULL,
      id text COLLATE "C" NOT NULL,
      version integer NOT NULL,
      data jsonb NOT NULL,
      schema_version integer NOT NULL,
      reason text NOT NULL,
      quarantined_at timestamptz NOT NULL DEFAULT now()
    );
  `,
};

export class StoredSchemaTooNewError extends Error {
  override readonly name = 'StoredSchemaTooNewError';
}

export interface StoredDocumentsMigration {
  /** The schema version the rows were in before this pass. */
  from: number;
  migrated: number;
  quarantined: { collection: string; id: string; reason: string }[];
}

interface DocumentRow {
  collection: string;
  id: string;
  version: number;
  data: unknown;
}

/** Migrates every row written in an older schema version, under the migrations lock. */
export function migrateStoredDocuments(client: SqlClient): Promise<StoredDocumentsMigration> {
  return client.transaction(
    async (sql) => {
      const [stamp] = await sql.query<{ version: number }>('SELECT version FROM document_schema');
      const from = stamp?.version ?? 1;
      const result: StoredDocumentsMigration = { from, migrated: 0, quarantined: [] };
      if (from > SCHEMA_VERSION) {
        throw new StoredSchemaTooNewError(`The documents are in schema version ${from}, newer than this server reads (${SCHEMA_VERSION}): upgrade the server`);
      }
      if (from === SCHEMA_VERSION) return result;
      const rows = await sql.query<DocumentRow>('SELECT collection, id, version, data FROM documents');
      for (const row of rows) {
        const stored = { id: row.id, version: row.version, data: row.data, schemaVersion: from } as StoredDoc;
        const outcome = migrateStoredDoc(row.collection as CollectionName, stored);
        if ('quarantined' in outcome) {
          await sql.query(
            `INSERT INTO quarantined_documents (collection, id, version, data, schema_version, reason) VALUES ($1, $2, $3, $4::jsonb, $5, $6)`,
            [row.collection, row.id, row.version, JSON.stringify(row.data), from, outcome.quarantined],
          );
          await sql.query('DELETE FROM documents WHERE collection = $1 AND id = $2', [row.collection, row.id]);
          result.quarantined.push({ collection: row.collection, id: row.id, reason: outcome.quarantined });
          continue;
        }
        const migrated = JSON.stringify(outcome.doc.data);
        if (migrated === JSON.stringify(row.data)) continue;
        await sql.query('UPDATE documents SET data = $3::jsonb WHERE collection = $1 AND id = $2', [row.collection, row.id, migrated]);
        result.migrated++;
      }
      await sql.query(
        `INSERT INTO document_schema (only_row, version) VALUES (true, $1) ON CONFLICT (only_row) DO UPDATE SET version = EXCLUDED.version`,
        [SCHEMA_VERSION],
      );
      return result;
    },
    { advisoryLock: LOCKS.migrations },
  );
}
