import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { executeCommand, MemoryDocumentStore, quarterOf, todayIso, type Actor } from '@clearway/core';
import { memoryBackend, WAN } from '@/test/projectFixtures';
import { useScorecardStore } from './scorecard';
import { useSessionStore } from './session';

const ADMIN: Actor = { uid: 'u-admin', name: '李建华', role: 'admin', bankId: null };
const STAFF: Actor = { uid: 'u-staff', name: '王丽娟', role: 'staff', bankId: null };
const LIAISON: Actor = { uid: 'u-icbc', name: '陈志强', role: 'liaison', bankId: 'icbc' };

async function workspace() {
  const store = new MemoryDocumentStore();
  const now = new Date();
  const run = (actor: Actor, name: Parameters<typeof executeCommand>[2]['name'], payload: unknown) =>
    executeCommand(store, { actor, now }, { name, payload });
  await run(ADMIN, 'bank.upsert', { id: 'icbc', expectedVersion: null, name: '工商银行', category: 'stateLarge', agreementAmount: 10_000 * WAN });
  await run(ADMIN, 'bank.upsert', { id: 'ceb', expectedVersion: null, name: '光大银行', category: 'jointStock', agreementAmount: 0 });
  await run(ADMIN, 'member.upsert', { uid: LIAISON.uid, expectedVersion: null, name: LIAISON.name, role: 'liaison', bankId: 'icbc' });
  const projectId = (await run(STAFF, 'project.create', {
    name: '城南污水处理厂', owner: { name: '城投集团', type: 'platform' }, district: '城南区', sector: '水务',
    source: 'matchmaking', buildStatus: 'new', needTotal: 3_000 * WAN,
  })).createdId as string;
  const today = todayIso(now);
  for (const [bankId, approved] of [['icbc', 1_000 * WAN], ['ceb', 2_000 * WAN]] as const) {
    const lineId = (await run(STAFF, 'line.add', { projectId, bankId, product: 'projectLoan', requested: approved })).createdId as string;
    await run(STAFF, 'line.recordApproval', { lineId, expectedVersion: 1, approved, approvedDate: today });
  }
  return store;
}

describe('scorecard store', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('scores and ranks every bank for the bureau, and saves the admin’s weights', async () => {
    const store = await workspace();
    useSessionStore().attach(memoryBackend(store, ADMIN));
    const scorecard = useScorecardStore();
    scorecard.start();
    await vi.waitFor(() => expect(scorecard.loaded).toBe(true));
    await vi.waitFor(() => expect(scorecard.card?.rows.map((r) => [r.bankId, r.approvals])).toEqual([['ceb', 2_000 * WAN], ['icbc', 1_000 * WAN]]));
    expect(scorecard.quarter).toBe(quarterOf(new Date()));
    expect(scorecard.ownRow).toBeNull();
    const refused = await scorecard.setWeights({ approvals: 50, disbursements: 50, fulfilment: 10, reporting: 0, followUp: 0 });
    expect(refused).toMatchObject({ ok: false, error: { fieldErrors: [{ messageKey: 'errors.scorecard.weightsSum' }] } });
    expect((await scorecard.setWeights({ approvals: 100, disbursements: 0, fulfilment: 0, reporting: 0, followUp: 0 })).ok).toBe(true);
    await vi.waitFor(() => expect(scorecard.weights.approvals).toBe(100));
    // icbc's approvals are half the best bank's: 50 points, its whole total under these weights.
    expect(scorecard.card?.rows.find((r) => r.bankId === 'icbc')?.total).toBe(50);
    // The next save is at the version just written.
    expect((await scorecard.setWeights({ approvals: 60, disbursements: 40, fulfilment: 0, reporting: 0, followUp: 0 })).ok).toBe(true);
  });

  it('gives a liaison its own bank’s figures only, with no scorecard of every bank', async () => {
    const store = await workspace();
    useSessionStore().attach(memoryBackend(store, LIAISON));
    const scorecard = useScorecardStore();
    scorecard.start();
    await vi.waitFor(() => expect(scorecard.ownRow?.approvals).toBe(1_000 * WAN));
    expect(scorecard.card).toBeNull();
    expect(scorecard.ownRow).toMatchObject({ bankId: 'icbc', name: '工商银行', fulfilment: 0 });
  });
});
