/**
 * The daily stall scan on Firestore (the scheduled function runs exactly this; the Functions
 * emulator cannot fire schedules without a Pub/Sub emulator): it reads only the due candidates
 * through the stall.nextCheckAt query, and a second run the same day changes nothing.
 */
import { describe, expect, it } from 'vitest';
import type { Project } from '@clearway/core';
import { FirestoreDocumentStore } from '../../functions/src/firestoreDocumentStore';
import { runStallScan } from '../../functions/src/handlers/stallScan';
import { adminDb, countDocs } from './support/client';

describe('daily stall scan on Firestore', () => {
  it('reads only due candidates, flags them once, and is idempotent', async () => {
    const all = (await adminDb().collection('projects').get()).docs.map((d) => d.data() as Project);
    const checks = all
      .map((p) => p.stall.nextCheckAt)
      .filter((at): at is string => at !== null)
      .sort();
    expect(checks.length).toBeGreaterThan(2);
    // Half of the projects are due at this instant.
    const now = new Date(checks[Math.floor(checks.length / 2)]!);
    const due = all.filter((p) => p.stall.nextCheckAt !== null && p.stall.nextCheckAt <= now.toISOString()).length;
    expect(due).toBeLessThan(all.length);

    const store = new FirestoreDocumentStore(adminDb());
    const logs: Record<string, unknown>[] = [];
    const first = await runStallScan(store, now, (_message, data) => logs.push(data));
    expect(first.candidates).toBe(due);
    // Reads: the candidates, their loan lines (one `in` query per 30 projects, at least one read
    // each), the stall rules — never the projects that are not due, nor their lines.
    const dueIds = new Set(all.filter((p) => p.stall.nextCheckAt !== null && p.stall.nextCheckAt <= now.toISOString()).map((p) => p.id));
    const lines = (await adminDb().collection('loanLines').get()).docs.map((d) => d.data() as { projectId: string });
    const dueLines = lines.filter((line) => dueIds.has(line.projectId)).length;
    const budget = due + dueLines + Math.ceil(due / 30) + 1;
    expect(store.usage.reads).toBeLessThanOrEqual(budget);
    expect(store.usage.reads).toBeLessThan(all.length + lines.length);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({ candidates: due });

    const activityAfterFirst = await countDocs('activity');
    const again = new FirestoreDocumentStore(adminDb());
    const second = await runStallScan(again, now, () => undefined);
    expect(second).toMatchObject({ candidates: 0, written: 0 });
    expect(again.usage.writes).toBe(0);
    expect(await countDocs('activity')).toBe(activityAfterFirst);
  });
});
