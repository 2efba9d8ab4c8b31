/** A bank, a project and an approved loan line, made through core's commands on any store. */
import { executeCommand, type Actor, type CommandInputs, type CommandName, type CommandResult, type DocumentStore } from '@clearway/core';

export const WAN = 10_000;
export const NOW = new Date('2026-03-10T02:00:00.000Z');
export const ADMIN: Actor = { uid: 'u-admin', name: '李建华', role: 'admin', bankId: null };
export const STAFF: Actor = { uid: 'u-staff', name: '王丽娟', role: 'staff', bankId: null };
export const ICBC_LIAISON: Actor = { uid: 'u-icbc', name: '陈志强', role: 'liaison', bankId: 'icbc' };

export function run<N extends CommandName>(
  store: DocumentStore,
  actor: Actor,
  name: N,
  payload: CommandInputs[N],
  now: Date = NOW,
): Promise<CommandResult> {
  return executeCommand(store, { actor, now }, { name, payload });
}

export async function ensureBank(store: DocumentStore): Promise<void> {
  if (await store.get('banks', 'icbc')) return;
  await run(store, ADMIN, 'bank.upsert', { id: 'icbc', name: '工商银行', category: 'stateLarge', agreementAmount: 100_000 * WAN });
}

export async function createProject(store: DocumentStore, name = '城南污水处理厂'): Promise<string> {
  await ensureBank(store);
  const result = await run(store, STAFF, 'project.create', {
    name,
    owner: { name: '城投集团', type: 'platform' },
    district: '城南区',
    sector: '水务',
    source: 'matchmaking',
    buildStatus: 'new',
    totalInvestment: 50_000 * WAN,
    equityRequired: 10_000 * WAN,
    needTotal: 30_000 * WAN,
    leadBankId: 'icbc',
  });
  return result.createdId!;
}

/** A line of the project approved for `approved` yuan on 2026-02-01. */
export async function approvedLine(store: DocumentStore, projectId: string, approved: number): Promise<string> {
  const lineId = (await run(store, STAFF, 'line.add', { projectId, bankId: 'icbc', product: 'projectLoan', requested: approved })).createdId!;
  await run(store, STAFF, 'line.recordApproval', { lineId, expectedVersion: 1, approved, approvedDate: '2026-02-01' });
  return lineId;
}
