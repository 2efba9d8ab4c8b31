import { beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { createMemoryHistory, createRouter } from 'vue-router';
import { DomainError } from '@clearway/core';
import type { Backend } from '@/backend/types';
import { useSessionStore } from '@/stores/session';
import { testPlugins } from '@/test/boardFixtures';
import { messages } from '@/i18n/messages';
import SignInPage from './SignInPage.vue';

/** A Firebase-like backend whose sign-in is scripted by the test. */
function fakeFirebaseBackend(signIn: (email: string, password: string) => Promise<void>): Backend {
  return {
    kind: 'firebase',
    ready: async () => undefined,
    execute: async () => ({ written: [] }),
    watchQuery: () => () => undefined,
    watchDoc: () => () => undefined,
    watchActor: (onNext) => {
      onNext(null);
      return () => undefined;
    },
    auth: { signIn, signOut: async () => undefined },
  };
}

async function mountPage(backend: Backend, locale: 'zh-CN' | 'en' = 'zh-CN') {
  const pinia = createPinia();
  setActivePinia(pinia);
  await useSessionStore().start(async () => backend);
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', component: { template: '<p>board</p>' } },
      { path: '/sign-in', name: 'signIn', component: SignInPage },
    ],
  });
  await router.push('/sign-in?redirect=/meeting');
  router.addRoute({ path: '/meeting', component: { template: '<p>meeting</p>' } });
  const wrapper = mount(SignInPage, { global: { plugins: [pinia, router, ...testPlugins(locale)] } });
  return { wrapper, router };
}

/** The <input> behind an Element Plus input marked with data-test. */
function field(wrapper: Awaited<ReturnType<typeof mountPage>>['wrapper'], name: string) {
  const marked = wrapper.find(`[data-test="${name}"]`);
  return marked.element.tagName === 'INPUT' ? marked : marked.find('input');
}

describe('SignInPage', () => {
  beforeEach(() => {
    vi.restoreAllMocks();
  });

  it('asks for the missing fields in the user’s language and does not call the backend', async () => {
    const signIn = vi.fn(async () => undefined);
    const { wrapper } = await mountPage(fakeFirebaseBackend(signIn));
    await wrapper.find('[data-test="sign-in-submit"]').trigger('click');
    await flushPromises();
    expect(signIn).not.toHaveBeenCalled();
    expect(wrapper.text()).toContain('请输入邮箱');
    expect(wrapper.text()).toContain('请输入密码');
  });

  it('shows a refused sign-in as readable text, not a message key', async () => {
    const { wrapper } = await mountPage(
      fakeFirebaseBackend(async () => {
        throw new DomainError('unauthenticated', 'auth.error.invalidCredentials');
      }),
      'en',
    );
    await field(wrapper, 'sign-in-email').setValue('staff@clearway.local');
    await field(wrapper, 'sign-in-password').setValue('wrong');
    await wrapper.find('[data-test="sign-in-submit"]').trigger('click');
    await flushPromises();
    const alert = wrapper.find('[data-test="sign-in-error"]');
    expect(alert.text()).toBe('Wrong email or password');
  });

  it('signs in and goes where the user wanted to go', async () => {
    let received: [string, string] | null = null;
    const { wrapper, router } = await mountPage(
      fakeFirebaseBackend(async (email, password) => {
        received = [email, password];
      }),
    );
    await field(wrapper, 'sign-in-email').setValue('staff@clearway.local');
    await field(wrapper, 'sign-in-password').setValue('clearway-demo');
    await wrapper.find('[data-test="sign-in-submit"]').trigger('click');
    await flushPromises();
    expect(received).toEqual(['staff@clearway.local', 'clearway-demo']);
    expect(router.currentRoute.value.fullPath).toBe('/meeting');
  });

  it('says why the server ended the last session (e.g. the member was disabled)', async () => {
    const backend = fakeFirebaseBackend(async () => undefined);
    const ended: Backend = { ...backend, kind: 'server', auth: { ...backend.auth!, endedReason: () => 'auth.error.sessionEnded' } };
    const { wrapper } = await mountPage(ended, 'en');
    expect(wrapper.find('[data-test="sign-in-ended"]').text()).toContain('Your session has ended');
    const fresh = await mountPage(backend);
    expect(fresh.wrapper.find('[data-test="sign-in-ended"]').exists()).toBe(false);
  });

  it('has every auth message in both languages', () => {
    const keys = (tree: unknown, prefix = ''): string[] =>
      Object.entries(tree as Record<string, unknown>).flatMap(([k, v]) => (typeof v === 'string' ? [`${prefix}${k}`] : keys(v, `${prefix}${k}.`)));
    const zh = keys(messages['zh-CN'].auth, 'auth.').sort();
    const en = keys(messages.en.auth, 'auth.').sort();
    expect(zh).toEqual(en);
    expect(zh.length).toBeGreaterThan(20);
  });
});
