/**
 * Firestore v1 messages between proto3 JSON (what the browser SDK sends and expects over
 * WebChannel and REST) and gRPC (what the Node Firestore server speaks), with the descriptor that
 * ships with @google-cloud/firestore and protobufjs, plus the gRPC calls the bridge makes.
 *
 * protobufjs's `fromObject`/`toObject` handle camelCase fields, enum names, int64 strings and
 * base64 bytes, but not proto3 JSON's special forms of well-known types: a Timestamp is an RFC 3339
 * string and a wrapper (`Int32Value` …) a bare value. Those two are converted here by walking the
 * descriptor (protobufjs has no proto3-JSON mode for them).
 */
import { createRequire } from 'node:module';
import type * as Grpc from '@grpc/grpc-js';
import type * as Protobuf from 'protobufjs';

const requireHere = createRequire(import.meta.url);
const protobuf = requireHere('protobufjs') as typeof Protobuf;
export const grpc = requireHere('@grpc/grpc-js') as typeof Grpc;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

const root = protobuf.Root.fromJSON(requireHere('@google-cloud/firestore/build/protos/v1.json') as Protobuf.INamespace);
root.resolveAll();

export function messageType(name: string): Protobuf.Type {
  return root.lookupType(`google.firestore.v1.${name}`);
}

const TIMESTAMP = '.google.protobuf.Timestamp';
const WRAPPERS = new Set(
  ['Int32Value', 'Int64Value', 'UInt32Value', 'UInt64Value', 'DoubleValue', 'FloatValue', 'BoolValue', 'StringValue', 'BytesValue'].map(
    (name) => `.google.protobuf.${name}`,
  ),
);

function parseTimestamp(text: string): { seconds: string; nanos: number } {
  const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(text);
  if (!match) throw new Error(`not an RFC 3339 timestamp: ${text}`);
  const seconds = Math.floor(Date.parse(`${match[1]}${match[3]}`) / 1000);
  return { seconds: String(seconds), nanos: Number((match[2] ?? '').padEnd(9, '0')) };
}

function formatTimestamp(value: { seconds?: string | number; nanos?: number }): string {
  const seconds = Number(value.seconds ?? 0);
  const nanos = value.nanos ?? 0;
  const base = new Date(seconds * 1000).toISOString().slice(0, 19);
  return `${base}.${String(nanos).padStart(9, '0')}Z`;
}

/** Applies `convert` to every value of a field whose type is a message, through repeated and map fields. */
function walk(type: Protobuf.Type, object: JsonObject, convert: (fieldType: Protobuf.Type, value: Json) => Json): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(object)) {
    const field = type.fields[key];
    const fieldType = field?.resolvedType;
    if (!field || !(fieldType instanceof protobuf.Type) || value === null) {
      out[key] = value;
    } else if (field.map) {
      out[key] = Object.fromEntries(Object.entries(value as JsonObject).map(([k, v]) => [k, convert(fieldType, v)]));
    } else if (field.repeated && Array.isArray(value)) {
      out[key] = value.map((item) => convert(fieldType, item));
    } else {
      out[key] = convert(fieldType, value);
    }
  }
  return out;
}

function fromProto3Json(type: Protobuf.Type, value: Json): Json {
  const name = type.fullName;
  if (name === TIMESTAMP && typeof value === 'string') return parseTimestamp(value);
  if (WRAPPERS.has(name) && (typeof value !== 'object' || value === null)) return { value };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  return walk(type, value, fromProto3Json);
}

function toProto3Json(type: Protobuf.Type, value: Json): Json {
  const name = type.fullName;
  if (name === TIMESTAMP && typeof value === 'object' && value !== null) return formatTimestamp(value as { seconds?: string; nanos?: number });
  if (WRAPPERS.has(name) && typeof value === 'object' && value !== null) return (value as JsonObject).value ?? 0;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  return walk(type, value, toProto3Json);
}

