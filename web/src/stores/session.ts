/**
 * Who is working, on which backend, in which language. The backend is created once at start;
 * pages and other stores reach it through this store and never construct one themselves.
 */
import { computed, ref, shallowRef } from 'vue';
import { defineStore } from 'pinia';
import type { Actor, CommandEnvelope, CommandName, CommandResult } from '@clearway/core';
import { canRun } from '@clearway/core';
import type { Backend, LocalIdentity, Unsubscribe } from '@/backend/types';
import { initialLocale, rememberLocale, type Locale } from '@/i18n';
import { useClockStore } from './clock';

export type SessionStatus = 'idle' | 'loading' | 'ready' | 'error';

export const useSessionStore = defineStore('session', () => {
  const backend = shallowRef<Backend | null>(null);
  const status = ref<SessionStatus>('idle');
  const loadError = shallowRef<unknown>(null);
  const actor = ref<Actor | null>(null);
  const identities = ref<LocalIdentity[]>([]);
  const locale = ref<Locale>(initialLocale());
  const isLocal = computed(() => backend.value?.kind === 'local');
  let stopActorWatch: Unsubscribe | null = null;

  /**
   * Connects to a backend: `factory`'s (main.ts passes the one it started with the page, tests their
   * own), else a new one of the configured kind (the error page's retry).
   */
  async function start(factory?: () => Promise<Backend>): Promise<void> {
    if (status.value === 'loading' || status.value === 'ready') return;
    status.value = 'loading';
    loadError.value = null;
    try {
      const { current } = useClockStore();
      const create = factory ?? (async () => (await import('@/backend')).createBackend({ now: current }));
      const created = await create();
      await created.ready();
      attach(created);
      status.value = 'ready';
    } catch (error) {
      loadError.value = error;
      status.value = 'error';
    }
  }

  function attach(next: Backend): void {
    stopActorWatch?.();
    backend.value = next;
    identities.value = next.local?.identities() ?? [];
    stopActorWatch = next.watchActor((current) => {
      actor.value = current;
    });
  }

  function requireBackend(): Backend {
    if (!backend.value) throw new Error('The backend is not started yet.');
    return backend.value;
  }

  function execute(command: CommandEnvelope): Promise<CommandResult> {
    return requireBackend().execute(command);
  }

  /** Whether the current actor's role may run a command (the backend still checks). */
  function can(name: CommandName): boolean {
    return actor.value !== null && canRun(actor.value, name);
  }

  async function switchIdentity(uid: string): Promise<void> {
    await requireBackend().local?.switchIdentity(uid);
  }

  async function resetSampleData(): Promise<void> {
    await requireBackend().local?.resetSampleData();
  }

  function setLocale(next: Locale): void {
    locale.value = next;
    rememberLocale(next);
  }

  return {
    backend,
    status,
    loadError,
    actor,
    identities,
    locale,
    isLocal,
    start,
    attach,
    execute,
    can,
    switchIdentity,
    resetSampleData,
    setLocale,
  };
});
