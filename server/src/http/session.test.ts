import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TestClient, type TestServer } from '../testing/harness';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ config: { loginMaxFailuresPerAccount: 3, loginMaxFailuresPerAddress: 8 } });
});
afterAll(async () => {
  await server?.close();
});

describe('health', () => {
  it('names the database and the version', async () => {
    const answer = await new TestClient(server).request('GET', '/api/health');
    expect(answer).toEqual({ status: 200, body: { ok: true, database: 'pglite', version: expect.any(String) } });
  });
});

describe('sign-in', () => {
  it('a right password gives the actor and an httpOnly SameSite=Lax session cookie', async () => {
    const response = await fetch(`${server.baseUrl}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: server.origin },
      body: JSON.stringify({ email: 'STAFF@clearway.local ', password: 'clearway-demo' }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ actor: { uid: 'u-staff', name: '王丽娟', role: 'staff', bankId: null, unit: null } });
    const cookie = response.headers.getSetCookie().find((value) => value.startsWith('clearway_session='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\//);
  });

  it('GET /api/session answers the actor of the cookie, 401 without one', async () => {
    const client = new TestClient(server);
    expect((await client.request('GET', '/api/session')).status).toBe(401);
    await client.signIn('icbc@clearway.local');
    expect(await client.request('GET', '/api/session')).toEqual({
      status: 200,
      body: { actor: { uid: 'u-liaison-icbc', name: '陈志强', role: 'liaison', bankId: 'icbc', unit: null } },
    });
  });

  it('a wrong password is 401 auth.error.badCredentials, and so is an unknown email', async () => {
    const client = new TestClient(server);
    for (const email of ['ceb@clearway.local', 'nobody@clearway.local']) {
      const answer = await client.signIn(email, 'not-the-password');
      expect(answer.status).toBe(401);
      expect(answer.body).toMatchObject({ error: { code: 'unauthenticated', messageKey: 'auth.error.badCredentials' } });
      expect(client.cookie).toBeNull();
    }
  });

  it('signing out ends the session: the cookie no longer works', async () => {
    const client = new TestClient(server);
    await client.signIn('leader@clearway.local');
    const cookie = client.cookie;
    expect((await client.request('DELETE', '/api/session')).status).toBe(200);
    client.cookie = cookie;
    expect((await client.request('GET', '/api/session')).status).toBe(401);
  });

  it('stores only a keyed hash of the session token', async () => {
    const client = new TestClient(server);
    await client.signIn('ccb@clearway.local');
    const token = client.cookie!.split('=')[1]!;
    const rows = await server.db.sql<{ token_hash: string }>('SELECT token_hash FROM sessions');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.some((row) => row.token_hash === token)).toBe(false);
    expect(rows.some((row) => row.token_hash === server.context.accounts.hashToken(token))).toBe(true);
  });

  it('stores argon2id password hashes', async () => {
    const rows = await server.db.sql<{ password_hash: string }>('SELECT password_hash FROM accounts');
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.password_hash).toMatch(/^\$argon2id\$/);
  });
});

describe('login rate limiting', () => {
  it('after too many failures on one account even the right password is refused with 429', async () => {
    const client = new TestClient(server);
    for (let i = 0; i < 3; i++) expect((await client.signIn('admin@clearway.local', `wrong-${i}`)).status).toBe(401);
    const answer = await client.signIn('admin@clearway.local');
    expect(answer.status).toBe(429);
    expect(answer.body).toMatchObject({ error: { code: 'resource-exhausted', messageKey: 'auth.error.tooManyAttempts' } });
    expect(client.cookie).toBeNull();
  });

  it('one address trying many accounts is throttled too', async () => {
    const client = new TestClient(server);
    // 3 failures above already came from this address; 5 more on fresh, unknown accounts reach 8.
    for (let i = 0; i < 5; i++) await client.signIn(`guess-${i}@clearway.local`, 'password-guess');
    const answer = await client.signIn('staff@clearway.local');
    expect(answer.status).toBe(429);
  });
});
