/**
 * The database schema as a versioned list, applied in order when the server opens the database.
 * A migration's version is its 1-based position in MIGRATIONS; `schema_migrations` records the
 * version and name of each one applied. NEVER edit, reorder or remove a migration once it has
 * shipped: append a new one (other parts of the server, e.g. accounts and sessions, append theirs).
 *
 * Documents live in ONE table keyed by (collection, id) rather than a table per collection: the
 * store's SQL stays generic (the collection is a literal in each query), a transaction spanning
 * collections validates and writes with one statement each, and one sequence orders every commit
 * for the change feed. Each query the app runs gets a partial index on that collection alone,
 * written with exactly the expressions querySql.ts generates, so the planner matches them:
 *   banks     name ==                                    (admin: bank names are unique)
 *   projects  stage == order rank; stall.nextCheckAt <= / stall.evaluatedAt < (the stall scan)
 *   loanLines projectId ==/in (+ bankId ==: a liaison's lines of a project); bankId == (我的银行)
 *   activity  projectId == (+ lineId == null, or + bankId ==) order at desc (a project's history)
 *   months    status == closed (month close)
 * and, appended later: projects name ==, activity importId == (ledger import), members uid ==.
 */
import { LOCKS, type SqlClient } from './sqlClient';
import { ACCOUNTS_AND_SESSIONS_MIGRATION } from '../auth/schema';
import { LOGIN_THROTTLE_MIGRATION } from '../auth/loginThrottle';
import { CHANGE_LOG_HORIZON_MIGRATION } from './changeLog';
import {
  COMMIT_BATCH_FUNCTION_MIGRATION,
  COMMIT_FUNCTION_JSONB_ARRAYS_MIGRATION,
  COMMIT_FUNCTION_LEAN_MIGRATION,
  COMMIT_FUNCTION_MIGRATION,
  COMMIT_FUNCTION_ONE_LOCK_STATEMENT_MIGRATION,
  COMMIT_FUNCTION_ROW_WRITES_MIGRATION,
} from './commitFunction';
import { DOCUMENT_SCHEMA_MIGRATION } from './storedDocuments';

export interface Migration {
  /** Stable, unique, recorded beside the version: a renamed or reordered migration is detected. */
  name: string;
  /** One or more statements, run in one transaction. */
  sql: string;
}

