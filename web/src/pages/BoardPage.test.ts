/**
 * The board page when its cards or banks cannot be read: the ReadFailed panel says why in place
 * of the columns, and its retry reads again (the columns then show the cards).
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { createMemoryHistory, createRouter } from 'vue-router';
import type { Backend } from '@/backend/types';
import { useSessionStore } from '@/stores/session';
import { testPlugins } from '@/test/boardFixtures';
import { followUpWorkspace, refusing } from '@/test/followUpFixtures';
import BoardPage from './BoardPage.vue';

async function mountBoard(backend: Backend) {
  const pinia = createPinia();
  setActivePinia(pinia);
  await useSessionStore().start(async () => backend);
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/', component: BoardPage }] });
  await router.push('/');
  const wrapper = mount(BoardPage, { attachTo: document.body, global: { plugins: [pinia, router, ...testPlugins('en')] } });
  await flushPromises();
  return wrapper;
}

describe('a refused read on the board page', { timeout: 30_000 }, () => {
  beforeEach(() => {
    document.body.innerHTML = '';
    localStorage.clear();
  });

  // The demo backend has no card watch of its own: the cards are read from the projects.
  for (const refused of ['projects', 'banks'] as const) {
    it(`${refused}: the panel says why instead of empty columns; retry reads again and shows the cards`, async () => {
      const { backend, state } = refusing(await followUpWorkspace(), refused);
      const wrapper = await mountBoard(backend);
      await vi.waitFor(() => expect(wrapper.find('.read-failed').text()).toContain('You may not see this data'));
      expect(wrapper.find('.board-page__columns').exists()).toBe(false);
      const before = state.reads;

      state.healed = true;
      await wrapper.find('.read-failed__retry').trigger('click');
      expect(state.reads).toBe(before + 1);
      await vi.waitFor(() => expect(wrapper.find('.board-page__columns').text()).toContain('城南污水处理厂'));
      expect(wrapper.find('.read-failed').exists()).toBe(false);
    });
  }
});
