import { describe, expect, it } from 'vitest';
import { applyReadPolicy, applyReadPolicyToAll } from '../readPolicy';
import { readPolicyViolations } from '../testing/readPolicyChecks';
import type { StoredDoc } from '../store/documentStore';
import type { Actor } from '../types';
import { EMPTY_NOTIFY_CHANNELS, NOTIFY_CHANNELS_DOC_ID, NOTIFY_SECRETS_DOC_ID } from './channels';

const secrets: StoredDoc = { id: NOTIFY_SECRETS_DOC_ID, version: 1, data: { wecomWebhookUrl: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k', dingtalkWebhookUrl: null, dingtalkSecret: 'SEC', smtpPassword: 'p' } };
const channels: StoredDoc = { id: NOTIFY_CHANNELS_DOC_ID, version: 1, data: { ...EMPTY_NOTIFY_CHANNELS, wecom: { webhookSet: true } } };
const readers: Actor[] = [
  { uid: 'a', name: '管理员', role: 'admin', bankId: null },
  { uid: 's', name: '工作人员', role: 'staff', bankId: null },
  { uid: 'l', name: '联络员', role: 'liaison', bankId: 'icbc' },
  { uid: 'v', name: '领导', role: 'viewer', bankId: null },
];

describe('the delivery secrets', () => {
  it.each(readers)('never reach a $role; the "set" markers do', (reader) => {
    expect(applyReadPolicy(reader, 'settings', secrets)).toBeNull();
    expect(applyReadPolicyToAll(reader, 'settings', [secrets, channels])).toEqual([channels]);
    expect(readPolicyViolations(reader, 'settings', secrets)).toHaveLength(1);
    expect(readPolicyViolations(reader, 'settings', channels)).toEqual([]);
  });
});
