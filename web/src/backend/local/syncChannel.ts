/**
 * Tab-to-tab sync of the local backend. Each tab runs its own in-memory store; after a commit it
 * posts the changed documents, and the other tabs apply them. `reset` tells them to reload from
 * IndexedDB. The channel is an interface so tests can connect two backends without a browser.
 */
import type { DocumentChange } from '@clearway/core';

export type SyncMessage =
  | { type: 'changes'; from: string; changes: DocumentChange[] }
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
  return typeof message.from === 'string' && (message.type === 'changes' || message.type === 'reset');
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
