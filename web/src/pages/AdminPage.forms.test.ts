/**
 * The admin page's annual targets form and "add bank" dialog, wired to a real core workspace: what
 * the admin types in 万元 is stored as integer yuan, bad input writes nothing and says why.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { createMemoryHistory, createRouter } from 'vue-router';
import { MemoryDocumentStore, executeCommand, type Actor, type AnnualTargets, type Bank } from '@clearway/core';
import type { Backend } from '@/backend/types';
import { useSessionStore } from '@/stores/session';
import { testPlugins } from '@/test/boardFixtures';
import { memoryBackend, WAN } from '@/test/projectFixtures';
import AdminPage from './AdminPage.vue';

const ADMIN: Actor = { uid: 'u-admin', name: '李建华', role: 'admin', bankId: null };
const YEAR = new Date().getFullYear();

async function workspace(): Promise<MemoryDocumentStore> {
  const store = new MemoryDocumentStore();
  const asAdmin = { actor: ADMIN, now: new Date() };
  await executeCommand(store, asAdmin, { name: 'member.upsert', payload: { uid: ADMIN.uid, expectedVersion: null, name: ADMIN.name, email: 'admin@clearway.local', role: 'admin' } });
  await executeCommand(store, asAdmin, { name: 'bank.upsert', payload: { id: 'icbc', expectedVersion: null, name: '工商银行', category: 'stateLarge', agreementAmount: 100_000 * WAN } });
  return store;
}

async function mountPage(backend: Backend, locale: 'zh-CN' | 'en', path: string) {
  const pinia = createPinia();
  setActivePinia(pinia);
  await useSessionStore().start(async () => backend);
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/admin', component: AdminPage }] });
  await router.push(path);
  const wrapper = mount(AdminPage, { attachTo: document.body, global: { plugins: [pinia, router, ...testPlugins(locale)] } });
  await flushPromises();
  return wrapper;
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
  field.dispatchEvent(new Event('change'));
  await flushPromises();
}

function click(selector: string): void {
  const element = document.querySelector(selector) as HTMLElement | null;
  if (!element) throw new Error(`nothing at ${selector}`);
  element.click();
}

async function submitTargets(): Promise<void> {
  document.querySelector('[data-test="admin-targets-form"]')!.dispatchEvent(new Event('submit'));
  await flushPromises();
}

describe('AdminPage: annual targets', { timeout: 30_000 }, () => {
  beforeEach(() => {
    document.body.innerHTML = '';
  });

  it('sets this year’s targets typed in 万元 (stored as yuan), then shows and updates them', async () => {
    const store = await workspace();
    const wrapper = await mountPage(memoryBackend(store, ADMIN), 'zh-CN', '/admin?tab=targets');
    await vi.waitFor(() => expect(wrapper.find('[data-test="admin-targets-form"]').exists()).toBe(true));
    expect(wrapper.find('[data-test="targets-not-set"]').text()).toContain(`${YEAR} 年尚未设定目标`);

    await type('targets-approved', '2,600.5');
    await type('targets-disbursed', '１２００');
    await type('targets-projects', '48');
    await submitTargets();
    await vi.waitFor(async () =>
      expect((await store.get<AnnualTargets>('settings', `targets-${YEAR}`))?.data).toMatchObject({
        year: YEAR,
        approved: 2600.5 * WAN,
        disbursed: 1200 * WAN,
        projects: 48,
      }),
    );
    await vi.waitFor(() => expect(document.body.textContent).toContain(`${YEAR} 年目标已保存`));
    await vi.waitFor(() => expect(wrapper.find('[data-test="targets-not-set"]').exists()).toBe(false));
    expect(input('targets-approved').value).toBe('2,600.5');

    // A second save replaces them (the form sends the version it read).
    await type('targets-projects', '50');
    await submitTargets();
    await vi.waitFor(async () => {
      const saved = await store.get<AnnualTargets>('settings', `targets-${YEAR}`);
      expect(saved?.data.projects).toBe(50);
      expect(saved?.version).toBe(2);
    });
  });

  it('another year starts empty and is stored under its own year', async () => {
    const store = await workspace();
    await executeCommand(store, { actor: ADMIN, now: new Date() }, {
      name: 'targets.set',
      payload: { expectedVersion: null, year: YEAR, approved: 1000 * WAN, disbursed: 500 * WAN, projects: 10 },
    });
    const wrapper = await mountPage(memoryBackend(store, ADMIN), 'en', '/admin?tab=targets');
    await vi.waitFor(() => expect(input('targets-approved').value).toBe('1,000'));
    await type('targets-year', String(YEAR + 1));
    await vi.waitFor(() => expect(wrapper.find('[data-test="targets-not-set"]').text()).toContain(String(YEAR + 1)));
    expect(input('targets-approved').value).toBe('');
    await type('targets-approved', '3000');
    await type('targets-disbursed', '0');
    await type('targets-projects', '12');
    await submitTargets();
    await vi.waitFor(async () => expect((await store.get<AnnualTargets>('settings', `targets-${YEAR + 1}`))?.data).toMatchObject({ approved: 3000 * WAN, projects: 12 }));
    expect((await store.get<AnnualTargets>('settings', `targets-${YEAR}`))?.data).toMatchObject({ approved: 1000 * WAN, projects: 10 });
  });

  it('an amount that is not one says why and writes nothing; so does a missing field', async () => {
    const store = await workspace();
    const wrapper = await mountPage(memoryBackend(store, ADMIN), 'zh-CN', '/admin?tab=targets');
    await vi.waitFor(() => expect(wrapper.find('[data-test="admin-targets-form"]').exists()).toBe(true));
    await type('targets-approved', '两千万');
    await type('targets-disbursed', '100');
    await type('targets-projects', '5');
    await submitTargets();
    await vi.waitFor(() => expect(wrapper.find('[data-test="admin-targets-form"] [role="alert"]').exists()).toBe(true));
    await type('targets-approved', '');
    await submitTargets();
    await vi.waitFor(() => expect(wrapper.find('[data-test="admin-targets-form"]').text()).toContain('必填'));
    expect(await store.get('settings', `targets-${YEAR}`)).toBeNull();
  });
});

describe('AdminPage: add a bank', { timeout: 30_000 }, () => {
  beforeEach(() => {
    document.body.innerHTML = '';
  });

  it('adds a bank with its category and strategic agreement amount in 万元; the table shows it', async () => {
    const store = await workspace();
    const wrapper = await mountPage(memoryBackend(store, ADMIN), 'zh-CN', '/admin?tab=banks');
    await vi.waitFor(() => expect(wrapper.find('[data-test="bank-add"]').exists()).toBe(true));
    await wrapper.find('[data-test="bank-add"]').trigger('click');
    await flushPromises();
    await type('bank-name', ' 恒丰银行 ');
    await type('bank-agreement', '50,000');
    click('[data-test="bank-submit"]');
    await vi.waitFor(async () => {
      const banks = (await store.query<Bank>('banks')).map((doc) => doc.data);
      expect(banks.find((bank) => bank.name === '恒丰银行')).toMatchObject({ category: 'stateLarge', agreementAmount: 50_000 * WAN });
    });
    const added = (await store.query<Bank>('banks')).find((doc) => doc.data.name === '恒丰银行')!;
    await vi.waitFor(() => expect(wrapper.find(`[data-test="bank-agreement-${added.id}"]`).text()).toContain('50,000'));
    expect(wrapper.text()).toContain('恒丰银行');
  });

  it('a bank without a name, or with a bad amount, is not added', async () => {
    const store = await workspace();
    const wrapper = await mountPage(memoryBackend(store, ADMIN), 'en', '/admin?tab=banks');
    await vi.waitFor(() => expect(wrapper.find('[data-test="bank-add"]').exists()).toBe(true));
    await wrapper.find('[data-test="bank-add"]').trigger('click');
    await flushPromises();
    await type('bank-name', '   ');
    await type('bank-agreement', '-5');
    click('[data-test="bank-submit"]');
    await vi.waitFor(() => expect(document.querySelector('[data-test="bank-form"] [role="alert"]')).not.toBeNull());
    await flushPromises();
    expect((await store.query<Bank>('banks')).map((doc) => doc.data.name)).toEqual(['工商银行']);
  });
});
