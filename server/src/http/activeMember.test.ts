/**
 * A command is checked against the members document inside its own transaction: the session
 * guard reads the member before the transaction, so an admin's disabling (or a role change) that
 * commits in between must still refuse the command, with nothing written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_IDENTITIES } from '@clearway/core/sample';
import type { LoanLine, Member, StoredDoc } from '@clearway/core';
import { ADMIN, run } from '../testing/commandFixtures';
import { startTestServer, TestClient, type TestServer } from '../testing/harness';

let server: TestServer;
const LIAISON = SAMPLE_IDENTITIES.find((member) => member.uid === 'u-liaison-icbc')!;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

/** Runs `change` on the members document right after the next request has been authenticated. */
function changeMemberAfterAuthentication(change: Partial<Member>): void {
  const authenticate = server.context.authenticate;
  server.context.authenticate = async (request) => {
    server.context.authenticate = authenticate;
    const signedIn = await authenticate(request);
    const member = (await server.db.store.get<Member>('members', LIAISON.uid))!;
    const { uid, email, name, role, bankId, disabled } = { ...member.data, ...change };
    await run(server.db.store, ADMIN, 'member.upsert', { uid, expectedVersion: member.version, email, name, role, bankId, disabled });
    return signedIn;
  };
}

async function noteOnOwnLine(client: TestClient, line: StoredDoc<LoanLine>) {
  return client.command('line.setNote', { lineId: line.id, expectedVersion: line.version, note: 'after the change' });
}

describe('the member is checked inside the command’s transaction', () => {
  it.each([
    ['disabled', { disabled: true }, 403, 'permission-denied', 'auth.error.disabled'],
    ['moved to another bank', { bankId: 'ceb' }, 401, 'unauthenticated', 'auth.error.sessionStale'],
  ] as const)('a liaison %s between sign-in check and transaction is refused, nothing written', async (_label, change, status, code, messageKey) => {
    await run(server.db.store, ADMIN, 'member.upsert', { ...LIAISON, expectedVersion: (await server.db.store.get('members', LIAISON.uid))!.version });
    const client = new TestClient(server);
    expect((await client.signIn(LIAISON.email!)).status).toBe(200);
    const line = (await server.db.store.query<LoanLine>('loanLines', { where: [{ field: 'bankId', op: '==', value: 'icbc' }], limit: 1 }))[0]!;
    const activityBefore = (await server.db.store.query('activity')).length;

    changeMemberAfterAuthentication(change);
    const answer = await noteOnOwnLine(client, line);

    expect(answer.status).toBe(status);
    expect(answer.body).toMatchObject({ error: { code, messageKey } });
    expect(await server.db.store.get('loanLines', line.id)).toEqual(line);
    // Only the admin's change itself was recorded.
    expect((await server.db.store.query('activity')).length).toBe(activityBefore + 1);
  });
});
