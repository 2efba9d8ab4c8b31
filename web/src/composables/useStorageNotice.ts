/**
 * What the backend found in its storage at start, for the banner under the header. The demo: the
 * browser records it put aside, or no IndexedDB at all. The team server, to an admin: the
 * documents it put aside when it opened its database, a read like any other (the watch helper's
 * pending/error/retry, so a failed list is said on the page and logged, not dropped).
 */
import { computed, shallowRef } from 'vue';
import type { LocalStorageNotice, QuarantinedDocumentSummary } from '@/backend/types';
import { useSessionStore } from '@/stores/session';
import { useWatched, type Subscribe } from '@/stores/watched';

/** A one-shot read as a watch: its answer, or its failure, once. */
function readOnce<T>(read: () => Promise<T>): Subscribe<T> {
  return (next, fail) => {
    let live = true;
    read().then(
      (value) => live && next(value),
      (error: unknown) => live && fail(error),
    );
    return () => {
      live = false;
    };
  };
}

export function useStorageNotice() {
  const session = useSessionStore();
  // Asked again when another admin signs in, not on every change of the actor's document.
  const adminUid = computed(() => (session.actor?.role === 'admin' ? session.actor.uid : null));
  const serverQuarantine = useWatched<QuarantinedDocumentSummary[]>(() => {
    const quarantine = session.backend?.quarantine;
    return quarantine && adminUid.value ? readOnce(() => quarantine.list()) : null;
  }, []);

  // The demo's notice changes after start (a collection's rows are quarantined when first read):
  // watched, not read once.
  const localNotice = useWatched<LocalStorageNotice | null>(() => {
    const watchNotice = session.backend?.local?.watchStorageNotice;
    return watchNotice ? (next) => watchNotice(next) : null;
  }, null);

  const notice = computed(() => {
    const local = localNotice.data.value;
    if (local) return local.quarantined > 0 || local.inMemoryOnly ? { ...local, source: 'browser' as const, records: [] } : null;
    const records = serverQuarantine.data.value;
    return records.length > 0 ? { quarantined: records.length, inMemoryOnly: false, source: 'server' as const, records } : null;
  });
  /** How many put-aside records the person dismissed: more found later show the banner again. */
  const dismissed = shallowRef<number | null>(null);

  /** The put-aside records as they were stored, as a JSON file. */
  async function download(): Promise<void> {
    const backend = session.backend;
    const [records, { saveBytes }] = await Promise.all([
      backend?.local?.quarantinedRecords
        ? backend.local.quarantinedRecords().then((quarantined) => ({ quarantined }))
        : (backend?.quarantine?.download() ?? { quarantined: [] }),
      import('@/composables/useWorkbookExport'),
    ]);
    const bytes = new TextEncoder().encode(JSON.stringify(records, null, 1));
    saveBytes(bytes, 'clearway-quarantined-records.json', 'application/json');
  }

  return {
    notice: computed(() => (dismissed.value !== null && (notice.value?.quarantined ?? 0) <= dismissed.value ? null : notice.value)),
    dismiss: () => (dismissed.value = notice.value?.quarantined ?? 0),
    /** The failed read of the server's list (admins only), with its retry. */
    readError: serverQuarantine.error,
    retry: serverQuarantine.retry,
    download,
  };
}
