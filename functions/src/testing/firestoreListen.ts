/**
 * A Listen for `@firestore-emulator/server` that behaves like Firestore's on what clients rely on.
 *
 * Upstream (0.3.x) reads only the first request of a Listen stream and throws on `removeTarget`, so
 * a client that multiplexes listeners on one stream (the web SDK does: every listener of one
 * Firestore instance, limbo resolutions included) hears only its first target; and as a change
 * resends a query's whole result after a RESET, a deleted document only leaves a query through a
 * limbo lookup that is never answered. This Listen:
 * - handles every request of the stream: `addTarget` (query or documents) and `removeTarget`
 *   (answered with a `targetChange` REMOVE);
 * - after any write, sends each target only what changed since it last sent (a `documentChange`,
 *   a `documentDelete` for a deleted document, a `documentChange` with `removedTargetIds` for one
 *   that left the query), then one global consistency marker (NO_CHANGE, no target ids, a read
 *   time) for the whole batch, so one commit reaches every target of the stream at once;
 * - answers an `addTarget` that resumes (resume token or read time) with a RESET before the
 *   documents, as it keeps no history: the client then drops what it held that is not resent.
 * It is installed per server instance (see firestoreProtocolServer.ts), so a test can still start
 * an upstream server to show the difference.
 */

import { createRequire } from 'node:module';
import type * as EmulatorServer from '@firestore-emulator/server';

const requireHere = createRequire(import.meta.url);
const requireFromServer = createRequire(requireHere.resolve('@firestore-emulator/server'));

interface TimestampObject {
  seconds: number;
  nanos: number;
}
interface StateDocument {
  metadata: { hasExist: boolean };
  getPath(): string;
  toV1DocumentObject(): { update_time: TimestampObject } & Record<string, unknown>;
}
interface ListenTargetLike {
  target_id: number;
  has_query: boolean;
  query: { parent: string; structured_query: unknown };
  has_documents: boolean;
  documents: { documents: string[] };
  has_resume_token: boolean;
  resume_token: Uint8Array;
  has_read_time: boolean;
}
interface ListenRequestLike {
  has_add_target: boolean;
  add_target: ListenTargetLike;
  has_remove_target: boolean;
  remove_target: number;
}
interface ListenState {
  emitter: { on(event: string, handler: () => void): void; off(event: string, handler: () => void): void };
  getDocument(path: string): StateDocument;
  v1Query(parent: string, query: unknown): StateDocument[];
}
/** The parts of a grpc-js duplex server call this Listen uses. */
export interface ListenCall {
  on(event: 'data', handler: (request: ListenRequestLike) => void): void;
  on(event: 'end' | 'cancelled' | 'close', handler: () => void): void;
  on(event: 'error', handler: (error: unknown) => void): void;
  write(response: unknown): boolean;
  end(): void;
}

const firestoreProto = requireFromServer('@firestore-emulator/proto/dist/google/firestore/v1/firestore') as {
  ListenResponse: { fromObject(data: unknown): unknown };
  TargetChangeTargetChangeType: Record<'NO_CHANGE' | 'ADD' | 'REMOVE' | 'CURRENT' | 'RESET', number>;
};
const { ListenResponse, TargetChangeTargetChangeType: ChangeType } = firestoreProto;

const DOCUMENT_EVENTS = ['create-document', 'update-document', 'delete-document'] as const;

let lastReadMicros = 0;
/** Read times strictly increase across the process: the client never accepts an older snapshot. */
function nextReadTime(): TimestampObject {
  lastReadMicros = Math.max(lastReadMicros + 1, Date.now() * 1000);
  return { seconds: Math.floor(lastReadMicros / 1_000_000), nanos: (lastReadMicros % 1_000_000) * 1000 };
}

interface TargetState {
  id: number;
  /** name → fingerprint of what this target last sent of the document. */
  sent: Map<string, string>;
  evaluate(): StateDocument[];
}

function fingerprint(document: ReturnType<StateDocument['toV1DocumentObject']>): string {
  return JSON.stringify(document);
}

