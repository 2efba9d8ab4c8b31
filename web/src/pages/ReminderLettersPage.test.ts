/**
 * The 工作提醒函 page for staff: a letter's 代为登记 buttons show only for a party that no member
 * speaks for (settings/partyContacts); the parties with a liaison or unit contact act themselves.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { createMemoryHistory, createRouter } from 'vue-router';
import type { Backend } from '@/backend/types';
import { useSessionStore } from '@/stores/session';
import { testPlugins } from '@/test/boardFixtures';
import { followUpWorkspace, PARTIES, refusing } from '@/test/followUpFixtures';
import ReminderLettersPage from './ReminderLettersPage.vue';

describe('工作提醒函 for staff', { timeout: 30_000 }, () => {
  beforeEach(() => {
    document.body.innerHTML = '';
    localStorage.clear();
  });

  async function mountLetters(backend: Backend) {
    const pinia = createPinia();
    setActivePinia(pinia);
    await useSessionStore().start(async () => backend);
    const stub = { template: '<div />' };
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [
        { path: '/', component: ReminderLettersPage },
        { path: '/meeting', name: 'meeting', component: stub },
      ],
    });
    await router.push('/');
    const wrapper = mount(ReminderLettersPage, { attachTo: document.body, global: { plugins: [pinia, router, ...testPlugins('en')] } });
    await flushPromises();
    return wrapper;
  }

  it('offers 代为登记 on the letters of the parties with no member only', async () => {
    const { backend } = refusing(await followUpWorkspace(), null);
    const wrapper = await mountLetters(backend);
    const labels = () => wrapper.findAll('[data-test="on-behalf-acknowledge"]').map((b) => b.attributes('aria-label'));
    await vi.waitFor(() => expect(wrapper.text()).toContain('市住建局'));
    await vi.waitFor(() => expect(labels()).toEqual(expect.arrayContaining(['Acknowledge for it · 光大银行', 'Acknowledge for it · 市住建局'])));
    expect(labels()).toHaveLength(2);
    // Every party has a letter; the ones with a member get no button.
    for (const party of PARTIES) expect(wrapper.text()).toContain(party);
  });

  it('says why when which parties have a member cannot be read (no letters guessed); retry shows them', async () => {
    const { backend, state } = refusing(await followUpWorkspace(), 'settings');
    const wrapper = await mountLetters(backend);
    await vi.waitFor(() => expect(wrapper.find('.read-failed').text()).toContain('You may not see this data'));
    expect(wrapper.find('[data-test="on-behalf-acknowledge"]').exists()).toBe(false);
    expect(wrapper.text()).not.toContain('市住建局');
    const before = state.reads;

    state.healed = true;
    await wrapper.find('.read-failed__retry').trigger('click');
    expect(state.reads).toBe(before + 1);
    await vi.waitFor(() => expect(wrapper.findAll('[data-test="on-behalf-acknowledge"]')).toHaveLength(2));
    expect(wrapper.find('.read-failed').exists()).toBe(false);
  });
});
