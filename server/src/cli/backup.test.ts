import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError, exportWorkspace, type WorkspaceFile } from '@clearway/core';
import { createSampleWorkspace, seedStore } from '@clearway/core/sample';
import { DataFolderInUseError, openDatabase, type Database } from '../db';
import { approvedLine, createProject, ICBC_LIAISON, run, WAN } from '../testing/commandFixtures';
import { main as backupMain, backupWorkspace } from './backup';
import { main as restoreMain, restoreWorkspace } from './restore';

const NOW = new Date('2026-03-10T02:00:00.000Z');
let folder: string;

beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'clearway-backup-'));
});

afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});

/** The sample workspace, plus a project, a line and a tranche recorded through commands (activity included). */
async function seededDatabase(): Promise<Database> {
  const database = await openDatabase({ dataDir: '' });
  await seedStore(database.store, createSampleWorkspace({ now: NOW, projects: 12, seed: 7 }));
  const projectId = await createProject(database.store, '备份核对');
  const lineId = await approvedLine(database.store, projectId, 500 * WAN);
  await run(database.store, ICBC_LIAISON, 'line.addTranche', { lineId, expectedVersion: 2, date: '2026-03-01', amount: 120 * WAN });
  return database;
}

function withConfigEnvironment(dataDir: string): () => void {
  const previous = { CLEARWAY_DATA_DIR: process.env.CLEARWAY_DATA_DIR, DATABASE_URL: process.env.DATABASE_URL, SESSION_SECRET: process.env.SESSION_SECRET };
  process.env.CLEARWAY_DATA_DIR = dataDir;
  delete process.env.DATABASE_URL;
  process.env.SESSION_SECRET = 'a-session-secret-for-the-cli-test-only';
  return () => {
    for (const [key, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
}

describe('backup and restore, on PGlite', () => {
  // Opening a PGlite takes seconds: one source in memory, one data folder restored by the command line.
  it('restore-and-compare: a backup restored into an empty data folder exports the same workspace', async () => {
    const backupFile = join(folder, 'backup.json');
    const source = await seededDatabase();
    let original: WorkspaceFile;
    try {
      const result = await backupWorkspace(source, backupFile, () => NOW);
      original = await exportWorkspace(source.store, { now: () => NOW });
      expect(result.counts.projects).toBe(13);
      expect(result.counts.activity).toBeGreaterThan(0);
    } finally {
      await source.close();
    }
    expect(JSON.parse(readFileSync(backupFile, 'utf8'))).toEqual(original);

    const dataDir = join(folder, 'restored');
    const restoreEnvironment = withConfigEnvironment(dataDir);
    const log: string[] = [];
    const originalLog = console.log;
    console.log = (line: string) => log.push(line);
    const again = join(folder, 'again.json');
    try {
      await restoreMain([backupFile]);
      const target = await openDatabase({ dataDir });
      try {
        expect(await exportWorkspace(target.store, { now: () => NOW })).toEqual(original);
        // Every document came back at version 1, as core's import promises.
        const projects = await target.store.query('projects');
        expect(new Set(projects.map((doc) => doc.version))).toEqual(new Set([1]));

        // A second restore into the now non-empty workspace is refused and changes nothing; so is a file that is not JSON.
        const refusal = await restoreWorkspace(target, backupFile).catch((error: unknown) => error);
        expect(refusal).toBeInstanceOf(DomainError);
        expect((refusal as DomainError).messageKey).toBe('workspace.error.notEmpty');
        const garbage = join(folder, 'garbage.json');
        writeFileSync(garbage, '{ not json');
        await expect(restoreWorkspace(target, garbage)).rejects.toThrow(/not a JSON workspace file/);
        expect(await exportWorkspace(target.store, { now: () => NOW })).toEqual(original);

        // A running server holds the embedded database: the backup says so instead of corrupting it.
        await expect(backupMain(['--out', again])).rejects.toBeInstanceOf(DataFolderInUseError);
      } finally {
        await target.close();
      }
      await backupMain(['--out', again]);
    } finally {
      console.log = originalLog;
      restoreEnvironment();
    }
    expect(log.join('\n')).toMatch(/restored into the pglite workspace[\s\S]*written to .*again\.json/);
    expect((JSON.parse(readFileSync(again, 'utf8')) as WorkspaceFile).collections).toEqual(original.collections);
  }, 180_000);
});
