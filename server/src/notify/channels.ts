/**
 * The three ways out: the 企业微信 and 钉钉 group robots (a JSON POST over fetch) and e-mail over
 * SMTP (nodemailer). Each send either resolves or throws a DeliveryError saying why; retries and
 * the delivery log are the caller's (delivery.ts).
 */
import { createHmac } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { NotifyChannels, NotifySecrets, OutgoingMessage } from '@clearway/core';

export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  constructor(
    message: string,
    /** False when another try cannot help (e.g. the robot refused the key). */
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

/**
 * 钉钉's signature for a robot with 加签: base64(HMAC-SHA256(secret, `${timestamp}\n${secret}`)),
 * sent URL-encoded as `sign` beside `timestamp` (milliseconds); the robot refuses one older than an hour.
 */
export function dingtalkSignature(secret: string, timestampMs: number): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`).digest('base64');
}

export function signedDingtalkUrl(webhookUrl: string, secret: string | null, timestampMs: number): string {
  if (!secret) return webhookUrl;
  const url = new URL(webhookUrl);
  url.searchParams.set('timestamp', String(timestampMs));
  url.searchParams.set('sign', dingtalkSignature(secret, timestampMs));
  return url.toString();
}

const ROBOT_TIMEOUT_MS = 10_000;

/** Both robots answer HTTP 200 with `{ errcode, errmsg }`; errcode 0 is success. */
async function postRobot(url: string, body: unknown): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(ROBOT_TIMEOUT_MS),
    });
  } catch (error) {
    throw new DeliveryError(`robot unreachable: ${(error as Error).message}`, true);
  }
  const text = await response.text();
  if (!response.ok) throw new DeliveryError(`robot answered HTTP ${response.status}`, response.status >= 500 || response.status === 429);
  let answer: { errcode?: unknown; errmsg?: unknown };
  try {
    answer = JSON.parse(text) as typeof answer;
  } catch {
    throw new DeliveryError('robot answered something other than JSON', true);
  }
  if (answer.errcode !== 0) {
    // 45009 / 130101: sent too fast — worth another try; anything else (bad key, bad signature) is not.
    const retryable = answer.errcode === 45009 || answer.errcode === 130101;
    throw new DeliveryError(`robot refused: ${String(answer.errcode)} ${String(answer.errmsg ?? '')}`.trim(), retryable);
  }
}

export interface ChannelSenders {
  send(message: OutgoingMessage): Promise<void>;
  close(): void;
}

/** Senders for the stored settings; `now` stamps 钉钉's signature. */
export function createChannelSenders(channels: NotifyChannels, secrets: NotifySecrets, now: () => Date = () => new Date()): ChannelSenders {
  const smtp = channels.smtp;
  const transport = smtp
    ? nodemailer.createTransport({
        host: smtp.host,
        port: smtp.port,
        secure: smtp.secure,
        auth: smtp.user ? { user: smtp.user, pass: secrets.smtpPassword ?? '' } : undefined,
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 20_000,
      })
    : null;
  return {
    async send(message) {
      switch (message.channel) {
        case 'wecom':
          if (!secrets.wecomWebhookUrl) throw new DeliveryError('企业微信 robot not set', false);
          // 企业微信 markdown is capped at 4096 bytes; a long digest is cut rather than refused.
          return postRobot(secrets.wecomWebhookUrl, { msgtype: 'markdown', markdown: { content: truncateBytes(message.markdown, 4000) } });
        case 'dingtalk':
          if (!secrets.dingtalkWebhookUrl) throw new DeliveryError('钉钉 robot not set', false);
          return postRobot(signedDingtalkUrl(secrets.dingtalkWebhookUrl, secrets.dingtalkSecret, now().getTime()), {
            msgtype: 'markdown',
            markdown: { title: message.subject, text: truncateBytes(message.markdown, 18_000) },
          });
        case 'email': {
          if (!transport || !smtp) throw new DeliveryError('SMTP not set', false);
          if (!message.to) throw new DeliveryError('no address', false);
          try {
            await transport.sendMail({ from: smtp.from, to: message.to, subject: message.subject, text: message.text, html: message.html });
          } catch (error) {
            const code = (error as { responseCode?: number }).responseCode;
            // 5xx: the server refused this message for good; anything else (connection, 4xx) may pass later.
            throw new DeliveryError(`smtp: ${(error as Error).message}`, !(typeof code === 'number' && code >= 500));
          }
          return;
        }
      }
    },
    close() {
      transport?.close();
    },
  };
}

function truncateBytes(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  // Cut on a character boundary and say so.
  let cut = bytes.subarray(0, maxBytes - 20).toString('utf8');
  if (cut.endsWith('\uFFFD')) cut = cut.slice(0, -1);
  return `${cut}\n…（内容过长，已截断）`;
}