/** Serves one Listen stream on `state`. */
export function serveListen(state: ListenState, call: ListenCall): void {
  const targets = new Map<number, TargetState>();
  let flushScheduled = false;
  let closed = false;

  const send = (response: Record<string, unknown>) => {
    if (!closed) call.write(ListenResponse.fromObject(response));
  };
  const consistent = (readTime: TimestampObject) =>
    send({ target_change: { target_change_type: ChangeType.NO_CHANGE, target_ids: [], read_time: readTime } });

  /** Sends a target what changed since its last send; true when anything was sent. */
  const sendChanges = (target: TargetState, readTime: TimestampObject): boolean => {
    let changed = false;
    const now = new Map<string, ReturnType<StateDocument['toV1DocumentObject']>>();
    for (const document of target.evaluate()) now.set(document.getPath(), document.toV1DocumentObject());
    for (const [name, document] of now) {
      const print = fingerprint(document);
      if (target.sent.get(name) === print) continue;
      target.sent.set(name, print);
      send({ document_change: { document, target_ids: [target.id] } });
      changed = true;
    }
    for (const name of [...target.sent.keys()]) {
      if (now.has(name)) continue;
      target.sent.delete(name);
      changed = true;
      const stored = state.getDocument(name);
      if (stored.metadata.hasExist) {
        // Still there but out of the query: its new state rides along, so the client need not look it up.
        send({ document_change: { document: stored.toV1DocumentObject(), target_ids: [], removed_target_ids: [target.id] } });
      } else {
        send({ document_delete: { document: name, removed_target_ids: [target.id], read_time: readTime } });
      }
    }
    return changed;
  };

  const flush = () => {
    flushScheduled = false;
    if (closed) return;
    const readTime = nextReadTime();
    let changed = false;
    for (const target of targets.values()) changed = sendChanges(target, readTime) || changed;
    if (changed) consistent(readTime);
  };
  // A commit applies its writes one by one, each raising an event: answer once, after all of them.
  const onDocumentEvent = () => {
    if (flushScheduled || closed) return;
    flushScheduled = true;
    setImmediate(flush);
  };

  const addTarget = (spec: ListenTargetLike) => {
    const id = spec.target_id;
    const evaluate = spec.has_query
      ? () => state.v1Query(spec.query.parent, spec.query.structured_query)
      : () => spec.documents.documents.map((name) => state.getDocument(name)).filter((document) => document.metadata.hasExist);
    const target: TargetState = { id, sent: new Map(), evaluate };
    targets.set(id, target);
    send({ target_change: { target_change_type: ChangeType.ADD, target_ids: [id] } });
    const resumes = (spec.has_resume_token && spec.resume_token.length > 0) || spec.has_read_time;
    const readTime = nextReadTime();
    if (resumes) send({ target_change: { target_change_type: ChangeType.RESET, target_ids: [id] } });
    sendChanges(target, readTime);
    send({ target_change: { target_change_type: ChangeType.CURRENT, target_ids: [id], read_time: readTime } });
    consistent(readTime);
  };

  const close = () => {
    if (closed) return;
    closed = true;
    for (const event of DOCUMENT_EVENTS) state.emitter.off(event, onDocumentEvent);
    targets.clear();
  };

  for (const event of DOCUMENT_EVENTS) state.emitter.on(event, onDocumentEvent);
  call.on('data', (request) => {
    if (closed) return;
    try {
      if (request.has_add_target) {
        if (!request.add_target.has_query && !request.add_target.has_documents) return;
        addTarget(request.add_target);
      } else if (request.has_remove_target) {
        const id = request.remove_target;
        targets.delete(id);
        send({ target_change: { target_change_type: ChangeType.REMOVE, target_ids: [id] } });
      }
    } catch (error) {
      // A query the server cannot evaluate: end the stream with the error rather than crash.
      const message = error instanceof Error ? error.message : String(error);
      send({ target_change: { target_change_type: ChangeType.REMOVE, target_ids: [request.add_target?.target_id ?? 0], cause: { code: 3, message } } });
    }
  });
  call.on('end', () => {
    close();
    call.end();
  });
  call.on('cancelled', close);
  call.on('close', close);
  call.on('error', close);
}

interface GrpcServerLike {
  handlers: Map<string, { func: unknown; serialize: unknown; deserialize: unknown; type: string; path: string }>;
  unregister(name: string): boolean;
  register(name: string, handler: unknown, serialize: unknown, deserialize: unknown, type: string): boolean;
}

const LISTEN_PATH = '/google.firestore.v1.Firestore/Listen';

/** Replaces the Listen handler of one (not yet started or running) server instance. */
export function installListen(server: EmulatorServer.FirestoreServer): void {
  const grpcServer = (server as unknown as { server: GrpcServerLike }).server;
  const original = grpcServer.handlers.get(LISTEN_PATH);
  if (!original) throw new Error('the Firestore protocol server has no Listen handler to replace');
  grpcServer.unregister(LISTEN_PATH);
  const state = server.state as unknown as ListenState;
  grpcServer.register(LISTEN_PATH, (call: ListenCall) => serveListen(state, call), original.serialize, original.deserialize, original.type);
}
