import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Member } from '@clearway/core';
import { startTestServer, TestClient, type TestServer } from '../testing/harness';
import { CONFIG_SCRIPT, CONFIG_SCRIPT_HASH } from './spa';

let server: TestServer;
let admin: TestClient;
const webDist = mkdtempSync(join(tmpdir(), 'clearway-web-'));

beforeAll(async () => {
  mkdirSync(join(webDist, 'assets'));
  writeFileSync(join(webDist, 'index.html'), '<!doctype html><html><head><title>t</title></head><body><script type="module" src="/assets/app.js"></script></body></html>');
  writeFileSync(join(webDist, 'assets', 'app.js'), 'console.log(1)');
  server = await startTestServer({ config: { webDist } });
  admin = new TestClient(server);
  expect((await admin.signIn('admin@clearway.local')).status).toBe(200);
});
afterAll(async () => {
  await server?.close();
});

describe('admin: members and passwords', () => {
  it('creates a member with an account and a generated password they can sign in with', async () => {
    const answer = await admin.request<{ uid: string; temporaryPassword: string }>('POST', '/api/admin/members', {
      email: 'New.Person@czj.gov.cn',
      name: '新同事',
      role: 'staff',
      bankId: null,
    });
    expect(answer.status).toBe(200);
    const { uid, temporaryPassword } = answer.body;
    expect(temporaryPassword).toMatch(/^[A-Za-z0-9]{16}$/);
    expect((await server.db.store.get<Member>('members', uid))?.data).toMatchObject({ uid, name: '新同事', role: 'staff', email: 'new.person@czj.gov.cn', disabled: false });
    const person = new TestClient(server);
    expect((await person.signIn('new.person@czj.gov.cn', temporaryPassword)).body).toEqual({ actor: { uid, name: '新同事', role: 'staff', bankId: null, unit: null } });

    const again = await admin.request('POST', '/api/admin/members', { email: 'new.person@czj.gov.cn', name: '重复', role: 'viewer' });
    expect(again.status).toBe(409);
  });

  it('refuses a bad member and creates no account', async () => {
    const before = (await server.db.sql('SELECT uid FROM accounts')).length;
    const answer = await admin.request('POST', '/api/admin/members', { email: 'x@czj.gov.cn', name: '', role: 'boss' });
    expect(answer.status).toBe(400);
    expect((await server.db.sql('SELECT uid FROM accounts')).length).toBe(before);
  });

  it('only admins may create members', async () => {
    const staff = new TestClient(server);
    await staff.signIn('staff@clearway.local');
    const answer = await staff.request('POST', '/api/admin/members', { email: 'y@czj.gov.cn', name: '某人', role: 'staff' });
    expect(answer.status).toBe(403);
    expect((await staff.request('GET', '/api/admin/export')).status).toBe(403);
  });

  it('a password reset gives a new password and ends the person’s sessions', async () => {
    const viewer = new TestClient(server);
    await viewer.signIn('leader@clearway.local');
    const answer = await admin.request<{ temporaryPassword: string }>('POST', '/api/admin/members/u-viewer/password');
    expect(answer.status).toBe(200);
    expect((await viewer.request('GET', '/api/session')).status).toBe(401);
    expect((await new TestClient(server).signIn('leader@clearway.local')).status).toBe(401);
    expect((await new TestClient(server).signIn('leader@clearway.local', answer.body.temporaryPassword)).status).toBe(200);
  });

  it('changing one’s own password needs the current one and signs out the other sessions', async () => {
    const here = new TestClient(server);
    const elsewhere = new TestClient(server);
    await here.signIn('ccb@clearway.local');
    await elsewhere.signIn('ccb@clearway.local');
    const wrong = await here.request('POST', '/api/session/password', { currentPassword: 'nope', newPassword: 'a-new-long-password' });
    expect(wrong.status).toBe(400);
    const short = await here.request('POST', '/api/session/password', { currentPassword: 'clearway-demo', newPassword: 'short' });
    expect(short.status).toBe(400);
    const ok = await here.request('POST', '/api/session/password', { currentPassword: 'clearway-demo', newPassword: 'a-new-long-password' });
    expect(ok.status).toBe(200);
    expect((await here.request('GET', '/api/session')).status).toBe(200);
    expect((await elsewhere.request('GET', '/api/session')).status).toBe(401);
    expect((await new TestClient(server).signIn('ccb@clearway.local', 'a-new-long-password')).status).toBe(200);
  });

  it('exports the workspace file; importing into a non-empty workspace is refused and writes nothing', async () => {
    const exported = await admin.request<{ collections: Record<string, unknown[]> }>('GET', '/api/admin/export');
    expect(exported.status).toBe(200);
    expect(exported.body.collections.projects!.length).toBe((await server.db.store.query('projects')).length);
    const before = (await server.db.store.query('projects')).length;
    const refused = await admin.request('POST', '/api/admin/import', exported.body);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: { code: 'failed-precondition', messageKey: 'workspace.error.notEmpty' } });
    expect((await server.db.store.query('projects')).length).toBe(before);
  });
});

