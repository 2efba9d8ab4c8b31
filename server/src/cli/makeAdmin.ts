/**
 * Makes (or restores) an administrator from the command line, for the first admin of a new server
 * and for an admin locked out:
 *
 *   npm run admin -- --email zhang.wei@czj.gov.cn --name 张伟
 *
 * Creates the member (role admin, through core's member.upsert, so it is validated and recorded in
 * the history) and their account, or, when the email has an account, makes that member an enabled
 * admin again; either way it sets a new generated password, prints it once, and ends the person's
 * sessions. On the embedded database stop the server first (PGlite serves one process at a time);
 * on PostgreSQL it can run beside the server.
 */
import { parseArgs } from 'node:util';
import { executeCommand } from '@clearway/core';
import type { Actor, Member } from '@clearway/core';
import { loadConfig } from '../config';
import { openDatabase } from '../db';
import { AccountRepository, normaliseEmail } from '../auth/accounts';
import { generatePassword, hashPassword } from '../auth/passwords';

/** Who the history names for changes made from the server's command line. */
export const CLI_ACTOR: Actor = { uid: 'system-cli', name: '服务器命令行', role: 'admin', bankId: null };

function usage(message: string): never {
  console.error(`${message}\nusage: npm run admin -- --email <email> --name <name>`);
  process.exit(2);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { email: { type: 'string' }, name: { type: 'string' } }, strict: true });
  const email = normaliseEmail(values.email ?? '');
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) usage('--email is missing or not an email address');
  const config = loadConfig();
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const accounts = new AccountRepository((text, params) => db.sql(text, params), config.sessionSecret);
    const account = await accounts.findByEmail(email);
    const uid = account?.uid ?? db.store.newId('members');
    const current = await db.store.get<Member>('members', uid);
    const name = values.name?.trim() || current?.data.name || '';
    if (!name) usage('--name is required for a new admin');
    await executeCommand(db.store, { actor: CLI_ACTOR, now: new Date() }, {
      name: 'member.upsert',
      payload: { uid, expectedVersion: current?.version ?? null, name, email, role: 'admin', bankId: null, disabled: false },
    });
    const password = generatePassword();
    const passwordHash = await hashPassword(password);
    if (account) {
      await accounts.setPassword(uid, passwordHash);
      await accounts.setDisabled(uid, false);
      await accounts.deleteSessionsOf(uid);
    } else {
      await accounts.create({ uid, email, passwordHash, disabled: false });
    }
    console.log(`${account ? 'Restored' : 'Created'} administrator ${name} <${email}>`);
    console.log(`password: ${password}`);
    console.log('Sign in with it and change it (top right → change password).');
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  const key = (error as { messageKey?: string }).messageKey;
  console.error('[clearway] admin:', key ?? (error instanceof Error ? error.message : String(error)));
  process.exit(1);
});
