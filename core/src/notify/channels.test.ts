import { describe, expect, it } from 'vitest';
import { activeChannels, applyChannelSettings, notifySetChannelsSchema } from './channels';

const smtp = { host: 'smtp.example.gov.cn', port: 465, secure: true, user: 'bot', from: 'Clearway <bot@example.gov.cn>', password: 'p4ss' };

describe('channel settings', () => {
  it('keeps a secret left out, clears one set to null, and stores only markers where members read', () => {
    const first = applyChannelSettings(
      notifySetChannelsSchema.parse({ wecomWebhookUrl: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc', dingtalkWebhookUrl: 'https://oapi.dingtalk.com/robot/send?access_token=x', dingtalkSecret: 'SECxyz', smtp }),
      { channels: null, secrets: null },
    );
    expect(JSON.stringify(first.channels)).not.toMatch(/abc|SECxyz|p4ss|access_token/);
    expect(first.channels).toEqual({ wecom: { webhookSet: true }, dingtalk: { webhookSet: true, secretSet: true }, smtp: { host: smtp.host, port: 465, secure: true, user: 'bot', from: smtp.from, passwordSet: true } });
    const { password: _p, ...smtpWithoutPassword } = smtp;
    const second = applyChannelSettings(notifySetChannelsSchema.parse({ dingtalkSecret: null, smtp: smtpWithoutPassword }), first);
    expect(second.secrets).toEqual({ ...first.secrets, dingtalkSecret: null });
    expect(second.channels.dingtalk.secretSet).toBe(false);
    expect(second.channels.smtp?.passwordSet).toBe(true);
    expect(activeChannels(second.channels, second.secrets)).toEqual(['wecom', 'dingtalk', 'email']);
    const off = applyChannelSettings(notifySetChannelsSchema.parse({ wecomWebhookUrl: null, dingtalkWebhookUrl: null, smtp: null }), second);
    expect(activeChannels(off.channels, off.secrets)).toEqual([]);
    expect(off.secrets.smtpPassword).toBeNull();
  });

  it('refuses a webhook that is not an http(s) URL and a sender without an address', () => {
    const bad = notifySetChannelsSchema.safeParse({ wecomWebhookUrl: 'javascript:alert(1)', smtp: null });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toBe('errors.notify.badWebhookUrl');
    expect(notifySetChannelsSchema.safeParse({ smtp: { ...smtp, from: 'nobody' } }).error?.issues[0]?.message).toBe('errors.notify.badSender');
    expect(notifySetChannelsSchema.safeParse({ unknown: 1 }).success).toBe(false);
  });
});
