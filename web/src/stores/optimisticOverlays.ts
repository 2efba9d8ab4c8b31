/**
 * Optimistic changes over watched documents, shared by the stores that run commands: a change
 * shows at once as an overlay on its document; when the command is accepted the overlay stays
 * until the watched document reaches the version the command wrote (so the view never flickers
 * back), and when it is refused the overlay is dropped, which rolls the view back.
 */
import { shallowRef } from 'vue';
import type { CommandResult, StoredDoc } from '@clearway/core';
import type { OptimisticChange } from '@/backend/commands';

export interface Overlay {
  seq: number;
  collection: string;
  docId: string;
  /** The change; `seq` is the overlay's own number (e.g. for a pending tranche's id). */
  apply: (data: never, seq: number) => unknown;
  /** Set once the command succeeded: the overlay goes when the watched doc reaches this version. */
  untilVersion: number | null;
}

/** What a command changes at once; `apply` takes and returns the collection's document data. */
export type OverlayChange = Pick<Overlay, 'collection' | 'docId' | 'apply'>;

/** `versionOf` gives the watched version of a document (0 when it is not watched). */
export function useOptimisticOverlays(versionOf: (collection: string, docId: string) => number) {
  const overlays = shallowRef<Overlay[]>([]);
  let lastSeq = 0;

  /** The document with every overlay on it that its version has not yet caught up with. */
  function applyTo<T>(collection: string, doc: StoredDoc<T>): StoredDoc<T> {
    let data = doc.data;
    for (const overlay of overlays.value) {
      if (overlay.collection !== collection || overlay.docId !== doc.id) continue;
      if (overlay.untilVersion !== null && doc.version >= overlay.untilVersion) continue;
      data = (overlay.apply as (value: T, seq: number) => T)(data, overlay.seq);
    }
    return data === doc.data ? doc : { ...doc, data };
  }

  function add(change: OverlayChange): Overlay {
    const overlay: Overlay = { ...change, seq: ++lastSeq, untilVersion: null };
    overlays.value = [...overlays.value, overlay];
    return overlay;
  }

  function drop(overlay: Overlay): void {
    overlays.value = overlays.value.filter((item) => item.seq !== overlay.seq);
  }

  /** The command was accepted: keep the overlay until its document shows what the command wrote. */
  function settle(overlay: Overlay, result: CommandResult): void {
    const written = result.written.find((entry) => entry.collection === overlay.collection && entry.id === overlay.docId);
    if (!written) return drop(overlay);
    overlays.value = overlays.value.map((item) => (item.seq === overlay.seq ? { ...item, untilVersion: written.version } : item));
    prune();
  }

  /** Drops the overlays whose documents have caught up; call when a watched document arrives. */
  function prune(): void {
    const kept = overlays.value.filter((overlay) => overlay.untilVersion === null || versionOf(overlay.collection, overlay.docId) < overlay.untilVersion);
    if (kept.length !== overlays.value.length) overlays.value = kept;
  }

  function clear(): void {
    overlays.value = [];
  }

  /** Ids of the documents in `collection` with a command still in flight. */
  function pendingIds(collection: string): Set<string> {
    return new Set(overlays.value.filter((o) => o.collection === collection && o.untilVersion === null).map((o) => o.docId));
  }

  /** Shows `change` at once, as the command runner's optimistic change (kept or rolled back). */
  function begin(change: OverlayChange): OptimisticChange {
    const overlay = add(change);
    return { accepted: (result) => settle(overlay, result), refused: () => drop(overlay) };
  }

  return { overlays, applyTo, add, begin, drop, settle, prune, clear, pendingIds };
}
