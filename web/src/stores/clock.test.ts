import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { MemoryDocumentStore, executeCommand, type Actor, type Project } from '@clearway/core';
import { memoryBackend, WAN } from '@/test/projectFixtures';
import { useAdminStore } from './admin';
import { useClockStore } from './clock';
import { useFollowUpStore } from './followUp';
import { useMeetingStore } from './meeting';
import { usePlanStore } from './plan';
import { useProjectStore } from './project';
import { useSessionStore } from './session';

const ADMIN: Actor = { uid: 'u-admin', name: '李建华', role: 'admin', bankId: null };
// 2027-01-01 07:30 in Shanghai is still 2026-12-31 in UTC: the day and month are Shanghai's.
const FIXED = new Date('2026-12-31T23:30:00.000Z');

describe('the one clock', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('fixed once, it is the now and today of the plan, the meeting, the follow-up and the admin', () => {
    const clock = useClockStore();
    clock.fix(FIXED);
    expect(clock.today).toBe('2027-01-01');
    expect(clock.month).toBe('2027-01');

    useSessionStore().attach(memoryBackend(new MemoryDocumentStore(), ADMIN));
    expect(usePlanStore().months[0]).toBe('2027-01');
    expect(usePlanStore().menuMonths.slice(0, 2)).toEqual(['2027-01', '2027-02']);
    expect(useMeetingStore().currentMonth).toBe('2027-01');
    expect(useFollowUpStore().defaultRoundMonth).toBe('2026-12');
    expect(useAdminStore().targetsYear).toBe(2027);
  });

  it('moves every reader when it moves, and a stamp the drawer shows at once reads it too', async () => {
    const clock = useClockStore();
    clock.fix(FIXED);
    const plan = usePlanStore();
    expect(plan.months[0]).toBe('2027-01');
    clock.fix(new Date('2027-02-01T00:00:00.000Z'));
    expect(plan.months[0]).toBe('2027-02');

    const store = new MemoryDocumentStore();
    const asAdmin = { actor: ADMIN, now: new Date('2027-01-15T02:00:00.000Z') };
    const created = await executeCommand(store, asAdmin, {
      name: 'project.create',
      payload: { name: '城南污水处理厂', owner: { name: '城投集团', type: 'platform' }, district: '城南区', sector: '水务', source: 'matchmaking', buildStatus: 'new', needTotal: 3_000 * WAN },
    });
    const projectId = created.createdId as string;
    const blocked = await executeCommand(store, asAdmin, {
      name: 'blocker.add',
      payload: { projectId, expectedVersion: 1, tag: 'permits', description: '用地指标未落实', party: '市自然资源局', dueDate: null },
    });
    expect(blocked.written.length).toBeGreaterThan(0);
    const blockerId = (await store.get<Project>('projects', projectId))!.data.blockers[0]!.id;

    useSessionStore().attach(memoryBackend(store, ADMIN));
    const drawer = useProjectStore();
    drawer.open(projectId);
    await vi.waitFor(() => expect(drawer.project?.blockers).toHaveLength(1));
    // The optimistic resolution carries the clock's time, before the command's answer.
    const resolving = drawer.resolveBlocker(blockerId, '已落实');
    expect(drawer.project!.blockers[0]).toMatchObject({ resolvedAt: '2027-02-01T00:00:00.000Z', resolution: '已落实' });
    expect((await resolving).ok).toBe(true);
  });
});
