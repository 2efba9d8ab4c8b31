/** The lines store watches what the reader may read and records from a list at once, rolling back a refusal. */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { MemoryDocumentStore, dayOf, type Actor } from '@clearway/core';
import { createSampleWorkspace, sampleActor, SAMPLE_IDENTITIES, seedStore } from '@clearway/core/sample';
import { memoryBackend, WAN } from '@/test/projectFixtures';
import { useLinesStore } from './lines';
import { useSessionStore } from './session';

const actor = (uid: string): Actor => sampleActor(SAMPLE_IDENTITIES.find((member) => member.uid === uid)!);

async function linesAs(reader: Actor) {
  const now = new Date();
  const store = new MemoryDocumentStore();
  const workspace = createSampleWorkspace({ now, projects: 20 });
  await seedStore(store, workspace);
  useSessionStore().attach(memoryBackend(store, reader));
  const lines = useLinesStore();
  await vi.waitFor(() => expect(lines.loaded).toBe(true), { timeout: 5000 });
  return { lines, store, workspace, today: dayOf(now) };
}

describe('lines store', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
  });

  it('watches every line for the bureau and only its own bank’s for a liaison', async () => {
    const bureau = await linesAs(actor('u-staff'));
    expect(bureau.lines.lines).toHaveLength(bureau.workspace.loanLines.length);
    setActivePinia(createPinia());
    const liaison = await linesAs(actor('u-liaison-ceb'));
    expect(liaison.lines.lines.length).toBeGreaterThan(0);
    expect(liaison.lines.lines.every((line) => line.bankId === 'ceb')).toBe(true);
  });

  it("records a liaison's approval at once, and it stays once the command is accepted", async () => {
    const { lines, today } = await linesAs(actor('u-liaison-ceb'));
    const line = lines.lines.find((candidate) => candidate.status === 'applying')!;
    expect(line).toBeDefined();
    const pending = lines.record('approval', line.id, { amount: 1_000 * WAN, date: today });
    expect(lines.lines.find((candidate) => candidate.id === line.id)?.approved).toBe(1_000 * WAN);
    expect(lines.pendingLineIds.has(line.id)).toBe(true);
    expect((await pending).ok).toBe(true);
    await vi.waitFor(() => expect(lines.pendingLineIds.has(line.id)).toBe(false));
    expect(lines.lines.find((candidate) => candidate.id === line.id)?.approved).toBe(1_000 * WAN);
  });

  it('puts the line back and says why when the command is refused', async () => {
    const { lines, today } = await linesAs(actor('u-viewer'));
    const line = lines.lines.find((candidate) => candidate.status === 'applying')!;
    const before = line.approved;
    const pending = lines.record('approval', line.id, { amount: 1_000 * WAN, date: today });
    expect(lines.lines.find((candidate) => candidate.id === line.id)?.approved).toBe(1_000 * WAN);
    const outcome = await pending;
    expect(outcome.ok).toBe(false);
    expect(outcome.ok ? null : outcome.error.code).toBe('permission-denied');
    expect(lines.lines.find((candidate) => candidate.id === line.id)?.approved).toBe(before);
    expect(lines.pendingLineIds.size).toBe(0);
  });
});
