/**
 * `npm run backup` and `npm run restore` as the README gives them, on a PGlite data folder: the
 * scripts must load the server's own PGlite (the repository root holds an older one that cannot
 * read the folder), so the test runs the scripts themselves, not their functions.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { exportWorkspace, type WorkspaceFile } from '@clearway/core';
import { createSampleWorkspace, seedStore } from '@clearway/core/sample';
import { openDatabase } from '../db';

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const NOW = new Date('2026-03-10T02:00:00.000Z');
const folder = mkdtempSync(join(tmpdir(), 'clearway-npm-scripts-'));

afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});

function npmRun(script: string, args: string[], dataDir: string): string {
  return execFileSync('npm', ['run', '--silent', script, '--', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, CLEARWAY_DATA_DIR: dataDir, DATABASE_URL: '', SESSION_SECRET: 'a-session-secret-for-the-npm-script-test' },
    encoding: 'utf8',
    timeout: 150_000,
  });
}

describe('npm run backup / restore on a PGlite data folder', () => {
  it('back up a data folder and restore it into a new one, which then holds the same workspace', async () => {
    const sourceDir = join(folder, 'source');
    const source = await openDatabase({ dataDir: sourceDir });
    let original: WorkspaceFile;
    try {
      await seedStore(source.store, createSampleWorkspace({ now: NOW, projects: 6, seed: 3 }));
      original = await exportWorkspace(source.store, { now: () => NOW });
    } finally {
      await source.close();
    }

    const backupFile = join(folder, 'backup.json');
    expect(npmRun('backup', ['--out', backupFile], sourceDir)).toMatch(/backup of the pglite workspace written to/);
    expect((JSON.parse(readFileSync(backupFile, 'utf8')) as WorkspaceFile).collections).toEqual(original.collections);

    const restoredDir = join(folder, 'restored');
    expect(npmRun('restore', [backupFile], restoredDir)).toMatch(/restored into the pglite workspace[\s\S]*npm run admin/);
    const restored = await openDatabase({ dataDir: restoredDir });
    try {
      expect((await exportWorkspace(restored.store, { now: () => NOW })).collections).toEqual(original.collections);
    } finally {
      await restored.close();
    }
  }, 300_000);
});
