import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { DomainError, MemoryDocumentStore, executeCommand, type Actor, type CollectionName } from '@clearway/core';
import type { Backend } from '@/backend/types';
import { memoryBackend, WAN } from '@/test/projectFixtures';
import { useProjectStore } from './project';
import { useSessionStore } from './session';

const STAFF: Actor = { uid: 'u-staff', name: '王丽娟', role: 'staff', bankId: null };

async function withProject() {
  const store = new MemoryDocumentStore();
  const created = await executeCommand(store, { actor: STAFF, now: new Date() }, {
    name: 'project.create',
    payload: { name: '城南污水处理厂', owner: { name: '城投集团', type: 'platform' }, district: '城南区', sector: '水务', source: 'matchmaking', buildStatus: 'new', needTotal: 3_000 * WAN },
  });
  return { store, projectId: created.createdId as string };
}

/** The demo backend whose reads of `refused` are denied until healed. */
function refusing(store: MemoryDocumentStore, refused: CollectionName) {
  const inner = memoryBackend(store, STAFF);
  const state = { healed: false };
  const deny = (onError?: (error: unknown) => void) => {
    queueMicrotask(() => onError?.(new DomainError('permission-denied', 'auth.error.readDenied')));
    return () => undefined;
  };
  const backend: Backend = {
    ...inner,
    watchQuery: (collection, spec, onNext, onError) =>
      collection === refused && !state.healed ? deny(onError) : inner.watchQuery(collection, spec, onNext, onError),
    watchDoc: (collection, id, onNext, onError) =>
      collection === refused && !state.healed ? deny(onError) : inner.watchDoc(collection, id, onNext, onError),
  };
  return { backend, state };
}

describe('project store, a failed read', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('the project refused: the drawer stops loading with the reason, and retry reads it', async () => {
    const { store, projectId } = await withProject();
    const { backend, state } = refusing(store, 'projects');
    useSessionStore().attach(backend);
    const drawer = useProjectStore();
    drawer.open(projectId);
    await vi.waitFor(() => expect(drawer.watchError?.messageKey).toBe('auth.error.readDenied'));
    expect(drawer.loaded).toBe(true);
    expect(drawer.project).toBeNull();

    state.healed = true;
    drawer.retry();
    await vi.waitFor(() => expect(drawer.project?.name).toBe('城南污水处理厂'));
    expect(drawer.watchError).toBeNull();
  });

  it('the history refused: only the history tab says so; the project itself reads fine', async () => {
    const { store, projectId } = await withProject();
    useSessionStore().attach(refusing(store, 'activity').backend);
    const drawer = useProjectStore();
    drawer.open(projectId);
    await vi.waitFor(() => expect(drawer.activityUnavailable).toBe(true));
    await vi.waitFor(() => expect(drawer.project?.name).toBe('城南污水处理厂'));
    expect(drawer.watchError).toBeNull();
  });

  it('a command while signed out is refused with the sign-in reason, kept for the form', async () => {
    const { store, projectId } = await withProject();
    useSessionStore().attach(memoryBackend(store, STAFF));
    const drawer = useProjectStore();
    drawer.open(projectId);
    await vi.waitFor(() => expect(drawer.project).not.toBeNull());
    useSessionStore().backend = null;
    const outcome = await drawer.setActionPlan('下周协调用地');
    expect(outcome).toMatchObject({ ok: false, error: { messageKey: 'auth.error.signInRequired' } });
    expect(drawer.lastError?.messageKey).toBe('auth.error.signInRequired');
  });
});
