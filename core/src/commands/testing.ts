/** A small workspace for the command tests (only PROJECT_INPUT is exported, from '@clearway/core/testing'). */
import { expect } from 'vitest';
import { DomainError } from '../errors';
import { MemoryDocumentStore } from '../store/memoryDocumentStore';
import type { Activity, Actor, LoanLine, Project } from '../types';
import type { CommandName, CommandResult } from './contract';
import { executeCommand } from './execute';
import type { CommandInputs } from './schemas';

export const NOW = new Date('2026-03-10T02:00:00.000Z');
export const WAN = 10_000;

export const ADMIN: Actor = { uid: 'u-admin', name: '李建华', role: 'admin', bankId: null };
export const STAFF: Actor = { uid: 'u-staff', name: '王丽娟', role: 'staff', bankId: null };
export const ICBC_LIAISON: Actor = { uid: 'u-icbc', name: '陈志强', role: 'liaison', bankId: 'icbc' };
export const CEB_LIAISON: Actor = { uid: 'u-ceb', name: '赵海燕', role: 'liaison', bankId: 'ceb' };
export const VIEWER: Actor = { uid: 'u-viewer', name: '周国庆', role: 'viewer', bankId: null };

export function run<N extends CommandName>(
  store: MemoryDocumentStore,
  actor: Actor,
  name: N,
  payload: CommandInputs[N],
  now: Date = NOW,
): Promise<CommandResult> {
  return executeCommand(store, { actor, now }, { name, payload });
}

/** The refusal of a command, checked to have written nothing at all. */
export async function refused<N extends CommandName>(
  store: MemoryDocumentStore,
  actor: Actor,
  name: N,
  payload: CommandInputs[N],
  now: Date = NOW,
): Promise<DomainError> {
  const before = store.exportAll();
  const error = await run(store, actor, name, payload, now).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, `${name} was accepted`).toBeInstanceOf(DomainError);
  expect(store.exportAll()).toEqual(before);
  return error as DomainError;
}

export async function workspace(): Promise<MemoryDocumentStore> {
  const store = new MemoryDocumentStore();
  await run(store, ADMIN, 'bank.upsert', { id: 'icbc', name: '工商银行', category: 'stateLarge', agreementAmount: 100_000 * WAN });
  await run(store, ADMIN, 'bank.upsert', { id: 'ceb', name: '光大银行', category: 'jointStock', agreementAmount: 50_000 * WAN });
  return store;
}

export const PROJECT_INPUT = {
  name: '城南污水处理厂',
  owner: { name: '城投集团', type: 'platform' as const },
  district: '城南区',
  sector: '水务',
  source: 'matchmaking' as const,
  buildStatus: 'new' as const,
  totalInvestment: 50_000 * WAN,
  equityRequired: 10_000 * WAN,
  needTotal: 30_000 * WAN,
  leadBankId: 'icbc',
};

export async function createProject(
  store: MemoryDocumentStore,
  overrides: Partial<CommandInputs['project.create']> = {},
): Promise<string> {
  const result = await run(store, STAFF, 'project.create', { ...PROJECT_INPUT, ...overrides });
  return result.createdId!;
}

export async function project(store: MemoryDocumentStore, id: string) {
  const doc = await store.get<Project>('projects', id);
  if (!doc) throw new Error(`no project ${id}`);
  return doc;
}

export async function line(store: MemoryDocumentStore, id: string) {
  const doc = await store.get<LoanLine>('loanLines', id);
  if (!doc) throw new Error(`no line ${id}`);
  return doc;
}

export async function addLine(
  store: MemoryDocumentStore,
  projectId: string,
  bankId = 'icbc',
  requested = 20_000 * WAN,
): Promise<string> {
  return (await run(store, STAFF, 'line.add', { projectId, bankId, product: 'projectLoan', requested })).createdId!;
}

export async function activities(store: MemoryDocumentStore): Promise<Activity[]> {
  return (await store.query<Activity>('activity', { orderBy: [{ field: 'at' }] })).map((doc) => doc.data);
}
