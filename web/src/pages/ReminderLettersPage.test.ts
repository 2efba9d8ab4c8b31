/**
 * The 工作提醒函 page for staff: a letter's 代为登记 buttons show only for a party that no member
 * speaks for (settings/partyContacts); the parties with a liaison or unit contact act themselves.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { addDays, monthOf, todayIso } from '@clearway/core';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { createMemoryHistory, createRouter } from 'vue-router';
import type { Backend } from '@/backend/types';
import { useClockStore } from '@/stores/clock';
import { useSessionStore } from '@/stores/session';
import { testPlugins } from '@/test/boardFixtures';
import { followUpWorkspace, PARTIES, refusing } from '@/test/followUpFixtures';
import ReminderLettersPage from './ReminderLettersPage.vue';

describe('工作提醒函 for staff', { timeout: 30_000 }, () => {
  beforeEach(() => {
    document.body.innerHTML = '';
    localStorage.clear();
  });

  afterEach(() => vi.restoreAllMocks());

  async function mountLetters(backend: Backend, path = '/') {
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
    await router.push(path);
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
    // The parties' contacts are read again (the letters' numbers are not in settings).
    expect(state.reads).toBe(before + 1);
    await vi.waitFor(() => expect(wrapper.findAll('[data-test="on-behalf-acknowledge"]')).toHaveLength(2));
    expect(wrapper.find('.read-failed').exists()).toBe(false);
  });

  it('numbers the letters when printed, and a reprint the next day shows the same numbers and date', async () => {
    const print = vi.fn();
    Object.defineProperty(window, 'print', { value: print, configurable: true, writable: true });
    const store = await followUpWorkspace();
    const { backend } = refusing(store, null);
    const month = monthOf(new Date());
    const wrapper = await mountLetters(backend, `/?month=${month}`);
    const numbers = () => wrapper.findAll('[data-test="letter-number"]').map((n) => n.text());
    await vi.waitFor(() => expect(numbers()).toHaveLength(PARTIES.length));
    const year = new Date().getFullYear();
    expect(numbers().every((n) => n.includes('numbered when printed'))).toBe(true);
    const settings = async () => (await store.query('settings')).map((doc) => [doc.id, doc.version]);
    const settingsBefore = await settings();

    await wrapper.get('[data-test="letter-print"]').trigger('click');
    await vi.waitFor(() => expect(print).toHaveBeenCalledTimes(1));
    expect([...numbers()].sort()).toEqual(PARTIES.map((_, i) => `No. ${i + 1} (${year})`).sort());
    const before = numbers();
    const counter = async () => (await store.get('letters', `counter-${year}`))!;
    expect((await counter()).data).toEqual({ year, next: PARTIES.length + 1 });
    const version = (await counter()).version;

    // The next day: the same letters, the same numbers, still dated the day they were issued.
    const today = todayIso(new Date());
    useClockStore().fix(new Date(Date.now() + 86_400_000));
    await flushPromises();
    await wrapper.get('[data-test="letter-print"]').trigger('click');
    await vi.waitFor(() => expect(print).toHaveBeenCalledTimes(2));
    expect(numbers()).toEqual(before);
    expect(wrapper.text()).not.toContain(addDays(today, 1).slice(5));
    expect((await counter()).version).toBe(version);
    // Printing writes nothing into settings, which every member reads.
    expect(await settings()).toEqual(settingsBefore);
  });

  it('says why when the issued letters cannot be read, and prints nothing unnumbered; retry shows the numbers', async () => {
    const print = vi.fn();
    Object.defineProperty(window, 'print', { value: print, configurable: true, writable: true });
    const store = await followUpWorkspace();
    const { backend, state } = refusing(store, 'letters');
    const wrapper = await mountLetters(backend, `/?month=${monthOf(new Date())}`);
    await vi.waitFor(() => expect(wrapper.find('.read-failed').text()).toContain('You may not see this data'));
    expect(wrapper.find('[data-test="letter-print"]').exists()).toBe(false);
    state.healed = true;
    await wrapper.get('.read-failed__retry').trigger('click');
    await vi.waitFor(() => expect(wrapper.findAll('[data-test="letter-number"]')).toHaveLength(PARTIES.length));
    expect(print).not.toHaveBeenCalled();
  });
});
