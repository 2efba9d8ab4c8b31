/**
 * The admin, ledger import, backup, my bank, month plan, history and scorecard pages, when a read
 * is refused: the ReadFailed panel says why in the user's language, and its retry reads again (and
 * the page then shows what it read).
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { createMemoryHistory, createRouter } from 'vue-router';
import type { Component } from 'vue';
import { DomainError, MemoryDocumentStore, executeCommand, type Actor, type CollectionName } from '@clearway/core';
import type { Backend } from '@/backend/types';
import LedgerUpload from '@/components/ledger/LedgerUpload.vue';
import { useBoardStore } from '@/stores/board';
import { useSessionStore } from '@/stores/session';
import { testPlugins } from '@/test/boardFixtures';
import { memoryBackend, WAN } from '@/test/projectFixtures';
import AdminPage from './AdminPage.vue';
import BackupPage from './BackupPage.vue';
import BankScorecardPage from './BankScorecardPage.vue';
import HistoricBoardPage from './HistoricBoardPage.vue';
import LedgerImportPage from './LedgerImportPage.vue';
import MonthPlanPage from './MonthPlanPage.vue';
import MyBankPage from './MyBankPage.vue';

const ADMIN: Actor = { uid: 'u-admin', name: '李建华', role: 'admin', bankId: null };

async function workspace(): Promise<MemoryDocumentStore> {
  const store = new MemoryDocumentStore();
  const asAdmin = { actor: ADMIN, now: new Date() };
  await executeCommand(store, asAdmin, { name: 'member.upsert', payload: { uid: ADMIN.uid, expectedVersion: null, name: ADMIN.name, email: 'admin@clearway.local', role: 'admin' } });
  await executeCommand(store, asAdmin, { name: 'bank.upsert', payload: { id: 'icbc', expectedVersion: null, name: '工商银行', category: 'stateLarge', agreementAmount: 100_000 * WAN } });
  return store;
}

/** The demo backend whose reads of `refused` are denied until `healed`; `reads` counts the attempts on it. */
function refusing(store: MemoryDocumentStore, refused: CollectionName) {
  const inner = memoryBackend(store, ADMIN);
  const state = { healed: false, reads: 0 };
  const deny = (onError?: (error: unknown) => void) => {
    queueMicrotask(() => onError?.(new DomainError('permission-denied', 'auth.error.readDenied')));
    return () => undefined;
  };
  const backend: Backend = {
    ...inner,
    workspace: { exportAll: async () => store.exportAll(), importAll: async () => undefined },
    watchQuery(collection, spec, onNext, onError) {
      if (collection !== refused) return inner.watchQuery(collection, spec, onNext, onError);
      state.reads++;
      return state.healed ? inner.watchQuery(collection, spec, onNext, onError) : deny(onError);
    },
    watchDoc(collection, id, onNext, onError) {
      if (collection !== refused) return inner.watchDoc(collection, id, onNext, onError);
      state.reads++;
      return state.healed ? inner.watchDoc(collection, id, onNext, onError) : deny(onError);
    },
  };
  return { backend, state };
}

async function mountPage(page: Component, backend: Backend) {
  const pinia = createPinia();
  setActivePinia(pinia);
  await useSessionStore().start(async () => backend);
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/', component: page }] });
  await router.push('/');
  const wrapper = mount(page, { attachTo: document.body, global: { plugins: [pinia, router, ...testPlugins('en')] } });
  await flushPromises();
  return wrapper;
}

function ledgerFile(): File {
  const csv = ['单位：万元', '序号,项目名称,所属县区,融资需求,牵头行', '1,鲁甸县文旅康养项目,鲁甸县,"3,000",工商银行'].join('\r\n');
  return new File([new TextEncoder().encode(csv)], '鲁甸台账.csv', { type: 'text/csv' });
}

