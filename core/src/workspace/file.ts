/**
 * The workspace file: every document of every collection as one versioned JSON file, a backup a
 * person can keep and load into an empty workspace of any backend (demo, team server, Firestore).
 *
 * The file holds each document's id and data; store versions (optimistic-concurrency counters)
 * are not content and start again at 1 on import. Export → import → export gives the same file.
 */
import { z } from 'zod';
import { DomainError } from '../errors';
import {
  COLLECTIONS,
  type CollectionName,
  type DocumentReader,
  type DocumentStore,
  type StoredDoc,
} from '../store/documentStore';
import { SCHEMA_VERSION, migrateStoredDoc } from './schema';
import { NOTIFY_SECRETS_DOC_ID } from '../notify/channels';
import { PARTY_CONTACTS_DOC_ID, partyContactsOf } from '../followUp/partyContacts';
import type { Member } from '../types';

export const WORKSPACE_FILE_FORMAT = 'clearway-workspace';

export interface WorkspaceFileDoc {
  id: string;
  data: unknown;
}

export interface WorkspaceFile {
  format: typeof WORKSPACE_FILE_FORMAT;
  /** The schema version every document of the file is written in. */
  schemaVersion: number;
  exportedAt: string;
  collections: Record<CollectionName, WorkspaceFileDoc[]>;
}

/** Message keys the import can end with (texts in web/src/i18n/locales/<lang>/workspace.ts). */
export const WORKSPACE_MESSAGE_KEYS = [
  'workspace.error.malformed', // {reason}
  'workspace.error.newerSchema', // {version, supported}
  'workspace.error.notEmpty', // {collection}
  'workspace.error.unreadableDocs', // {count, first, quarantineReason (stored form, quarantineReasonOf)}
] as const;

/** Firestore caps a transaction at 500 writes; the import stays under it so it runs there too. */
const WRITES_PER_TRANSACTION = 400;

export interface ExportOptions {
  now?: () => Date;
}

/** Reads every collection and returns the versioned, lossless backup file (plain JSON), without the delivery secrets. */
export async function exportWorkspace(reader: DocumentReader, options: ExportOptions = {}): Promise<WorkspaceFile> {
  const collections = {} as Record<CollectionName, WorkspaceFileDoc[]>;
  for (const name of COLLECTIONS) {
    const docs = await reader.query(name);
    collections[name] = docs
      // The delivery secrets never leave the server in a file a browser downloads: after a restore
      // the admin enters the robot URLs and the SMTP password again.
      .filter((doc) => !(name === 'settings' && doc.id === NOTIFY_SECRETS_DOC_ID))
      .map((doc) => ({ id: doc.id, data: structuredClone(doc.data) }))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
  return {
    format: WORKSPACE_FILE_FORMAT,
    schemaVersion: SCHEMA_VERSION,
    exportedAt: (options.now?.() ?? new Date()).toISOString(),
    collections,
  };
}

const fileDocSchema = z.object({ id: z.string().min(1), data: z.unknown() });
const fileSchema = z.object({
  format: z.literal(WORKSPACE_FILE_FORMAT),
  schemaVersion: z.number().int().min(1),
  exportedAt: z.string(),
  collections: z.object(
    Object.fromEntries(COLLECTIONS.map((name) => [name, z.array(fileDocSchema).default([])])) as Record<
      CollectionName,
      z.ZodDefault<z.ZodArray<typeof fileDocSchema>>
    >,
  ),
});

function malformed(reason: string): DomainError {
  return new DomainError('invalid-argument', 'workspace.error.malformed', { reason });
}

/**
 * Validates a workspace file and brings every document to the current shape; refuses the whole
 * file when one document cannot be read (a backup is all or nothing: nothing is dropped quietly).
 */
export function readWorkspaceFile(file: unknown): Record<CollectionName, StoredDoc[]> {
  if (file === null || typeof file !== 'object') throw malformed('not a JSON object');
  const header = file as { format?: unknown; schemaVersion?: unknown };
  if (header.format !== WORKSPACE_FILE_FORMAT) throw malformed('not a Clearway workspace file');
  if (typeof header.schemaVersion === 'number' && header.schemaVersion > SCHEMA_VERSION) {
    throw new DomainError('failed-precondition', 'workspace.error.newerSchema', {
      version: header.schemaVersion,
      supported: SCHEMA_VERSION,
    });
  }
  const parsed = fileSchema.safeParse(file);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw malformed(issue ? `${issue.path.map(String).join('.')}: ${issue.message}` : 'invalid');
  }
  const out = {} as Record<CollectionName, StoredDoc[]>;
  const unreadable: { at: string; reason: string }[] = [];
  for (const name of COLLECTIONS) {
    const seen = new Set<string>();
    out[name] = [];
    for (const entry of parsed.data.collections[name]) {
      if (seen.has(entry.id)) throw malformed(`${name}/${entry.id} appears twice`);
      seen.add(entry.id);
      const result = migrateStoredDoc(name, {
        id: entry.id,
        version: 1,
        data: entry.data,
        schemaVersion: parsed.data.schemaVersion,
      } as StoredDoc);
      if ('quarantined' in result) unreadable.push({ at: `${name}/${entry.id}`, reason: result.quarantined });
      else out[name].push(result.doc);
    }
  }
  if (unreadable.length > 0) {
    throw new DomainError('invalid-argument', 'workspace.error.unreadableDocs', {
      count: unreadable.length,
      first: unreadable[0]!.at,
      quarantineReason: unreadable[0]!.reason,
    });
  }
  return out;
}

