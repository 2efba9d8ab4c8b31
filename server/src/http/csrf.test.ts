import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TestClient, type TestServer } from '../testing/harness';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ config: { allowedOrigins: ['https://board.example.gov.cn'] } });
});
afterAll(async () => {
  await server?.close();
});

const moveOf = async (client: TestClient) => {
  const projects = await server.db.store.query<{ stage: string }>('projects', { where: [{ field: 'stage', op: '==', value: 'pipeline' }], limit: 1 });
  const project = projects[0]!;
  return client.command('project.setActionPlan', { projectId: project.id, expectedVersion: project.version, actionPlan: 'csrf' });
};

describe('Origin check (CSRF)', () => {
  it('a command from another site is refused with 403 errors.request.badOrigin and writes nothing', async () => {
    const signedIn = new TestClient(server);
    await signedIn.signIn('staff@clearway.local');
    const forged = new TestClient(server, 'http://evil.example.com');
    forged.cookie = signedIn.cookie;
    const activityBefore = (await server.db.store.query('activity')).length;
    const answer = await moveOf(forged);
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({ error: { code: 'permission-denied', messageKey: 'errors.request.badOrigin' } });
    expect((await server.db.store.query('activity')).length).toBe(activityBefore);
  });

  it('a request without Origin is refused, sign-in included', async () => {
    const client = new TestClient(server, null);
    expect((await client.signIn('staff@clearway.local')).status).toBe(403);
  });

  it('an allow-listed origin and the server’s own are accepted', async () => {
    const own = new TestClient(server);
    expect((await own.signIn('staff@clearway.local')).status).toBe(200);
    const listed = new TestClient(server, 'https://board.example.gov.cn');
    expect((await listed.signIn('staff@clearway.local')).status).toBe(200);
    expect((await moveOf(listed)).status).toBe(200);
  });

  it('the WebSocket upgrade from another site is refused', async () => {
    const signedIn = new TestClient(server);
    await signedIn.signIn('staff@clearway.local');
    const forged = new TestClient(server, 'http://evil.example.com');
    forged.cookie = signedIn.cookie;
    await expect(forged.realtime()).rejects.toThrow(/403/);
  });

  it('GET requests need no Origin', async () => {
    const client = new TestClient(server, null);
    expect((await client.request('GET', '/api/health')).status).toBe(200);
  });
});
