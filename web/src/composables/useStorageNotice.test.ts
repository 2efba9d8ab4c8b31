import { beforeEach, describe, expect, it, vi } from 'vitest';
import { effectScope } from 'vue';
import { createPinia, setActivePinia } from 'pinia';
import { MemoryDocumentStore } from '@clearway/core';
import { createSampleWorkspace, sampleActor, SAMPLE_IDENTITIES, seedStore } from '@clearway/core/sample';
import type { Backend, QuarantinedDocumentSummary } from '@/backend/types';
import { memoryBackend } from '@/test/projectFixtures';
import { useSessionStore } from '@/stores/session';
import { useStorageNotice } from './useStorageNotice';

const PUT_ASIDE: QuarantinedDocumentSummary = { collection: 'projects', id: 'p-broken', reason: 'unreadable', quarantinedAt: '2026-03-02T02:00:00.000Z' };

/** A team-server-like backend whose quarantine list fails until `healed`. */
async function backendWithQuarantine(uid: string) {
  const store = new MemoryDocumentStore();
  await seedStore(store, createSampleWorkspace({ now: new Date(), projects: 3 }));
  const actor = sampleActor(SAMPLE_IDENTITIES.find((member) => member.uid === uid)!);
  const state = { healed: false, lists: 0 };
  const backend: Backend = {
    ...memoryBackend(store, actor),
    quarantine: {
      list: async () => {
        state.lists++;
        if (!state.healed) throw new Error('connection reset');
        return [PUT_ASIDE];
      },
      download: async () => ({ quarantined: [] }),
    },
  };
  return { backend, state };
}

describe('the storage notice, team server', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('says when the quarantine list cannot be read (and logs it), and a retry reads it again', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const { backend, state } = await backendWithQuarantine('u-admin');
    useSessionStore().attach(backend);
    const scope = effectScope();
    const notice = scope.run(() => useStorageNotice())!;

    await vi.waitFor(() => expect(notice.readError.value?.code).toBe('internal'));
    expect(logged).toHaveBeenCalled();
    expect(notice.notice.value).toBeNull();

    state.healed = true;
    notice.retry();
    await vi.waitFor(() => expect(notice.notice.value?.records).toEqual([PUT_ASIDE]));
    expect(notice.readError.value).toBeNull();
    expect(state.lists).toBe(2);
    scope.stop();
    logged.mockRestore();
  });

  it('asks only for an admin', async () => {
    const { backend, state } = await backendWithQuarantine('u-staff');
    useSessionStore().attach(backend);
    const scope = effectScope();
    const notice = scope.run(() => useStorageNotice())!;
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(state.lists).toBe(0);
    expect(notice.readError.value).toBeNull();
    scope.stop();
  });
});
