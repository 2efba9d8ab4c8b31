/**
 * Brings every stored document of a Firestore database to the current schema with core's
 * `migrateStoredDoc`, via the admin SDK (run by `functions/scripts/migrate.mjs`, after deploying a
 * release whose SCHEMA_VERSION is higher).
 *
 * Firestore has one writer release at a time (the deployed functions), so the schema version is
 * kept per database, in `_meta/schema` ({ version }): absent means version 1 (before versions).
 * Each document is read at that version, migrated, and written back only when its data changed,
 * with a precondition on its update time (a command that wrote it meanwhile wins; the next run
 * takes it again). Its `_v` is kept: a migration is not an edit, so a client holding the document
 * still edits it at the version it knows. A document that cannot be read is moved aside to
 * `_quarantine/{collection}__{id}` with the reason (never deleted without a copy). When every
 * document is current, `_meta/schema` is set to the current version.
 *
 * Only the domain collections are migrated: the per-audience read projections are derived from
 * them by the command endpoint and are rebuilt from the migrated sources.
 */
import type { Firestore, QueryDocumentSnapshot, Transaction } from 'firebase-admin/firestore';
import { FieldPath } from 'firebase-admin/firestore';
import { COLLECTIONS, SCHEMA_VERSION, migrateStoredDoc, type CollectionName, type VersionedStoredDoc } from '@clearway/core';
import { SCHEMA_FIELD, SCHEMA_META_COLLECTION, SCHEMA_META_DOC, VERSION_FIELD } from './firestoreDocumentStore';

export { SCHEMA_META_COLLECTION, SCHEMA_META_DOC };
export const QUARANTINE_COLLECTION = '_quarantine';
const PAGE_SIZE = 300;

export interface MigrationReport {
  from: number;
  to: number;
  dryRun: boolean;
  read: Record<CollectionName, number>;
  migrated: Record<CollectionName, number>;
  quarantined: { collection: CollectionName; id: string; reason: string }[];
  /** Documents a command wrote between the read and the migration's write: left for the next run. */
  skippedConcurrent: number;
}

export interface MigrationOptions {
  dryRun?: boolean;
  now?: () => Date;
  log?: (line: string) => void;
}

function perCollection(): Record<CollectionName, number> {
  return Object.fromEntries(COLLECTIONS.map((name) => [name, 0])) as Record<CollectionName, number>;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The stored schema version of the database (1 when it predates schema versions). */
export async function storedSchemaVersion(db: Firestore): Promise<number> {
  const snap = await db.collection(SCHEMA_META_COLLECTION).doc(SCHEMA_META_DOC).get();
  const version = snap.data()?.version;
  return typeof version === 'number' && Number.isInteger(version) && version >= 1 ? version : 1;
}

async function* pages(db: Firestore, collection: CollectionName): AsyncGenerator<QueryDocumentSnapshot[]> {
  let last: QueryDocumentSnapshot | null = null;
  for (;;) {
    let query = db.collection(collection).orderBy(FieldPath.documentId()).limit(PAGE_SIZE);
    if (last) query = query.startAfter(last);
    const snap = await query.get();
    if (snap.empty) return;
    yield snap.docs;
    if (snap.size < PAGE_SIZE) return;
    last = snap.docs[snap.docs.length - 1]!;
  }
}

/**
 * Runs `write` in a transaction only if the document is still as `snap` read it (same update
 * time): a command that wrote it meanwhile wins, and the next run migrates its result.
 */
async function replaceIfUnchanged(db: Firestore, snap: QueryDocumentSnapshot, write: (tx: Transaction) => void): Promise<boolean> {
  return db.runTransaction(async (tx) => {
    const fresh = await tx.get(snap.ref);
    if (!fresh.exists || !fresh.updateTime?.isEqual(snap.updateTime)) return false;
    write(tx);
    return true;
  });
}

export async function migrateFirestore(db: Firestore, options: MigrationOptions = {}): Promise<MigrationReport> {
  const log = options.log ?? (() => undefined);
  const now = options.now ?? (() => new Date());
  const from = await storedSchemaVersion(db);
  const report: MigrationReport = {
    from,
    to: SCHEMA_VERSION,
    dryRun: options.dryRun ?? false,
    read: perCollection(),
    migrated: perCollection(),
    quarantined: [],
    skippedConcurrent: 0,
  };
  if (from > SCHEMA_VERSION) {
    throw new Error(`the database is at schema ${from}, newer than this release (${SCHEMA_VERSION}): deploy the newer release`);
  }
  log(`schema ${from} → ${SCHEMA_VERSION}${report.dryRun ? ' (dry run: nothing is written)' : ''}`);

  for (const collection of COLLECTIONS) {
    for await (const docs of pages(db, collection)) {
      for (const snap of docs) {
        report.read[collection]++;
        const { [VERSION_FIELD]: version, [SCHEMA_FIELD]: stamp, ...data } = snap.data();
        // A document the functions wrote carries its schema; an older one is at the database's.
        const schemaVersion = typeof stamp === 'number' ? stamp : from;
        const stored: VersionedStoredDoc = { id: snap.id, version: typeof version === 'number' ? version : 0, data, schemaVersion };
        const result = migrateStoredDoc(collection, stored);
        if ('quarantined' in result) {
          report.quarantined.push({ collection, id: snap.id, reason: result.quarantined });
          log(`quarantine ${collection}/${snap.id}: ${result.quarantined}`);
          if (report.dryRun) continue;
          const moved = await replaceIfUnchanged(db, snap, (tx) => {
            tx.set(db.collection(QUARANTINE_COLLECTION).doc(`${collection}__${snap.id}`), {
              collection,
              id: snap.id,
              reason: result.quarantined,
              quarantinedAt: now().toISOString(),
              stored: snap.data(),
            });
            tx.delete(snap.ref);
          });
          if (!moved) report.skippedConcurrent++;
          continue;
        }
        // Unchanged: whatever its stamp says, the steps leave it as it is.
        if (sameJson(result.doc.data, data)) continue;
        report.migrated[collection]++;
        if (report.dryRun) continue;
        const written = await replaceIfUnchanged(db, snap, (tx) => {
          tx.set(snap.ref, { ...(result.doc.data as Record<string, unknown>), [VERSION_FIELD]: version, [SCHEMA_FIELD]: SCHEMA_VERSION });
        });
        if (!written) {
          report.skippedConcurrent++;
          report.migrated[collection]--;
        }
      }
    }
  }

  if (!report.dryRun && report.skippedConcurrent === 0) {
    await db
      .collection(SCHEMA_META_COLLECTION)
      .doc(SCHEMA_META_DOC)
      .set({ version: SCHEMA_VERSION, migratedAt: now().toISOString() });
  }
  log(
    `read ${Object.values(report.read).reduce((a, b) => a + b, 0)}, migrated ${Object.values(report.migrated).reduce((a, b) => a + b, 0)}, ` +
      `quarantined ${report.quarantined.length}, left for the next run ${report.skippedConcurrent}`,
  );
  return report;
}
