/**
 * The scheduled delivery on Firebase, as the team server's (server/src/notify): every 15 minutes
 * (Shanghai time) the day's digests once 08:30 has passed, then the red alerts; core plans them,
 * this sends them to the 企业微信 / 钉钉 robots (fetch, 钉钉 signed) and by SMTP (nodemailer),
 * retried with backoff, each outcome in `deliveryLog`, the delivery keys of what went out in
 * `deliveryKeys` so a rerun sends nothing twice. Both collections are server-only (the rules
 * deny every client). The team server's copy of the senders is tested against loopback robots
 * and an SMTP server; this one follows it line for line.
 */
import { createHmac } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { Firestore } from 'firebase-admin/firestore';
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
  type Bank,
  type DocumentStore,
  type Member,
  type NotifyChannels,
  type NotifySecrets,
  type OutgoingMessage,
  type Project,
  type ReportingRound,
} from '@clearway/core';

const shanghaiClock = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

function isDigestTime(at: Date): boolean {
  const [hour, minute] = shanghaiClock.format(at).split(':').map(Number);
  return hour! > 8 || (hour === 8 && minute! >= 30);
}

class DeliveryError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

async function postRobot(url: string, body: unknown): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
  } catch (error) {
    throw new DeliveryError(`robot unreachable: ${(error as Error).message}`, true);
  }
  if (!response.ok) throw new DeliveryError(`robot answered HTTP ${response.status}`, response.status >= 500 || response.status === 429);
  const answer = (await response.json().catch(() => ({}))) as { errcode?: unknown; errmsg?: unknown };
  if (answer.errcode !== 0) throw new DeliveryError(`robot refused: ${String(answer.errcode)} ${String(answer.errmsg ?? '')}`, answer.errcode === 45009 || answer.errcode === 130101);
}

function signedDingtalkUrl(webhookUrl: string, secret: string | null, timestampMs: number): string {
  if (!secret) return webhookUrl;
  const url = new URL(webhookUrl);
  url.searchParams.set('timestamp', String(timestampMs));
  url.searchParams.set('sign', createHmac('sha256', secret).update(`${timestampMs}\n${secret}`).digest('base64'));
  return url.toString();
}

function senders(channels: NotifyChannels, secrets: NotifySecrets, now: () => Date) {
  const smtp = channels.smtp;
  const transport = smtp
    ? nodemailer.createTransport({ host: smtp.host, port: smtp.port, secure: smtp.secure, auth: smtp.user ? { user: smtp.user, pass: secrets.smtpPassword ?? '' } : undefined })
    : null;
  return {
    async send(message: OutgoingMessage): Promise<void> {
      if (message.channel === 'wecom') {
        if (!secrets.wecomWebhookUrl) throw new DeliveryError('企业微信 robot not set', false);
        return postRobot(secrets.wecomWebhookUrl, { msgtype: 'markdown', markdown: { content: message.markdown.slice(0, 1300) } });
      }
      if (message.channel === 'dingtalk') {
        if (!secrets.dingtalkWebhookUrl) throw new DeliveryError('钉钉 robot not set', false);
        const url = signedDingtalkUrl(secrets.dingtalkWebhookUrl, secrets.dingtalkSecret, now().getTime());
        return postRobot(url, { msgtype: 'markdown', markdown: { title: message.subject, text: message.markdown } });
      }
      if (!transport || !smtp || !message.to) throw new DeliveryError('SMTP not set', false);
      try {
        await transport.sendMail({ from: smtp.from, to: message.to, subject: message.subject, text: message.text, html: message.html });
      } catch (error) {
        const code = (error as { responseCode?: number }).responseCode;
        throw new DeliveryError(`smtp: ${(error as Error).message}`, !(typeof code === 'number' && code >= 500));
      }
    },
    close: () => transport?.close(),
  };
}

/** How a failed send is tried again: `attempts` in all, waiting `firstDelayMs`, then twice as long each time. */
export interface RetryPolicy {
  attempts: number;
  firstDelayMs: number;
  sleep: (ms: number) => Promise<void>;
}

const DEFAULT_RETRY: RetryPolicy = { attempts: 4, firstDelayMs: 2_000, sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

export interface NotifySummary {
  sent: number;
  failed: number;
}

/** One check; `db` holds the delivery log and keys, `store` the workspace. */
export async function runNotifications(
  db: Firestore,
  store: DocumentStore,
  now: () => Date,
  appUrl: string | null,
  retry: RetryPolicy = DEFAULT_RETRY,
): Promise<NotifySummary> {
  const [channelsDoc, secretsDoc] = await Promise.all([store.get<NotifyChannels>('settings', NOTIFY_CHANNELS_DOC_ID), store.get<NotifySecrets>('settings', NOTIFY_SECRETS_DOC_ID)]);
  const channels = channelsDoc?.data ?? EMPTY_NOTIFY_CHANNELS;
  const secrets = secretsDoc?.data ?? EMPTY_NOTIFY_SECRETS;
  const kinds = activeChannels(channels, secrets);
  const at = now();
  if (kinds.length === 0 || !isDigestTime(at)) return { sent: 0, failed: 0 };
  const [members, projects, banks, settings, keys] = await Promise.all([
    store.query<Member>('members'),
    store.query<Project>('projects'),
    store.query<Bank>('banks'),
    store.query<ReportingRound>('settings'),
    db.collection('deliveryKeys').select().get(),
  ]);
  const sent = new Set(keys.docs.map((doc) => decodeURIComponent(doc.id)));
  const docs = { projects: projects.map((d) => d.data), banks: banks.map((d) => d.data), reportingRounds: settings.filter((d) => isReportingRoundDocId(d.id)).map((d) => d.data) };
  const recipients = digestRecipients(members.map((d) => d.data), docs, at);
  const input = { now: at, channels: kinds, recipients, appUrl };
  const digests = planDailyDigests({ ...input, sent });
  const messages = [...digests, ...planRedAlerts({ ...input, sent: new Set([...sent, ...digests.flatMap((m) => m.deliveryKeys)]) })];
  const out = senders(channels, secrets, now);
  const summary: NotifySummary = { sent: 0, failed: 0 };
  try {
    // Channels side by side, so one that is down delays no other.
    await Promise.all(
      kinds.map(async (kind) => {
        for (const message of messages.filter((m) => m.channel === kind)) {
          let attempts = 0;
          let error: string | null = null;
          for (;;) {
            attempts += 1;
            try {
              await out.send(message);
              error = null;
              break;
            } catch (caught) {
              error = (caught as Error).message.slice(0, 500);
              if ((caught instanceof DeliveryError && !caught.retryable) || attempts >= retry.attempts) break;
              await retry.sleep(retry.firstDelayMs * 2 ** (attempts - 1));
            }
          }
          const batch = db.batch();
          batch.create(db.collection('deliveryLog').doc(), {
            at: new Date().toISOString(),
            kind: message.kind,
            channel: message.channel,
            recipient: message.to,
            recipientUid: message.recipientUid,
            day: message.day,
            subject: message.subject.slice(0, 300),
            status: error === null ? 'sent' : 'failed',
            attempts,
            error,
          });
          if (error === null) for (const key of message.deliveryKeys) batch.set(db.collection('deliveryKeys').doc(encodeURIComponent(key)), { at: at.toISOString() });
          await batch.commit();
          if (error === null) summary.sent += 1;
          else summary.failed += 1;
        }
      }),
    );
  } finally {
    out.close();
  }
  return summary;
}
