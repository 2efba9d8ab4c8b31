import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import MoneyInput from './MoneyInput.vue';
import { testPlugins } from '@/test/boardFixtures';

function mountInput(modelValue: number | null = null) {
  return mount(MoneyInput, { props: { modelValue }, global: { plugins: testPlugins('zh-CN') } });
}

describe('MoneyInput', () => {
  it('emits integer yuan for a plain 万元 amount', async () => {
    const wrapper = mountInput();
    await wrapper.find('input').setValue('2600');
    expect(wrapper.emitted('update:modelValue')?.at(-1)).toEqual([26_000_000]);
    expect(wrapper.find('[role="alert"]').exists()).toBe(false);
  });

  it('accepts thousands separators and decimals', async () => {
    const wrapper = mountInput();
    await wrapper.find('input').setValue('2,600.5');
    expect(wrapper.emitted('update:modelValue')?.at(-1)).toEqual([26_005_000]);
  });

  it('shows the reason for bad text and emits no value', async () => {
    const wrapper = mountInput(1_000_000);
    await wrapper.find('input').setValue('2千6百');
    expect(wrapper.emitted('update:modelValue')).toBeUndefined();
    const alert = wrapper.find('[role="alert"]');
    expect(alert.exists()).toBe(true);
    // The reason is the translated message, not its key.
    expect(alert.text()).not.toBe('');
    expect(alert.text()).not.toContain('errors.');
    expect(wrapper.emitted('validity')?.at(-1)).toEqual(['errors.money.invalid']);
  });

  it('refuses a negative amount with its own message', async () => {
    const wrapper = mountInput();
    await wrapper.find('input').setValue('-5');
    expect(wrapper.emitted('update:modelValue')).toBeUndefined();
    expect(wrapper.emitted('validity')?.at(-1)).toEqual(['errors.money.negative']);
    expect(wrapper.find('[role="alert"]').text()).not.toBe('');
    expect(wrapper.find('[role="alert"]').text()).not.toContain('errors.');
  });

  it('clears the message once the text is fixed, and emits null when emptied', async () => {
    const wrapper = mountInput();
    const input = wrapper.find('input');
    await input.setValue('abc');
    await input.setValue('12.5');
    expect(wrapper.find('[role="alert"]').exists()).toBe(false);
    expect(wrapper.emitted('update:modelValue')?.at(-1)).toEqual([125_000]);
    await input.setValue('');
    expect(wrapper.emitted('update:modelValue')?.at(-1)).toEqual([null]);
  });

  it('shows a stored amount in 万元 with up to four decimals', () => {
    const wrapper = mountInput(26_005_123);
    expect(wrapper.find('input').element.value).toBe('2,600.5123');
  });
});
