/**
 * A liaison's meeting compares like with like: the closed month it is compared with is projected
 * to its bank as its live board is (core's read policy), so other banks' figures never show as a
 * change, and its by-bank table is its own bank's row.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import {
  MemoryDocumentStore,
  addMonths,
  executeCommand,
  monthOf,
  type Actor,
} from '@clearway/core';
import { createSampleWorkspace, sampleActor, SAMPLE_IDENTITIES, seedStore } from '@clearway/core/sample';
import { memoryBackend } from '@/test/projectFixtures';
import { useBoardStore } from './board';
import { useMeetingStore } from './meeting';
import { useSessionStore } from './session';

const actor = (uid: string): Actor => sampleActor(SAMPLE_IDENTITIES.find((member) => member.uid === uid)!);

async function meetingAs(reader: Actor) {
  const now = new Date();
  const store = new MemoryDocumentStore();
  await seedStore(store, createSampleWorkspace({ now, projects: 30 }));
  await executeCommand(store, { actor: actor('u-staff'), now }, { name: 'month.close', payload: { month: addMonths(monthOf(now), -1) } });
  useSessionStore().attach(memoryBackend(store, reader));
  useBoardStore().start();
  const meeting = useMeetingStore();
  meeting.setMonth(monthOf(now));
  await vi.waitFor(() => expect(meeting.agenda?.previousMonth).toBe(addMonths(monthOf(now), -1)), { timeout: 5000 });
  return meeting;
}

describe('meeting store', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
  });

  it('shows a liaison changes and a by-bank table of its own bank only', async () => {
    const meeting = await meetingAs(actor('u-liaison-ceb'));
    const agenda = meeting.agenda!;
    expect(agenda.byBank.map((row) => row.bankId)).toEqual(['ceb']);
    expect(agenda.changes.banks.every((row) => row.bankId === 'ceb')).toBe(true);
    // A change is a bank's own work since the close: nothing falls back.
    for (const change of [...agenda.changes.newlyApproved, ...agenda.changes.disbursed]) expect(change.amount).toBeGreaterThan(0);
    for (const row of agenda.changes.banks) expect(row.approved).toBeGreaterThanOrEqual(0);
    expect(agenda.changes.totals.delta.approved).toBeGreaterThanOrEqual(0);
    expect(agenda.changes.totals.delta.disbursed).toBeGreaterThanOrEqual(0);
    // The previous month it compares with is the bank's share, not the city's.
    const closed = meeting.closedMonths[0]!;
    expect(agenda.changes.totals.previous!.approved).toBeLessThan(closed.totals!.approved);
  });

  it('shows the bureau every bank', async () => {
    const meeting = await meetingAs(actor('u-staff'));
    expect(meeting.agenda!.byBank.length).toBeGreaterThan(1);
    expect(meeting.agenda!.changes.totals.previous!.approved).toBe(meeting.closedMonths[0]!.totals!.approved);
  });
});
