/**
 * The queried document fields as columns of `documents` of their own, so that a write which
 * leaves them alone is a HOT update.
 *
 * PostgreSQL can update a row in place on its page, without a new entry in any index (a HOT
 * update), only when no column an index covers changes. An expression index on `data` covers all
 * of `data`, so with the indexes written as `(data -> 'stage')` every command's update of a
 * project or a line was non-HOT and added an entry to the primary key and to each of the
 * collection's partial indexes (five for a project), which the commit paid for and vacuum cleaned.
 * With the queried fields copied into columns and the indexes on those columns, an update that
 * changes, say, a line's note but not its project or bank changes no indexed column: HOT, given
 * room on the page (the fillfactor leaves 15 %).
 *
 * A BEFORE trigger fills the columns from `data` on every insert and update, so they always
 * follow it (a write naming them is overwritten). Not STORED generated columns: PostgreSQL 15
 * plans a generated column's expression again for every statement that writes the table, and the
 * commit writes row by row — four of them cost ~80 µs per written row, the trigger ~1 µs.
 *
 * Four generic columns q1..q4, each holding for every collection the field that collection
 * queries in that slot (QUERY_COLUMNS), NULL where it queries none, rather than a column per field
 * name: no collection queries more than four fields, a NULL costs one bit of the row, and the
 * planner, before the table is first analyzed, sizes rows by their columns (eleven more columns
 * made it believe a collection holds one row, and pick any of its indexes). A column is filled
 * only for the collections that index it, so e.g. a member's rename changes no indexed column.
 * The CASE tests the same collection as the partial index and the query, so for the rows a query
 * reads the column IS `data -> field` and results cannot differ. A field compared as text (the
 * stall scan's ISO timestamps, by code point) is indexed as ((qN #>> '{}') COLLATE "C"), which is
 * `data -> … ->> field` for a string. querySql.ts emits exactly these expressions;
 * queryColumns.test.ts checks QUERY_COLUMNS against what the trigger writes.
 *
 * Projects stay non-HOT for now: every write of a project stamps stall.evaluatedAt (core's
 * evaluateStall), which documents_projects_stall_evaluated indexes.
 */
import type { CollectionName } from '@clearway/core';
import type { Migration } from './migrations';

