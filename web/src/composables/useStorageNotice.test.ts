import { beforeEach, describe, expect, it, vi } from 'vitest';
import { effectScope } from 'vue';
import { createPinia, setActivePinia } from 'pinia';
import { openDB } from 'idb';
import { MemoryDocumentStore, SCHEMA_VERSION } from '@clearway/core';
import { createSampleWorkspace, sampleActor, SAMPLE_IDENTITIES, seedStore } from '@clearway/core/sample';
import type { Backend, QuarantinedDocumentSummary } from '@/backend/types';
import { memoryBackend } from '@/test/projectFixtures';
import { useSessionStore } from '@/stores/session';
import { createLocalBackend } from '@/backend/local';
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

describe('the storage notice, demo', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('shows a row quarantined by a read after the banner is up (a drawer opening its lines)', async () => {
    const dbName = `storage-notice-${Date.now()}`;
    const options = { dbName, channel: null, storage: null, stallScanIntervalMs: null, firstScanAfter: new Promise<void>(() => undefined) };
    (await createLocalBackend(options)).dispose();
    const db = await openDB(dbName);
    const head = (await db.get('meta', 'head')) as { value: { seq: number } };
    await db.put('docs', { collection: 'loanLines', id: 'broken', version: 1, seq: head.value.seq, schemaVersion: SCHEMA_VERSION, data: 'not a line' }, 'loanLines/broken');
    db.close();

    const backend = await createLocalBackend(options);
    useSessionStore().attach(backend);
    const scope = effectScope();
    const notice = scope.run(() => useStorageNotice())!;
    expect(notice.notice.value).toBeNull();

    await backend.store.query('loanLines');
    await vi.waitFor(() => expect(notice.notice.value).toMatchObject({ quarantined: 1, source: 'browser' }));

    // Dismissed, it stays away until more records are put aside.
    notice.dismiss();
    expect(notice.notice.value).toBeNull();
    const again = await openDB(dbName);
    await again.put('docs', { collection: 'snapshots', id: 'broken', version: 1, seq: head.value.seq, schemaVersion: SCHEMA_VERSION, data: 'not a snapshot' }, 'snapshots/broken');
    again.close();
    await backend.store.query('snapshots');
    await vi.waitFor(() => expect(notice.notice.value).toMatchObject({ quarantined: 2 }));
    scope.stop();
    backend.dispose();
  });
});
