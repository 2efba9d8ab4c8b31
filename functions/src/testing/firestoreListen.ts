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
 *
 * Two slownesses of the emulator that Firestore does not have are taken out, as they made a
 * 500-document listen block this one Node process (which also runs the WebChannel bridge) for
 * 0.3–1.5 s: the browser's SDK, which gives its streaming back channel 4 handshake round trips to
 * show its first bytes, took the silence for a buffering proxy and long-polled the whole session
 * (one round trip per batch: 35 for a 500-card board).
 * - A document is converted to its v1 object straight from the emulator's field objects
 *   (`v1DocumentObject`), not through upstream's `toV1DocumentObject`, which builds a protobuf
 *   Document and converts every value back (about 1 ms a document); the result, the same object,
 *   is kept per stored version of the document (the emulator replaces `fields` on every write).
 * - What a stream sends goes out in slices of `SEND_SLICE` messages, one slice per turn of the
 *   event loop, in order: Firestore streams a large result while it reads it, and other
 *   connections (the bridge's back channels) are served between the slices.
 */

import { createRequire } from 'node:module';
import type * as EmulatorServer from '@firestore-emulator/server';

const requireHere = createRequire(import.meta.url);
const requireFromServer = createRequire(requireHere.resolve('@firestore-emulator/server'));

interface TimestampObject {
  seconds: number;
  nanos: number;
}
interface StateField {
  toV1ValueObject(): unknown;
}
interface StateDocument {
  metadata: { hasExist: boolean; createdAt: Date; updatedAt: Date };
  fields: Record<string, StateField>;
  getPath(): string;
  toV1DocumentObject(): V1DocumentObject;
}
export interface V1DocumentObject {
  name: string;
  fields: Record<string, unknown>;
  create_time: TimestampObject;
  update_time: TimestampObject;
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
  emitter: {
    on(event: string, handler: () => void): void;
    off(event: string, handler: () => void): void;
    setMaxListeners(count: number): void;
  };
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

function timestampOf(date: Date): TimestampObject {
  // As upstream's toV1Document: whole milliseconds.
  return { seconds: Math.floor(date.getTime() / 1000), nanos: date.getMilliseconds() * 1e6 };
}

const converted = new WeakMap<StateDocument, { fields: StateDocument['fields']; updatedAt: number; object: V1DocumentObject; print: string }>();

/**
 * A stored document as upstream's `toV1DocumentObject` gives it, from its field objects directly
 * (each field's `toV1ValueObject` is the plain v1 value), kept until the document is written again.
 */
export function v1DocumentObject(document: StateDocument): { object: V1DocumentObject; print: string } {
  const updatedAt = document.metadata.updatedAt.getTime();
  const kept = converted.get(document);
  if (kept && kept.fields === document.fields && kept.updatedAt === updatedAt) return kept;
  const fields: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(document.fields)) fields[key] = field.toV1ValueObject();
  const object: V1DocumentObject = {
    create_time: timestampOf(document.metadata.createdAt),
    fields,
    name: document.getPath(),
    update_time: timestampOf(document.metadata.updatedAt),
  };
  const entry = { fields: document.fields, updatedAt, object, print: JSON.stringify(object) };
  converted.set(document, entry);
  return entry;
}

/** Messages a stream writes per turn of the event loop (see the top of this file). */
export const SEND_SLICE = 50;

interface TargetState {
  id: number;
  /** name → fingerprint of what this target last sent of the document. */
  sent: Map<string, string>;
  evaluate(): StateDocument[];
}

/** Serves one Listen stream on `state`. */
export function serveListen(state: ListenState, call: ListenCall): void {
  const targets = new Map<number, TargetState>();
  let flushScheduled = false;
  let closed = false;

  const outbox: Record<string, unknown>[] = [];
  let draining = false;
  const drain = () => {
    draining = false;
    if (closed) return;
    for (const response of outbox.splice(0, SEND_SLICE)) call.write(ListenResponse.fromObject(response));
    if (outbox.length > 0) {
      draining = true;
      setImmediate(drain);
    }
  };
  const send = (response: Record<string, unknown>) => {
    if (closed) return;
    outbox.push(response);
    if (!draining) {
      draining = true;
      setImmediate(drain);
    }
  };
  const consistent = (readTime: TimestampObject) =>
    send({ target_change: { target_change_type: ChangeType.NO_CHANGE, target_ids: [], read_time: readTime } });

  /** Sends a target what changed since its last send; true when anything was sent. */
  const sendChanges = (target: TargetState, readTime: TimestampObject): boolean => {
    let changed = false;
    const now = new Map<string, { object: V1DocumentObject; print: string }>();
    for (const document of target.evaluate()) now.set(document.getPath(), v1DocumentObject(document));
    for (const [name, { object: document, print }] of now) {
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
        send({ document_change: { document: v1DocumentObject(stored).object, target_ids: [], removed_target_ids: [target.id] } });
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
  // Every open Listen stream listens to the three document events until it closes; a board bench
  // or a browser test holds more than Node's default ten streams at once, which is no leak.
  state.emitter.setMaxListeners(0);
  grpcServer.register(LISTEN_PATH, (call: ListenCall) => serveListen(state, call), original.serialize, original.deserialize, original.type);
}
