/**
 * The team server's realtime protocol (GET /api/realtime, one WebSocket per tab): the client names
 * each watch with a number and the server answers under that number. The client sends text
 * frames; the server answers in binary frames holding UTF-8 JSON (see the server's hub for why).
 * See the server's realtime route for the other side.
 */
import type { CollectionName, QuerySpec, StoredDoc } from '@clearway/core';

export type WatchMessage =
  /** `view: 'board'` (projects only): the server sends core's board card of each document, not the document. */
  | { type: 'watchQuery'; id: number; collection: CollectionName; spec: QuerySpec; view?: 'board' }
  | { type: 'watchDoc'; id: number; collection: CollectionName; docId: string };

export type ClientMessage = WatchMessage | { type: 'unwatch'; id: number };

export interface WireError {
  code: string;
  messageKey: string;
  params?: Record<string, string | number>;
}

export type ServerMessage =
  /** A query's whole result: its first answer, and whenever a full resend is simpler. */
  | { type: 'snapshot'; id: number; docs: StoredDoc[] }
  | { type: 'delta'; id: number; upserts: StoredDoc[]; removed: string[] }
  | { type: 'doc'; id: number; doc: StoredDoc | null }
  | { type: 'error'; id: number; error: WireError }
  /** The session ended (signed out elsewhere, member disabled); the socket then closes. */
  | { type: 'signedOut' };

/** The close code the server uses after `signedOut` (and when the upgrade has no session). */
export const SIGNED_OUT_CLOSE_CODE = 4401;

export function parseServerMessage(raw: unknown): ServerMessage | null {
  if (typeof raw !== 'string') return null;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!value || typeof value !== 'object') return null;
  const message = value as { type?: unknown; id?: unknown };
  if (message.type === 'signedOut') return message as ServerMessage;
  if (typeof message.id !== 'number') return null;
  switch (message.type) {
    case 'snapshot':
    case 'delta':
    case 'doc':
    case 'error':
      return message as ServerMessage;
    default:
      return null;
  }
}
