/**
 * The delivery job of the team server: every 15 minutes (Shanghai time) it sends the day's
 * digests once 08:30 has passed — so a server that was off at 08:30 catches up at start — and the
 * red alerts for what turned 红 since. Red alerts wait for the day's digest, which carries
 * everything already red, so nobody is told the same thing twice in a morning.
 * One process at a time (an advisory lock); the delivery keys make a rerun send nothing twice.
 */
import { Cron } from 'croner';
import {
  activeChannels,
  digestRecipients,
  EMPTY_NOTIFY_CHANNELS,
  EMPTY_NOTIFY_SECRETS,
  isReportingRoundDocId,
  NOTIFY_CHANNELS_DOC_ID,
  NOTIFY_SECRETS_DOC_ID,
  planDailyDigests,
  planRedAlerts,
  todayIso,
  type Bank,
  type DocumentStore,
  type Member,
  type NotifyChannelKind,
  type NotifyChannels,
  type NotifySecrets,
  type OutgoingMessage,
  type Project,
  type ReportingRound,
} from '@clearway/core';
import { LOCKS, type SqlClient, type SqlExecutor } from '../db/sqlClient';
import type { SchedulerLogger } from '../scheduler';
import { createChannelSenders, type ChannelSenders } from './channels';
import { deliver, DEFAULT_RETRY, loadSentKeys, type DeliveryOutcome, type RetryPolicy } from './delivery';

export const NOTIFY_TIME_ZONE = 'Asia/Shanghai';
/** The digest goes out from 08:30 Shanghai time. */
export const DIGEST_HOUR = 8;
export const DIGEST_MINUTE = 30;
export const NOTIFY_CHECK_PATTERN = '*/15 * * * *';

export interface NotifyDependencies {
  store: DocumentStore;
  client: SqlClient;
  now?: () => Date;
  logger?: SchedulerLogger;
  retry?: RetryPolicy;
  /** The address people open links at, e.g. https://clearway.example.gov.cn; null: no links. */
  appUrl?: string | null;
  /** Tests may swap the senders; by default the stored settings' fetch/nodemailer senders. */
  sendersFor?: (channels: NotifyChannels, secrets: NotifySecrets) => ChannelSenders;
}

export type NotifyOutcome =
  | { outcome: 'ran'; digestDue: boolean; outcomes: DeliveryOutcome[] }
  | { outcome: 'no-channels' }
  | { outcome: 'other-process' };

