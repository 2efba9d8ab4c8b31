/**
 * Firestore rules gate whole documents, so a liaison must read documents that already hold only
 * what core's read policy lets them see. This decorator of the functions' Firestore store writes
 * them IN THE SAME TRANSACTION as the command that changed their source, with core's own
 * projection functions:
 *
 * - `boardViews/{projectId}`: `publicProjectView(project)` — the project with no loan line, no line
 *   money and no line-derived stall flag: what every liaison has in common. The web app adds the
 *   liaison's own lines to it with core's `projectViewForBank` (the same function the demo backend
 *   and the team server use through `applyReadPolicy`), so all backends show the same card.
 *   A move writes project + activity + view: 3 writes, and reads nothing more.
 * - `bankSnapshots/{bankId}~{snapshotId}`: each `snapshots/*` document (header or part) as
 *   `applyReadPolicy` gives it to that bank's liaison, plus `bankId` for the rules; written for every
 *   bank of the snapshot's by-bank table when month.close creates the snapshot, and once more as
 *   `*~{snapshotId}` for every other bank (`OTHER_BANKS`): a bank added after the close had no line
 *   in the month, so its liaison's projection is that one — the published city totals and by-bank
 *   table, every project without a line. Its liaison reads it when no projection of its own exists.
 *
 * `backfillReadProjections` writes them for data stored before this existed (a one-off migration:
 * `npm run firestore:backfill-projections`, functions/src/cli/backfillProjections.ts).
 */
import type { Firestore } from 'firebase-admin/firestore';
import {
  compactName,
  publicProjectView,
  snapshotHeaderForBank,
  snapshotPartForBank,
} from '@clearway/core';
import type {
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

export const BOARD_VIEWS = 'boardViews' satisfies DerivedCollectionName;
export const BANK_SNAPSHOTS = 'bankSnapshots' satisfies DerivedCollectionName;

/** Firestore's documented limit of writes in one transaction. */
export const FIRESTORE_MAX_WRITES_PER_TRANSACTION = 500;
/** Projects per daily-scan transaction: each written project also writes its board view, plus one activity. */
export const STALL_SCAN_BATCH_WITH_PROJECTIONS = Math.floor((FIRESTORE_MAX_WRITES_PER_TRANSACTION - 1) / 2);

/**
 * The field of a board view that lets the rules find the projects of a unit contact 责任单位联系人:
 * the parties the project names (its responsible unit, its assignments' and blockers' parties),
 * each without spaces as core's `compactName` writes it, and each split at the list marks
 * (、，,；;／/|), so "市住建局、区政府" names 市住建局 and 区政府. The rules grant a unit contact
 * the views whose list holds its unit exactly; core's policy (`projectConcernsUnit`) matches a unit
 * anywhere in a party text, so on Firestore a unit reads the same or fewer projects, never more
 * (e.g. not "市住建局牵头" for 市住建局). The web app drops the field (it is not a Project's).
 */
export const UNIT_PARTIES_FIELD = 'unitParties';

export function unitPartiesOf(project: Pick<Project, 'responsibleUnit' | 'assignments' | 'blockers'>): string[] {
  const texts = [project.responsibleUnit, ...project.assignments.map((a) => a.who), ...project.blockers.map((b) => b.party)];
  const parties = new Set<string>();
  for (const text of texts) {
    const compact = compactName(text);
    if (compact) parties.add(compact);
    for (const piece of compact.split(/[、，,；;／/|]+/)) if (piece) parties.add(piece);
  }
  return [...parties].sort();
}

/** `boardViews/{projectId}`: what every liaison has in common, and the parties for the unit contacts. */
export function boardViewOf(project: Project): Record<string, unknown> {
  return { ...(publicProjectView(project) as unknown as Record<string, unknown>), [UNIT_PARTIES_FIELD]: unitPartiesOf(project) };
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
      out.push({
        collection: BOARD_VIEWS,
        id: write.id,
        data: write.kind === 'delete' ? null : boardViewOf(write.data as Project),
      });
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
    this.writes.push({ kind: 'create', collection, id, data });
  }
  update<T>(collection: CollectionName, id: string, data: T, expectedVersion: number): void {
    this.inner.update(collection, id, data, expectedVersion);
    this.writes.push({ kind: 'update', collection, id, data });
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
export async function backfillReadProjections(db: Firestore): Promise<{ boardViews: number; bankSnapshots: number }> {
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
      ...projects.docs.map((doc): SourceWrite => ({ kind: 'update', collection: 'projects', id: doc.id, data: plain(doc.data()) })),
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
    boardViews: writes.filter((w) => w.collection === BOARD_VIEWS).length,
    bankSnapshots: writes.filter((w) => w.collection === BANK_SNAPSHOTS).length,
  };
}
