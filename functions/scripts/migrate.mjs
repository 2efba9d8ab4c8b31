#!/usr/bin/env node
// Migrates the stored data of a Clearway Firebase project to the schema of this release: every
// document of the domain collections goes through core's `migrateStoredDoc` (the same migrations
// the demo backend and the team server apply on read); a document that cannot be read is moved to
// `_quarantine/{collection}__{id}` with the reason, not deleted; `_meta/schema` records the version.
// Run it after deploying a release whose schema version is higher (README "Stored data and
// migrations"); running it again is harmless.
//
//   node functions/scripts/migrate.mjs --project <projectId> [--dry-run]
//
// Credentials as for make-admin.mjs: Application Default Credentials or GOOGLE_APPLICATION_CREDENTIALS
// for a real project; FIRESTORE_EMULATOR_HOST against an emulator. --dry-run reports what would
// change and writes nothing. The core's TypeScript is bundled with esbuild first (into
// node_modules/.cache, so that the deployed functions/lib does not carry it).
import { mkdir, rm } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const { values } = parseArgs({ options: { project: { type: 'string' }, 'dry-run': { type: 'boolean' } } });
const projectId = values.project ?? process.env.GCLOUD_PROJECT;
if (!projectId) {
  console.error('usage: node functions/scripts/migrate.mjs --project <projectId> [--dry-run]');
  process.exit(2);
}

const functionsDir = fileURLToPath(new URL('..', import.meta.url));
const cacheDir = fileURLToPath(new URL('../../node_modules/.cache/clearway-migrate/', import.meta.url));
const outfile = `${cacheDir}migrateStoredData-${process.pid}.mjs`;
await mkdir(cacheDir, { recursive: true });
await build({
  entryPoints: [`${functionsDir}src/migrateStoredData.ts`],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['firebase-admin', 'firebase-admin/*'],
  logLevel: 'warning',
});

const { initializeApp } = await import('firebase-admin/app');
const { getFirestore } = await import('firebase-admin/firestore');
const { migrateFirestore } = await import(pathToFileURL(outfile).href);
await rm(outfile, { force: true });

const db = getFirestore(initializeApp({ projectId }));
const report = await migrateFirestore(db, { dryRun: values['dry-run'] ?? false, log: (line) => console.log(line) });
if (report.quarantined.length > 0) {
  console.log(`${report.quarantined.length} document(s) moved to _quarantine: look at them, fix or delete them there.`);
}
if (report.skippedConcurrent > 0) {
  console.log(`${report.skippedConcurrent} document(s) changed while migrating: run the script again.`);
  process.exit(1);
}
process.exit(0);
