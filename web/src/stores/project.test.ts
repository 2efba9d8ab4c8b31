import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { MemoryDocumentStore, executeCommand, type Actor, type CommandName } from '@clearway/core';
import { memoryBackend, WAN } from '@/test/projectFixtures';
import { useSessionStore } from './session';
import { useProjectStore } from './project';

const NOW = new Date('2026-03-10T02:00:00.000Z');
const ADMIN: Actor = { uid: 'u-admin', name: '李建华', role: 'admin', bankId: null };
const STAFF: Actor = { uid: 'u-staff', name: '王丽娟', role: 'staff', bankId: null };
const ICBC_LIAISON: Actor = { uid: 'u-icbc', name: '陈志强', role: 'liaison', bankId: 'icbc' };

async function run(store: MemoryDocumentStore, actor: Actor, name: CommandName, payload: unknown) {
  return executeCommand(store, { actor, now: NOW }, { name, payload });
}

/** A project with an ICBC line approved for 1,000万元 and a CEB line the ICBC liaison may not read. */
async function workspace() {
  const store = new MemoryDocumentStore();
  await run(store, ADMIN, 'bank.upsert', { id: 'icbc', name: '工商银行', category: 'stateLarge', agreementAmount: 0 });
  await run(store, ADMIN, 'bank.upsert', { id: 'ceb', name: '光大银行', category: 'jointStock', agreementAmount: 0 });
  const projectId = (
    await run(store, STAFF, 'project.create', {
      name: '城南污水处理厂',
      owner: { name: '城投集团', type: 'platform' },
      district: '城南区',
      sector: '水务',
      source: 'matchmaking',
      buildStatus: 'new',
      needTotal: 3_000 * WAN,
      leadBankId: 'icbc',
    })
  ).createdId!;
  const lineId = (await run(store, STAFF, 'line.add', { projectId, bankId: 'icbc', product: 'projectLoan', requested: 1_200 * WAN })).createdId!;
  await run(store, STAFF, 'line.add', { projectId, bankId: 'ceb', product: 'projectLoan', requested: 500 * WAN });
  await run(store, STAFF, 'line.recordApproval', { lineId, expectedVersion: 1, approved: 1_000 * WAN, approvedDate: '2026-03-01' });
  return { store, projectId, lineId };
}

async function openAs(actor: Actor) {
  const ws = await workspace();
  useSessionStore().attach(memoryBackend(ws.store, actor, () => NOW));
  const project = useProjectStore();
  project.open(ws.projectId);
  await vi.waitFor(() => expect(project.project?.id).toBe(ws.projectId));
  await vi.waitFor(() => expect(project.lines.length).toBeGreaterThan(0));
  return { ...ws, project };
}

describe('project store', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
  });

  it("reads only the liaison's own bank's lines and names the other banks", async () => {
    const { project } = await openAs(ICBC_LIAISON);
    expect(project.lines.map((line) => line.bankId)).toEqual(['icbc']);
    expect(project.hiddenBankIds).toEqual(['ceb']);
  });

  it("shows a liaison the project's own history and its own bank's line records, not another bank's", async () => {
    const { project, store } = await openAs(ICBC_LIAISON);
    await vi.waitFor(() => expect(project.activity.some((record) => record.command === 'line.recordApproval')).toBe(true));
    const all = (await store.query<{ command: string; lineId: string | null; bankId?: string }>('activity')).map((doc) => doc.data);
    expect(all.some((record) => record.bankId === 'ceb')).toBe(true);
    expect(project.activity.every((record) => record.lineId === null || record.bankId === 'icbc')).toBe(true);
    expect(project.activity.some((record) => record.command === 'project.create')).toBe(true);
    const times = project.activity.map((record) => record.at);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it('shows a tranche at once and rolls it back when the command is refused', async () => {
    const { project, lineId } = await openAs(ICBC_LIAISON);
    const pending = project.recordOnLine('tranche', lineId, { amount: 1_500 * WAN, date: '2026-03-05' });
    // Optimistic: the tranche is there before the command returns.
    expect(project.lines[0]?.tranches.map((tranche) => tranche.amount)).toEqual([1_500 * WAN]);

    const outcome = await pending;
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error.messageKey).toBe('errors.line.overDisbursed');
    expect(outcome.error.fieldErrors?.map((fieldError) => fieldError.path)).toEqual(['amount']);
    expect(project.lines[0]?.tranches).toEqual([]);
    expect(project.lastError?.messageKey).toBe('errors.line.overDisbursed');
  });

  it('keeps an accepted tranche exactly once', async () => {
    const { project, lineId, store } = await openAs(ICBC_LIAISON);
    const outcome = await project.recordOnLine('tranche', lineId, { amount: 400 * WAN, date: '2026-03-05' });
    expect(outcome.ok).toBe(true);
    await vi.waitFor(async () => expect((await store.get('loanLines', lineId))?.version).toBe(3));
    await vi.waitFor(() => expect(project.lines[0]?.tranches.map((tranche) => tranche.amount)).toEqual([400 * WAN]));
    expect(project.lastError).toBeNull();
  });

  it('rolls back an edit made on a stale version and says it was a conflict', async () => {
    const { project, projectId, store } = await openAs(STAFF);
    const seenVersion = project.version;
    await run(store, ADMIN, 'project.setActionPlan', { projectId, expectedVersion: seenVersion, actionPlan: '市住建局牵头协调用地' });
    await vi.waitFor(() => expect(project.version).toBe(seenVersion + 1));

    const pending = project.saveDetails({ patch: { name: '城南污水处理厂（一期）' } }, seenVersion);
    expect(project.project?.name).toBe('城南污水处理厂（一期）');
    const outcome = await pending;
    expect(outcome.ok ? null : outcome.error.messageKey).toBe('errors.conflict');
    expect(project.project?.name).toBe('城南污水处理厂');
    expect((await store.get<{ name: string }>('projects', projectId))?.data.name).toBe('城南污水处理厂');
  });
});
