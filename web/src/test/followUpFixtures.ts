/**
 * A workspace for the follow-up pages, as staff see it: 工商银行 has a liaison and 市自然资源局 a
 * unit contact, 光大银行 and 市住建局 have no member; one project with an overdue assignment for each.
 * `refusing` is staff's demo backend whose reads of one collection are denied until healed.
 */
import { addDays, DomainError, executeCommand, MemoryDocumentStore, monthOf, todayIso, type Actor, type CollectionName } from '@clearway/core';
import type { Backend } from '@/backend/types';
import { memoryBackend, WAN } from './projectFixtures';

export const ADMIN: Actor = { uid: 'u-admin', name: '李建华', role: 'admin', bankId: null };
export const STAFF: Actor = { uid: 'u-staff', name: '王丽娟', role: 'staff', bankId: null };
export const PARTIES = ['工商银行', '光大银行', '市自然资源局', '市住建局'];

/** 工商银行 has a liaison and 市自然资源局 a unit contact; 光大银行 and 市住建局 have no member. Every assignment is overdue. */
export async function followUpWorkspace(): Promise<MemoryDocumentStore> {
  const store = new MemoryDocumentStore();
  const then = new Date(Date.now() - 40 * 86_400_000);
  const run = (actor: Actor, name: Parameters<typeof executeCommand>[2]['name'], payload: unknown) => executeCommand(store, { actor, now: then }, { name, payload });
  await run(ADMIN, 'member.upsert', { uid: ADMIN.uid, expectedVersion: null, name: ADMIN.name, email: 'admin@clearway.local', role: 'admin' });
  await run(ADMIN, 'member.upsert', { uid: STAFF.uid, expectedVersion: null, name: STAFF.name, email: 'staff@clearway.local', role: 'staff' });
  await run(ADMIN, 'bank.upsert', { id: 'icbc', expectedVersion: null, name: '工商银行', category: 'stateLarge', agreementAmount: 0 });
  await run(ADMIN, 'bank.upsert', { id: 'ceb', expectedVersion: null, name: '光大银行', category: 'jointStock', agreementAmount: 0 });
  await run(ADMIN, 'member.upsert', { uid: 'u-icbc', expectedVersion: null, name: '陈志强', role: 'liaison', bankId: 'icbc' });
  await run(ADMIN, 'member.upsert', { uid: 'u-unit', expectedVersion: null, name: '刘明', role: 'unit', unit: '市自然资源局' });
  const projectId = (await run(STAFF, 'project.create', {
    name: '城南污水处理厂', owner: { name: '城投集团', type: 'platform' }, district: '城南区', sector: '水务',
    source: 'matchmaking', buildStatus: 'new', needTotal: 3_000 * WAN,
  })).createdId as string;
  for (const [i, who] of PARTIES.entries()) {
    await run(STAFF, 'assignment.add', { projectId, expectedVersion: i + 1, month: monthOf(then), what: `落实事项${i + 1}`, who, dueDate: addDays(todayIso(then), 10) });
  }
  return store;
}

/** Staff's demo backend whose reads of `refused` are denied until `healed`; `reads` counts the attempts. */
export function refusing(store: MemoryDocumentStore, refused: CollectionName | null) {
  const inner = memoryBackend(store, STAFF);
  const state = { healed: false, reads: 0 };
  const backend: Backend = {
    ...inner,
    watchQuery(collection, spec, onNext, onError) {
      if (collection !== refused) return inner.watchQuery(collection, spec, onNext, onError);
      state.reads++;
      if (state.healed) return inner.watchQuery(collection, spec, onNext, onError);
      queueMicrotask(() => onError?.(new DomainError('permission-denied', 'auth.error.readDenied')));
      return () => undefined;
    },
  };
  return { backend, state };
}
