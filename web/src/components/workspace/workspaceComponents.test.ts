import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import { encodeQuarantineReason } from '@clearway/core';
import StorageNoticeBanner from './StorageNoticeBanner.vue';
import WorkspaceBackupPanel from './WorkspaceBackupPanel.vue';
import { testPlugins } from '@/test/boardFixtures';

describe('StorageNoticeBanner', () => {
  it('says how many records were put aside and offers them for download', async () => {
    const wrapper = mount(StorageNoticeBanner, { props: { quarantined: 3, inMemoryOnly: false }, global: { plugins: testPlugins() } });
    expect(wrapper.text()).toContain('有 3 条本地存储的记录无法读取');
    await wrapper.get('[data-test="download-quarantined"]').trigger('click');
    expect(wrapper.emitted('download')).toHaveLength(1);
  });

  it('warns when the data lives in this tab only, in English too', () => {
    const wrapper = mount(StorageNoticeBanner, { props: { quarantined: 0, inMemoryOnly: true }, global: { plugins: testPlugins('en') } });
    expect(wrapper.text()).toContain('the data lives in this tab only');
    expect(wrapper.find('[data-test="download-quarantined"]').exists()).toBe(false);
  });

  it('lists the documents the team server put aside, with why and when, and offers them for download', async () => {
    const records = Array.from({ length: 7 }, (_, i) => ({
      collection: 'loanLines',
      id: `line-${i}`,
      reason: encodeQuarantineReason('fieldShape', { path: 'tranches', expected: 'list' }),
      quarantinedAt: '2026-12-01T16:30:00.000Z',
    }));
    const wrapper = mount(StorageNoticeBanner, {
      props: { quarantined: records.length, inMemoryOnly: false, source: 'server', records },
      global: { plugins: testPlugins() },
    });
    expect(wrapper.text()).toContain('服务器打开数据库时有 7 份存储的文档无法读取');
    expect(wrapper.text()).not.toContain('本地存储');
    const lines = wrapper.get('[data-test="quarantined-records"]').findAll('li');
    // Five listed, then how many more the download holds; times in Beijing time.
    expect(lines).toHaveLength(6);
    expect(lines[0]!.text()).toContain('loanLines/line-0：字段 tranches 应为列表');
    expect(lines[0]!.text()).toContain('2026/12/2 00:30:00');
    expect(lines[5]!.text()).toBe('另有 2 份，见下载文件');
    await wrapper.get('[data-test="download-quarantined"]').trigger('click');
    expect(wrapper.emitted('download')).toHaveLength(1);

    const english = mount(StorageNoticeBanner, {
      props: { quarantined: 1, inMemoryOnly: false, source: 'server', records: records.slice(0, 1) },
      global: { plugins: testPlugins('en') },
    });
    expect(english.text()).toContain('When the server opened its database, 1 stored document(s) could not be read');
    expect(english.get('[data-test="quarantined-records"] li').text()).toContain('loanLines/line-0: field tranches should be a list');
  });

  it('says each reason in the person’s language, and a reason stored as text before codes existed as it was', () => {
    const records = [
      { collection: 'projects', id: 'future', reason: encodeQuarantineReason('newerRelease', { schema: 4, supported: 3 }), quarantinedAt: '2026-12-01T16:30:00.000Z' },
      { collection: 'projects', id: 'stage', reason: encodeQuarantineReason('fieldShape', { path: 'stage', expected: 'oneOf', values: 'pipeline, matched' }), quarantinedAt: '2026-12-01T16:30:00.000Z' },
      { collection: 'loanLines', id: 'old', reason: 'tranches: expected a list', quarantinedAt: '2026-12-01T16:30:00.000Z' },
    ];
    const props = { quarantined: records.length, inMemoryOnly: false, source: 'server' as const, records };
    const zh = mount(StorageNoticeBanner, { props, global: { plugins: testPlugins() } }).findAll('[data-test="quarantined-records"] li');
    expect(zh.map((line) => line.text().replace(/（[^（]*）$/, ''))).toEqual([
      'projects/future：由更新的版本写入（数据版本 4，当前版本只能读取到 3）',
      'projects/stage：字段 stage 应为以下之一：pipeline, matched',
      'loanLines/old：tranches: expected a list',
    ]);
    const en = mount(StorageNoticeBanner, { props, global: { plugins: testPlugins('en') } }).findAll('[data-test="quarantined-records"] li');
    expect(en[0]!.text()).toContain('written by a newer release (data version 4; this one reads up to 3)');
    expect(en[2]!.text()).toContain('tranches: expected a list');
  });

  it('shows nothing when storage is fine', () => {
    const wrapper = mount(StorageNoticeBanner, { props: { quarantined: 0, inMemoryOnly: false }, global: { plugins: testPlugins() } });
    expect(wrapper.find('[data-test="storage-notice"]').exists()).toBe(false);
  });
});

describe('WorkspaceBackupPanel', () => {
  it('exports on click, offers to empty a non-empty workspace, and imports the chosen file\'s text', async () => {
    const wrapper = mount(WorkspaceBackupPanel, { props: { busy: false, canClear: true, empty: false }, global: { plugins: testPlugins() } });
    await wrapper.get('[data-test="export-workspace"]').trigger('click');
    expect(wrapper.emitted('export')).toHaveLength(1);
    await wrapper.get('[data-test="clear-workspace"]').trigger('click');
    expect(wrapper.emitted('clear')).toHaveLength(1);

    const input = wrapper.get('[data-test="import-file"]').element as HTMLInputElement;
    const file = new File(['{"format":"clearway-workspace"}'], 'backup.json', { type: 'application/json' });
    Object.defineProperty(input, 'files', { value: [file] });
    await wrapper.get('[data-test="import-file"]').trigger('change');
    await wrapper.get('[data-test="import-workspace"]').trigger('click');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(wrapper.emitted('import')?.[0]).toEqual(['{"format":"clearway-workspace"}', 'backup.json']);
  });

  it('has no empty button on an empty workspace', () => {
    const wrapper = mount(WorkspaceBackupPanel, { props: { busy: false, canClear: true, empty: true }, global: { plugins: testPlugins() } });
    expect(wrapper.find('[data-test="clear-workspace"]').exists()).toBe(false);
  });
});
