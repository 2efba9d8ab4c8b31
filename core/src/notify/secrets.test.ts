import { describe, expect, it } from 'vitest';
import { applyReadPolicy, applyReadPolicyToAll } from '../readPolicy';
import { readPolicyViolations } from '../testing/readPolicyChecks';
import type { StoredDoc } from '../store/documentStore';
import { MemoryDocumentStore } from '../store/memoryDocumentStore';
import { exportWorkspace } from '../workspace';
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

describe('the workspace file', () => {
  it('carries the channel markers but not the delivery secrets', async () => {
    const store = new MemoryDocumentStore();
    await store.runTransaction(async (tx) => {
      tx.create('settings', NOTIFY_SECRETS_DOC_ID, secrets.data);
      tx.create('settings', NOTIFY_CHANNELS_DOC_ID, channels.data);
    });
    const file = await exportWorkspace(store);
    expect(file.collections.settings.map((doc) => doc.id)).toEqual([NOTIFY_CHANNELS_DOC_ID]);
    expect(JSON.stringify(file)).not.toContain('SEC');
  });
});
