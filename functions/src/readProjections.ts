/**
 * Firestore rules gate whole documents and a listener cannot pick fields, so every reader must
 * find documents that already hold only what it may (and needs to) see. This decorator of the
 * functions' Firestore store writes them IN THE SAME TRANSACTION as the command that changed their
 * source, with core's own projection functions, so a projection is never staler than its source
 * and a failed command leaves none behind (a trigger would lag the source and could fail on its
 * own):
 *
 * - `boardCards/{projectId}`: `boardCardOf(project)` as JSON text (CARD_JSON_FIELD), what a
 *   board card paints, filters on and moves by (about a fifth of a project's bytes), with the
 *   project's version `_v`: the board of the bureau (admin, staff, viewer) reads these, and the
 *   whole project only when its drawer opens (core's read model: the board reads one small
 *   document per card). Only the bureau's rule lets them be read: a card carries every bank's
 *   line money (matched, approved, disbursed, the line count), which a liaison may not learn and
 *   a unit contact may not read at all. A
 *   liaison's card is its own bank's figures and a unit's has none, so theirs come from the
 *   `boardViews` below (computed in the tab with the same `boardCardOf`): a card per bank would
 *   be one more write per bank on the project in every command and the stall scan.
 * - `boardViews/{projectId}`: `publicProjectView(project)` — the project with no loan line, no line
 *   money and no line-derived stall flag: what every liaison has in common. The web app adds the
 *   liaison's own lines to it with core's `projectViewForBank` (the same function the demo backend
 *   and the team server use through `applyReadPolicy`), so all backends show the same card.
 *   It carries the project's version `_v` too. A move writes project + activity + card + view:
 *   4 writes, and reads nothing more.
 * - `bankSnapshots/{bankId}~{snapshotId}`: each `snapshots/*` document (header or part) as
 *   `applyReadPolicy` gives it to that bank's liaison, plus `bankId` for the rules; written for every
 *   bank of the snapshot's by-bank table when month.close creates the snapshot, and once more as
 *   `*~{snapshotId}` for every other bank (`OTHER_BANKS`): a bank added after the close had no line
 *   in the month, so its liaison's projection is that one — the published city totals and by-bank
 *   table, every project without a line. Its liaison reads it when no projection of its own exists.
 *
 * `backfillReadProjections` writes them for data stored before this existed (a one-off migration,
 * run once after deploying a release that adds a projection: `npm run firestore:backfill-projections`,
 * functions/src/cli/backfillProjections.ts). Not on a read miss: clients cannot write, and a
 * board that finds no card cannot tell "not yet projected" from "no project".
 */
import type { Firestore } from 'firebase-admin/firestore';
import {
  boardCardOf,
  namedParties,
  publicProjectView,
  snapshotHeaderForBank,
  snapshotPartForBank,
} from '@clearway/core';
import type {
  BoardCard,
  CollectionName,
  DocumentStore,
  Project,
  QuerySpec,
  SnapshotHeaderDoc,
  SnapshotPartDoc,
  StoredDoc,
  TransactionContext,
} from '@clearway/core';
import { SCHEMA_FIELD, VERSION_FIELD, type DerivedCollectionName } from './firestoreDocumentStore';

export const BOARD_CARDS = 'boardCards' satisfies DerivedCollectionName;
export const BOARD_VIEWS = 'boardViews' satisfies DerivedCollectionName;
export const BANK_SNAPSHOTS = 'bankSnapshots' satisfies DerivedCollectionName;

/** Firestore's documented limit of writes in one transaction. */
export const FIRESTORE_MAX_WRITES_PER_TRANSACTION = 500;
/** The projections each written project adds to its transaction: its board card and its board view. */
export const PROJECTIONS_PER_PROJECT = 2;
/** Projects per daily-scan transaction: each written project also writes its projections, plus one activity. */
export const STALL_SCAN_BATCH_WITH_PROJECTIONS = Math.floor((FIRESTORE_MAX_WRITES_PER_TRANSACTION - 1) / (1 + PROJECTIONS_PER_PROJECT));

/**
 * The field of a board view that lets the rules find the projects of a unit contact 责任单位联系人:
 * core's `namedParties` of the project (its responsible unit, its assignments' and blockers'
 * parties, whole and split at core's `PARTY_SEPARATORS`, without spaces), so "市住建局、区政府"
 * names 市住建局 and 区政府. The rules grant a unit contact the views whose list holds its unit
 * exactly: the same projects as core's policy or fewer, never more. The web app drops the field
 * (it is not a Project's).
 */
export const UNIT_PARTIES_FIELD = 'unitParties';

/** `boardViews/{projectId}`: what every liaison has in common, and the parties for the unit contacts. */
export function boardViewOf(project: Project, version: number): Record<string, unknown> {
  return { ...(publicProjectView(project) as unknown as Record<string, unknown>), [UNIT_PARTIES_FIELD]: namedParties(project), [VERSION_FIELD]: version };
}

