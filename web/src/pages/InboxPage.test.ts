/**
 * 待我处理 for staff: the 代为登记 buttons show only on the overdue assignments of a party that no
 * member speaks for (settings/partyContacts, since staff cannot read the members list), and a
 * refused read shows the ReadFailed panel, whose retry reads again.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { createMemoryHistory, createRouter } from 'vue-router';
import type { Backend } from '@/backend/types';
import { useSessionStore } from '@/stores/session';
import { testPlugins } from '@/test/boardFixtures';
import { followUpWorkspace as workspace, PARTIES, refusing } from '@/test/followUpFixtures';
import InboxPage from './InboxPage.vue';

async function mountInbox(backend: Backend) {
  const pinia = createPinia();
  setActivePinia(pinia);
  await useSessionStore().start(async () => backend);
  const stub = { template: '<div />' };
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', component: InboxPage },
      { path: '/letters', name: 'reminderLetters', component: stub },
      { path: '/bank', name: 'myBank', component: stub },
    ],
  });
  await router.push('/');
  const wrapper = mount(InboxPage, { attachTo: document.body, global: { plugins: [pinia, router, ...testPlugins('en')] } });
  await flushPromises();
  return wrapper;
}

/** The 代为登记 buttons of each overdue assignment, by its party. */
function onBehalfButtons(wrapper: Awaited<ReturnType<typeof mountInbox>>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const item of wrapper.findAll('.due-list__item[data-kind="overdueAssignment"]')) {
    const party = PARTIES.find((p) => item.find('.due-list__detail').text().startsWith(p) || item.find('.due-list__detail').text().includes(`${p} ·`))!;
    out[party] = item
      .findAll('.due-list__actions button')
      .map((b) => b.text())
      .filter((text) => text.endsWith('for it'));
  }
  return out;
}

describe('待我处理 for staff', { timeout: 30_000 }, () => {
  beforeEach(() => {
    document.body.innerHTML = '';
    localStorage.clear();
  });

  it('offers 代为登记 only for the parties with no member', async () => {
    const { backend } = refusing(await workspace(), null);
    const wrapper = await mountInbox(backend);
    await vi.waitFor(() => expect(wrapper.findAll('.due-list__item[data-kind="overdueAssignment"]')).toHaveLength(4));
    await vi.waitFor(() =>
      expect(onBehalfButtons(wrapper)).toEqual({
        工商银行: [],
        光大银行: ['Acknowledge for it'],
        市自然资源局: [],
        市住建局: ['Acknowledge for it'],
      }),
    );
  });

  it('a refused read of the rounds says why instead of an empty list; retry reads again', async () => {
    const { backend, state } = refusing(await workspace(), 'settings');
    const wrapper = await mountInbox(backend);
    await vi.waitFor(() => expect(wrapper.find('.read-failed').text()).toContain('You may not see this data'));
    expect(wrapper.find('.due-list').exists()).toBe(false);
    expect(wrapper.find('[data-test="inbox-empty"]').exists()).toBe(false);
    const before = state.reads;

    state.healed = true;
    await wrapper.find('.read-failed__retry').trigger('click');
    expect(state.reads).toBe(before + 1);
    await vi.waitFor(() => expect(wrapper.findAll('.due-list__item[data-kind="overdueAssignment"]')).toHaveLength(4));
    expect(wrapper.find('.read-failed').exists()).toBe(false);
  });

  it('a refused read of the board shows the panel too', async () => {
    const { backend, state } = refusing(await workspace(), 'banks');
    const wrapper = await mountInbox(backend);
    await vi.waitFor(() => expect(wrapper.find('.read-failed').text()).toContain('You may not see this data'));
    state.healed = true;
    await wrapper.find('.read-failed__retry').trigger('click');
    await vi.waitFor(() => expect(wrapper.findAll('.due-list__item[data-kind="overdueAssignment"]')).toHaveLength(4));
  });
});