describe('a refused read on the admin, ledger import, backup, my bank, month plan, history and scorecard pages', { timeout: 30_000 }, () => {
  beforeEach(() => {
    document.body.innerHTML = '';
    localStorage.clear();
  });

  it('admin: the panel says why instead of an empty members table; retry reads the members again', async () => {
    const { backend, state } = refusing(await workspace(), 'members');
    const wrapper = await mountPage(AdminPage, backend);
    await vi.waitFor(() => expect(wrapper.find('.read-failed').text()).toContain('You may not see this data'));
    expect(wrapper.find('[data-test="members-table"]').exists()).toBe(false);
    const before = state.reads;

    state.healed = true;
    await wrapper.find('.read-failed__retry').trigger('click');
    expect(state.reads).toBe(before + 1);
    await vi.waitFor(() => expect(wrapper.find('[data-member-uid="u-admin"]').exists()).toBe(true));
    expect(wrapper.find('.read-failed').exists()).toBe(false);
  });

  it('ledger import: the workspace read failing keeps the file, says why, and retry brings the preview', async () => {
    const { backend, state } = refusing(await workspace(), 'loanLines');
    const wrapper = await mountPage(LedgerImportPage, backend);
    wrapper.findComponent(LedgerUpload).vm.$emit('file', ledgerFile());
    await vi.waitFor(() => expect(wrapper.find('.read-failed').text()).toContain('You may not see this data'));
    expect(wrapper.find('[data-test="ledger-summary"]').exists()).toBe(false);
    expect(wrapper.find('[data-test="ledger-file-error"]').exists()).toBe(false);

    state.healed = true;
    await wrapper.find('.read-failed__retry').trigger('click');
    await vi.waitFor(() => expect(wrapper.find('[data-test="ledger-summary"]').text()).toContain('鲁甸台账.csv'));
    expect(wrapper.find('.read-failed').exists()).toBe(false);
    expect(wrapper.find('[data-test="ledger-counts"]').text()).not.toBe('');
  });

  it('backup: whether the workspace is empty cannot be read, so it says why; retry finds it is not empty', async () => {
    const { backend, state } = refusing(await workspace(), 'banks');
    const wrapper = await mountPage(BackupPage, backend);
    await vi.waitFor(() => expect(wrapper.find('.read-failed').text()).toContain('You may not see this data'));
    expect(wrapper.find('[data-test="backup-import"]').exists()).toBe(false);

    state.healed = true;
    await wrapper.find('.read-failed__retry').trigger('click');
    await vi.waitFor(() => expect(wrapper.find('[data-test="backup-import"]').exists()).toBe(true));
    // The bank it could now read makes the workspace occupied: an import would clash.
    expect(wrapper.find('.backup-panel__warn').exists()).toBe(true);
    expect(wrapper.find('.read-failed').exists()).toBe(false);
  });

  it('my bank: the stall rules cannot be read, so it says why instead of default thresholds; retry shows the bank', async () => {
    const { backend, state } = refusing(await workspace(), 'settings');
    const wrapper = await mountPage(MyBankPage, backend);
    useBoardStore().start(); // the app shell starts the board for every page
    await vi.waitFor(() => expect(wrapper.find('.read-failed').text()).toContain('You may not see this data'));
    expect(wrapper.find('.bank-page__section').exists()).toBe(false);
    const before = state.reads;

    state.healed = true;
    await wrapper.find('.read-failed__retry').trigger('click');
    expect(state.reads).toBe(before + 1);
    await vi.waitFor(() => expect(wrapper.findAll('.bank-page__section')).toHaveLength(2));
    expect(wrapper.find('.read-failed').exists()).toBe(false);
  });

  it('month plan: which months are closed cannot be read, so it says why instead of no planned figures; retry shows the plan', async () => {
    const { backend, state } = refusing(await workspace(), 'months');
    const wrapper = await mountPage(MonthPlanPage, backend);
    useBoardStore().start();
    await vi.waitFor(() => expect(wrapper.find('.read-failed').text()).toContain('You may not see this data'));
    expect(wrapper.find('.plan-page__columns').exists()).toBe(false);
    const before = state.reads;

    state.healed = true;
    await wrapper.find('.read-failed__retry').trigger('click');
    expect(state.reads).toBe(before + 1);
    await vi.waitFor(() => expect(wrapper.find('.plan-page__columns').exists()).toBe(true));
    expect(wrapper.find('.read-failed').exists()).toBe(false);
  });

  it('history: the closed months cannot be read, so it says why instead of "no month closed"; retry reads them', async () => {
    const { backend, state } = refusing(await workspace(), 'months');
    const wrapper = await mountPage(HistoricBoardPage, backend);
    useBoardStore().start();
    await vi.waitFor(() => expect(wrapper.find('.read-failed').text()).toContain('You may not see this data'));
    expect(wrapper.find('.history-page__state').exists()).toBe(false);

    state.healed = true;
    await wrapper.find('.read-failed__retry').trigger('click');
    await vi.waitFor(() => expect(wrapper.find('.history-page__state').exists()).toBe(true));
    expect(wrapper.find('.read-failed').exists()).toBe(false);
  });

  it('scorecard: the weights cannot be read, so it says why instead of default weights; retry shows the card', async () => {
    const { backend, state } = refusing(await workspace(), 'settings');
    const wrapper = await mountPage(BankScorecardPage, backend);
    useBoardStore().start();
    await vi.waitFor(() => expect(wrapper.find('.read-failed').text()).toContain('You may not see this data'));
    expect(wrapper.find('.scorecard-page__state').exists()).toBe(false);

    state.healed = true;
    await wrapper.find('.read-failed__retry').trigger('click');
    await vi.waitFor(() => expect(wrapper.find('.read-failed').exists()).toBe(false));
    await vi.waitFor(() => expect(wrapper.text()).toContain('工商银行'));
  });
});
