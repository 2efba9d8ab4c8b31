/**
 * The daily stall scan: the core `stall.scan` command as the system actor, in batches (one
 * transaction each) until no due candidate is left. The command reads only projects whose
 * `stall.nextCheckAt` has come, so a second run the same day finds nothing and writes nothing.
 */
import { STALL_SCAN_ACTOR, executeCommand } from '@clearway/core';
import type { DocumentStore, SkippedProject } from '@clearway/core';
import { STALL_SCAN_MAX_BATCHES } from '../config';
import { STALL_SCAN_BATCH_WITH_PROJECTIONS } from '../readProjections';

export interface StallScanSummary {
  batches: number;
  candidates: number;
  flagged: number;
  newlyStalled: number;
  cleared: number;
  written: number;
  /** Projects whose stall summary was rewritten, for the log. */
  projectIds: string[];
  /** Projects the scan could not write (e.g. over the document budget), once each; the next run tries them again. */
  skipped: SkippedProject[];
}

export async function runStallScan(
  store: DocumentStore,
  now: Date,
  log: (message: string, data: Record<string, unknown>) => void,
  maxBatches = STALL_SCAN_MAX_BATCHES,
): Promise<StallScanSummary> {
  const summary: StallScanSummary = { batches: 0, candidates: 0, flagged: 0, newlyStalled: 0, cleared: 0, written: 0, projectIds: [], skipped: [] };
  const skipped = new Map<string, SkippedProject>();
  while (summary.batches < maxBatches) {
    const result = await executeCommand(store, { actor: { ...STALL_SCAN_ACTOR }, now }, {
      name: 'stall.scan',
      payload: { scope: 'due', limit: STALL_SCAN_BATCH_WITH_PROJECTIONS },
    });
    const stats = result.stats ?? {};
    summary.batches += 1;
    summary.candidates += stats.candidates ?? 0;
    summary.flagged += stats.flagged ?? 0;
    summary.newlyStalled += stats.newlyStalled ?? 0;
    summary.cleared += stats.cleared ?? 0;
    summary.written += stats.written ?? 0;
    summary.projectIds.push(...result.written.filter((w) => w.collection === 'projects').map((w) => w.id));
    for (const project of result.skipped ?? []) skipped.set(project.projectId, project);
    // A batch that wrote nothing would find the same candidates again.
    if (!stats.more || !stats.written) break;
  }
  summary.skipped = [...skipped.values()];
  log('stall scan finished', { ...summary });
  return summary;
}