/**
 * The field of a `boardCards` document that holds its card, as JSON text. A board listens to every
 * card at once, and Firestore's wire form sends each field as a typed value (a card's ~40 nested
 * fields as `{"mapValue":{"fields":…}}`): at 500 cards a reload received 1,006 KB before the
 * paint, and the server encoded and the SDK decoded 20,000 values. As one string a card is one
 * value, and the reload receives 675 KB (the bench's board suite). Nothing filters or orders on a
 * card's fields (the board reads the whole collection, the rules look at the reader's role only),
 * so firestore.indexes.json exempts the field: an index entry of a ~1 KB string on every write
 * would cost writes and storage and serve no query. The web app still reads a card stored field by
 * field (as releases before this one wrote it) until `npm run firestore:backfill-projections`
 * rewrites it; that reader can go once every deployment has run the backfill.
 */
export const CARD_JSON_FIELD = 'cardJson';

/** `boardCards/{projectId}`: the bureau's card of the project, at the project's version. */
export function boardCardDataOf(project: Project, version: number): Record<string, unknown> {
  return { [CARD_JSON_FIELD]: JSON.stringify(boardCardOf(project)), [VERSION_FIELD]: version };
}

/** The card a stored `boardCards` document holds (the tests' reader; the app's is web/src/backend/firebase/queries.ts). */
export function boardCardOfStored(data: Record<string, unknown>): BoardCard {
  const { [VERSION_FIELD]: _version, [SCHEMA_FIELD]: _schema, ...fields } = data;
  const packed = fields[CARD_JSON_FIELD];
  return (typeof packed === 'string' ? JSON.parse(packed) : fields) as BoardCard;
}

/**
 * The `bankId` of the projection for a bank not in the snapshot's table (added after the close).
 * Bank ids match core's id pattern (letters, digits and `_.:-`), so it names no bank.
 */
export const OTHER_BANKS = '*';

export function bankSnapshotId(bankId: string, snapshotId: string): string {
  return `${bankId}~${snapshotId}`;
}

/** A write the command made, as the projection sees it. */
export interface SourceWrite {
  kind: 'create' | 'update' | 'delete';
  collection: CollectionName;
  id: string;
  data?: unknown;
  /** The version the write leaves the document at (create: 1, update: the expected one + 1). */
  version?: number;
  /** For a delete: the document as this transaction read it, if it did. */
  previous?: unknown;
}

export interface ProjectionWrite {
  collection: DerivedCollectionName;
  id: string;
  /** null deletes the projection. */
  data: Record<string, unknown> | null;
}

function isPart(data: SnapshotHeaderDoc | SnapshotPartDoc): data is SnapshotPartDoc {
  return typeof (data as Partial<SnapshotPartDoc>).part === 'number';
}

function banksOfPart(part: SnapshotPartDoc): string[] {
  return [...new Set(part.projects.flatMap((project) => project.lines.map((line) => line.bankId)))];
}

/**
 * The projection documents that follow from `writes` (one transaction's). `bankIdsOf` names the
 * banks a snapshot part is projected for when its header is not among the writes.
 */
export function readProjectionWrites(
  writes: readonly SourceWrite[],
  bankIdsOf: (snapshotMonth: string) => readonly string[] | undefined = () => undefined,
): ProjectionWrite[] {
  const out: ProjectionWrite[] = [];
  const headerBanks = new Map<string, string[]>();
  for (const write of writes) {
    if (write.collection !== 'snapshots') continue;
    const data = (write.kind === 'delete' ? write.previous : write.data) as SnapshotHeaderDoc | SnapshotPartDoc | undefined;
    if (data && !isPart(data)) headerBanks.set(data.month, data.banks.map((row) => row.bankId));
  }
  for (const write of writes) {
    if (write.collection === 'projects') {
      const project = write.kind === 'delete' ? null : (write.data as Project);
      const version = write.version ?? 0;
      out.push({ collection: BOARD_CARDS, id: write.id, data: project && boardCardDataOf(project, version) });
      out.push({ collection: BOARD_VIEWS, id: write.id, data: project && boardViewOf(project, version) });
    } else if (write.collection === 'snapshots' && write.kind === 'delete') {
      const previous = write.previous as SnapshotHeaderDoc | SnapshotPartDoc | undefined;
      const month = previous?.month ?? write.id.slice(0, 7);
      const banks = headerBanks.get(month) ?? bankIdsOf(month) ?? (previous && isPart(previous) ? banksOfPart(previous) : []);
      for (const bankId of [...banks, OTHER_BANKS]) out.push({ collection: BANK_SNAPSHOTS, id: bankSnapshotId(bankId, write.id), data: null });
    } else if (write.collection === 'snapshots') {
      const data = write.data as SnapshotHeaderDoc | SnapshotPartDoc;
      const banks = isPart(data) ? (headerBanks.get(data.month) ?? bankIdsOf(data.month) ?? banksOfPart(data)) : headerBanks.get(data.month)!;
      for (const bankId of [...banks, OTHER_BANKS]) {
        const projected = isPart(data) ? snapshotPartForBank(data, bankId) : snapshotHeaderForBank(data, bankId);
        out.push({ collection: BANK_SNAPSHOTS, id: bankSnapshotId(bankId, write.id), data: { ...projected, bankId } });
      }
    }
  }
  return out;
}

