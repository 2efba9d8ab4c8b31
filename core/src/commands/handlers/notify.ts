/**
 * `notify.setChannels`: the admin sets the 企业微信 / 钉钉 robots and the SMTP server. The secrets
 * go to settings/notifySecrets, which no reader receives; what members read, and what the history
 * records, is settings/notifyChannels with a "set" marker per secret — never a secret.
 */
import { applyChannelSettings, NOTIFY_CHANNELS_DOC_ID, NOTIFY_SECRETS_DOC_ID } from '../../notify/channels';
import type { NotifyChannels, NotifySecrets } from '../../notify/channels';
import type { CommandHandler } from './types';

export const notifySetChannels: CommandHandler<'notify.setChannels'> = async (ctx) => {
  const [channelsDoc, secretsDoc] = await Promise.all([
    ctx.tx.get<NotifyChannels>('settings', NOTIFY_CHANNELS_DOC_ID),
    ctx.tx.get<NotifySecrets>('settings', NOTIFY_SECRETS_DOC_ID),
  ]);
  const next = applyChannelSettings(ctx.payload, { channels: channelsDoc?.data ?? null, secrets: secretsDoc?.data ?? null });
  if (channelsDoc) ctx.writer.update('settings', NOTIFY_CHANNELS_DOC_ID, next.channels, channelsDoc.version);
  else ctx.writer.create('settings', NOTIFY_CHANNELS_DOC_ID, next.channels);
  if (secretsDoc) ctx.writer.update('settings', NOTIFY_SECRETS_DOC_ID, next.secrets, secretsDoc.version);
  else ctx.writer.create('settings', NOTIFY_SECRETS_DOC_ID, next.secrets);
  return {
    activity: {
      projectId: null,
      lineId: null,
      before: channelsDoc ? { ...channelsDoc.data } : null,
      after: { ...next.channels },
    },
  };
};
