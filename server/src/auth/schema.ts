/**
 * The accounts and sessions tables, appended to server-db's migration list (db/migrations.ts).
 * The members document stays the source of truth for name, role, bank and disabled; an account
 * holds only what signing in needs. Never edit a migration once it has shipped: append a new one.
 */
export const ACCOUNTS_AND_SESSIONS_MIGRATION: { name: string; sql: string } = {
  name: 'auth-accounts-and-sessions',
  sql: `
      CREATE TABLE accounts (
        uid text PRIMARY KEY,
        email text NOT NULL UNIQUE,
        password_hash text NOT NULL,
        disabled boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        password_changed_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE sessions (
        token_hash text PRIMARY KEY,
        uid text NOT NULL REFERENCES accounts (uid) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL
      );
      CREATE INDEX sessions_uid ON sessions (uid);
      CREATE INDEX sessions_expires_at ON sessions (expires_at);
    `,
};
