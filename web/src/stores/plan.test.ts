import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { MemoryDocumentStore, addMonths, executeCommand, monthOf, type Actor } from '@clearway/core';
import { memoryBackend, WAN } from '@/test/projectFixtures';
import { useBoardStore } from './board';
import { usePlanStore } from './plan';
import { useSessionStore } from './session';

const STAFF: Actor = { uid: 'u-staff', name: '王丽娟', role: 'staff', bankId: null };
const VIEWER: Actor = { uid: 'u-viewer', name: '周国庆', role: 'viewer', bankId: null };
const THIS_MONTH = monthOf(new Date());
const NEXT_MONTH = addMonths(THIS_MONTH, 1);

async function planAs(actor: Actor) {
  const store = new MemoryDocumentStore();
  const created = await executeCommand(store, { actor: STAFF, now: new Date() }, {
    name: 'project.create',
    payload: {
      name: '城南污水处理厂',
      owner: { name: '城投集团', type: 'platform' },
      district: '城南区',
      sector: '水务',
      source: 'matchmaking',
      buildStatus: 'new',
      needTotal: 3_000 * WAN,
      expectedMonth: THIS_MONTH,
    },
  });
  const projectId = created.createdId as string;
  useSessionStore().attach(memoryBackend(store, actor));
  useBoardStore().start();
  const plan = usePlanStore();
  await vi.waitFor(() => expect(plan.projects.map((p) => p.id)).toEqual([projectId]));
  const column = (key: string) => plan.columns.find((c) => c.key === key)?.cards.map((card) => card.project.id) ?? [];
  return { store, projectId, plan, column };
}

describe('plan store', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
  });

  it('places a project in its expected month and moves it at once when rescheduled', async () => {
    const { store, projectId, plan, column } = await planAs(STAFF);
    expect(column(THIS_MONTH)).toEqual([projectId]);
    expect(plan.columns.find((c) => c.key === THIS_MONTH)?.planned).toBe(3_000 * WAN);

    const pending = plan.reschedule(projectId, NEXT_MONTH);
    expect(column(NEXT_MONTH)).toEqual([projectId]);
    expect(plan.pendingIds.has(projectId)).toBe(true);
    expect((await pending)?.ok).toBe(true);
    await vi.waitFor(() => expect((store.exportAll().projects[0]?.data as { expectedMonth: string }).expectedMonth).toBe(NEXT_MONTH));
    expect(column(NEXT_MONTH)).toEqual([projectId]);
    const activity = store.exportAll().activity.map((doc) => doc.data as { command: string });
    expect(activity.map((a) => a.command)).toContain('project.reschedule');
  });

  it('puts the card back when the command is refused', async () => {
    const { projectId, plan, column } = await planAs(VIEWER);
    const pending = plan.reschedule(projectId, NEXT_MONTH);
    expect(column(NEXT_MONTH)).toEqual([projectId]);
    const outcome = await pending;
    expect(outcome?.ok).toBe(false);
    expect(outcome && !outcome.ok ? outcome.error.code : null).toBe('permission-denied');
    expect(column(NEXT_MONTH)).toEqual([]);
    expect(column(THIS_MONTH)).toEqual([projectId]);
    expect(plan.pendingIds.size).toBe(0);
  });

  it('does nothing when the month does not change', async () => {
    const { projectId, plan } = await planAs(STAFF);
    expect(await plan.reschedule(projectId, THIS_MONTH)).toBeNull();
  });
});
