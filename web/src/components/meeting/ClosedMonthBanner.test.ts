import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import { testPlugins } from '@/test/boardFixtures';
import ClosedMonthBanner from './ClosedMonthBanner.vue';

function mountBanner(props: { canReopen?: boolean; reopening?: boolean }, locale: 'zh-CN' | 'en' = 'zh-CN') {
  return mount(ClosedMonthBanner, {
    props: { month: '2026-05', justClosed: false, nextMonth: null, ...props },
    global: { plugins: testPlugins(locale), stubs: { RouterLink: { template: '<a><slot /></a>' } } },
  });
}

describe('ClosedMonthBanner', () => {
  it('offers reopening only to who may reopen this month, and asks the page to do it', async () => {
    expect(mountBanner({}).find('[data-test="reopen-month"]').exists()).toBe(false);
    const wrapper = mountBanner({ canReopen: true });
    const button = wrapper.get('[data-test="reopen-month"]');
    expect(button.text()).toBe('重新打开本月');
    await button.trigger('click');
    expect(wrapper.emitted('reopen')).toHaveLength(1);
    expect(mountBanner({ canReopen: true }, 'en').get('[data-test="reopen-month"]').text()).toBe('Reopen this month');
  });

  it('disables the button while the reopen runs', () => {
    expect(mountBanner({ canReopen: true, reopening: true }).get('[data-test="reopen-month"]').attributes('disabled')).toBeDefined();
  });
});
