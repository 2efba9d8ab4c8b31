/**
 * `npm run restore -- <file>`: loads a workspace file (a backup, or the admin page's
 * export) into the database the server's config names. Core's importWorkspace validates and
 * migrates the file and refuses a workspace that is not empty, so a restore never mixes two
 * workspaces; on PGlite the server must be stopped first. Versions start again at 1.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DomainError, importWorkspace, type CollectionName } from '@clearway/core';
import { loadConfig } from '../config';
import { openDatabase, type Database } from '../db';

export async function restoreWorkspace(database: Pick<Database, 'store'>, file: string): Promise<{ counts: Record<CollectionName, number> }> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file} is not a JSON workspace file: ${error instanceof Error ? error.message : String(error)}`);
  }
  return importWorkspace(database.store, parsed);
}

function describeRefusal(error: unknown): string {
  if (error instanceof DomainError) {
    if (error.messageKey === 'workspace.error.notEmpty') {
      return `the workspace is not empty (it has ${String(error.params.collection)}): restore into a new data folder or an empty database`;
    }
    return `${error.messageKey} ${JSON.stringify(error.params)}`;
  }
  return error instanceof Error ? error.message : String(error);
}

export async function main(argv: string[]): Promise<void> {
  const { positionals } = parseArgs({ args: argv, allowPositionals: true });
  if (positionals.length !== 1) throw new Error('usage: restore <workspace-file.json>');
  const file = resolve(positionals[0]!);
  const config = loadConfig();
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const { counts } = await restoreWorkspace(database, file);
    console.log(`[clearway] ${file} restored into the ${database.kind} workspace`);
    console.log(`[clearway] ${Object.entries(counts).map(([name, count]) => `${name} ${count}`).join(', ')}`);
    // Accounts and passwords are not part of the workspace file (pg_dump keeps them).
    console.log('[clearway] sign-ins are not in the file: make an administrator with `npm run admin -- --email … --name …`, who resets the others\' passwords on the admin page');
  } finally {
    await database.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(`[clearway] restore failed: ${describeRefusal(error)}`);
    process.exitCode = 1;
  });
}
