/**
 * The documented first-admin command, run as `npm run admin` runs it (the bundled CLI on a data
 * folder): it prints a password that signs the new admin in, and run again for the same email it
 * restores the member as an enabled admin with a new password.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Activity, Member } from '@clearway/core';
import { REPO_ROOT } from '../config';
import { openDatabase } from '../db';
import { AccountRepository } from '../auth/accounts';
import { verifyPassword } from '../auth/passwords';

const dataDir = mkdtempSync(join(tmpdir(), 'clearway-admin-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function makeAdmin(...args: string[]): string {
  return execFileSync(process.execPath, [join(REPO_ROOT, 'server', 'dist', 'makeAdmin.mjs'), ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, CLEARWAY_DATA_DIR: dataDir, DATABASE_URL: '', SESSION_SECRET: 'cli-test-secret-cli-test-secret-cli!' },
    encoding: 'utf8',
  });
}

async function inspect<T>(read: (db: Awaited<ReturnType<typeof openDatabase>>, accounts: AccountRepository) => Promise<T>): Promise<T> {
  const db = await openDatabase({ databaseUrl: null, dataDir });
  try {
    return await read(db, new AccountRepository((text, params) => db.sql(text, params), 'cli-test-secret-cli-test-secret-cli!'));
  } finally {
    await db.close();
  }
}

describe('npm run admin', () => {
  it('creates an admin member and account and prints a password that works', async () => {
    execFileSync(process.execPath, [join(REPO_ROOT, 'scripts', 'build-server.mjs')], { cwd: REPO_ROOT, stdio: 'ignore' });
    const output = makeAdmin('--email', 'Zhang.Wei@czj.gov.cn', '--name', '张伟');
    const password = /password: (\S+)/.exec(output)?.[1];
    expect(password).toMatch(/^[A-Za-z0-9]{16}$/);
    await inspect(async (db, accounts) => {
      const account = (await accounts.findByEmail('zhang.wei@czj.gov.cn'))!;
      expect(await verifyPassword(account.passwordHash, password!)).toBe(true);
      const member = await db.store.get<Member>('members', account.uid);
      expect(member?.data).toMatchObject({ name: '张伟', role: 'admin', bankId: null, disabled: false, email: 'zhang.wei@czj.gov.cn' });
      const history = await db.store.query<Activity>('activity');
      expect(history.map((record) => record.data.command)).toEqual(['member.upsert']);
    });
  }, 120_000);

  it('run again for the same email, restores the admin with a new password', async () => {
    const output = makeAdmin('--email', 'zhang.wei@czj.gov.cn');
    const password = /password: (\S+)/.exec(output)?.[1];
    await inspect(async (db, accounts) => {
      const account = (await accounts.findByEmail('zhang.wei@czj.gov.cn'))!;
      expect(await verifyPassword(account.passwordHash, password!)).toBe(true);
      expect((await db.store.get<Member>('members', account.uid))?.data.name).toBe('张伟');
    });
  }, 120_000);

  it('refuses a missing email with a usage line', () => {
    expect(() => makeAdmin('--name', '某人')).toThrow(/usage: npm run admin/);
  });
});
