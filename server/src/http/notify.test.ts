import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TestClient, type TestServer } from '../testing/harness';
import { startFakeRobots, type FakeRobots } from '../../../testing/fakeDelivery';

let server: TestServer;
let robots: FakeRobots;
let admin: TestClient;
let staff: TestClient;
const SECRET = 'SEC-http-secret';

beforeAll(async () => {
  [server, robots] = await Promise.all([startTestServer({ sampleProjects: 4 }), startFakeRobots(SECRET)]);
  admin = new TestClient(server);
  staff = new TestClient(server);
  expect((await admin.signIn('admin@clearway.local')).status).toBe(200);
  expect((await staff.signIn('staff@clearway.local')).status).toBe(200);
}, 60_000);
afterAll(async () => {
  await Promise.all([server?.close(), robots?.close()]);
});

describe('delivery settings on the team server', () => {
  it('an admin saves the channels; no browser ever receives a secret; a test message is logged', async () => {
    const saved = await admin.command('notify.setChannels', {
      wecomWebhookUrl: `${robots.url}/wecom?key=secret-key`,
      dingtalkWebhookUrl: `${robots.url}/dingtalk?access_token=secret-token`,
      dingtalkSecret: SECRET,
      smtp: null,
    });
    expect(saved.status).toBe(200);
    expect(JSON.stringify(saved.body)).not.toMatch(/secret-key|secret-token|SEC-http/);

    for (const client of [admin, staff]) {
      const socket = await client.realtime();
      try {
        socket.send({ type: 'watchQuery', id: 1, collection: 'settings', spec: {} });
        const snapshot = await socket.next((m) => m.type === 'snapshot' && m.id === 1, { from: 0 });
        const ids = snapshot.docs!.map((doc) => doc.id);
        expect(ids).toContain('notifyChannels');
        expect(ids).not.toContain('notifySecrets');
        expect(JSON.stringify(snapshot.docs)).not.toMatch(/secret-key|secret-token|SEC-http/);
        socket.send({ type: 'watchDoc', id: 2, collection: 'settings', docId: 'notifySecrets' });
        expect((await socket.next((m) => m.type === 'doc' && m.id === 2, { from: 0 })).doc).toBeNull();
      } finally {
        socket.socket.close();
      }
    }
    const exported = await admin.request('GET', '/api/admin/export');
    expect(JSON.stringify(exported.body)).not.toMatch(/secret-key|secret-token|SEC-http/);

    const test = await admin.request<{ status: string }>('POST', '/api/admin/notify/test', { channel: 'dingtalk' });
    expect(test.body).toMatchObject({ status: 'sent' });
    expect(robots.requests.at(-1)).toMatchObject({ path: '/dingtalk' });
    const log = await admin.request<{ entries: { channel: string; kind: string; status: string }[] }>('GET', '/api/admin/deliveries');
    expect(log.body.entries[0]).toMatchObject({ channel: 'dingtalk', kind: 'test', status: 'sent' });
  }, 60_000);

  it('staff may neither save channels, read the log, nor send a test', async () => {
    expect((await staff.command('notify.setChannels', { wecomWebhookUrl: null, smtp: null })).status).toBe(403);
    expect((await staff.request('GET', '/api/admin/deliveries')).status).toBe(403);
    expect((await staff.request('POST', '/api/admin/notify/test', { channel: 'wecom' })).status).toBe(403);
    expect((await admin.request('POST', '/api/admin/notify/test', { channel: 'email', to: 'nobody' })).status).toBe(400);
  });
});
