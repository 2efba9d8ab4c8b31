/**
 * Sending the planned messages: each one tried a bounded number of times with exponential
 * backoff, every outcome written to the delivery log, the keys of what went out recorded so a
 * rerun sends nothing twice. Channels go out side by side and independently: a robot that is down
 * fails its own messages and delays no other channel (and no command: this runs in the scheduler).
 */
import type { DeliveryLogEntry, NotifyChannelKind, OutgoingMessage } from '@clearway/core';
import type { SqlExecutor } from '../db/sqlClient';
import { DeliveryError, type ChannelSenders } from './channels';

export interface RetryPolicy {
  attempts: number;
  /** The wait before the second try; doubled each time after. */
  firstDelayMs: number;
  sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, firstDelayMs: 2_000 };

export interface DeliveryOutcome {
  key: string;
  channel: NotifyChannelKind;
  status: 'sent' | 'failed';
  attempts: number;
  error: string | null;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function sendWithRetry(senders: ChannelSenders, message: OutgoingMessage, retry: RetryPolicy): Promise<Omit<DeliveryOutcome, 'key' | 'channel'>> {
  const sleep = retry.sleep ?? defaultSleep;
  let lastError = '';
  for (let attempt = 1; attempt <= retry.attempts; attempt++) {
    try {
      await senders.send(message);
      return { status: 'sent', attempts: attempt, error: null };
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
      const retryable = !(error instanceof DeliveryError) || error.retryable;
      if (!retryable || attempt === retry.attempts) return { status: 'failed', attempts: attempt, error: lastError.slice(0, 500) };
      await sleep(retry.firstDelayMs * 2 ** (attempt - 1));
    }
  }
  return { status: 'failed', attempts: retry.attempts, error: lastError };
}

/** The delivery keys already settled (messages sent), for the planner. */
export async function loadSentKeys(sql: SqlExecutor): Promise<Set<string>> {
  const rows = await sql.query<{ key: string }>('SELECT key FROM delivery_keys');
  return new Set(rows.map((row) => row.key));
}

async function record(sql: SqlExecutor, message: OutgoingMessage, outcome: Omit<DeliveryOutcome, 'key' | 'channel'>): Promise<void> {
  await sql.query(
    `INSERT INTO delivery_log (message_key, kind, channel, recipient, recipient_uid, day, subject, status, attempts, error)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [message.key, message.kind, message.channel, message.to, message.recipientUid, message.day, message.subject.slice(0, 300), outcome.status, outcome.attempts, outcome.error],
  );
  if (outcome.status === 'sent' && message.kind !== 'test') {
    await sql.query('INSERT INTO delivery_keys (key) SELECT unnest($1::text[]) ON CONFLICT (key) DO NOTHING', [message.deliveryKeys]);
  }
}

/** Sends every message, one channel after another within a channel, the channels side by side. */
export async function deliver(sql: SqlExecutor, senders: ChannelSenders, messages: readonly OutgoingMessage[], retry: RetryPolicy = DEFAULT_RETRY): Promise<DeliveryOutcome[]> {
  const byChannel = new Map<NotifyChannelKind, OutgoingMessage[]>();
  for (const message of messages) byChannel.set(message.channel, [...(byChannel.get(message.channel) ?? []), message]);
  const perChannel = await Promise.all(
    [...byChannel.entries()].map(async ([channel, queue]) => {
      const outcomes: DeliveryOutcome[] = [];
      for (const message of queue) {
        const outcome = await sendWithRetry(senders, message, retry);
        await record(sql, message, outcome);
        outcomes.push({ key: message.key, channel, ...outcome });
      }
      return outcomes;
    }),
  );
  return perChannel.flat();
}

/** The latest entries of the delivery log, newest first, for the admin page. */
export async function readDeliveryLog(sql: SqlExecutor, limit = 200): Promise<DeliveryLogEntry[]> {
  const rows = await sql.query<Omit<DeliveryLogEntry, 'at'> & { at: Date | string }>(
    `SELECT at, kind, channel, recipient, day, subject, status, attempts, error FROM delivery_log ORDER BY id DESC LIMIT $1`,
    [Math.max(1, Math.min(1000, Math.trunc(limit)))],
  );
  return rows.map((row) => ({ ...row, at: new Date(row.at).toISOString() }));
}
