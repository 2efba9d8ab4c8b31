import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import ChoiceSelect from './ChoiceSelect.vue';
import { testPlugins } from '@/test/boardFixtures';

const choices = [
  { value: 'u-staff', label: '王丽娟 · 局工作人员' },
  { value: 'u-admin', label: '管理员' },
  { value: 'u-viewer', label: '只读' },
];

function options(): Element[] {
  return [...document.body.querySelectorAll('.el-select-dropdown__item')];
}

describe('ChoiceSelect', () => {
  it('shows the chosen label without rendering the option list, and renders the list when opened', async () => {
    const wrapper = mount(ChoiceSelect, { props: { modelValue: 'u-staff', choices }, attachTo: document.body, global: { plugins: testPlugins('zh-CN') } });
    await wrapper.vm.$nextTick();
    expect(wrapper.text()).toContain('王丽娟 · 局工作人员');
    expect(options()).toHaveLength(0);

    await wrapper.find('.el-select__wrapper').trigger('click');
    await new Promise((resolve) => setTimeout(resolve, 0));
    await wrapper.vm.$nextTick();
    expect(options().map((option) => option.textContent?.trim())).toEqual(choices.map((choice) => choice.label));
    wrapper.unmount();
  });
});
