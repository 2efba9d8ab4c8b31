import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  applyChannelSettings,
  NOTIFY_CHANNELS_DOC_ID,
  NOTIFY_SECRETS_DOC_ID,
  notifySetChannelsSchema,
  type DocumentStore,
  type Member,
  type NotifySetChannelsPayload,
} from '@clearway/core';
import { openDatabase, type Database } from '../db/database';
import { createProject, ICBC_LIAISON, run, STAFF } from '../testing/commandFixtures';
import { readDeliveryLog } from './delivery';
import { runNotifyCheck, sendTestMessage, startNotifyScheduler } from './job';
import { readableMail, startFakeRobots, startFakeSmtp, type FakeRobots, type FakeSmtp } from '../../../testing/fakeDelivery';

const DING_SECRET = 'SEC-test-secret';
const noWait = { attempts: 3, firstDelayMs: 1, sleep: async () => {} };

async function saveChannels(store: DocumentStore, input: unknown): Promise<void> {
  // What notify.setChannels stores (the command is tested in core).
  const payload: NotifySetChannelsPayload = notifySetChannelsSchema.parse(input);
  await store.runTransaction(async (tx) => {
    const channels = await tx.get('settings', NOTIFY_CHANNELS_DOC_ID);
    const secrets = await tx.get('settings', NOTIFY_SECRETS_DOC_ID);
    const next = applyChannelSettings(payload, { channels: (channels?.data ?? null) as never, secrets: (secrets?.data ?? null) as never });
    if (channels) tx.update('settings', NOTIFY_CHANNELS_DOC_ID, next.channels, channels.version);
    else tx.create('settings', NOTIFY_CHANNELS_DOC_ID, next.channels);
    if (secrets) tx.update('settings', NOTIFY_SECRETS_DOC_ID, next.secrets, secrets.version);
    else tx.create('settings', NOTIFY_SECRETS_DOC_ID, next.secrets);
  });
}

async function addMember(store: DocumentStore, member: Member): Promise<void> {
  await store.runTransaction(async (tx) => {
    tx.create('members', member.uid, member);
  });
}

