/**
 * The scheduled `notifications` function's handler, called directly against the Firestore protocol
 * server (the store the command function uses, secrets in serverSecrets), with fake 企业微信 / 钉钉
 * robots and an SMTP server on loopback: one digest per person and robot a day, nothing when nothing
 * is due, a rerun sends nothing twice, a channel that is down is retried with backoff, logged, and
 * sent at the next check without holding up the others.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deleteApp, initializeApp, type App } from 'firebase-admin/app';
import { getFirestore, type Firestore } from 'firebase-admin/firestore';
import { executeCommand, type Actor, type CommandInputs, type DocumentStore, type Project } from '@clearway/core';
import { createSampleWorkspace, sampleActor, SAMPLE_IDENTITIES, seedStore } from '@clearway/core/sample';
import { FirestoreDocumentStore } from '../firestoreDocumentStore';
import { withReadProjections } from '../readProjections';
import { readableMail, startFakeRobots, startFakeSmtp, type FakeRobots, type FakeSmtp } from '../../../testing/fakeDelivery';
import { startFirestoreProtocolServer, type RunningFirestoreServer } from '../testing/firestoreProtocolServer';
import { runNotifications, type RetryPolicy } from './notify';

const DING_SECRET = 'SEC-functions-test';
const SEEDED_AT = new Date('2026-03-09T02:00:00.000Z');
const actor = (uid: string): Actor => sampleActor(SAMPLE_IDENTITIES.find((m) => m.uid === uid)!);
const ADMIN = actor('u-admin');
const STAFF = actor('u-staff');
const ICBC = SAMPLE_IDENTITIES.find((m) => m.uid === 'u-liaison-icbc')!;
const noWait: RetryPolicy = { attempts: 3, firstDelayMs: 1, sleep: async () => {} };

let server: RunningFirestoreServer;
let app: App;
let db: Firestore;
let store: DocumentStore;
let robots: FakeRobots;
let smtp: FakeSmtp;
let clock = SEEDED_AT;
const now = () => clock;

async function run<N extends keyof CommandInputs>(who: Actor, name: N, payload: CommandInputs[N]): Promise<void> {
  await executeCommand(store, { actor: who, now: clock }, { name, payload } as Parameters<typeof executeCommand>[2]);
}

async function deliveryLog(): Promise<Record<string, unknown>[]> {
  return (await db.collection('deliveryLog').get()).docs.map((doc) => doc.data()).sort((a, b) => String(a.at).localeCompare(String(b.at)));
}

function mailsTo(address: string): string[] {
  return smtp.mails.filter((m) => m.to.includes(address)).map((m) => readableMail(m.raw));
}

async function assignFor(who: string, what: string, dueDate: string): Promise<string> {
  const [first] = await store.query<Project>('projects', { limit: 1 });
  await run(STAFF, 'assignment.add', { projectId: first!.id, expectedVersion: first!.version, month: dueDate.slice(0, 7), what, who, dueDate });
  return first!.id;
}

beforeAll(async () => {
  process.env.METADATA_SERVER_DETECTION = 'none';
  [server, robots, smtp] = await Promise.all([startFirestoreProtocolServer(), startFakeRobots(DING_SECRET), startFakeSmtp()]);
  process.env.FIRESTORE_EMULATOR_HOST = server.host;
  app = initializeApp({ projectId: 'demo-notifications' }, `notifications-${Date.now()}`);
  db = getFirestore(app);
  store = withReadProjections(new FirestoreDocumentStore(db));
  // The members, banks and settings of the sample; its projects come later (nothing is due before).
  const ws = createSampleWorkspace({ now: SEEDED_AT, projects: 6 });
  await seedStore(store, { ...ws, projects: [], loanLines: [] });
  await run(ADMIN, 'notify.setChannels', {
    wecomWebhookUrl: `${robots.url}/wecom?key=k1`,
    dingtalkWebhookUrl: `${robots.url}/dingtalk?access_token=t1`,
    dingtalkSecret: DING_SECRET,
    smtp: { host: '127.0.0.1', port: smtp.port, secure: false, user: 'bot', password: 'smtp-pass', from: 'Clearway <noreply@bureau.test>' },
  });
  await store.runTransaction(async (tx) => {
    for (const project of ws.projects) tx.create('projects', project.id, project);
    for (const line of ws.loanLines) tx.create('loanLines', line.id, line);
  });
}, 120_000);

afterAll(async () => {
  await deleteApp(app);
  await Promise.all([robots.close(), smtp.close()]);
  server.stop();
});

beforeEach(() => {
  robots.requests.length = 0;
  robots.hits.clear();
  smtp.mails.length = 0;
});

describe('the notifications scheduled function', () => {
  it('sends nothing when nothing is due, and nothing before 08:30', async () => {
    // A second workspace on the same server: the channels set, members, no project at all.
    const emptyApp = initializeApp({ projectId: 'demo-notifications-empty' }, `notifications-empty-${Date.now()}`);
    const emptyDb = getFirestore(emptyApp);
    const emptyStore = withReadProjections(new FirestoreDocumentStore(emptyDb));
    const ws = createSampleWorkspace({ now: SEEDED_AT, projects: 0 });
    await seedStore(emptyStore, ws);
    await executeCommand(emptyStore, { actor: ADMIN, now: SEEDED_AT }, {
      name: 'notify.setChannels',
      payload: { wecomWebhookUrl: `${robots.url}/wecom?key=k1`, smtp: { host: '127.0.0.1', port: smtp.port, secure: false, user: null, from: 'Clearway <noreply@bureau.test>' } },
    });
    const morning = new Date('2026-03-10T01:00:00.000Z'); // 09:00 in Shanghai
    expect(await runNotifications(emptyDb, emptyStore, () => morning, null, noWait)).toEqual({ sent: 0, failed: 0 });
    expect((await emptyDb.collection('deliveryLog').get()).size).toBe(0);
    await deleteApp(emptyApp);

    // The real workspace has due items, but at 08:00 the day's digest is not due yet.
    clock = new Date('2026-03-10T00:00:00.000Z');
    expect(await runNotifications(db, store, now, null, noWait)).toEqual({ sent: 0, failed: 0 });
    expect(robots.hits.size).toBe(0);
    expect(smtp.mails).toHaveLength(0);
  }, 60_000);

  it('sends one digest a day to each person and each robot, and a rerun sends nothing twice', async () => {
    clock = new Date('2026-03-10T02:00:00.000Z');
    const projectId = await assignFor('工商银行', '出具授信批复意见', '2026-03-24');
    clock = new Date('2026-03-11T00:35:00.000Z'); // 08:35 the next morning
    const summary = await runNotifications(db, store, now, 'https://clearway.test', noWait);
    expect(summary.failed).toBe(0);

    const wecom = robots.requests.filter((r) => r.path === '/wecom');
    expect(wecom).toHaveLength(1);
    expect(wecom[0]!.body.markdown.content).toContain('Clearway 每日督办 · 2026-03-11');
    expect(wecom[0]!.body.markdown.content).toContain('出具授信批复意见');
    expect(wecom[0]!.body.markdown.content).toContain(`https://clearway.test/?project=${projectId}`);
    // Accepted only with a valid 加签 signature.
    expect(robots.requests.filter((r) => r.path === '/dingtalk')).toHaveLength(1);

    const recipients = smtp.mails.flatMap((m) => m.to);
    expect(new Set(recipients).size).toBe(recipients.length);
    const liaison = mailsTo(ICBC.email!);
    expect(liaison).toHaveLength(1);
    expect(liaison[0]).toContain(`Clearway 每日待办 · ${ICBC.name} · 2026-03-11`);
    expect(liaison[0]).toContain('出具授信批复意见（截止 2026-03-24）');
    // A viewer gets no digest.
    expect(mailsTo(SAMPLE_IDENTITIES.find((m) => m.role === 'viewer')!.email!)).toEqual([]);
    expect(summary.sent).toBe(2 + smtp.mails.length);

    const log = await deliveryLog();
    expect(log).toHaveLength(summary.sent);
    expect(log.every((entry) => entry.status === 'sent' && entry.kind === 'digest' && entry.attempts === 1 && entry.day === '2026-03-11')).toBe(true);
    expect(log.filter((entry) => entry.channel === 'email').map((entry) => entry.recipient).sort()).toEqual([...recipients].sort());

    // Another tick of the schedule the same morning, or a rerun after a crash: nothing again.
    const before = { hits: [...robots.hits.values()].reduce((a, b) => a + b, 0), mails: smtp.mails.length };
    clock = new Date('2026-03-11T00:50:00.000Z');
    expect(await runNotifications(db, store, now, 'https://clearway.test', noWait)).toEqual({ sent: 0, failed: 0 });
    clock = new Date('2026-03-11T08:00:00.000Z');
    expect(await runNotifications(db, store, now, 'https://clearway.test', noWait)).toEqual({ sent: 0, failed: 0 });
    expect([...robots.hits.values()].reduce((a, b) => a + b, 0)).toBe(before.hits);
    expect(smtp.mails).toHaveLength(before.mails);
    expect(await deliveryLog()).toHaveLength(summary.sent);
  }, 60_000);

  it('retries a robot that is down with backoff, logs it failed without holding up the others, and sends it at the next check', async () => {
    clock = new Date('2026-03-12T00:10:00.000Z');
    await assignFor('工商银行', '补充可研报告', '2026-03-20');
    clock = new Date('2026-03-12T00:40:00.000Z');
    robots.failNext(3, '/wecom'); // 企业微信 answers 503 to every attempt of this check
    const waits: number[] = [];
    const logBefore = (await deliveryLog()).length;
    const summary = await runNotifications(db, store, now, null, { attempts: 3, firstDelayMs: 100, sleep: async (ms) => void waits.push(ms) });
    expect(summary.failed).toBe(1);
    expect(robots.hits.get('/wecom')).toBe(3);
    expect(waits).toEqual([100, 200]);
    expect(robots.requests.filter((r) => r.path === '/dingtalk')).toHaveLength(1);
    expect(mailsTo(ICBC.email!).some((mail) => mail.includes('补充可研报告'))).toBe(true);
    const log = (await deliveryLog()).slice(logBefore);
    const failed = log.filter((entry) => entry.status === 'failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ channel: 'wecom', kind: 'digest', attempts: 3, day: '2026-03-12' });
    expect(String(failed[0]!.error)).toContain('503');

    // The robot is back: the next check sends it what it missed, and nobody anything twice.
    robots.requests.length = 0;
    smtp.mails.length = 0;
    clock = new Date('2026-03-12T00:55:00.000Z');
    expect(await runNotifications(db, store, now, null, noWait)).toEqual({ sent: 1, failed: 0 });
    expect(robots.requests.map((r) => r.path)).toEqual(['/wecom']);
    expect(robots.requests[0]!.body.markdown.content).toContain('补充可研报告');
    expect(smtp.mails).toHaveLength(0);
  }, 60_000);

  it('gives up at once on a refusal no retry can help (钉钉 with a wrong signing secret)', async () => {
    await run(ADMIN, 'notify.setChannels', {
      dingtalkSecret: 'SEC-wrong',
      smtp: { host: '127.0.0.1', port: smtp.port, secure: false, user: 'bot', from: 'Clearway <noreply@bureau.test>' },
    });
    clock = new Date('2026-03-13T00:40:00.000Z');
    const logBefore = (await deliveryLog()).length;
    const summary = await runNotifications(db, store, now, null, noWait);
    const log = (await deliveryLog()).slice(logBefore);
    const dingtalk = log.filter((entry) => entry.channel === 'dingtalk');
    expect(dingtalk).toHaveLength(1);
    expect(dingtalk[0]).toMatchObject({ status: 'failed', attempts: 1 });
    expect(String(dingtalk[0]!.error)).toContain('310000');
    expect(robots.hits.get('/dingtalk')).toBe(1);
    expect(summary.failed).toBe(1);
    expect(log.filter((entry) => entry.channel !== 'dingtalk').every((entry) => entry.status === 'sent')).toBe(true);
  }, 60_000);
});
