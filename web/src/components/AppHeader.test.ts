import { describe, expect, it } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { defineComponent } from 'vue';
import { createMemoryHistory, createRouter } from 'vue-router';
import { testPlugins } from '@/test/boardFixtures';
import AppHeader from './AppHeader.vue';

const Empty = defineComponent({ template: '<div />' });

async function mountHeader(props: Partial<InstanceType<typeof AppHeader>['$props']> = {}) {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', name: 'board', component: Empty },
      { path: '/inbox', name: 'inbox', component: Empty },
    ],
  });
  await router.push('/');
  const wrapper = mount(AppHeader, {
    props: {
      navItems: [
        { name: 'inbox', label: '待我处理' },
        { name: 'board', label: '看板' },
      ],
      inboxCount: null,
      mode: 'local',
      identityChoices: null,
      identity: '',
      locale: 'zh-CN',
      canReset: true,
      signedInAs: null,
      canChangePassword: false,
      savingCount: 0,
      ...props,
    },
    global: { plugins: [router, ...testPlugins('zh-CN')] },
  });
  await flushPromises();
  return wrapper;
}

describe('AppHeader', () => {
  it('lists the navigation it is given, with the inbox count once there is one', async () => {
    const header = await mountHeader();
    expect(header.findAll('nav a').map((link) => link.text())).toEqual(['待我处理', '看板']);
    expect(header.find('[data-test="inbox-count"]').exists()).toBe(false);
    expect(header.find('[data-test="inbox-count-reserved"]').exists()).toBe(true);
    await header.setProps({ inboxCount: 4 });
    expect(header.find('[data-test="inbox-count-reserved"]').exists()).toBe(false);
    expect(header.get('[data-test="inbox-count"]').text()).toBe('4');
    expect(header.get('[data-test="inbox-count"]').attributes('title')).toBe('4 项待处理');
    await header.setProps({ inboxCount: 0 });
    expect(header.find('[data-test="inbox-count"]').exists()).toBe(false);
  });

  it('holds the identity switcher’s place in the demo while its people load', async () => {
    expect((await mountHeader()).find('.app-header__identity').exists()).toBe(false);
    const loading = await mountHeader({ identityChoices: [] });
    expect(loading.find('.app-header__identity').exists()).toBe(true);
  });

  it('says the language as a radio group and asks for the other one', async () => {
    const header = await mountHeader();
    const radios = header.findAll<HTMLInputElement>('[role="radiogroup"] input[type="radio"]');
    expect(radios.map((radio) => radio.element.checked)).toEqual([true, false]);
    expect(header.get('.el-radio-button.is-active').text()).toBe('中文');
    await radios[1]!.setValue(true);
    expect(header.emitted('locale')).toEqual([['en']]);
  });

  it('offers the sample reset in the demo, and password and sign-out to a signed-in person', async () => {
    const demo = await mountHeader();
    await demo.get('[data-test="reset-sample"]').trigger('click');
    expect(demo.emitted('reset')).toHaveLength(1);
    expect(demo.find('[data-test="sign-out"]').exists()).toBe(false);

    const team = await mountHeader({ mode: 'server', canReset: false, signedInAs: '王丽娟', canChangePassword: true });
    expect(team.find('[data-test="reset-sample"]').exists()).toBe(false);
    expect(team.get('[data-test="signed-in-as"]').text()).toBe('王丽娟');
    await team.get('[data-test="change-password"]').trigger('click');
    await team.get('[data-test="sign-out"]').trigger('click');
    expect(team.emitted('changePassword')).toHaveLength(1);
    expect(team.emitted('signOut')).toHaveLength(1);
  });

  it('says it is still saving while changes are pending, in a live region that is always there', async () => {
    const header = await mountHeader();
    const status = header.get('[data-test="saving-status"]');
    expect(status.attributes('role')).toBe('status');
    expect(status.attributes('aria-live')).toBe('polite');
    expect(status.find('.header-saving__text').exists()).toBe(false);
    await header.setProps({ savingCount: 2 });
    expect(status.get('.header-saving__text').text()).toBe('保存中…');
    expect(status.attributes('title')).toBe('还有 2 项修改正在保存，请稍候再关闭页面');
    await header.setProps({ savingCount: 0 });
    expect(status.find('.header-saving__text').exists()).toBe(false);
    expect(status.attributes('title')).toBeUndefined();
  });
});
