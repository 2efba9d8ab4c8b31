/**
 * The 工作提醒函 page for staff: a letter's 代为登记 buttons show only for a party that no member
 * speaks for (settings/partyContacts); the parties with a liaison or unit contact act themselves.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { createMemoryHistory, createRouter } from 'vue-router';
import { useSessionStore } from '@/stores/session';
import { testPlugins } from '@/test/boardFixtures';
import { followUpWorkspace, PARTIES, refusing } from '@/test/followUpFixtures';
import ReminderLettersPage from './ReminderLettersPage.vue';

describe('工作提醒函 for staff', { timeout: 30_000 }, () => {
  beforeEach(() => {
    document.body.innerHTML = '';
    localStorage.clear();
  });

  it('offers 代为登记 on the letters of the parties with no member only', async () => {
    const { backend } = refusing(await followUpWorkspace(), null);
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
    const labels = () => wrapper.findAll('[data-test="on-behalf-acknowledge"]').map((b) => b.attributes('aria-label'));
    await vi.waitFor(() => expect(wrapper.text()).toContain('市住建局'));
    await vi.waitFor(() => expect(labels()).toEqual(expect.arrayContaining(['Acknowledge for it · 光大银行', 'Acknowledge for it · 市住建局'])));
    expect(labels()).toHaveLength(2);
    // Every party has a letter; the ones with a member get no button.
    for (const party of PARTIES) expect(wrapper.text()).toContain(party);
  });
});