/** Appended to MIGRATIONS: the query columns and their trigger, the indexes moved onto them, and the fillfactor. */
export const QUERY_COLUMNS_MIGRATION: Migration = {
  name: 'documents-query-columns',
  sql: `
    -- Dropped first, so that filling the columns below does not add entries to them.
    DROP INDEX documents_banks_name;
    DROP INDEX documents_projects_stage;
    DROP INDEX documents_projects_stall_next_check;
    DROP INDEX documents_projects_stall_evaluated;
    DROP INDEX documents_projects_name;
    DROP INDEX documents_loan_lines_project;
    DROP INDEX documents_loan_lines_bank;
    DROP INDEX documents_activity_project;
    DROP INDEX documents_activity_import;
    DROP INDEX documents_activity_project_bank;
    DROP INDEX documents_months_status;
    DROP INDEX documents_members_uid;
    DROP INDEX documents_letters_scope;

    ALTER TABLE documents SET (fillfactor = 85);
    ALTER TABLE documents ADD COLUMN q1 jsonb, ADD COLUMN q2 jsonb, ADD COLUMN q3 jsonb, ADD COLUMN q4 jsonb;
    CREATE FUNCTION documents_query_columns() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      NEW.q1 := CASE NEW.collection
        WHEN 'banks' THEN NEW.data -> 'name'
        WHEN 'projects' THEN NEW.data -> 'stage'
        WHEN 'loanLines' THEN NEW.data -> 'projectId'
        WHEN 'activity' THEN NEW.data -> 'projectId'
        WHEN 'months' THEN NEW.data -> 'status'
        WHEN 'members' THEN NEW.data -> 'uid'
        WHEN 'letters' THEN NEW.data -> 'scope'
      END;
      NEW.q2 := CASE NEW.collection
        WHEN 'projects' THEN NEW.data -> 'name'
        WHEN 'loanLines' THEN NEW.data -> 'bankId'
        WHEN 'activity' THEN NEW.data -> 'bankId'
      END;
      NEW.q3 := CASE NEW.collection
        WHEN 'projects' THEN NEW.data -> 'stall' -> 'nextCheckAt'
        WHEN 'activity' THEN NEW.data -> 'lineId'
      END;
      NEW.q4 := CASE NEW.collection
        WHEN 'projects' THEN NEW.data -> 'stall' -> 'evaluatedAt'
        WHEN 'activity' THEN NEW.data -> 'importId'
      END;
      RETURN NEW;
    END
    $$;
    CREATE TRIGGER documents_query_columns BEFORE INSERT OR UPDATE ON documents
      FOR EACH ROW EXECUTE FUNCTION documents_query_columns();
    -- The documents stored before: the trigger fills their columns.
    UPDATE documents SET data = data;

    -- The same indexes (names, predicates, column order) as before, on the columns.
    CREATE INDEX documents_banks_name ON documents (q1) WHERE collection = 'banks';
    CREATE INDEX documents_projects_stage ON documents (q1) WHERE collection = 'projects';
    CREATE INDEX documents_projects_name ON documents (q2) WHERE collection = 'projects';
    CREATE INDEX documents_projects_stall_next_check ON documents (((q3 #>> '{}') COLLATE "C")) WHERE collection = 'projects';
    CREATE INDEX documents_projects_stall_evaluated ON documents (((q4 #>> '{}') COLLATE "C")) WHERE collection = 'projects';
    CREATE INDEX documents_loan_lines_project ON documents (q1, q2) WHERE collection = 'loanLines';
    CREATE INDEX documents_loan_lines_bank ON documents (q2) WHERE collection = 'loanLines';
    CREATE INDEX documents_activity_project ON documents (q1, q3) WHERE collection = 'activity';
    CREATE INDEX documents_activity_project_bank ON documents (q1, q2) WHERE collection = 'activity' AND q2 IS NOT NULL;
    CREATE INDEX documents_activity_import ON documents (q4) WHERE collection = 'activity' AND q4 IS NOT NULL;
    CREATE INDEX documents_months_status ON documents (q1) WHERE collection = 'months';
    CREATE INDEX documents_members_uid ON documents (q1) WHERE collection = 'members';
    CREATE INDEX documents_letters_scope ON documents (q1) WHERE collection = 'letters';

    -- A database with documents gets the columns' statistics now; an empty one is left as never
    -- analyzed (statistics of no rows would make the planner believe it stays empty).
    DO $$ BEGIN IF EXISTS (SELECT FROM documents) THEN ANALYZE documents; END IF; END $$;
  `,
};

export type QueryColumnName = 'q1' | 'q2' | 'q3' | 'q4';

/** For each collection, its queried fields and the query column holding each (see above). */
export const QUERY_COLUMNS: Partial<Record<CollectionName, Readonly<Record<string, QueryColumnName>>>> = {
  banks: { name: 'q1' },
  projects: { stage: 'q1', name: 'q2', 'stall.nextCheckAt': 'q3', 'stall.evaluatedAt': 'q4' },
  loanLines: { projectId: 'q1', bankId: 'q2' },
  activity: { projectId: 'q1', bankId: 'q2', lineId: 'q3', importId: 'q4' },
  months: { status: 'q1' },
  members: { uid: 'q1' },
  letters: { scope: 'q1' },
};

/** The query column holding `field` for documents of `collection`, or null. */
export function queryColumn(collection: CollectionName, field: string): QueryColumnName | null {
  const fields = QUERY_COLUMNS[collection];
  // Own keys only: a field named `constructor` is data, not the object's prototype.
  return fields && Object.hasOwn(fields, field) ? fields[field]! : null;
}

/** A string field's text COLLATE "C" from its column, as the stall indexes are written. */
export function queryColumnText(column: QueryColumnName): string {
  return `((${column} #>> '{}') COLLATE "C")`;
}