/** The first collection of `reader` that holds a document, or null when the workspace is empty. */
export async function firstNonEmptyCollection(reader: DocumentReader): Promise<CollectionName | null> {
  for (const name of COLLECTIONS) {
    if ((await reader.query(name, { limit: 1 })).length > 0) return name;
  }
  return null;
}

/**
 * Validates + migrates a workspace file and writes it into an EMPTY store; refuses a non-empty one.
 * The writes go in transactions of at most 400 creates; a create is refused if the document
 * exists, so a second import running at the same time fails instead of mixing two workspaces.
 */
export async function importWorkspace(
  store: DocumentStore,
  file: unknown,
): Promise<{ counts: Record<CollectionName, number> }> {
  const docs = readWorkspaceFile(file);
  const occupied = await firstNonEmptyCollection(store);
  if (occupied) throw new DomainError('failed-precondition', 'workspace.error.notEmpty', { collection: occupied });

  // Which parties have a member follows from the file's members, not from what the file says of it
  // (a file from before the document existed has none). A file without members leaves it out, as
  // a workspace without members has it: no contacts are known until a member is written.
  const contacts: StoredDoc = { id: PARTY_CONTACTS_DOC_ID, version: 1, data: partyContactsOf(docs.members.map((doc) => doc.data as Member)) };
  const writes: [CollectionName, StoredDoc][] = COLLECTIONS.flatMap((name) =>
    docs[name]
      .filter((doc) => name !== 'settings' || doc.id !== PARTY_CONTACTS_DOC_ID)
      .map((doc): [CollectionName, StoredDoc] => [name, doc]),
  );
  if (docs.members.length > 0) writes.push(['settings', contacts]);
  for (let start = 0; start < writes.length; start += WRITES_PER_TRANSACTION) {
    const batch = writes.slice(start, start + WRITES_PER_TRANSACTION);
    await store.runTransaction(async (tx) => {
      for (const [collection, doc] of batch) tx.create(collection, doc.id, doc.data);
    });
  }
  const counts = Object.fromEntries(COLLECTIONS.map((name) => [name, docs[name].length])) as Record<
    CollectionName,
    number
  >;
  return { counts };
}