describe('the SPA', () => {
  it('serves index.html with the server backend config and a CSP that allows exactly that script', async () => {
    for (const path of ['/', '/board', '/projects/abc?x=1']) {
      const response = await fetch(`${server.baseUrl}${path}`);
      expect(response.status, path).toBe(200);
      const html = await response.text();
      expect(html).toContain(CONFIG_SCRIPT);
      expect(html.indexOf(CONFIG_SCRIPT)).toBeLessThan(html.indexOf('<script type="module"'));
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp).toContain(`'sha256-${CONFIG_SCRIPT_HASH}'`);
      expect(csp).not.toContain('upgrade-insecure-requests');
    }
  });

  it('serves built assets as files, and a missing asset is a 404, not the app', async () => {
    const asset = await fetch(`${server.baseUrl}/assets/app.js`);
    expect(asset.status).toBe(200);
    expect(await asset.text()).toBe('console.log(1)');
    expect((await fetch(`${server.baseUrl}/assets/missing.js`)).status).toBe(404);
  });
});

describe('import on a fresh server', () => {
  it('replaces a workspace that holds only the importing admin, who stays signed in', async () => {
    const { MemoryDocumentStore, exportWorkspace } = await import('@clearway/core');
    const { createSampleWorkspace, seedStore } = await import('@clearway/core/sample');
    const { createMemberWithAccount } = await import('./adminRoutes');
    const source = new MemoryDocumentStore();
    await seedStore(source, createSampleWorkspace({ projects: 6 }));
    const file = await exportWorkspace(source);

    const fresh = await startTestServer({ seed: false });
    try {
      const setupActor = { uid: 'system-cli', name: '服务器命令行', role: 'admin' as const, bankId: null };
      await createMemberWithAccount(fresh.context, setupActor, { email: 'chief@czj.gov.cn', name: '局长', role: 'admin', password: 'chief-password-1' });
      // member.upsert keeps which parties have a member; that is member administration too, and gives way.
      expect((await fresh.db.store.get('settings', 'partyContacts'))?.data).toEqual({ bankIds: [], units: [] });
      const chief = new TestClient(fresh);
      expect((await chief.signIn('chief@czj.gov.cn', 'chief-password-1')).status).toBe(200);

      const imported = await chief.request<{ counts: Record<string, number> }>('POST', '/api/admin/import', file);
      expect(imported.status).toBe(200);
      expect(imported.body.counts.projects).toBe(6);
      expect((await fresh.db.store.query('projects')).length).toBe(6);
      expect((await fresh.db.store.get('members', 'u-staff'))).not.toBeNull();
      expect((await fresh.db.store.get('settings', 'partyContacts'))?.data).toEqual((await source.get('settings', 'partyContacts'))?.data);
      expect((await chief.request('GET', '/api/session')).status).toBe(200);

      const again = await chief.request('POST', '/api/admin/import', file);
      expect(again.status).toBe(409);
      expect((await fresh.db.store.query('projects')).length).toBe(6);
    } finally {
      await fresh.close();
    }
  });
});
