import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors';
import { executeCommand } from '../commands/execute';
import { createSampleWorkspace, seedStore } from '../sample';
import { COLLECTIONS, type CollectionName } from '../store/documentStore';
import { MemoryDocumentStore } from '../store/memoryDocumentStore';
import type { Actor, Project } from '../types';
import { SCHEMA_VERSION, encodeQuarantineReason, exportWorkspace, importWorkspace, migrateStoredDoc, quarantineReasonOf, type WorkspaceFile } from './index';

const NOW = new Date('2026-11-20T02:00:00.000Z');
const at = () => NOW;
const STAFF: Actor = { uid: 'u-staff', name: '王丽娟', role: 'staff', bankId: null };
const ADMIN: Actor = { uid: 'u-admin', name: '李建华', role: 'admin', bankId: null };

async function sampleStore(): Promise<MemoryDocumentStore> {
  const store = new MemoryDocumentStore();
  await seedStore(store, createSampleWorkspace({ now: NOW, projects: 12 }));
  // A few commands so activity records exist too.
  const projects = await store.query<Project>('projects');
  const target = projects[0]!;
  await executeCommand(store, { actor: STAFF, now: NOW }, {
    name: 'project.setActionPlan',
    payload: { projectId: target.id, expectedVersion: target.version, actionPlan: '协调省分行' },
  });
  // A closed month, so months and snapshots are in the file too.
  await executeCommand(store, { actor: ADMIN, now: NOW }, { name: 'month.close', payload: { month: '2026-10' } });
  return store;
}

async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

describe('workspace file', () => {
  it('round-trips the sample workspace losslessly: export, import into an empty store, export again', async () => {
    const source = await sampleStore();
    const file = await exportWorkspace(source, { now: at });
    expect(file.schemaVersion).toBe(SCHEMA_VERSION);
    for (const name of ['projects', 'loanLines', 'banks', 'members', 'activity', 'settings', 'months', 'snapshots'] as const) {
      expect(file.collections[name].length, name).toBeGreaterThan(0);
    }

    const target = new MemoryDocumentStore();
    const { counts } = await importWorkspace(target, JSON.parse(JSON.stringify(file)));
    for (const name of COLLECTIONS) expect(counts[name]).toBe(file.collections[name].length);
    expect(await exportWorkspace(target, { now: at })).toEqual(file);
  });

  it('the imported workspace accepts commands', async () => {
    const target = new MemoryDocumentStore();
    await importWorkspace(target, await exportWorkspace(await sampleStore(), { now: at }));
    const project = (await target.query<Project>('projects'))[0]!;
    const result = await executeCommand(target, { actor: STAFF, now: NOW }, {
      name: 'project.setActionPlan',
      payload: { projectId: project.id, expectedVersion: project.version, actionPlan: '再次协调' },
    });
    expect(result.written.length).toBeGreaterThan(0);
  });

  it('refuses a store that already holds documents, and writes nothing', async () => {
    const file = await exportWorkspace(await sampleStore(), { now: at });
    const occupied = new MemoryDocumentStore();
    await occupied.runTransaction(async (tx) => tx.create('banks', 'b1', { name: '某行', category: 'rural', agreementAmount: 0 }));
    const error = await refusal(importWorkspace(occupied, file));
    expect(error).toMatchObject({ code: 'failed-precondition', messageKey: 'workspace.error.notEmpty', params: { collection: 'banks' } });
    expect((await occupied.query('projects')).length).toBe(0);
  });

  it('refuses a file of a newer schema version', async () => {
    const file = await exportWorkspace(await sampleStore(), { now: at });
    const error = await refusal(importWorkspace(new MemoryDocumentStore(), { ...file, schemaVersion: SCHEMA_VERSION + 1 }));
    expect(error).toMatchObject({
      messageKey: 'workspace.error.newerSchema',
      params: { version: SCHEMA_VERSION + 1, supported: SCHEMA_VERSION },
    });
  });

  it.each([
    ['not an object', 'hello'],
    ['null', null],
    ['another format', { format: 'other', schemaVersion: 1, collections: {} }],
    ['no version', { format: 'clearway-workspace', exportedAt: '', collections: {} }],
    ['a collection that is not a list', { format: 'clearway-workspace', schemaVersion: 2, exportedAt: '', collections: { projects: {} } }],
    ['a document without id', { format: 'clearway-workspace', schemaVersion: 2, exportedAt: '', collections: { banks: [{ data: {} }] } }],
  ])('refuses a malformed file (%s) and writes nothing', async (_label, file) => {
    const store = new MemoryDocumentStore();
    const error = await refusal(importWorkspace(store, file));
    expect(error).toMatchObject({ code: 'invalid-argument', messageKey: 'workspace.error.malformed' });
    expect(error.params.reason).toEqual(expect.any(String));
    for (const name of COLLECTIONS) expect(await store.query(name)).toEqual([]);
  });

  it('refuses a file with a document that cannot be read, naming it, and writes nothing', async () => {
    const file = await exportWorkspace(await sampleStore(), { now: at });
    const broken: WorkspaceFile = structuredClone(file);
    broken.collections.loanLines[0]!.data = { ...(broken.collections.loanLines[0]!.data as object), tranches: 'many' };
    const store = new MemoryDocumentStore();
    const error = await refusal(importWorkspace(store, broken));
    expect(error).toMatchObject({ messageKey: 'workspace.error.unreadableDocs', params: { count: 1 } });
    expect(String(error.params.first)).toContain(`loanLines/${broken.collections.loanLines[0]!.id}`);
    expect(quarantineReasonOf(String(error.params.quarantineReason))).toEqual({ code: 'fieldShape', params: { path: 'tranches', expected: 'list' } });
    expect(await store.query('loanLines')).toEqual([]);
  });

  it('imports a version-1 file, bringing its documents up', async () => {
    const file = await exportWorkspace(await sampleStore(), { now: at });
    const old = structuredClone(file) as WorkspaceFile;
    old.schemaVersion = 1;
    const project = old.collections.projects[0]!.data as Record<string, unknown>;
    delete project.assignments;
    const store = new MemoryDocumentStore();
    await importWorkspace(store, old);
    const imported = await store.get<Project>('projects', old.collections.projects[0]!.id);
    expect(imported?.data.assignments).toEqual([]);
  });
});

