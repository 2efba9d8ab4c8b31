/**
 * The documented bootstrap of the first administrator: functions/scripts/make-admin.mjs against
 * the emulators, then the new admin signs in and runs an admin-only command.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Member } from '@clearway/core';
import { callFunction, countDocs, emulators, idTokenFor, readDoc } from './support/client';

const script = fileURLToPath(new URL('../../functions/scripts/make-admin.mjs', import.meta.url));

function makeAdmin(args: string[]) {
  const env = emulators();
  return spawnSync(process.execPath, [script, '--project', env.projectId, ...args], {
    encoding: 'utf8',
    env: {
      ...process.env,
      FIRESTORE_EMULATOR_HOST: env.firestoreHost,
      FIREBASE_AUTH_EMULATOR_HOST: env.authHost,
      METADATA_SERVER_DETECTION: 'none',
    },
  });
}

describe('make-admin bootstrap', () => {
  it('creates an admin who can then administer the workspace', async () => {
    const activityBefore = await countDocs('activity');
    const run = makeAdmin(['--email', 'First.Admin@Bureau.example', '--name', '第一管理员', '--password', 'first-admin-pw']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('is now an administrator');

    const token = await idTokenFor('first.admin@bureau.example', 'first-admin-pw');
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as { role?: string; user_id: string };
    expect(claims.role).toBe('admin');
    const member = await readDoc<Member>('members', claims.user_id);
    expect(member).toMatchObject({ version: 1, data: { role: 'admin', bankId: null, disabled: false, name: '第一管理员' } });
    expect(await countDocs('activity')).toBe(activityBefore + 1);

    const outcome = await callFunction(
      'command',
      { name: 'bank.upsert', payload: { expectedVersion: null, name: '首个管理员添加的银行', category: 'village', agreementAmount: 0 } },
      token,
    );
    expect(outcome.ok).toBe(true);
  });

  it('refuses to run without a valid email', () => {
    const run = makeAdmin(['--email', 'not-an-email']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('usage');
  });
});