export const MIGRATIONS: Migration[] = [
  {
    name: 'documents',
    sql: `
      CREATE TABLE documents (
        collection text COLLATE "C" NOT NULL,
        id text COLLATE "C" NOT NULL,
        version integer NOT NULL CHECK (version >= 1),
        data jsonb NOT NULL,
        -- the commit (document_changes.seq) that last wrote the row: a transaction's reads are
        -- validated against it, so a document deleted and created again never passes for the old one
        seq bigint NOT NULL,
        PRIMARY KEY (collection, id)
      );
      CREATE SEQUENCE document_commit_seq;
      -- One row per document written by a commit: a change listener resumes from what it last
      -- saw (see document-changes-by-transaction). Pruned after a day.
      CREATE TABLE document_changes (
        seq bigint NOT NULL,
        collection text COLLATE "C" NOT NULL,
        id text COLLATE "C" NOT NULL,
        version integer,
        at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (seq, collection, id)
      );
      CREATE INDEX document_changes_at ON document_changes (at);

      CREATE INDEX documents_banks_name ON documents ((data -> 'name')) WHERE collection = 'banks';
      CREATE INDEX documents_projects_stage ON documents ((data -> 'stage')) WHERE collection = 'projects';
      CREATE INDEX documents_projects_stall_next_check ON documents (((data -> 'stall' ->> 'nextCheckAt') COLLATE "C"))
        WHERE collection = 'projects';
      CREATE INDEX documents_projects_stall_evaluated ON documents (((data -> 'stall' ->> 'evaluatedAt') COLLATE "C"))
        WHERE collection = 'projects';
      CREATE INDEX documents_loan_lines_project ON documents ((data -> 'projectId'), (data -> 'bankId'))
        WHERE collection = 'loanLines';
      CREATE INDEX documents_loan_lines_bank ON documents ((data -> 'bankId')) WHERE collection = 'loanLines';
      CREATE INDEX documents_activity_project ON documents ((data -> 'projectId'), (data -> 'lineId'))
        WHERE collection = 'activity';
      CREATE INDEX documents_months_status ON documents ((data -> 'status')) WHERE collection = 'months';
    `,
  },
  {
    name: 'scheduled-job-runs',
    sql: `
      -- The last day (Asia/Shanghai, YYYY-MM-DD) each daily job ran, to catch up a missed day at start.
      CREATE TABLE scheduled_job_runs (
        job text PRIMARY KEY,
        last_day text NOT NULL,
        ran_at timestamptz NOT NULL DEFAULT now()
      );
    `,
  },
  // Accounts and sessions (server/src/auth): sign-in data beside the members documents.
  ACCOUNTS_AND_SESSIONS_MIGRATION,
  {
    name: 'document-changes-by-transaction',
    sql: `
      -- Commits no longer take turns (they lock only what they touch, so PostgreSQL can flush
      -- concurrent commits together), so seq order is not visibility order: a change listener
      -- follows transaction ids and snapshots instead (changeFeed.ts). PostgreSQL 13 or later.
      ALTER TABLE document_changes ADD COLUMN txid xid8 NOT NULL DEFAULT pg_current_xact_id();
      CREATE INDEX document_changes_txid ON document_changes (txid);
    `,
  },
  {
    name: 'documents-ledger-and-policy-indexes',
    sql: `
      -- The ledger import (a project by name, an import's records) and the read policy (a member
      -- reads their own member document; a liaison a project's records of the bank's own lines).
      CREATE INDEX documents_projects_name ON documents ((data -> 'name')) WHERE collection = 'projects';
      CREATE INDEX documents_activity_import ON documents ((data -> 'importId')) WHERE collection = 'activity';
      CREATE INDEX documents_activity_project_bank ON documents ((data -> 'projectId'), (data -> 'bankId'))
        WHERE collection = 'activity';
      CREATE INDEX documents_members_uid ON documents ((data -> 'uid')) WHERE collection = 'members';
    `,
  },
  {
    name: 'delivery-log',
    sql: `
      -- The reminders and digests sent to 企业微信 / 钉钉 / e-mail (server/src/notify): every try's
      -- outcome for the admin page, and the delivery keys of what went out, so a rerun sends nothing twice.
      CREATE TABLE delivery_log (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        message_key text NOT NULL,
        kind text NOT NULL,
        channel text NOT NULL,
        recipient text,
        recipient_uid text,
        day text NOT NULL,
        subject text NOT NULL,
        status text NOT NULL CHECK (status IN ('sent', 'failed')),
        attempts integer NOT NULL,
        error text
      );
      CREATE TABLE delivery_keys (
        key text PRIMARY KEY,
        sent_at timestamptz NOT NULL DEFAULT now()
      );
    `,
  },
  // The schema version of the stored documents and their quarantine (storedDocuments.ts).
  DOCUMENT_SCHEMA_MIGRATION,
  // Failed sign-ins counted in the database, so every process on it counts the same (auth/loginThrottle.ts).
  LOGIN_THROTTLE_MIGRATION,
  // What the change log's pruning removed, so a feed away past the retention resyncs (changeLog.ts).
  CHANGE_LOG_HORIZON_MIGRATION,
  // A commit as one statement (locks, validation, writes, change rows, NOTIFY), and the change rows' origin (commitFunction.ts).
  COMMIT_FUNCTION_MIGRATION,
  COMMIT_FUNCTION_ROW_WRITES_MIGRATION,
  {
    name: 'documents-letters-scope-index',
    sql: `
      -- The 工作提醒函 page reads the letters issued in its scope (a meeting's, or a day's) out of
      -- the year's thousands (core/src/followUp/letterRegister.ts).
      CREATE INDEX documents_letters_scope ON documents ((data -> 'scope')) WHERE collection = 'letters';
    `,
  },
  // Writes check their own preconditions, the commit answers with its seq, and may check a session (commitFunction.ts).
  COMMIT_FUNCTION_LEAN_MIGRATION,
  // The commit's locks in one statement (commitFunction.ts).
  COMMIT_FUNCTION_ONE_LOCK_STATEMENT_MIGRATION,
  // The commit's writes and queries as jsonb arrays, not arrays of JSON texts (commitFunction.ts).
  COMMIT_FUNCTION_JSONB_ARRAYS_MIGRATION,
  {
    name: 'documents-sparse-activity-indexes',
    sql: `
      -- Every command inserts an activity record, and every index on documents gets an entry for
      -- it. Only ledger imports' records carry an importId, and only line records a bankId: the
      -- queries by those fields (core's ledger import; a liaison's records of a project, by its
      -- bank) compare them with = , which implies IS NOT NULL, so these partial indexes still
      -- serve them and the other records no longer add entries.
      DROP INDEX documents_activity_import;
      CREATE INDEX documents_activity_import ON documents ((data -> 'importId'))
        WHERE collection = 'activity' AND (data -> 'importId') IS NOT NULL;
      DROP INDEX documents_activity_project_bank;
      CREATE INDEX documents_activity_project_bank ON documents ((data -> 'projectId'), (data -> 'bankId'))
        WHERE collection = 'activity' AND (data -> 'bankId') IS NOT NULL;
    `,
  },
  // Group commit: several transactions' commits in one statement, each checked on its own (commitFunction.ts).
  COMMIT_BATCH_FUNCTION_MIGRATION,
];

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

/** Applies the migrations not applied yet, under a lock so processes starting together take turns. */
export async function applyMigrations(client: SqlClient, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  const names = new Set<string>();
  for (const migration of migrations) {
    if (names.has(migration.name)) throw new MigrationError(`Duplicate migration name ${migration.name}`);
    names.add(migration.name);
  }
  return client.transaction(
    async (sql) => {
      await sql.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version integer PRIMARY KEY,
        name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
      const applied = await sql.query<{ version: number; name: string }>('SELECT version, name FROM schema_migrations ORDER BY version');
      for (const row of applied) {
        const known = migrations[row.version - 1];
        if (!known) throw new MigrationError(`The database has schema version ${row.version} (${row.name}), newer than this server knows: upgrade the server`);
        if (known.name !== row.name) {
          throw new MigrationError(`Migration ${row.version} is ${row.name} in the database but ${known.name} here: a shipped migration was edited or reordered`);
        }
      }
      const appliedNow: number[] = [];
      for (let index = applied.length; index < migrations.length; index++) {
        const migration = migrations[index]!;
        await sql.exec(migration.sql);
        await sql.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [index + 1, migration.name]);
        appliedNow.push(index + 1);
      }
      return appliedNow;
    },
    { advisoryLock: LOCKS.migrations },
  );
}
