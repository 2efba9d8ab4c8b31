/**
 * 待我处理 for staff: the 代为登记 buttons show only on the overdue assignments of a party that no
 * member speaks for (settings/partyContacts, since staff cannot read the members list), and a
 * refused read shows the ReadFailed panel, whose retry reads again.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { createMemoryHistory, createRouter } from 'vue-router';
import { addDays, DomainError, executeCommand, MemoryDocumentStore, monthOf, todayIso, type Actor, type CollectionName } from '@clearway/core';
import type { Backend } from '@/backend/types';
import { useSessionStore } from '@/stores/session';
import { testPlugins } from '@/test/boardFixtures';
import { memoryBackend, WAN } from '@/test/projectFixtures';
import InboxPage from './InboxPage.vue';

const ADMIN: Actor = { uid: 'u-admin', name: '李建华', role: 'admin', bankId: null };
const STAFF: Actor = { uid: 'u-staff', name: '王丽娟', role: 'staff', bankId: null };
const PARTIES = ['工商银行', '光大银行', '市自然资源局', '市住建局'];

/** 工商银行 has a liaison and 市自然资源局 a unit contact; 光大银行 and 市住建局 have no member. Every assignment is overdue. */
async function workspace(): Promise<MemoryDocumentStore> {
  const store = new MemoryDocumentStore();
  const then = new Date(Date.now() - 40 * 86_400_000);
  const run = (actor: Actor, name: Parameters<typeof executeCommand>[2]['name'], payload: unknown) => executeCommand(store, { actor, now: then }, { name, payload });
  await run(ADMIN, 'member.upsert', { uid: ADMIN.uid, expectedVersion: null, name: ADMIN.name, email: 'admin@clearway.local', role: 'admin' });
  await run(ADMIN, 'member.upsert', { uid: STAFF.uid, expectedVersion: null, name: STAFF.name, email: 'staff@clearway.local', role: 'staff' });
  await run(ADMIN, 'bank.upsert', { id: 'icbc', expectedVersion: null, name: '工商银行', category: 'stateLarge', agreementAmount: 0 });
  await run(ADMIN, 'bank.upsert', { id: 'ceb', expectedVersion: null, name: '光大银行', category: 'jointStock', agreementAmount: 0 });
  await run(ADMIN, 'member.upsert', { uid: 'u-icbc', expectedVersion: null, name: '陈志强', role: 'liaison', bankId: 'icbc' });
  await run(ADMIN, 'member.upsert', { uid: 'u-unit', expectedVersion: null, name: '刘明', role: 'unit', unit: '市自然资源局' });
  const projectId = (await run(STAFF, 'project.create', {
    name: '城南污水处理厂', owner: { name: '城投集团', type: 'platform' }, district: '城南区', sector: '水务',
    source: 'matchmaking', buildStatus: 'new', needTotal: 3_000 * WAN,
  })).createdId as string;
  for (const [i, who] of PARTIES.entries()) {
    await run(STAFF, 'assignment.add', { projectId, expectedVersion: i + 1, month: monthOf(then), what: `落实事项${i + 1}`, who, dueDate: addDays(todayIso(then), 10) });
  }
  return store;
}

/** Staff's demo backend whose reads of `refused` are denied until `healed`; `reads` counts the attempts. */
function refusing(store: MemoryDocumentStore, refused: CollectionName | null) {
  const inner = memoryBackend(store, STAFF);
  const state = { healed: false, reads: 0 };
  const backend: Backend = {
    ...inner,
    watchQuery(collection, spec, onNext, onError) {
      if (collection !== refused) return inner.watchQuery(collection, spec, onNext, onError);
      state.reads++;
      if (state.healed) return inner.watchQuery(collection, spec, onNext, onError);
      queueMicrotask(() => onError?.(new DomainError('permission-denied', 'auth.error.readDenied')));
      return () => undefined;
    },
  };
  return { backend, state };
}

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
