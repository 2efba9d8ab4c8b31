/**
 * Tab-to-tab notices of the local backend. Each tab runs its own in-memory store; after a commit
 * is in IndexedDB its writer posts the changed documents with the commit's sequence number, and a
 * tab that holds the sequence just before applies them at once (others, and anyone after a
 * `reset`, read what they miss from IndexedDB). A lost or late message costs a read, never data:
 * IndexedDB, written under the writer lock, is the truth. The channel is an interface so tests
 * can connect two backends without a browser.
 */
import type { DocumentChange } from '@clearway/core';

export type SyncMessage =
  | { type: 'changes'; from: string; epoch: string; seq: number; changes: DocumentChange[] }
  | { type: 'reset'; from: string };

export interface SyncChannel {
  post(message: SyncMessage): void;
  subscribe(listener: (message: SyncMessage) => void): () => void;
  close(): void;
}

export const DEFAULT_CHANNEL_NAME = 'clearway-local-sync';

function isSyncMessage(value: unknown): value is SyncMessage {
  if (value === null || typeof value !== 'object') return false;
  const message = value as Partial<SyncMessage>;
  if (typeof message.from !== 'string') return false;
  if (message.type === 'reset') return true;
  return (
    message.type === 'changes' &&
    typeof message.epoch === 'string' &&
    typeof message.seq === 'number' &&
    Array.isArray(message.changes)
  );
}

/** A BroadcastChannel between the tabs of this origin; null where the API is missing. */
export function broadcastSyncChannel(name: string = DEFAULT_CHANNEL_NAME): SyncChannel | null {
  if (typeof BroadcastChannel === 'undefined') return null;
  const channel = new BroadcastChannel(name);
  const listeners = new Set<(message: SyncMessage) => void>();
  channel.onmessage = (event: MessageEvent) => {
    if (!isSyncMessage(event.data)) return;
    for (const listener of listeners) listener(event.data);
  };
  return {
    post: (message) => channel.postMessage(message),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: () => channel.close(),
  };
}

/**
 * An in-process hub with BroadcastChannel's semantics (a message reaches every other member,
 * asynchronously, as a structured clone), for tests and for environments without the API.
 */
export function createChannelHub() {
  const members = new Set<(message: SyncMessage) => void>();
  function join(): SyncChannel {
    const listeners = new Set<(message: SyncMessage) => void>();
    const deliver = (message: SyncMessage) => listeners.forEach((listener) => listener(message));
    members.add(deliver);
    return {
      post(message) {
        const copy = structuredClone(message);
        for (const member of members) {
          if (member !== deliver) queueMicrotask(() => member(structuredClone(copy)));
        }
      },
      subscribe(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      close() {
        members.delete(deliver);
        listeners.clear();
      },
    };
  }
  return { join };
}