const shanghaiClock = new Intl.DateTimeFormat('en-GB', { timeZone: NOTIFY_TIME_ZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

export function isDigestTime(at: Date): boolean {
  const [hour, minute] = shanghaiClock.format(at).split(':').map(Number);
  return hour! > DIGEST_HOUR || (hour === DIGEST_HOUR && minute! >= DIGEST_MINUTE);
}

export async function readChannelSettings(store: DocumentStore): Promise<{ channels: NotifyChannels; secrets: NotifySecrets }> {
  const [channels, secrets] = await Promise.all([
    store.get<NotifyChannels>('settings', NOTIFY_CHANNELS_DOC_ID),
    store.get<NotifySecrets>('settings', NOTIFY_SECRETS_DOC_ID),
  ]);
  return { channels: channels?.data ?? EMPTY_NOTIFY_CHANNELS, secrets: secrets?.data ?? EMPTY_NOTIFY_SECRETS };
}

async function planNow(store: DocumentStore, kinds: readonly NotifyChannelKind[], sent: ReadonlySet<string>, at: Date, appUrl: string | null): Promise<{ digestDue: boolean; messages: OutgoingMessage[] }> {
  const [members, projects, banks, settings] = await Promise.all([
    store.query<Member>('members'),
    store.query<Project>('projects'),
    store.query<Bank>('banks'),
    store.query<ReportingRound>('settings'),
  ]);
  const reportingRounds = settings.filter((d) => isReportingRoundDocId(d.id)).map((d) => d.data);
  const docs = { projects: projects.map((d) => d.data), banks: banks.map((d) => d.data), reportingRounds };
  const recipients = digestRecipients(members.map((d) => d.data), docs, at);
  const digestDue = isDigestTime(at);
  if (!digestDue) return { digestDue, messages: [] };
  const input = { now: at, channels: kinds, recipients, appUrl };
  const digests = planDailyDigests({ ...input, sent });
  const afterDigests = new Set([...sent, ...digests.flatMap((m) => m.deliveryKeys)]);
  return { digestDue, messages: [...digests, ...planRedAlerts({ ...input, sent: afterDigests })] };
}

/** One check: the digest if due and not sent, then the red alerts. */
export async function runNotifyCheck(deps: NotifyDependencies): Promise<NotifyOutcome> {
  const now = deps.now ?? (() => new Date());
  const locked = await deps.client.withTryAdvisoryLock(LOCKS.notify, async (): Promise<NotifyOutcome> => {
    const { channels, secrets } = await readChannelSettings(deps.store);
    const kinds = activeChannels(channels, secrets);
    if (kinds.length === 0) return { outcome: 'no-channels' };
    const at = now();
    const sent = await loadSentKeys(deps.client);
    const { digestDue, messages } = await planNow(deps.store, kinds, sent, at, deps.appUrl ?? null);
    if (messages.length === 0) return { outcome: 'ran', digestDue, outcomes: [] };
    const senders = (deps.sendersFor ?? ((c, s) => createChannelSenders(c, s, now)))(channels, secrets);
    try {
      const outcomes = await deliver(deps.client, senders, messages, deps.retry ?? DEFAULT_RETRY);
      const failed = outcomes.filter((o) => o.status === 'failed');
      deps.logger?.info({ day: todayIso(at), sent: outcomes.length - failed.length, failed: failed.length }, 'notifications sent');
      return { outcome: 'ran', digestDue, outcomes };
    } finally {
      senders.close();
    }
  });
  return locked.ran ? locked.value : { outcome: 'other-process' };
}

/** A test message to one channel (the admin page's button), logged like any other send. */
export async function sendTestMessage(
  deps: Pick<NotifyDependencies, 'store' | 'now' | 'retry' | 'sendersFor'> & { sql: SqlExecutor },
  channel: NotifyChannelKind,
  to: string | null,
): Promise<DeliveryOutcome> {
  const now = deps.now ?? (() => new Date());
  const { channels, secrets } = await readChannelSettings(deps.store);
  const at = now();
  const day = todayIso(at);
  const subject = 'Clearway 测试消息 · test message';
  const body = `这是一条来自 Clearway 的测试消息（${at.toISOString()}）。收到即表示该渠道设置正确。\nThis is a test message from Clearway: the channel works.`;
  const message: OutgoingMessage = {
    key: `test:${channel}:${at.toISOString()}`,
    deliveryKeys: [],
    kind: 'test',
    channel,
    to: channel === 'email' ? to : null,
    recipientUid: null,
    day,
    subject,
    markdown: `### ${subject}\n${body}`,
    text: body,
    html: `<p>${body.replace(/\n/g, '<br>')}</p>`,
  };
  const senders = (deps.sendersFor ?? ((c, s) => createChannelSenders(c, s, now)))(channels, secrets);
  try {
    const [outcome] = await deliver(deps.sql, senders, [message], deps.retry ?? { attempts: 1, firstDelayMs: 0 });
    return outcome!;
  } finally {
    senders.close();
  }
}

export interface NotifyScheduler {
  readonly started: Promise<NotifyOutcome | null>;
  check(): Promise<NotifyOutcome | null>;
  stop(): Promise<void>;
}

export function startNotifyScheduler(deps: NotifyDependencies): NotifyScheduler {
  let running: Promise<NotifyOutcome | null> | null = null;
  let stopped = false;
  const check = (): Promise<NotifyOutcome | null> => {
    if (stopped) return Promise.resolve(null);
    running ??= runNotifyCheck(deps)
      .catch((error: unknown) => {
        deps.logger?.error({ err: error }, 'notification check failed; retried at the next check');
        return null;
      })
      .finally(() => {
        running = null;
      });
    return running;
  };
  const job = new Cron(NOTIFY_CHECK_PATTERN, { timezone: NOTIFY_TIME_ZONE, protect: true }, async () => {
    await check();
  });
  const started = check();
  return {
    started,
    check,
    async stop() {
      stopped = true;
      job.stop();
      await running;
    },
  };
}
