/**
 * Starts `@firestore-emulator/server` (the Firestore gRPC protocol in Node) on a free loopback
 * port, for tests and the dev script. The official Firestore emulator needs Java 21 and a
 * download, which these machines do not have; see DESIGN.md "What runs offline".
 *
 * Three gaps of that server would make it disagree with Firestore on what this app relies on, so
 * they are closed here, in the server, never worked around in production code:
 * - field paths with dots (`stall.nextCheckAt`) in filters and orderBy are unsupported upstream (handled here);
 * - a plain `set` (no merge, no mask) merges into the stored document instead of replacing it;
 * - `== null` and `!= null` filters (unary filters in the protocol) are unsupported upstream (handled here).
 * Its Listen is replaced per instance (firestoreListen.ts): upstream reads only a stream's first
 * request, so a second listener of one client never fires and deletes never reach query listeners.
 * Its other limits (no transaction isolation, ignored update-time preconditions, non-atomic commits)
 * stay: the tests that need them run on the in-memory store.
 */
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import type * as EmulatorServer from '@firestore-emulator/server';
import { installListen } from './firestoreListen';

// Loaded through require: the package's ESM build has extensionless imports that Node rejects,
// and bundlers that prefer its `module` field would pick that build.
const requireHere = createRequire(import.meta.url);
const { FirestoreServer, FirestoreState, FirestoreStateDocument } = requireHere('@firestore-emulator/server') as typeof EmulatorServer;
const requireFromServer = createRequire(requireHere.resolve('@firestore-emulator/server'));

interface FilterLike {
  has_unary_filter: boolean;
  has_composite_filter: boolean;
  unary_filter: { op: number; field: { field_path: string } };
  composite_filter: { filters: FilterLike[] };
}
interface StructuredQueryLike {
  has_where: boolean;
  where: FilterLike;
}
const queryProto = requireFromServer('@firestore-emulator/proto/dist/google/firestore/v1/query') as {
  StructuredQueryFilter: { fromObject(data: unknown): FilterLike };
  StructuredQueryFieldFilterOperator: Record<string, number>;
  StructuredQueryUnaryFilterOperator: Record<string, number>;
};

interface FieldLike {
  type: string;
  value: unknown;
}
interface PatchableDocument {
  fields: Record<string, FieldLike>;
  metadata: { hasExist: boolean };
}
interface WriteLike {
  has_update: boolean;
  update: { name: string };
  has_current_document: boolean;
  update_mask?: { field_paths?: string[] };
}
interface PatchableState {
  getDocument(path: string): PatchableDocument;
}

/**
 * `field == null` / `field != null` arrive as unary filters, which the server cannot evaluate:
 * rewrite them in place into the equivalent field filters on a null value.
 */
function withoutNullFilters(query: StructuredQueryLike): StructuredQueryLike {
  if (!query.has_where) return query;
  const unary = queryProto.StructuredQueryUnaryFilterOperator;
  const field = queryProto.StructuredQueryFieldFilterOperator;
  const rewrite = (filter: FilterLike): FilterLike => {
    if (!filter.has_unary_filter) return filter;
    const { op, field: ref } = filter.unary_filter;
    if (op !== unary.IS_NULL && op !== unary.IS_NOT_NULL) return filter;
    return queryProto.StructuredQueryFilter.fromObject({
      field_filter: { field: { field_path: ref.field_path }, op: op === unary.IS_NULL ? field.EQUAL : field.NOT_EQUAL, value: { null_value: 0 } },
    });
  };
  if (query.where.has_composite_filter) query.where.composite_filter.filters = query.where.composite_filter.filters.map(rewrite);
  else query.where = rewrite(query.where);
  return query;
}

let patched = false;

function patchServerGaps(): void {
  if (patched) return;
  patched = true;

  const documentProto = FirestoreStateDocument.prototype as unknown as { getField(path: string): FieldLike | undefined };
  documentProto.getField = function getField(this: PatchableDocument, path: string) {
    let field: FieldLike | undefined;
    let fields: Record<string, FieldLike> | undefined = this.fields;
    for (const segment of path.split('.')) {
      field = fields?.[segment];
      fields = field?.type === 'map_value' ? (field.value as Record<string, FieldLike>) : undefined;
    }
    return field;
  };

  const stateProto = FirestoreState.prototype as unknown as {
    writeV1Document(this: PatchableState, date: Date, write: WriteLike): unknown;
    v1Query(this: PatchableState, parent: string, query: StructuredQueryLike): unknown;
  };
  const originalQuery = stateProto.v1Query;
  stateProto.v1Query = function v1Query(this: PatchableState, parent: string, query: StructuredQueryLike) {
    return originalQuery.call(this, parent, withoutNullFilters(query));
  };
  const originalWrite = stateProto.writeV1Document;
  stateProto.writeV1Document = function writeV1Document(this: PatchableState, date: Date, write: WriteLike) {
    const isPlainSet = write.has_update && !write.has_current_document && (write.update_mask?.field_paths?.length ?? 0) === 0;
    if (isPlainSet) {
      const document = this.getDocument(write.update.name);
      if (document.metadata.hasExist) document.fields = {};
    }
    return originalWrite.call(this, date, write);
  };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningFirestoreServer {
  host: string;
  port: number;
  server: EmulatorServer.FirestoreServer;
  stop(): void;
}

export interface ProtocolServerOptions {
  /** Keep upstream's Listen (only for tests that show what the replacement fixes). */
  upstreamListen?: boolean;
}

export async function startFirestoreProtocolServer(port?: number, options: ProtocolServerOptions = {}): Promise<RunningFirestoreServer> {
  patchServerGaps();
  const chosen = port ?? (await freePort());
  const server = new FirestoreServer();
  if (!options.upstreamListen) installListen(server);
  await server.start(chosen);
  return { host: `127.0.0.1:${chosen}`, port: chosen, server, stop: () => server.stop() };
}
