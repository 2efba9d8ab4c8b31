import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { DomainError, MemoryDocumentStore, monthOf } from '@clearway/core';
import { createSampleWorkspace, sampleActor, SAMPLE_IDENTITIES, seedStore } from '@clearway/core/sample';
import type { Backend } from '@/backend/types';
import { memoryBackend } from '@/test/projectFixtures';
import { useBoardStore } from './board';
import { useMeetingStore } from './meeting';
import { useSessionStore } from './session';

/** The demo backend whose watch of the closed months is refused until `healed`. */
async function backendRefusingMonths() {
  const store = new MemoryDocumentStore();
  await seedStore(store, createSampleWorkspace({ now: new Date(), projects: 12 }));
  const staff = sampleActor(SAMPLE_IDENTITIES.find((member) => member.uid === 'u-staff')!);
  const inner = memoryBackend(store, staff);
  const state = { healed: false, monthWatches: 0 };
  const backend: Backend = {
    ...inner,
    watchQuery(collection, spec, onNext, onError) {
      if (collection !== 'months') return inner.watchQuery(collection, spec, onNext, onError);
      state.monthWatches++;
      if (state.healed) return inner.watchQuery(collection, spec, onNext, onError);
      queueMicrotask(() => onError?.(new DomainError('permission-denied', 'auth.error.readDenied')));
      return () => undefined;
    },
  };
  return { backend, state };
}

describe('meeting store, a failed read', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('ends the loading with the reason, and a retry reads the months again', async () => {
    const { backend, state } = await backendRefusingMonths();
    useSessionStore().attach(backend);
    useBoardStore().start();
    const meeting = useMeetingStore();
    meeting.setMonth(monthOf(new Date()));

    await vi.waitFor(() => expect(meeting.read.error?.messageKey).toBe('auth.error.readDenied'));
    expect(meeting.loading).toBe(false);

    state.healed = true;
    meeting.read.retry();
    expect(state.monthWatches).toBe(2);
    await vi.waitFor(() => expect(meeting.agenda).not.toBeNull(), { timeout: 5000 });
    expect(meeting.read.error).toBeNull();
  });
});
