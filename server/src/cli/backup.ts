/**
 * `npm run backup -- [--out <file>]`: writes the whole workspace as core's versioned
 * workspace file (the same file the admin page exports), from the database the server's config
 * names (DATABASE_URL, else the PGlite folder in CLEARWAY_DATA_DIR). On PGlite the server must be
 * stopped first (the embedded database allows one process; the admin page's export works while it
 * runs). Where PostgreSQL runs, `pg_dump` backs up accounts and sessions as well.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { exportWorkspace, type CollectionName } from '@clearway/core';
import { loadConfig } from '../config';
import { openDatabase, type Database } from '../db';

export interface BackupResult {
  file: string;
  counts: Record<CollectionName, number>;
}

export function defaultBackupName(now: Date): string {
  return `clearway-backup-${now.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-')}.json`;
}

/** Exports the workspace of `database` into `file`, written aside and renamed so a half file never exists. */
export async function backupWorkspace(database: Pick<Database, 'store'>, file: string, now: () => Date = () => new Date()): Promise<BackupResult> {
  const workspace = await exportWorkspace(database.store, { now });
  const partial = `${file}.partial-${process.pid}`;
  writeFileSync(partial, `${JSON.stringify(workspace, null, 1)}\n`, { mode: 0o600 });
  renameSync(partial, file);
  const counts = Object.fromEntries(Object.entries(workspace.collections).map(([name, docs]) => [name, docs.length])) as Record<CollectionName, number>;
  return { file, counts };
}

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { out: { type: 'string', short: 'o' } } });
  const config = loadConfig();
  const file = resolve(values.out ?? defaultBackupName(new Date()));
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const { counts } = await backupWorkspace(database, file);
    console.log(`[clearway] backup of the ${database.kind} workspace written to ${file}`);
    console.log(`[clearway] ${Object.entries(counts).map(([name, count]) => `${name} ${count}`).join(', ')}`);
  } finally {
    await database.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(`[clearway] backup failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}