describe('migrateStoredDoc', () => {
  async function sampleDoc(collection: CollectionName) {
    const doc = (await (await sampleStore()).query(collection))[0]!;
    return doc;
  }

  it('passes a current document through unchanged', async () => {
    const store = await sampleStore();
    for (const name of COLLECTIONS) {
      for (const doc of await store.query(name)) {
        expect(migrateStoredDoc(name, { ...doc, schemaVersion: SCHEMA_VERSION } as never)).toEqual({ doc });
      }
    }
  });

  it('brings a version-1 project (before prerequisites, assignments and the derived summaries were stored) up', async () => {
    const current = await sampleDoc('projects');
    const old = structuredClone(current) as { id: string; version: number; data: Record<string, unknown> };
    const prerequisites = old.data.prerequisites as Record<string, unknown>;
    delete prerequisites.supervisedAccount;
    delete old.data.assignments;
    delete old.data.stall;
    delete old.data.clearance;
    delete old.data.expectedMonth;
    const result = migrateStoredDoc('projects', old);
    expect('doc' in result).toBe(true);
    if (!('doc' in result)) return;
    const data = result.doc.data as Project;
    expect(data.prerequisites.supervisedAccount).toEqual({ status: 'todo', docNo: null, date: null });
    expect(data.assignments).toEqual([]);
    expect(data.expectedMonth).toBeNull();
    expect(data.stall).toMatchObject({ stalled: false, flags: [], nextCheckAt: new Date(0).toISOString() });
    expect(data.clearance.status).toBe('cleared');
    // The fields it had are kept as they were.
    expect(data.name).toBe((current.data as Project).name);
    expect(result.doc.version).toBe(current.version);
    // The old document itself is not modified.
    expect(old.data.assignments).toBeUndefined();
  });

  it('a version-1 project migrated runs commands instead of failing with internal', async () => {
    const store = await sampleStore();
    const current = (await store.query<Project>('projects'))[0]!;
    const old = structuredClone(current) as unknown as { id: string; version: number; data: Record<string, unknown> };
    delete old.data.blockers;
    delete old.data.stall;
    const migrated = migrateStoredDoc('projects', old);
    if (!('doc' in migrated)) throw new Error(migrated.quarantined);
    store.applyRemoteChanges([{ collection: 'projects', id: current.id, doc: migrated.doc }]);
    const result = await executeCommand(store, { actor: STAFF, now: NOW }, {
      name: 'blocker.add',
      payload: { projectId: current.id, expectedVersion: current.version, tag: 'permits', description: '用地预审', party: '市自然资源局', dueDate: null },
    });
    expect(result.written.some((written) => written.collection === 'projects')).toBe(true);
  });

  it('brings a version-1 line and member up', async () => {
    const line = structuredClone(await sampleDoc('loanLines')) as { id: string; version: number; data: Record<string, unknown> };
    delete line.data.note;
    const member = structuredClone(await sampleDoc('members')) as { id: string; version: number; data: Record<string, unknown> };
    delete member.data.disabled;
    expect(migrateStoredDoc('loanLines', line)).toMatchObject({ doc: { data: { note: '' } } });
    expect(migrateStoredDoc('members', member)).toMatchObject({ doc: { data: { disabled: false } } });
  });

  it.each([
    ['a newer schema', 'projects', (doc: Record<string, unknown>) => ({ ...doc, schemaVersion: SCHEMA_VERSION + 1 }), { code: 'newerRelease', params: { schema: SCHEMA_VERSION + 1, supported: SCHEMA_VERSION } }],
    ['data that is not an object', 'projects', (doc: Record<string, unknown>) => ({ ...doc, data: 'x' }), { code: 'dataNotObject', params: {} }],
    ['a bad stage', 'projects', (doc: Record<string, unknown>) => ({ ...doc, data: { ...(doc.data as object), stage: 'nowhere' } }), { code: 'fieldShape', params: { path: 'stage', expected: 'oneOf', values: expect.stringContaining('pipeline') } }],
    ['no version', 'projects', (doc: Record<string, unknown>) => ({ ...doc, version: 0 }), { code: 'invalidVersion', params: {} }],
    ['a bad id', 'projects', (doc: Record<string, unknown>) => ({ ...doc, id: 'a/b' }), { code: 'invalidId', params: {} }],
    ['a text amount', 'loanLines', (doc: Record<string, unknown>) => ({ ...doc, data: { ...(doc.data as object), requested: '5' } }), { code: 'fieldShape', params: { path: 'requested', expected: 'number' } }],
    ['an unknown collection', 'gadgets', (doc: Record<string, unknown>) => doc, { code: 'unknownCollection', params: { collection: 'gadgets' } }],
  ] as const)('quarantines %s with the reason as a code and its parameters', async (_label, collection, corrupt, reason) => {
    const doc = await sampleDoc(collection === 'gadgets' ? 'projects' : collection);
    const result = migrateStoredDoc(collection as never, corrupt(doc as never) as never);
    expect('quarantined' in result).toBe(true);
    expect(quarantineReasonOf((result as { quarantined: string }).quarantined)).toEqual(reason);
  });

  it('reads a reason stored as plain text before codes existed as no code (the screen shows the text)', () => {
    expect(quarantineReasonOf('data is not an object')).toBeNull();
    expect(quarantineReasonOf('{not json')).toBeNull();
    expect(quarantineReasonOf(JSON.stringify({ code: 'madeUp', params: {} }))).toBeNull();
    expect(quarantineReasonOf(encodeQuarantineReason('migrationFailed', { detail: 'boom' }))).toEqual({ code: 'migrationFailed', params: { detail: 'boom' } });
  });
});
