/**
 * Failed sign-ins are counted in the database: the budget holds across two server processes on
 * one PostgreSQL (and under attempts racing through both), windows end on time, a right password
 * costs nothing, and a throttled attempt is told how long to wait. The address counts settled
 * failures only: an office behind one address signs in all at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeCommand, type Actor } from '@clearway/core';
import { openDatabase, type Database } from '../db';
import { startPostgresCluster, type PostgresCluster } from '../testing/postgresCluster';
import { startTestServer, TestClient, type TestServer } from '../testing/harness';
import { LoginThrottle } from './loginThrottle';
import { hashPassword } from './passwords';

const WINDOW_MS = 15 * 60_000;
const T0 = new Date('2026-03-02T01:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

describe('LoginThrottle on PGlite', () => {
  let db: Database;
  let throttle: LoginThrottle;
  beforeAll(async () => {
    db = await openDatabase({ dataDir: '' });
    throttle = new LoginThrottle((text, params) => db.sql(text, params), WINDOW_MS);
  });
  afterAll(async () => {
    await db?.close();
  });

  const failures = async (key: string) => (await db.sql<{ failures: number }>('SELECT failures FROM login_failures WHERE key = $1', [key]))[0]?.failures ?? 0;

  it('allows max failures in a window, then refuses with the seconds left until the window ends', async () => {
    const keys = [{ key: 'account:a@x', max: 3 }];
    for (let i = 0; i < 3; i++) expect((await throttle.attempt(keys, at(i * 1000))).allowed).toBe(true);
    const refused = await throttle.attempt(keys, at(60_000));
    expect(refused).toEqual({ allowed: false, retryAfterSeconds: WINDOW_MS / 1000 - 60 });
    // A refused attempt checked no password, so it is not counted.
    expect(await failures('account:a@x')).toBe(3);
    // The window ends 15 minutes after the first failure, and a new one starts from one.
    expect((await throttle.attempt(keys, at(WINDOW_MS))).allowed).toBe(true);
    expect(await failures('account:a@x')).toBe(1);
  });

  it('a released slot (a right password) gives the attempt back', async () => {
    const keys = [{ key: 'account:b@x', max: 2 }, { key: 'address:10.0.0.9', max: 10 }];
    for (let i = 0; i < 5; i++) {
      const attempt = await throttle.attempt(keys, at(i));
      expect(attempt.allowed).toBe(true);
      if (attempt.allowed) await throttle.release(attempt);
    }
    expect(await failures('account:b@x')).toBe(0);
    expect(await failures('address:10.0.0.9')).toBe(0);
  });

  it('refused on either key; the other key’s slot is given back', async () => {
    const address = { key: 'address:10.0.0.7', max: 2 };
    for (const email of ['c1@x', 'c2@x']) expect((await throttle.attempt([{ key: `account:${email}`, max: 5 }, address], at(0))).allowed).toBe(true);
    const refused = await throttle.attempt([{ key: 'account:c3@x', max: 5 }, address], at(1000));
    expect(refused.allowed).toBe(false);
    expect(await failures('account:c3@x')).toBe(0);
    expect(await failures('address:10.0.0.7')).toBe(2);
  });

  it('a settled key counts wrong passwords once known, never attempts in flight', async () => {
    const address = { key: 'address:10.0.0.5', max: 3, counts: 'settled' as const };
    // Ten attempts in flight at once: none is a failure yet, so none is refused.
    const inFlight = await Promise.all(Array.from({ length: 10 }, (_, i) => throttle.attempt([{ key: `account:s${i}@x`, max: 5 }, address], at(0))));
    expect(inFlight.every((attempt) => attempt.allowed)).toBe(true);
    expect(await failures('address:10.0.0.5')).toBe(0);
    // Three of them turn out wrong; the rest were right.
    for (const [i, attempt] of inFlight.entries()) {
      if (!attempt.allowed) continue;
      if (i < 3) await throttle.fail(attempt, at(1000));
      else await throttle.release(attempt);
    }
    expect(await failures('address:10.0.0.5')).toBe(3);
    expect(await failures('account:s0@x')).toBe(1);
    expect(await failures('account:s5@x')).toBe(0);
    // The address's budget is spent: the next attempt is refused before any password is checked.
    const refused = await throttle.attempt([{ key: 'account:s10@x', max: 5 }, address], at(2000));
    expect(refused).toEqual({ allowed: false, retryAfterSeconds: WINDOW_MS / 1000 - 1 });
    expect(await failures('account:s10@x')).toBe(0);
    // Its window opened with the first settled failure and ends on time.
    expect((await throttle.attempt([{ key: 'account:s11@x', max: 5 }, address], at(1000 + WINDOW_MS))).allowed).toBe(true);
  });

  it('an in-flight key bounds the attempts checked at once, and every settled attempt gives its slot back', async () => {
    const burst = { key: 'address-in-flight:10.0.0.9', max: 4, counts: 'inFlight' as const };
    const attempts = await Promise.all(Array.from({ length: 10 }, (_, i) => throttle.attempt([{ key: `account:b${i}@x`, max: 5 }, burst], at(0))));
    const allowed = attempts.filter((attempt) => attempt.allowed);
    // Exactly the budget gets checked; the rest are refused before any password is, and hold nothing.
    expect(allowed).toHaveLength(4);
    expect(await failures('address-in-flight:10.0.0.9')).toBe(4);
    // Whether right or wrong, a settled attempt frees its slot (wrong ones still count on the account).
    for (const [i, attempt] of allowed.entries()) {
      if (i % 2 === 0) await throttle.fail(attempt, at(1000));
      else await throttle.release(attempt);
    }
    expect(await failures('address-in-flight:10.0.0.9')).toBe(0);
    expect((await throttle.attempt([{ key: 'account:b20@x', max: 5 }, burst], at(2000))).allowed).toBe(true);
  });

  it('prune forgets ended windows only', async () => {
    await throttle.attempt([{ key: 'account:old@x', max: 5 }], at(0));
    await throttle.attempt([{ key: 'account:new@x', max: 5 }], at(WINDOW_MS - 1000));
    await throttle.prune(at(WINDOW_MS));
    expect(await failures('account:old@x')).toBe(0);
    expect(await failures('account:new@x')).toBe(1);
  });
});

describe('one office behind one address (the default budgets)', () => {
  let server: TestServer;
  const OFFICE = 50;
  const PASSWORD = 'office-password-1';
  const admin: Actor = { uid: 'u-admin', name: 'admin', role: 'admin', bankId: null, unit: null };
  beforeAll(async () => {
    server = await startTestServer({ sampleProjects: 4 });
    // One hash for every account: the test is about the throttle, not about hashing fifty times.
    const passwordHash = await hashPassword(PASSWORD);
    for (let i = 0; i < OFFICE; i++) {
      const uid = `office-${i}`;
      await executeCommand(
        server.db.store,
        { actor: admin, now: new Date() },
        { name: 'member.upsert', payload: { uid, expectedVersion: null, email: `office-${i}@clearway.local`, name: `科员${i}`, role: 'staff', bankId: null, disabled: false } },
      );
      await server.context.accounts.create({ uid, email: `office-${i}@clearway.local`, passwordHash, disabled: false });
    }
  });
  afterAll(async () => {
    await server?.close();
  });

  it(`${OFFICE} people signing in at the same moment from one address all get in`, async () => {
    expect(server.context.config.loginMaxFailuresPerAddress).toBeLessThan(OFFICE);
    const answers = await Promise.all(Array.from({ length: OFFICE }, (_, i) => new TestClient(server).signIn(`office-${i}@clearway.local`, PASSWORD)));
    expect(answers.map((answer) => answer.status)).toEqual(Array.from({ length: OFFICE }, () => 200));
    const rows = await server.db.sql<{ key: string; failures: number }>("SELECT key, failures FROM login_failures WHERE failures > 0");
    expect(rows).toEqual([]);
  });

  it('wrong passwords from the address still spend its budget, across accounts', async () => {
    const max = server.context.config.loginMaxFailuresPerAddress;
    for (let i = 0; i < max; i++) expect((await new TestClient(server).signIn(`office-${i % OFFICE}@clearway.local`, `wrong-${i}`)).status).toBe(401);
    const refused = await new TestClient(server).signIn(`office-${OFFICE - 1}@clearway.local`, PASSWORD);
    expect(refused.status).toBe(429);
  });
});

describe('two server processes on one PostgreSQL share the sign-in budget', () => {
  let cluster: PostgresCluster;
  let first: TestServer;
  let second: TestServer;
  beforeAll(async () => {
    cluster = await startPostgresCluster();
    const url = await cluster.createDatabase();
    const config = { loginMaxFailuresPerAccount: 4, loginMaxFailuresPerAddress: 1000 };
    first = await startTestServer({ databaseUrl: url, config });
    second = await startTestServer({ databaseUrl: url, seed: false, config });
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
    await cluster?.stop();
  });

  it('failures through either process count once: the budget is not doubled', async () => {
    const clients = [new TestClient(first), new TestClient(second)];
    for (let i = 0; i < 4; i++) expect((await clients[i % 2]!.signIn('staff@clearway.local', `wrong-${i}`)).status).toBe(401);
    for (const client of clients) {
      const response = await fetch(`${client.server.baseUrl}/api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: client.server.origin },
        body: JSON.stringify({ email: 'staff@clearway.local', password: 'clearway-demo' }),
      });
      expect(response.status).toBe(429);
      const retryAfter = Number(response.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(15 * 60);
      expect(await response.json()).toMatchObject({ error: { code: 'resource-exhausted', messageKey: 'auth.error.tooManyAttempts', params: { seconds: retryAfter } } });
    }
  });

  it('attempts racing through both processes at once check at most the budget of passwords', async () => {
    const clients = [new TestClient(first), new TestClient(second)];
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => clients[i % 2]!.signIn('ccb@clearway.local', `guess-${i}`)));
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses.filter((status) => status === 401)).toHaveLength(4);
    expect(statuses.filter((status) => status === 429)).toHaveLength(8);
    const [row] = await first.db.sql<{ failures: number }>("SELECT failures FROM login_failures WHERE key = 'account:ccb@clearway.local'");
    expect(row?.failures).toBe(4);
  });

  it('a right password through one process does not use up the other’s budget', async () => {
    const clients = [new TestClient(first), new TestClient(second)];
    for (let i = 0; i < 6; i++) expect((await clients[i % 2]!.signIn('leader@clearway.local')).status).toBe(200);
    expect((await clients[0]!.signIn('leader@clearway.local', 'wrong')).status).toBe(401);
    expect((await clients[1]!.signIn('leader@clearway.local')).status).toBe(200);
  });
});
