import { describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { testPlugins } from '@/test/boardFixtures';
import TargetsDialog from './TargetsDialog.vue';

const WAN = 10_000;

function mountDialog(current: { approved: number; disbursed: number; projects: number } | null) {
  document.body.innerHTML = '';
  return mount(TargetsDialog, {
    props: { modelValue: true, year: 2026, current: current ? { year: 2026, ...current } : null },
    global: { plugins: testPlugins('zh-CN') },
    attachTo: document.body,
  });
}

describe('TargetsDialog', () => {
  it('starts from the current targets and sends them back in yuan for the year', async () => {
    const wrapper = mountDialog({ approved: 1_000_000 * WAN, disbursed: 700_000 * WAN, projects: 30 });
    await flushPromises();
    const inputs = document.body.querySelectorAll<HTMLInputElement>('.money-input input');
    expect(inputs[0]?.value).toBe('1,000,000');
    inputs[1]!.value = '800000';
    inputs[1]!.dispatchEvent(new Event('input'));
    inputs[1]!.dispatchEvent(new Event('change'));
    await flushPromises();
    (document.body.querySelector('[data-test="targets-submit"]') as HTMLElement).click();
    await flushPromises();
    expect(wrapper.emitted('submit')).toEqual([[{ year: 2026, approved: 1_000_000 * WAN, disbursed: 800_000 * WAN, projects: 30 }]]);
    wrapper.unmount();
  });

  it('sends nothing while a target is missing', async () => {
    const wrapper = mountDialog(null);
    await flushPromises();
    (document.body.querySelector('[data-test="targets-submit"]') as HTMLElement).click();
    await flushPromises();
    expect(wrapper.emitted('submit')).toBeUndefined();
    await vi.waitFor(() => expect(document.body.querySelector('.el-form-item__error')?.textContent ?? '').toContain('请填写'));
    wrapper.unmount();
  });
});
