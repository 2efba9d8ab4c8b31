import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
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
