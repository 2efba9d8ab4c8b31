/**
 * The delivery channels 通知渠道 an admin sets: a 企业微信 group robot, a 钉钉 group robot (with its
 * signing secret) and e-mail over SMTP. They are kept in two settings documents: `notifyChannels`
 * (what the admin page shows: which channels are on, the SMTP host and sender, and a "set" marker
 * for each secret) and `notifySecrets` (the webhook URLs — their access token is a credential —
 * the 钉钉 secret and the SMTP password), which the read policy hides from everyone and only the
 * sending job reads. A secret the admin leaves out of `notify.setChannels` is kept; null clears it;
 * the SMTP server is stated every time (null: no e-mail).
 */
import { z } from 'zod';

export { NOTIFY_CHANNELS_DOC_ID, NOTIFY_SECRETS_DOC_ID } from './docIds';

export const NOTIFY_CHANNEL_KINDS = ['wecom', 'dingtalk', 'email'] as const;
export type NotifyChannelKind = (typeof NOTIFY_CHANNEL_KINDS)[number];

export interface SmtpSettings {
  host: string;
  port: number;
  /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
  secure: boolean;
  user: string | null;
  /** The sender, e.g. `Clearway <noreply@czj.example.gov.cn>`. */
  from: string;
}

/** Readable by every member: no secret, only whether each one is set. */
export interface NotifyChannels {
  wecom: { webhookSet: boolean };
  dingtalk: { webhookSet: boolean; secretSet: boolean };
  smtp: (SmtpSettings & { passwordSet: boolean }) | null;
}

/** Read by the sending job only (the read policy hides the document from every reader). */
export interface NotifySecrets {
  wecomWebhookUrl: string | null;
  dingtalkWebhookUrl: string | null;
  dingtalkSecret: string | null;
  smtpPassword: string | null;
}

export const EMPTY_NOTIFY_CHANNELS: NotifyChannels = { wecom: { webhookSet: false }, dingtalk: { webhookSet: false, secretSet: false }, smtp: null };
export const EMPTY_NOTIFY_SECRETS: NotifySecrets = { wecomWebhookUrl: null, dingtalkWebhookUrl: null, dingtalkSecret: null, smtpPassword: null };

const webhookUrl = z
  .string({ error: 'errors.field.invalid' })
  .trim()
  .max(1000, { error: 'errors.field.tooLong' })
  .refine((value) => /^https?:\/\/[^\s/]+\/\S*$/.test(value), { error: 'errors.notify.badWebhookUrl' });

const secretText = z.string({ error: 'errors.field.invalid' }).trim().min(1, { error: 'errors.field.required' }).max(500, { error: 'errors.field.tooLong' });

/** Absent: keep what is stored; null: clear it; a value: replace it. */
const keepClearOrSet = <T extends z.ZodType>(schema: T) => schema.nullable().optional();

export const notifySetChannelsSchema = z.strictObject({
  wecomWebhookUrl: keepClearOrSet(webhookUrl),
  dingtalkWebhookUrl: keepClearOrSet(webhookUrl),
  dingtalkSecret: keepClearOrSet(secretText),
  /** Always stated (the form shows it whole): null, no e-mail; its password absent keeps the stored one. */
  smtp: z
    .strictObject({
      host: z.string({ error: 'errors.field.invalid' }).trim().min(1, { error: 'errors.field.required' }).max(255, { error: 'errors.field.tooLong' }),
      port: z.number({ error: 'errors.field.invalid' }).int({ error: 'errors.field.notInteger' }).min(1, { error: 'errors.field.tooSmall' }).max(65535, { error: 'errors.field.tooLarge' }),
      secure: z.boolean({ error: 'errors.field.invalid' }),
      user: z.string({ error: 'errors.field.invalid' }).trim().max(255, { error: 'errors.field.tooLong' }).nullable().transform((value) => value || null),
      from: z.string({ error: 'errors.field.invalid' }).trim().min(3, { error: 'errors.field.required' }).max(255, { error: 'errors.field.tooLong' }).refine((value) => value.includes('@'), { error: 'errors.notify.badSender' }),
      password: keepClearOrSet(secretText),
    })
    .nullable(),
});
export type NotifySetChannelsPayload = z.output<typeof notifySetChannelsSchema>;

function pick<T>(given: T | null | undefined, stored: T | null): T | null {
  return given === undefined ? stored : given;
}

/** The two documents after `payload` is applied to what is stored. */
export function applyChannelSettings(
  payload: NotifySetChannelsPayload,
  stored: { channels: NotifyChannels | null; secrets: NotifySecrets | null },
): { channels: NotifyChannels; secrets: NotifySecrets } {
  const before = stored.secrets ?? EMPTY_NOTIFY_SECRETS;
  const smtpGiven = payload.smtp;
  const secrets: NotifySecrets = {
    wecomWebhookUrl: pick(payload.wecomWebhookUrl, before.wecomWebhookUrl),
    dingtalkWebhookUrl: pick(payload.dingtalkWebhookUrl, before.dingtalkWebhookUrl),
    dingtalkSecret: pick(payload.dingtalkSecret, before.dingtalkSecret),
    smtpPassword: smtpGiven === null ? null : pick(smtpGiven.password, before.smtpPassword),
  };
  let smtp: NotifyChannels['smtp'];
  if (smtpGiven === null) smtp = null;
  else {
    const { password: _password, ...server } = smtpGiven;
    smtp = { ...server, passwordSet: secrets.smtpPassword !== null };
  }
  const channels: NotifyChannels = {
    wecom: { webhookSet: secrets.wecomWebhookUrl !== null },
    dingtalk: { webhookSet: secrets.dingtalkWebhookUrl !== null, secretSet: secrets.dingtalkSecret !== null },
    smtp,
  };
  return { channels, secrets };
}

/** The channels that can send: a robot with its URL, e-mail with a server. */
export function activeChannels(channels: NotifyChannels | null, secrets: NotifySecrets | null): NotifyChannelKind[] {
  if (!channels || !secrets) return [];
  const kinds: NotifyChannelKind[] = [];
  if (secrets.wecomWebhookUrl) kinds.push('wecom');
  if (secrets.dingtalkWebhookUrl) kinds.push('dingtalk');
  if (channels.smtp) kinds.push('email');
  return kinds;
}

/** One entry of the delivery log, as the admin page lists it. */
export interface DeliveryLogEntry {
  at: string;
  kind: 'digest' | 'redAlert' | 'test';
  channel: NotifyChannelKind;
  /** The e-mail address; null for a group robot. */
  recipient: string | null;
  day: string;
  subject: string;
  status: 'sent' | 'failed';
  attempts: number;
  error: string | null;
}
