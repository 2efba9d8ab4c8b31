export { openDatabase, PGLITE_FOLDER, PGLITE_LOCK_FILE, DataFolderInUseError, type Database, type OpenDatabaseOptions } from './database';
export { PostgresDocumentStore, MAX_TRANSACTION_RETRIES, CHANGES_CHANNEL, type ChangeListener } from './postgresDocumentStore';
export { MIGRATIONS, applyMigrations, MigrationError, type Migration } from './migrations';
export { LOCKS, ADVISORY_LOCK_NAMESPACE, sqlState, type SqlClient, type SqlExecutor, type DatabaseKind, type AdvisoryLockKey } from './sqlClient';
export { PgChangeFeed } from './changeFeed';
