import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { addDays, executeCommand, MemoryDocumentStore, monthOf, todayIso, type Actor } from '@clearway/core';
import { memoryBackend, WAN } from '@/test/projectFixtures';
import { useFollowUpStore } from './followUp';
import { useSessionStore } from './session';

const ADMIN: Actor = { uid: 'u-admin', name: '李建华', role: 'admin', bankId: null };
const STAFF: Actor = { uid: 'u-staff', name: '王丽娟', role: 'staff', bankId: null };
const LIAISON: Actor = { uid: 'u-icbc', name: '陈志强', role: 'liaison', bankId: 'icbc' };

async function workspace() {
  const store = new MemoryDocumentStore();
  const run = (actor: Actor, name: Parameters<typeof executeCommand>[2]['name'], payload: unknown) =>
    executeCommand(store, { actor, now: new Date() }, { name, payload });
  await run(ADMIN, 'bank.upsert', { id: 'icbc', expectedVersion: null, name: '工商银行', category: 'stateLarge', agreementAmount: 0 });
  await run(ADMIN, 'member.upsert', { uid: LIAISON.uid, expectedVersion: null, name: LIAISON.name, role: 'liaison', bankId: 'icbc' });
  const projectId = (await run(STAFF, 'project.create', {
    name: '城南污水处理厂', owner: { name: '城投集团', type: 'platform' }, district: '城南区', sector: '水务',
    source: 'matchmaking', buildStatus: 'new', needTotal: 3_000 * WAN,
  })).createdId as string;
  await run(STAFF, 'assignment.add', { projectId, expectedVersion: 1, month: monthOf(new Date()), what: '落实放款条件', who: '工商银行', dueDate: addDays(todayIso(new Date()), 20) });
  return { store, projectId };
}

describe('followUp store', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('lists the liaison its assignment, takes the loop steps, and hands the close request to staff', async () => {
    const { store } = await workspace();
    useSessionStore().attach(memoryBackend(store, LIAISON));
    const followUp = useFollowUpStore();
    followUp.start();
    await vi.waitFor(() => expect(followUp.items.map((i) => [i.kind, i.state])).toContainEqual(['assignment', 'assigned']));
    const item = followUp.items.find((i) => i.kind === 'assignment')!;
    const assignmentId = item.key.split(':')[2]!;
    expect((await followUp.assignmentStep(item.projectId!, assignmentId, 'acknowledge')).ok).toBe(true);
    await vi.waitFor(() => expect(followUp.items.find((i) => i.kind === 'assignment')?.state).toBe('acknowledged'));
    expect((await followUp.assignmentStep(item.projectId!, assignmentId, 'requestClose', '已落实')).ok).toBe(true);
    await vi.waitFor(() => expect(followUp.items.some((i) => i.kind === 'assignment')).toBe(false));
    const refused = await followUp.assignmentStep(item.projectId!, assignmentId, 'close');
    expect(refused).toMatchObject({ ok: false, error: { code: 'permission-denied' } });
  });

  it('counts from the board cards: the whole projects are never read for it', async () => {
    const { store, projectId } = await workspace();
    const backend = memoryBackend(store, LIAISON);
    const watchQuery = vi.spyOn(backend, 'watchQuery');
    useSessionStore().attach(backend);
    const followUp = useFollowUpStore();
    followUp.start();
    await vi.waitFor(() => expect(followUp.items.map((i) => [i.kind, i.projectId])).toContainEqual(['assignment', projectId]));
    await new Promise((resolve) => setTimeout(resolve, 0));
    // One watch of the projects (the cards, projected in the tab by this backend), none for whole documents.
    expect(watchQuery.mock.calls.filter(([collection]) => collection === 'projects')).toHaveLength(1);
  });

  it('opens a round, shows the liaison its report as due, and the table once it is submitted', async () => {
    const { store } = await workspace();
    useSessionStore().attach(memoryBackend(store, STAFF));
    const staffView = useFollowUpStore();
    staffView.start();
    expect((await staffView.openRound('2026-10', null)).ok).toBe(true);
    await vi.waitFor(() => expect(staffView.latestRound?.month).toBe('2026-10'));
    expect(staffView.roundTable.map((r) => [r.bankName, r.state])).toEqual([['工商银行', expect.stringMatching(/pending|overdue/)]]);
    setActivePinia(createPinia());
    useSessionStore().attach(memoryBackend(store, LIAISON));
    const liaisonView = useFollowUpStore();
    liaisonView.start();
    await vi.waitFor(() => expect(liaisonView.items.map((i) => i.kind)).toContain('monthlyReport'));
    expect((await liaisonView.submitReport('2026-10', true, '')).ok).toBe(true);
    await vi.waitFor(() => expect(liaisonView.items.map((i) => i.kind)).not.toContain('monthlyReport'));
  });
});