/** proto3 JSON → wire bytes. */
export function encodeJson(type: Protobuf.Type, json: JsonObject): Buffer {
  const message = type.fromObject(fromProto3Json(type, json) as JsonObject);
  return Buffer.from(type.encode(message).finish());
}

/** wire bytes → proto3 JSON (default values left out, as Firestore does). */
export function decodeJson(type: Protobuf.Type, bytes: Buffer): JsonObject {
  const object = type.toObject(type.decode(bytes), { longs: String, enums: String, bytes: String, defaults: false }) as JsonObject;
  return toProto3Json(type, object) as JsonObject;
}

export type StreamKind = 'unary' | 'server' | 'bidi';

export interface FirestoreMethod {
  name: string;
  kind: StreamKind;
  request: Protobuf.Type;
  response: Protobuf.Type;
}

export function firestoreMethod(name: string, kind: StreamKind): FirestoreMethod {
  const method = root.lookupService('google.firestore.v1.Firestore').methods[name];
  if (!method) throw new Error(`no Firestore method ${name}`);
  method.resolve();
  return { name, kind, request: method.resolvedRequestType!, response: method.resolvedResponseType! };
}

/** The gRPC status names proto3 JSON errors carry, by code. */
export const STATUS_NAMES = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
] as const;

/** The HTTP status of a gRPC code, as Google's REST front ends map them. */
export function httpStatusOf(code: number): number {
  return [200, 499, 500, 400, 504, 404, 409, 403, 429, 400, 409, 400, 501, 500, 503, 500, 401][code] ?? 500;
}

export function rpcErrorJson(error: { code?: number; details?: string; message?: string }): JsonObject {
  const code = typeof error.code === 'number' ? error.code : 2;
  return { error: { code: httpStatusOf(code), message: error.details ?? error.message ?? 'error', status: STATUS_NAMES[code] ?? 'UNKNOWN' } };
}

/** A gRPC client of the Firestore service that takes and gives proto3 JSON. */
export class FirestoreJsonClient {
  private readonly client: Grpc.Client;

  constructor(host: string) {
    this.client = new grpc.Client(host, grpc.credentials.createInsecure());
  }

  private path(method: FirestoreMethod): string {
    return `/google.firestore.v1.Firestore/${method.name}`;
  }

  static metadata(headers: Record<string, string>): Grpc.Metadata {
    const metadata = new grpc.Metadata();
    for (const [name, value] of Object.entries(headers)) {
      const lower = name.toLowerCase();
      if (lower === 'authorization' || lower === 'google-cloud-resource-prefix' || lower === 'x-goog-request-params') metadata.set(lower, value);
    }
    return metadata;
  }

  bidi(method: FirestoreMethod, metadata: Grpc.Metadata): Grpc.ClientDuplexStream<JsonObject, JsonObject> {
    return this.client.makeBidiStreamRequest(
      this.path(method),
      (json: JsonObject) => encodeJson(method.request, json),
      (bytes: Buffer) => decodeJson(method.response, bytes),
      metadata,
    );
  }

  /** A unary or server-streaming call, its responses collected (REST answers them as one array). */
  call(method: FirestoreMethod, request: JsonObject, metadata: Grpc.Metadata): Promise<JsonObject[]> {
    const serialize = (json: JsonObject) => encodeJson(method.request, json);
    const deserialize = (bytes: Buffer) => decodeJson(method.response, bytes);
    return new Promise((resolve, reject) => {
      if (method.kind === 'unary') {
        this.client.makeUnaryRequest(this.path(method), serialize, deserialize, request, metadata, (error, response) =>
          error ? reject(error) : resolve([response!]),
        );
        return;
      }
      const results: JsonObject[] = [];
      const stream = this.client.makeServerStreamRequest(this.path(method), serialize, deserialize, request, metadata);
      stream.on('data', (response: JsonObject) => results.push(response));
      stream.on('error', reject);
      stream.on('end', () => resolve(results));
    });
  }

  close(): void {
    this.client.close();
  }
}