interface ProjectionSink {
  put(collection: DerivedCollectionName, id: string, data: Record<string, unknown> | null): void;
}

function hasPut(tx: TransactionContext): tx is TransactionContext & ProjectionSink {
  return typeof (tx as Partial<ProjectionSink>).put === 'function';
}

/** A transaction that forwards to Firestore's and remembers what the handler wrote. */
class RecordingTransaction implements TransactionContext {
  readonly writes: SourceWrite[] = [];
  /** Snapshot documents as read, so that deleting one also deletes its projections. */
  private readonly snapshotsRead = new Map<string, unknown>();
  constructor(private readonly inner: TransactionContext) {}
  async get<T>(collection: CollectionName, id: string): Promise<StoredDoc<T> | null> {
    const doc = await this.inner.get<T>(collection, id);
    if (collection === 'snapshots' && doc) this.snapshotsRead.set(id, doc.data);
    return doc;
  }
  async query<T>(collection: CollectionName, spec?: QuerySpec): Promise<StoredDoc<T>[]> {
    const docs = await this.inner.query<T>(collection, spec);
    if (collection === 'snapshots') for (const doc of docs) this.snapshotsRead.set(doc.id, doc.data);
    return docs;
  }
  create<T>(collection: CollectionName, id: string, data: T): void {
    this.inner.create(collection, id, data);
    this.writes.push({ kind: 'create', collection, id, data, version: 1 });
  }
  update<T>(collection: CollectionName, id: string, data: T, expectedVersion: number): void {
    this.inner.update(collection, id, data, expectedVersion);
    this.writes.push({ kind: 'update', collection, id, data, version: expectedVersion + 1 });
  }
  delete(collection: CollectionName, id: string, expectedVersion: number): void {
    this.inner.delete(collection, id, expectedVersion);
    this.writes.push({ kind: 'delete', collection, id, previous: collection === 'snapshots' ? this.snapshotsRead.get(id) : undefined });
  }
}

/** The decorator: every transaction also writes the read projections of what it wrote. */
export function withReadProjections(store: DocumentStore): DocumentStore {
  return {
    get: (collection, id) => store.get(collection, id),
    query: (collection, spec) => store.query(collection, spec),
    newId: (collection) => store.newId(collection),
    runTransaction<R>(fn: (tx: TransactionContext) => Promise<R>): Promise<R> {
      return store.runTransaction(async (tx) => {
        if (!hasPut(tx)) throw new Error('withReadProjections needs a store whose transactions can put derived documents');
        const recording = new RecordingTransaction(tx);
        const result = await fn(recording);
        for (const write of readProjectionWrites(recording.writes)) tx.put(write.collection, write.id, write.data);
        return result;
      });
    },
  };
}

/** Writes every projection from the stored documents (data stored before projections existed). */
export async function backfillReadProjections(db: Firestore): Promise<{ boardCards: number; boardViews: number; bankSnapshots: number }> {
  const versionOf = (raw: Record<string, unknown>) => (typeof raw[VERSION_FIELD] === 'number' ? (raw[VERSION_FIELD] as number) : 0);
  const plain = (raw: Record<string, unknown>) => {
    const { [VERSION_FIELD]: _version, [SCHEMA_FIELD]: _schema, ...data } = raw;
    return data;
  };
  const projects = await db.collection('projects').get();
  const snapshots = await db.collection('snapshots').get();
  const banksByMonth = new Map<string, string[]>();
  for (const doc of snapshots.docs) {
    const data = plain(doc.data()) as unknown as SnapshotHeaderDoc | SnapshotPartDoc;
    if (!isPart(data)) banksByMonth.set(data.month, data.banks.map((row) => row.bankId));
  }
  const writes = readProjectionWrites(
    [
      ...projects.docs.map(
        (doc): SourceWrite => ({ kind: 'update', collection: 'projects', id: doc.id, data: plain(doc.data()), version: versionOf(doc.data()) }),
      ),
      ...snapshots.docs.map((doc): SourceWrite => ({ kind: 'update', collection: 'snapshots', id: doc.id, data: plain(doc.data()) })),
    ],
    (month) => banksByMonth.get(month),
  );
  const BATCH = 400;
  for (let start = 0; start < writes.length; start += BATCH) {
    const batch = db.batch();
    for (const write of writes.slice(start, start + BATCH)) {
      const ref = db.collection(write.collection).doc(write.id);
      if (write.data) batch.set(ref, write.data);
      else batch.delete(ref);
    }
    await batch.commit();
  }
  return {
    boardCards: writes.filter((w) => w.collection === BOARD_CARDS).length,
    boardViews: writes.filter((w) => w.collection === BOARD_VIEWS).length,
    bankSnapshots: writes.filter((w) => w.collection === BANK_SNAPSHOTS).length,
  };
}
