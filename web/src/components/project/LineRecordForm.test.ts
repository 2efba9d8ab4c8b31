import { describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import LineRecordForm from './LineRecordForm.vue';
import { testPlugins } from '@/test/boardFixtures';
import { WAN, makeLine } from '@/test/projectFixtures';

/** Approved 1,000万元, 600万元 already drawn: 400万元 remain. */
const line = makeLine({
  approved: 1_000 * WAN,
  approvedDate: '2026-01-10',
  status: 'disbursing',
  tranches: [{ id: 't1', date: '2026-02-01', amount: 600 * WAN, recordedAt: '2026-02-01T02:00:00.000Z', recordedBy: 'u-icbc' }],
});

function mountTranche() {
  return mount(LineRecordForm, {
    props: { kind: 'tranche', line, today: '2026-03-02' },
    global: { plugins: testPlugins('zh-CN') },
    attachTo: document.body,
  });
}

async function typeAndSubmit(wrapper: ReturnType<typeof mountTranche>, amount: string) {
  await wrapper.find('.money-input input').setValue(amount);
  await wrapper.find('form').trigger('submit');
  await flushPromises();
}

describe('LineRecordForm (tranche)', () => {
  it('refuses more than the approved remainder and says how much is left', async () => {
    const wrapper = mountTranche();
    await typeAndSubmit(wrapper, '450');
    expect(wrapper.emitted('submit')).toBeUndefined();
    // Element Plus shows a form item's message after a short debounce.
    const message = await vi.waitFor(() => {
      const found = wrapper.find('.el-form-item__error');
      expect(found.exists()).toBe(true);
      return found;
    });
    expect(message.text()).toContain('超过审批未投放余额');
    expect(message.text()).toContain('400.00');
    wrapper.unmount();
  });

  it('sends a tranche up to the remainder as integer yuan with its date', async () => {
    const wrapper = mountTranche();
    await typeAndSubmit(wrapper, '400');
    expect(wrapper.emitted('submit')?.[0]).toEqual([{ amount: 400 * WAN, date: '2026-03-02' }]);
    wrapper.unmount();
  });

  it('shows the field error of a refused command under the amount', async () => {
    const wrapper = mountTranche();
    await wrapper.setProps({ fieldErrors: [{ path: 'amount', messageKey: 'project.lineForm.amountPositive' }] });
    await vi.waitFor(() => expect(wrapper.find('.el-form-item__error').text()).toBe('投放金额应大于 0'));
    wrapper.unmount();
  });
});
