/**
 * One-off migration `npm run firestore:backfill-projections`: writes the liaisons' read projections
 * (boardCards, boardViews, bankSnapshots; see readProjections.ts) for data stored before the command function
 * wrote them. Safe to run again: every projection is recomputed from its source and overwritten.
 * Credentials and project come from the usual admin SDK environment (GOOGLE_APPLICATION_CREDENTIALS
 * and GCLOUD_PROJECT, or FIRESTORE_EMULATOR_HOST for the emulator).
 */
import { deleteApp, initializeApp } from 'firebase-admin/app';
import { getFirestore } from 'firebase-admin/firestore';
import { backfillReadProjections } from '../readProjections';

const app = initializeApp();
try {
  const written = await backfillReadProjections(getFirestore(app));
  console.log(`[backfill] wrote ${written.boardCards} board cards, ${written.boardViews} board views and ${written.bankSnapshots} bank snapshots`);
} finally {
  await deleteApp(app);
}
