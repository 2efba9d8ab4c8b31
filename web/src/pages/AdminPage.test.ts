import { beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { createMemoryHistory, createRouter } from 'vue-router';
import { MemoryDocumentStore, executeCommand, type Actor, type Member } from '@clearway/core';
import type { Backend } from '@/backend/types';
import { useSessionStore } from '@/stores/session';
import { testPlugins } from '@/test/boardFixtures';
import { memoryBackend, WAN } from '@/test/projectFixtures';
import AdminPage from './AdminPage.vue';

const ADMIN: Actor = { uid: 'u-admin', name: '李建华', role: 'admin', bankId: null };
const VIEWER: Actor = { uid: 'u-viewer', name: '周国庆', role: 'viewer', bankId: null };

async function workspace(): Promise<MemoryDocumentStore> {
  const store = new MemoryDocumentStore();
  const asAdmin = { actor: ADMIN, now: new Date() };
  await executeCommand(store, asAdmin, { name: 'member.upsert', payload: { uid: ADMIN.uid, expectedVersion: null, name: ADMIN.name, email: 'admin@clearway.local', role: 'admin' } });
  await executeCommand(store, asAdmin, { name: 'member.upsert', payload: { uid: VIEWER.uid, expectedVersion: null, name: VIEWER.name, email: 'leader@clearway.local', role: 'viewer' } });
  await executeCommand(store, asAdmin, { name: 'bank.upsert', payload: { id: 'icbc', expectedVersion: null, name: '工商银行', category: 'stateLarge', agreementAmount: 100_000 * WAN } });
  return store;
}

async function mountPage(backend: Backend, locale: 'zh-CN' | 'en' = 'zh-CN', path = '/admin') {
  const pinia = createPinia();
  setActivePinia(pinia);
  await useSessionStore().start(async () => backend);
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/admin', component: AdminPage }] });
  await router.push(path);
  const wrapper = mount(AdminPage, { attachTo: document.body, global: { plugins: [pinia, router, ...testPlugins(locale)] } });
  await flushPromises();
  return { wrapper, router };
}

/** The <input> behind an Element Plus field marked with data-test (dialogs teleport to body). */
function input(name: string): HTMLInputElement {
  const marked = document.querySelector(`[data-test="${name}"]`);
  const found = marked?.tagName === 'INPUT' ? marked : marked?.querySelector('input');
  if (!found) throw new Error(`no input ${name}`);
  return found as HTMLInputElement;
}

async function type(name: string, value: string): Promise<void> {
  const field = input(name);
  field.value = value;
  field.dispatchEvent(new Event('input'));
  await flushPromises();
}

function click(selector: string): void {
  const element = document.querySelector(selector) as HTMLElement | null;
  if (!element) throw new Error(`nothing at ${selector}`);
  element.click();
}

describe('AdminPage', { timeout: 30_000 }, () => {
  beforeEach(() => {
    document.body.innerHTML = '';
  });

  it('lists the members with role, bank and status, and says to others that it is for admins only', async () => {
    const store = await workspace();
    const { wrapper } = await mountPage(memoryBackend(store, ADMIN));
    await vi.waitFor(() => expect(wrapper.find('[data-member-uid="u-viewer"]').exists()).toBe(true));
    const table = wrapper.find('[data-test="members-table"]').text();
    expect(table).toContain('李建华');
    expect(table).toContain('领导/观察员');
    expect(wrapper.find('[data-test="member-status-u-viewer"]').text()).toBe('启用');
    // An admin cannot disable themselves (and lock the workspace out).
    expect(wrapper.find('[data-test="member-toggle-u-admin"]').attributes('disabled')).toBeDefined();
    // Local mode: no accounts, so no password reset.
    expect(wrapper.find('[data-test="member-reset-u-viewer"]').exists()).toBe(false);
    wrapper.unmount();

    const refused = await mountPage(memoryBackend(store, VIEWER), 'en');
    expect(refused.wrapper.find('[data-test="admin-refused"]').text()).toContain('Only administrators');
    expect(refused.wrapper.find('[data-test="members-table"]').exists()).toBe(false);
  });

  it('adds a liaison of a bank through the form; a liaison without a bank is asked for one first', async () => {
    const store = await workspace();
    const { wrapper } = await mountPage(memoryBackend(store, ADMIN));
    await vi.waitFor(() => expect(wrapper.find('[data-member-uid="u-viewer"]').exists()).toBe(true));
    await wrapper.find('[data-test="member-add"]').trigger('click');
    await flushPromises();
    await type('member-email', 'zhao@icbc.example');
    await type('member-name', '赵磊');
    const liaison = [...document.querySelectorAll('[data-test="member-role"] label')].find((label) => label.textContent?.includes('银行联络员')) as HTMLElement;
    liaison.click();
    await flushPromises();
    click('[data-test="member-submit"]');
    await vi.waitFor(() => expect(document.body.textContent).toContain('银行联络员须选择所属银行'));
    expect((await store.query<Member>('members')).map((doc) => doc.data.name)).not.toContain('赵磊');
  });

  it('shows a refused bank change beside its field, in the user’s language', async () => {
    const store = await workspace();
    await executeCommand(store, { actor: ADMIN, now: new Date() }, { name: 'bank.upsert', payload: { id: 'ccb', expectedVersion: null, name: '建设银行', category: 'stateLarge', agreementAmount: 0 } });
    const { wrapper } = await mountPage(memoryBackend(store, ADMIN), 'en', '/admin?tab=banks');
    await vi.waitFor(() => expect(wrapper.find('[data-test="bank-edit-ccb"]').exists()).toBe(true));
    expect(wrapper.find('[data-test="bank-agreement-icbc"]').text()).toContain('100,000.00');
    await wrapper.find('[data-test="bank-edit-ccb"]').trigger('click');
    await flushPromises();
    await type('bank-name', '工商银行');
    click('[data-test="bank-submit"]');
    await vi.waitFor(() => expect(document.body.textContent).toContain('A bank named “工商银行” already exists'));
    expect((await store.get('banks', 'ccb'))?.data).toMatchObject({ name: '建设银行' });
  });

  it('saves the stall rules from their form', async () => {
    const store = await workspace();
    const { wrapper } = await mountPage(memoryBackend(store, ADMIN), 'zh-CN', '/admin?tab=rules');
    await vi.waitFor(() => expect(wrapper.find('[data-test="rules-form"]').exists()).toBe(true));
    await type('rules-silence', '21');
    input('rules-silence').dispatchEvent(new Event('change'));
    await flushPromises();
    await wrapper.find('[data-test="rules-form"]').trigger('submit');
    await vi.waitFor(async () => expect((await store.get('settings', 'stallRules'))?.data).toMatchObject({ bankSilenceDays: 21 }));
  });

  it('says a saved member change whose sign-in rights follow later (a pending claims sync) as such, not as an error', async () => {
    const store = await workspace();
    const backend = memoryBackend(store, ADMIN);
    // As the Firebase callable answers when the Auth claims could not be set yet.
    const pending: Backend = { ...backend, execute: async (command) => ({ ...(await backend.execute(command)), notices: ['errors.member.claimsPending'] }) };
    const { wrapper } = await mountPage(pending);
    await vi.waitFor(() => expect(wrapper.find('[data-test="member-toggle-u-viewer"]').exists()).toBe(true));
    await wrapper.find('[data-test="member-toggle-u-viewer"]').trigger('click');
    await flushPromises();
    click('.el-message-box__btns .el-button--primary');
    await vi.waitFor(() => expect(document.body.textContent).toContain('已保存，登录权限稍后生效'));
    expect((await store.get<Member>('members', VIEWER.uid))!.data.disabled).toBe(true);
  });
});
