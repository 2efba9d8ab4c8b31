/**
 * 我的银行 reads core's bank workspace: its totals are its bank's row of the meeting's 分银行情况
 * for the running month, for the bureau picking a bank and for the bank's own liaison.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import {
  MemoryDocumentStore,
  meetingTables,
  monthOf,
  type Actor,
} from '@clearway/core';
import { createSampleWorkspace, sampleActor, SAMPLE_IDENTITIES, seedStore } from '@clearway/core/sample';
import { memoryBackend } from '@/test/projectFixtures';
import { useBankStore } from './bank';
import { useBoardStore } from './board';
import { useLinesStore } from './lines';
import { useMeetingStore } from './meeting';
import { useSessionStore } from './session';

const actor = (uid: string): Actor => sampleActor(SAMPLE_IDENTITIES.find((member) => member.uid === uid)!);

async function bankAs(reader: Actor) {
  const now = new Date();
  const store = new MemoryDocumentStore();
  await seedStore(store, createSampleWorkspace({ now, projects: 30 }));
  useSessionStore().attach(memoryBackend(store, reader));
  useBoardStore().start();
  const meeting = useMeetingStore();
  meeting.setMonth(monthOf(now));
  const lines = useLinesStore();
  await vi.waitFor(() => expect(meeting.agenda).not.toBeNull(), { timeout: 5000 });
  return { bank: useBankStore(), meeting, lines };
}

function bankRowOf(meeting: ReturnType<typeof useMeetingStore>, bankId: string) {
  const row = meetingTables(meeting.agenda!).byBank.rows.find((candidate) => candidate.bankId === bankId)!;
  return {
    lines: row.lineCount,
    projects: row.projectCount,
    requested: row.requested,
    approved: row.approved,
    contracted: row.contracted,
    disbursed: row.disbursed,
    disbursedInMonth: row.disbursedInMonth,
    waiting: row.approvedNotDisbursed,
    agreement: row.agreementAmount,
    agreementRate: row.agreementRate,
  };
}

describe('bank store', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
  });

  it("shows the bureau the bank it picks, totals equal to that bank's row of 分银行情况", async () => {
    const { bank, meeting, lines } = await bankAs(actor('u-staff'));
    expect(bank.bankId).toBeNull();
    expect(bank.rows).toEqual([]);
    for (const bankId of ['adbc', 'ceb', 'icbc']) {
      bank.choose(bankId);
      expect(bank.rows.every((row) => row.line.bankId === bankId)).toBe(true);
      expect(bank.rows).toHaveLength(lines.lines.filter((line) => line.bankId === bankId).length);
      expect(bank.totals).toEqual(bankRowOf(meeting, bankId));
    }
  });

  it("keeps a liaison on its own bank, with the same figures as its meeting's bank row", async () => {
    const { bank, meeting } = await bankAs(actor('u-liaison-ceb'));
    bank.choose('icbc');
    expect(bank.bankId).toBe('ceb');
    expect(bank.isLiaison).toBe(true);
    expect(bank.rows.length).toBeGreaterThan(0);
    expect(bank.rows.every((row) => row.line.bankId === 'ceb')).toBe(true);
    expect(bank.totals).toEqual(bankRowOf(meeting, 'ceb'));
    // The waiting list is the bank's own approved-not-drawn lines on projects still on the flow.
    for (const row of bank.waitingRows) {
      expect(row.waiting).toBeGreaterThan(0);
      expect(row.project?.flag ?? null).toBeNull();
    }
  });
});
