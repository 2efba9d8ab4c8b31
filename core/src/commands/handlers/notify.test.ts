import { describe, expect, it } from 'vitest';
import { NOTIFY_CHANNELS_DOC_ID, NOTIFY_SECRETS_DOC_ID } from '../../notify/channels';
import type { NotifyChannels, NotifySecrets } from '../../notify/channels';
import { activities, ADMIN, refused, run, STAFF, workspace } from '../testing';

const SECRETS = ['key=abc123', 'SEC-dingtalk-secret', 'access_token=tok', 'smtp-password'];
const payload = {
  wecomWebhookUrl: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc123',
  dingtalkWebhookUrl: 'https://oapi.dingtalk.com/robot/send?access_token=tok',
  dingtalkSecret: 'SEC-dingtalk-secret',
  smtp: { host: 'smtp.czj.gov.cn', port: 465, secure: true, user: 'clearway', from: 'Clearway <noreply@czj.gov.cn>', password: 'smtp-password' },
};

describe('notify.setChannels', () => {
  it('stores the secrets apart; the readable document and the history carry only "set" markers', async () => {
    const store = await workspace();
    await run(store, ADMIN, 'notify.setChannels', payload);
    const channels = await store.get<NotifyChannels>('settings', NOTIFY_CHANNELS_DOC_ID);
    const secrets = await store.get<NotifySecrets>('settings', NOTIFY_SECRETS_DOC_ID);
    expect(channels?.data).toMatchObject({ wecom: { webhookSet: true }, dingtalk: { webhookSet: true, secretSet: true }, smtp: { host: 'smtp.czj.gov.cn', passwordSet: true } });
    expect(secrets?.data).toEqual({ wecomWebhookUrl: payload.wecomWebhookUrl, dingtalkWebhookUrl: payload.dingtalkWebhookUrl, dingtalkSecret: payload.dingtalkSecret, smtpPassword: 'smtp-password' });
    const records = (await activities(store)).filter((a) => a.command === 'notify.setChannels');
    expect(records).toHaveLength(1);
    for (const secret of SECRETS) {
      expect(JSON.stringify(channels?.data)).not.toContain(secret);
      expect(JSON.stringify(records)).not.toContain(secret);
    }

    // A second save without the secrets keeps them; null turns a robot off.
    const { password: _password, ...smtpKept } = payload.smtp;
    await run(store, ADMIN, 'notify.setChannels', { dingtalkWebhookUrl: null, dingtalkSecret: null, smtp: smtpKept });
    const after = await store.get<NotifySecrets>('settings', NOTIFY_SECRETS_DOC_ID);
    expect(after?.data).toEqual({ ...secrets?.data, dingtalkWebhookUrl: null, dingtalkSecret: null });
  });

  it('is for admins only, and refuses a bad webhook; neither writes anything', async () => {
    const store = await workspace();
    expect((await refused(store, STAFF, 'notify.setChannels', payload)).code).toBe('permission-denied');
    const bad = await refused(store, ADMIN, 'notify.setChannels', { wecomWebhookUrl: 'ftp://example.com/hook', smtp: null });
    expect(bad.fieldErrors).toEqual([{ path: 'wecomWebhookUrl', messageKey: 'errors.notify.badWebhookUrl' }]);
  });
});