describe('delivery to 企业微信, 钉钉 and e-mail on loopback', () => {
  let database: Database;
  let robots: FakeRobots;
  let smtp: FakeSmtp;
  let clock: Date;
  const now = () => clock;

  beforeAll(async () => {
    [database, robots, smtp] = await Promise.all([openDatabase({ dataDir: '' }), startFakeRobots(DING_SECRET), startFakeSmtp()]);
    await addMember(database.store, { uid: STAFF.uid, name: STAFF.name, email: 'staff@bureau.test', role: 'staff', bankId: null, disabled: false });
    await addMember(database.store, { uid: ICBC_LIAISON.uid, name: ICBC_LIAISON.name, email: 'icbc@bank.test', role: 'liaison', bankId: 'icbc', disabled: false });
    await addMember(database.store, { uid: 'u-viewer', name: '周国庆', email: 'leader@bureau.test', role: 'viewer', bankId: null, disabled: false });
  }, 60_000);

  afterAll(async () => {
    await Promise.all([database.close(), robots.close(), smtp.close()]);
  });

  const smtpSettings = () => ({ host: '127.0.0.1', port: smtp.port, secure: false, user: 'bot', from: 'Clearway <noreply@bureau.test>' });

  beforeEach(() => {
    robots.requests.length = 0;
    smtp.mails.length = 0;
  });

  it('nothing configured: nothing sent', async () => {
    clock = new Date('2026-03-10T02:00:00.000Z');
    expect(await runNotifyCheck({ store: database.store, client: database.client, now })).toEqual({ outcome: 'no-channels' });
  });

  it('the next morning: a decision recorded at the meeting reaches the 企业微信 group and the liaison by e-mail, once', async () => {
    await saveChannels(database.store, {
      wecomWebhookUrl: `${robots.url}/wecom?key=k1`,
      dingtalkWebhookUrl: `${robots.url}/dingtalk?access_token=t1`,
      dingtalkSecret: DING_SECRET,
      smtp: { ...smtpSettings(), password: 'smtp-pass' },
    });
    // The meeting, 2026-03-10 10:00 Shanghai: staff record a decision for 工商银行, due in a fortnight.
    const projectId = await createProject(database.store, '城南污水处理厂');
    clock = new Date('2026-03-10T02:00:00.000Z');
    await run(database.store, STAFF, 'assignment.add', { projectId, expectedVersion: 1, month: '2026-03', what: '出具授信批复意见', who: '工商银行', dueDate: '2026-03-24' }, clock);
    // Later that day the digest of the 10th (nothing due then) has been sent; record a clean slate for it.
    // 07:00 the next morning: not yet.
    clock = new Date('2026-03-10T23:00:00.000Z');
    expect(await runNotifyCheck({ store: database.store, client: database.client, now, retry: noWait })).toMatchObject({ outcome: 'ran', digestDue: false, outcomes: [] });
    expect(robots.requests).toHaveLength(0);

    // 08:30 on the 11th: the scheduler's check sends the day's digest.
    clock = new Date('2026-03-11T00:30:00.000Z');
    const scheduler = startNotifyScheduler({ store: database.store, client: database.client, now, retry: noWait, appUrl: 'https://clearway.test' });
    const started = await scheduler.started;
    await scheduler.stop();
    expect(started).toMatchObject({ outcome: 'ran', digestDue: true });

    const wecom = robots.requests.filter((r) => r.path === '/wecom');
    expect(wecom).toHaveLength(1);
    expect(wecom[0]!.body.msgtype).toBe('markdown');
    expect(wecom[0]!.body.markdown.content).toContain('Clearway 每日督办 · 2026-03-11');
    expect(wecom[0]!.body.markdown.content).toContain(`**${ICBC_LIAISON.name}**`);
    expect(wecom[0]!.body.markdown.content).toContain('出具授信批复意见');
    expect(wecom[0]!.body.markdown.content).toContain(`https://clearway.test/?project=${projectId}`);
    const dingtalk = robots.requests.filter((r) => r.path === '/dingtalk');
    expect(dingtalk).toHaveLength(1); // accepted: the fake robot checked the signature
    expect(dingtalk[0]!.query.get('access_token')).toBe('t1');

    const liaisonMail = smtp.mails.filter((m) => m.to.includes('icbc@bank.test'));
    expect(liaisonMail).toHaveLength(1);
    const text = readableMail(liaisonMail[0]!.raw);
    expect(text).toContain(`Clearway 每日待办 · ${ICBC_LIAISON.name} · 2026-03-11`);
    expect(text).toContain('出具授信批复意见（截止 2026-03-24）');
    expect(smtp.mails.some((m) => m.to.includes('leader@bureau.test'))).toBe(false);

    // A rerun the same morning (another tick, a restart) sends nothing twice.
    clock = new Date('2026-03-11T01:00:00.000Z');
    expect(await runNotifyCheck({ store: database.store, client: database.client, now, retry: noWait })).toMatchObject({ outcome: 'ran', outcomes: [] });
    expect(robots.requests).toHaveLength(2);
    expect(smtp.mails).toHaveLength(1);

    // The next day the assignment, green and already told, is not repeated: nothing is due, nothing is sent.
    clock = new Date('2026-03-12T00:45:00.000Z');
    expect(await runNotifyCheck({ store: database.store, client: database.client, now, retry: noWait })).toMatchObject({ outcome: 'ran', outcomes: [] });

    // It turns 红 on the 25th: that morning's digest carries it, and no separate alert follows.
    clock = new Date('2026-03-25T00:45:00.000Z');
    const overdue = await runNotifyCheck({ store: database.store, client: database.client, now, retry: noWait });
    expect(overdue).toMatchObject({ outcome: 'ran' });
    const mails = smtp.mails.map((m) => readableMail(m.raw));
    expect(mails.findLast((m) => m.includes(`每日待办 · ${ICBC_LIAISON.name}`))).toContain('【逾期】交办事项');
    expect(mails.findLast((m) => m.includes(`每日待办 · ${STAFF.name}`))).toContain('逾期交办');
    clock = new Date('2026-03-25T01:00:00.000Z');
    expect(await runNotifyCheck({ store: database.store, client: database.client, now, retry: noWait })).toMatchObject({ outcome: 'ran', outcomes: [] });

    const log = await readDeliveryLog(database.client);
    expect(log.every((entry) => entry.status === 'sent')).toBe(true);
    expect(log.some((entry) => entry.channel === 'dingtalk' && entry.kind === 'digest')).toBe(true);
  }, 60_000);

  it('a robot that fails twice is retried with backoff; one that stays down fails alone and is tried again at the next check', async () => {
    const projectId = await createProject(database.store, '城北供水工程');
    clock = new Date('2026-04-01T02:00:00.000Z');
    await run(database.store, STAFF, 'assignment.add', { projectId, expectedVersion: 1, month: '2026-04', what: '补充可研报告', who: '工商银行', dueDate: '2026-04-03' }, clock);
    clock = new Date('2026-04-02T00:40:00.000Z');
    const waits: number[] = [];
    robots.failNext(2, '/wecom'); // 企业微信 answers 503 twice, then takes the message
    const first = await runNotifyCheck({
      store: database.store,
      client: database.client,
      now,
      retry: { attempts: 3, firstDelayMs: 100, sleep: async (ms) => void waits.push(ms) },
    });
    expect(first.outcome).toBe('ran');
    const outcomes = first.outcome === 'ran' ? first.outcomes : [];
    expect(outcomes.filter((o) => o.status === 'sent').length).toBe(outcomes.length);
    expect(outcomes.filter((o) => o.channel === 'wecom').map((o) => o.attempts)).toEqual([3]);
    expect(outcomes.filter((o) => o.channel !== 'wecom').every((o) => o.attempts === 1)).toBe(true);
    expect(waits).toEqual([100, 200]);

    // 钉钉 is down (its signing secret went wrong: the robot refuses every message, no retry helps).
    await saveChannels(database.store, { dingtalkSecret: 'SEC-wrong', smtp: smtpSettings() });
    const laterProject = await createProject(database.store, '城西道路工程');
    clock = new Date('2026-04-02T03:00:00.000Z');
    // A blocker on 工商银行, already past its date when it is recorded: it is 红 at once.
    await run(database.store, STAFF, 'blocker.add', { projectId: laterProject, expectedVersion: 1, tag: 'credit', description: '抵押物评估未完成', party: '工商银行', dueDate: '2026-04-01' }, clock);
    robots.requests.length = 0;
    smtp.mails.length = 0;
    const alerts = await runNotifyCheck({ store: database.store, client: database.client, now, retry: noWait });
    const alertOutcomes = alerts.outcome === 'ran' ? alerts.outcomes : [];
    expect(alertOutcomes.filter((o) => o.channel === 'dingtalk').map((o) => o.status)).toEqual(['failed']);
    expect(alertOutcomes.filter((o) => o.channel !== 'dingtalk').every((o) => o.status === 'sent')).toBe(true);
    expect(robots.requests.filter((r) => r.path === '/wecom')).toHaveLength(1);
    expect(readableMail(smtp.mails.find((m) => m.to.includes('icbc@bank.test'))!.raw)).toContain('逾期提醒');
    const log = await readDeliveryLog(database.client, 5);
    expect(log.find((entry) => entry.channel === 'dingtalk')).toMatchObject({ status: 'failed', attempts: 1, kind: 'redAlert' });
    expect(log.find((entry) => entry.channel === 'dingtalk')!.error).toContain('310000');

    // Fixed: the next check sends 钉钉 what it missed, and only that.
    await saveChannels(database.store, { dingtalkSecret: DING_SECRET, smtp: smtpSettings() });
    robots.requests.length = 0;
    smtp.mails.length = 0;
    clock = new Date('2026-04-02T03:15:00.000Z');
    const retried = await runNotifyCheck({ store: database.store, client: database.client, now, retry: noWait });
    expect(retried.outcome === 'ran' ? retried.outcomes.map((o) => [o.channel, o.status]) : []).toEqual([['dingtalk', 'sent']]);
    expect(smtp.mails).toHaveLength(0);
  }, 60_000);

  it('an SMTP server that is down fails e-mail alone; a test message reports the outcome', async () => {
    await saveChannels(database.store, { smtp: { host: '127.0.0.1', port: 1, secure: false, user: null, from: 'Clearway <noreply@bureau.test>' } });
    const failed = await sendTestMessage({ store: database.store, sql: database.client, now }, 'email', 'staff@bureau.test');
    expect(failed.status).toBe('failed');
    const ok = await sendTestMessage({ store: database.store, sql: database.client, now }, 'wecom', null);
    expect(ok.status).toBe('sent');
    expect(robots.requests.at(-1)!.body.markdown.content).toContain('测试消息');
  }, 60_000);
});
