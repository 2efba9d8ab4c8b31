/**
 * A command may take its session from memory (looked up by an earlier request) instead of the
 * database; a session ended where this process cannot see it (another process signing the person
 * out: here, the row deleted behind its back) must still refuse the next command, as a sign-in
 * required, with nothing written, whether the command would have committed or been refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_IDENTITIES } from '@clearway/core/sample';
import type { Project, StoredDoc } from '@clearway/core';
import { startTestServer, TestClient, type TestServer } from '../testing/harness';

let server: TestServer;
const STAFF = SAMPLE_IDENTITIES.find((member) => member.uid === 'u-staff')!;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

const activityCount = async () => (await server.db.store.query('activity')).length;

async function signedInWithOneCommand(project: StoredDoc<Project>): Promise<TestClient> {
  const client = new TestClient(server);
  expect((await client.signIn(STAFF.email!)).status).toBe(200);
  const first = await client.command('project.setActionPlan', { projectId: project.id, expectedVersion: project.version, actionPlan: 'first' });
  expect(first.status).toBe(200);
  return client;
}

describe('a command’s session from memory', () => {
  it('ended behind this process’s back: the next command is 401 and writes nothing, committing or refused', async () => {
    const [project] = await server.db.store.query<Project>('projects', { where: [{ field: 'stage', op: '==', value: 'pipeline' }], limit: 1 });
    const client = await signedInWithOneCommand(project!);
    const current = (await server.db.store.get<Project>('projects', project!.id))!;
    // A second command within the minute takes the session from memory.
    const second = await client.command('project.setActionPlan', { projectId: current.id, expectedVersion: current.version, actionPlan: 'second' });
    expect(second.status).toBe(200);

    // Another process signs the person out (its own memory is not this one's).
    await server.db.sql('DELETE FROM sessions WHERE uid = $1', [STAFF.uid]);
    const before = (await server.db.store.get<Project>('projects', project!.id))!;
    const activityBefore = await activityCount();
    const committing = await client.command('project.setActionPlan', { projectId: before.id, expectedVersion: before.version, actionPlan: 'after sign-out' });
    expect(committing.status).toBe(401);
    expect(committing.body).toMatchObject({ error: { code: 'unauthenticated', messageKey: 'auth.error.signInRequired' } });
    // One that would be refused (a stale version) tells nothing but the sign-in either.
    const refused = await client.command('project.setActionPlan', { projectId: before.id, expectedVersion: 1, actionPlan: 'stale' });
    expect(refused.status).toBe(401);
    expect(await server.db.store.get('projects', project!.id)).toEqual(before);
    expect(await activityCount()).toBe(activityBefore);
  });

  it('of a person an admin disables in this process: their next command is refused at once', async () => {
    const [project] = await server.db.store.query<Project>('projects', { where: [{ field: 'stage', op: '==', value: 'matched' }], limit: 1 });
    const client = await signedInWithOneCommand(project!);
    const admin = new TestClient(server);
    expect((await admin.signIn('admin@clearway.local')).status).toBe(200);
    const member = (await server.db.store.get<{ email: string; name: string; role: string; bankId: string | null }>('members', STAFF.uid))!;
    const disabled = await admin.command('member.upsert', {
      uid: STAFF.uid,
      expectedVersion: member.version,
      email: member.data.email,
      name: member.data.name,
      role: member.data.role,
      bankId: member.data.bankId,
      disabled: true,
    });
    expect(disabled.status).toBe(200);
    const before = (await server.db.store.get<Project>('projects', project!.id))!;
    const activityBefore = await activityCount();
    const answer = await client.command('project.setActionPlan', { projectId: before.id, expectedVersion: before.version, actionPlan: 'after disabling' });
    expect(answer.status).toBe(401);
    expect(await server.db.store.get('projects', project!.id)).toEqual(before);
    expect(await activityCount()).toBe(activityBefore);
  });
});
