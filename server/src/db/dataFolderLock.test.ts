import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataFolderInUseError, lockDataFolder, PGLITE_LOCK_FILE } from './database';

describe('the PGlite data folder lock', () => {
  let folder: string;
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'clearway-lock-'));
  });
  afterEach(() => {
    rmSync(folder, { recursive: true, force: true });
  });
  const lockFile = () => join(folder, PGLITE_LOCK_FILE);

  it('is taken with this pid and given back on unlock', () => {
    const unlock = lockDataFolder(folder);
    expect(readFileSync(lockFile(), 'utf8')).toBe(String(process.pid));
    expect(() => lockDataFolder(folder)).toThrow(DataFolderInUseError);
    unlock();
    expect(existsSync(lockFile())).toBe(false);
    lockDataFolder(folder)();
  });

  it('refuses a folder a live process holds, naming it', () => {
    writeFileSync(lockFile(), String(process.ppid));
    expect(() => lockDataFolder(folder)).toThrow(new RegExp(`in use by process ${process.ppid}`));
    expect(readFileSync(lockFile(), 'utf8')).toBe(String(process.ppid));
  });

  it('takes over a lock left by a process that died, or by an earlier life with our pid', () => {
    writeFileSync(lockFile(), '2147483646');
    lockDataFolder(folder)();
    writeFileSync(lockFile(), String(process.pid));
    const unlock = lockDataFolder(folder);
    expect(readFileSync(lockFile(), 'utf8')).toBe(String(process.pid));
    unlock();
  });
});
