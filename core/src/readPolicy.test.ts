import { describe, expect, it } from 'vitest';
import { addMonths, monthOf } from './dates';
import { executeCommand } from './commands/execute';
import { PROJECT_INPUT } from './commands/testing';
import { digestLine } from './lineDigest';
import { assembleSnapshot, buildMonthSnapshot, diffMonths, isDiffEmpty, snapshotPartId } from './meeting';
import type { SnapshotHeaderDoc, SnapshotPartDoc } from './meeting';
import { STALL_SCAN_ACTOR } from './permissions';
import {
  applyReadPolicy,
  projectConcernsUnit,
  applyReadPolicyToAll,
  projectForBank,
  projectViewForBank,
  publicProjectView,
  scopeQueryForActor,
  snapshotForBank,
} from './readPolicy';
import { createSampleWorkspace, sampleActor, SAMPLE_IDENTITIES, seedStore } from './sample';
import { COLLECTIONS } from './store/documentStore';
import type { StoredDoc } from './store/documentStore';
import { MemoryDocumentStore } from './store/memoryDocumentStore';
import { makeLine, makeProject, T0 } from './testing/ruleFixtures';
import { readPolicyViolations, readPolicyViolationsOfAll, readPolicyWorld } from './testing/readPolicyChecks';
import type { Activity, Actor, Bank, LoanLine, Project } from './types';
import { deriveProject } from './derive';
import { DEFAULT_STALL_RULES } from './defaults';

const NOW = new Date('2026-11-20T04:00:00.000Z');
const ACTORS: Actor[] = SAMPLE_IDENTITIES.map(sampleActor);
const actor = (uid: string) => ACTORS.find((a) => a.uid === uid)!;

async function workspace(): Promise<MemoryDocumentStore> {
  const store = new MemoryDocumentStore();
  await seedStore(store, createSampleWorkspace({ now: NOW, projects: 40 }));
  await executeCommand(store, { actor: actor('u-staff'), now: NOW }, { name: 'month.close', payload: { month: addMonths(monthOf(NOW), -1) } });
  await executeCommand(store, { actor: { ...STALL_SCAN_ACTOR }, now: NOW }, { name: 'stall.scan', payload: { scope: 'all' } });
  await executeCommand(store, { actor: actor('u-admin'), now: NOW }, {
    name: 'member.upsert',
    payload: { uid: 'u-new', expectedVersion: null, name: '新成员', email: 'new@clearway.local', role: 'staff' },
  });
  // The register of issued 工作提醒函 (letters): the bureau's only.
  await executeCommand(store, { actor: actor('u-staff'), now: NOW }, {
    name: 'letter.issue',
    payload: { month: null, letters: [{ key: '市住建局', party: '市住建局' }, { key: 'bank:icbc', party: '工商银行' }] },
  });
  for (const [uid, bankId] of [['u-liaison-ceb', 'ceb'], ['u-staff', 'icbc']] as const) {
    const [line] = await store.query<LoanLine>('loanLines', { where: [{ field: 'bankId', op: '==', value: bankId }], limit: 1 });
    await executeCommand(store, { actor: actor(uid), now: NOW }, {
      name: 'line.setNote',
      payload: { lineId: line!.id, expectedVersion: line!.version, note: `${bankId} 备注` },
    });
  }
  return store;
}

async function everything(store: MemoryDocumentStore) {
  const all: { collection: (typeof COLLECTIONS)[number]; doc: StoredDoc }[] = [];
  for (const collection of COLLECTIONS) for (const doc of await store.query(collection)) all.push({ collection, doc });
  return all;
}

describe('applyReadPolicy over a whole sample workspace', () => {
  it('hands every role only what the policy allows, and the raw documents would not pass', async () => {
    const store = await workspace();
    const all = await everything(store);
    const world = readPolicyWorld((await store.query<LoanLine>('loanLines')).map((d) => d.data));
    for (const reader of ACTORS) {
      const received = all.flatMap(({ collection, doc }) => {
        const visible = applyReadPolicy(reader, collection, doc);
        return visible ? [{ collection, doc: visible }] : [];
      });
      expect(readPolicyViolationsOfAll(reader, received, world), reader.uid).toEqual([]);
      if (reader.role === 'liaison') {
        expect(received.filter((r) => r.collection === 'projects')).toHaveLength(40);
        expect(readPolicyViolationsOfAll(reader, all, world).length, 'raw documents leak').toBeGreaterThan(0);
      }
    }
  });

  it('gives the letter register to the bureau only: no liaison or unit contact reads a letter or the counter', async () => {
    const store = await workspace();
    const letters = await store.query('letters');
    expect(letters).toHaveLength(3);
    for (const reader of ACTORS) {
      const visible = letters.filter((doc) => applyReadPolicy(reader, 'letters', doc) !== null);
      expect(visible, reader.uid).toHaveLength(['admin', 'staff', 'viewer'].includes(reader.role) ? 3 : 0);
    }
    const unit = { uid: 'u-unit', role: 'unit' as const, bankId: null, unit: '市住建局' };
    expect(letters.every((doc) => applyReadPolicy(unit, 'letters', doc) === null)).toBe(true);
    expect(readPolicyViolations(actor('u-liaison-ceb'), 'letters', letters[0]!)).toEqual([`letters/${letters[0]!.id}: the letter register reached a liaison`]);
  });

  it('keeps the bureau whole and keeps member administration to admins', async () => {
    const store = await workspace();
    const members = await store.query('members');
    const activity = await store.query('activity');
    const staff = actor('u-staff');
    expect(applyReadPolicyToAll(actor('u-admin'), 'members', members)).toHaveLength(members.length);
    expect(applyReadPolicyToAll(staff, 'members', members).map((d) => d.id)).toEqual(['u-staff']);
    const memberAdmin = activity.filter((d) => (d.data as { command: string }).command === 'member.upsert');
    expect(memberAdmin.length).toBeGreaterThan(0);
    expect(applyReadPolicyToAll(staff, 'activity', activity)).toHaveLength(activity.length - memberAdmin.length);
    const projects = await store.query('projects');
    expect(applyReadPolicyToAll(staff, 'projects', projects)).toEqual(projects);
    expect(applyReadPolicy(null, 'projects', projects[0]!)).toBeNull();
  });

  it('gives a liaison the same card whether projected at once or from the public view and its own lines', async () => {
    const store = await workspace();
    const lines = (await store.query<LoanLine>('loanLines')).map((d) => d.data);
    for (const doc of await store.query<Project>('projects')) {
      const own = lines.filter((l) => l.projectId === doc.id && l.bankId === 'ceb').map(digestLine);
      expect(projectViewForBank(publicProjectView(doc.data), own)).toEqual(projectForBank(doc.data, 'ceb'));
    }
  });

  it('shows a liaison no phantom change between its projected snapshot and its projected live board', async () => {
    const store = await workspace();
    const month = addMonths(monthOf(NOW), -1);
    const liaison = actor('u-liaison-icbc');
    const read = async (id: string) => applyReadPolicy(liaison, 'snapshots', (await store.get('snapshots', id))!)!.data;
    const header = (await read(month)) as SnapshotHeaderDoc;
    const parts: SnapshotPartDoc[] = [];
    for (let i = 0; i < header.parts; i++) parts.push((await read(snapshotPartId(month, i))) as SnapshotPartDoc);
    const frozen = snapshotForBank(assembleSnapshot(header, parts), liaison.bankId);
    // The board as it would be frozen by the liaison's own reads, at the instant the month was closed.
    const projects = applyReadPolicyToAll(liaison, 'projects', await store.query('projects')).map((d) => d.data as Project);
    const ownLines = applyReadPolicyToAll(liaison, 'loanLines', await store.query('loanLines')).map((d) => d.data as LoanLine);
    const banks = (await store.query<Bank>('banks')).map((d) => d.data);
    const live = buildMonthSnapshot(month, projects, ownLines, banks, NOW);
    const diff = diffMonths(frozen, live);
    expect(diff.banks).toEqual([]);
    expect(diff.newlyApproved).toEqual([]);
    expect(diff.disbursed).toEqual([]);
    expect(Object.values(diff.totals.delta).every((d) => d === 0)).toBe(true);
    expect(isDiffEmpty({ ...diff, newlyStalled: [], resolved: [] })).toBe(true);
    // The published city figures of the closed month stay in the header as they were.
    const stored = (await store.get<SnapshotHeaderDoc>('snapshots', month))!.data;
    expect(header.totals).toEqual(stored.totals);
    expect(header.banks).toEqual(stored.banks);
    expect(frozen.totals.approved).toBeLessThan(stored.totals.approved);
  });
});

describe('the liaison projection of a project', () => {
  const silentOther = { rule: 'bankSilent' as const, since: T0, params: { bankId: 'ceb', days: 40, limit: 30, level: 'alarm' } };
  const lines = [
    makeLine({ id: 'l-icbc', bankId: 'icbc', approved: 100, approvedDate: '2026-01-02', status: 'approved' }),
    makeLine({ id: 'l-ceb', bankId: 'ceb', requested: 900, approved: 800, approvedDate: '2025-12-01', status: 'approved', updatedAt: '2026-01-01T00:00:00.000Z' }),
  ];

  function shared(): Project {
    const derived = deriveProject(makeProject({ needTotal: 1000, stage: 'approved' }), lines, DEFAULT_STALL_RULES, new Date('2026-01-10T00:00:00.000Z'));
    return { ...derived, stall: { ...derived.stall, stalled: true, flags: [silentOther] }, clearance: { ...derived.clearance, status: 'stalled' } };
  }

  it('keeps only the bank’s own line and computes every figure from it', () => {
    const view = projectForBank(shared(), 'icbc');
    expect(view.lines.map((l) => l.id)).toEqual(['l-icbc']);
    expect(view.clearance).toMatchObject({ need: 1000, approved: 100, requested: 200_000_000, approvalRate: 0.1, approvedNotDisbursed: 100, approvedNotDisbursedDays: 8 });
    expect(view.bankIds).toEqual(['ceb', 'icbc']);
    expect(view.updatedBy).toBe('');
    expect(readPolicyViolations({ uid: 'x', role: 'liaison', bankId: 'icbc' }, 'projects', { id: 'p1', version: 1, data: view })).toEqual([]);
    expect(readPolicyViolations({ uid: 'x', role: 'liaison', bankId: 'icbc' }, 'projects', { id: 'p1', version: 1, data: shared() }).length).toBeGreaterThan(0);
  });

  it('drops another bank’s silence flag and is no longer stalled by it', () => {
    const view = projectForBank(shared(), 'icbc');
    expect(view.stall.flags).toEqual([]);
    expect(view.stall.stalled).toBe(false);
    expect(view.clearance.status).not.toBe('stalled');
  });

  it('gives a liaison without a bank no line at all', () => {
    expect(projectForBank(shared(), null).lines).toEqual([]);
    expect(applyReadPolicy({ uid: 'x', role: 'liaison', bankId: null }, 'loanLines', { id: 'l', version: 1, data: lines[0] })).toBeNull();
  });
});

describe('history for a liaison', () => {
  it('holds the project-level records and the records of its own bank’s lines, and no other bank’s', async () => {
    const store = await workspace();
    const activity = await store.query<{ lineId: string | null; bankId?: string }>('activity');
    const lineRecords = activity.filter((doc) => doc.data.lineId !== null);
    expect(new Set(lineRecords.map((doc) => doc.data.bankId))).toEqual(new Set(['ceb', 'icbc']));
    const seen = applyReadPolicyToAll(actor('u-liaison-ceb'), 'activity', activity).map((doc) => doc.data as { lineId: string | null; bankId?: string });
    expect(seen.filter((record) => record.lineId !== null).map((record) => record.bankId)).toEqual(['ceb']);
    expect(applyReadPolicyToAll(actor('u-liaison-icbc'), 'activity', activity).filter((doc) => (doc.data as { lineId: unknown }).lineId !== null)).toHaveLength(1);
    // Its drawer asks for both kinds: project-level records, or its own bank's by bank.
    expect(scopeQueryForActor(actor('u-liaison-ceb'), 'activity', { where: [{ field: 'bankId', op: '==', value: 'ceb' }] }).where).toEqual([
      { field: 'bankId', op: '==', value: 'ceb' },
    ]);
    expect(scopeQueryForActor(actor('u-liaison-ceb'), 'activity', { where: [{ field: 'bankId', op: '==', value: 'icbc' }] }).where).toContainEqual({
      field: 'lineId',
      op: '==',
      value: null,
    });
  });
});

describe('scopeQueryForActor', () => {
  it('adds the filters a liaison’s and a non-admin’s queries need, once', () => {
    const liaison = actor('u-liaison-ceb');
    const lines = scopeQueryForActor(liaison, 'loanLines', { where: [{ field: 'projectId', op: '==', value: 'p1' }] });
    expect(lines.where).toEqual([
      { field: 'projectId', op: '==', value: 'p1' },
      { field: 'bankId', op: '==', value: 'ceb' },
    ]);
    expect(scopeQueryForActor(liaison, 'loanLines', lines)).toEqual(lines);
    expect(scopeQueryForActor(liaison, 'activity', {}).where).toEqual([{ field: 'lineId', op: '==', value: null }]);
    expect(scopeQueryForActor(liaison, 'projects', {})).toEqual({});
    expect(scopeQueryForActor(actor('u-viewer'), 'members', {}).where).toEqual([{ field: 'uid', op: '==', value: 'u-viewer' }]);
    expect(scopeQueryForActor(actor('u-admin'), 'members', {})).toEqual({});
    expect(scopeQueryForActor(actor('u-staff'), 'loanLines', {})).toEqual({});
  });
});

describe('the read policy of a unit contact 责任单位联系人', () => {
  const unitActor = { uid: 'u-unit', role: 'unit' as const, bankId: null, unit: '市自然资源局' };
  const base = makeProject({ responsibleUnit: '市住建局' });
  const doc = (data: unknown, id = 'p1') => ({ id, version: 1, data });

  it('reads the projects naming its unit, without any bank line, and hides the others', () => {
    const named = makeProject({
      responsibleUnit: '市住建局',
      assignments: [{ id: 'a', month: '2026-03', what: '用地预审', who: '市自然资源局', dueDate: '2026-04-01', createdAt: '2026-03-01T00:00:00.000Z', doneAt: null }],
      lines: [{ id: 'l1', bankId: 'icbc', product: 'projectLoan', status: 'approved', requested: 100, approved: 100, approvedDate: '2026-03-01', contracted: null, contractDate: null, disbursed: 0, trancheCount: 0, firstTrancheDate: null, lastTrancheDate: null, updatedAt: '2026-03-01T00:00:00.000Z' }],
    });
    const seen = applyReadPolicy(unitActor, 'projects', doc(named));
    expect((seen?.data as { lines: unknown[] }).lines).toEqual([]);
    expect(applyReadPolicy(unitActor, 'projects', doc(base))).toBeNull();
    expect(applyReadPolicy({ ...unitActor, unit: null }, 'projects', doc(named))).toBeNull();
    expect(projectConcernsUnit(makeProject({ responsibleUnit: '市自然资源局' }), '市自然资源局')).toBe(true);
  });

  it('reads no line, history, month or snapshot; banks and settings yes; its own member document only', () => {
    for (const collection of ['loanLines', 'activity', 'months', 'snapshots'] as const) {
      expect(applyReadPolicy(unitActor, collection, doc({ bankId: 'icbc', projectId: 'p1', lineId: null, command: 'x' }))).toBeNull();
    }
    expect(applyReadPolicy(unitActor, 'banks', doc({ id: 'icbc' }))).not.toBeNull();
    expect(applyReadPolicy(unitActor, 'settings', doc({}, 'stallRules'))).not.toBeNull();
    expect(applyReadPolicy(unitActor, 'members', doc({}, 'u-unit'))).not.toBeNull();
    expect(applyReadPolicy(unitActor, 'members', doc({}, 'someone'))).toBeNull();
  });
});

describe('history records judge the status they state on what their readers see', () => {
  const T_CREATE = new Date('2026-03-10T02:00:00.000Z');
  // 41 days after the 光大银行 line's last update: its silence alarm (30 days) fires.
  const T_LATER = new Date('2026-04-20T02:00:00.000Z');
  const STAFF_ACTOR: Actor = { uid: 'u-staff', name: '王丽娟', role: 'staff', bankId: null };
  const ADMIN_ACTOR: Actor = { uid: 'u-admin', name: '李建华', role: 'admin', bankId: null };
  const ICBC: Actor = { uid: 'u-icbc', name: '陈志强', role: 'liaison', bankId: 'icbc' };
  const exec = (actor: Actor, now: Date, name: string, payload: unknown) =>
    executeCommand(store, { actor, now }, { name, payload } as never);
  let store: MemoryDocumentStore;

  async function twoBankProject() {
    store = new MemoryDocumentStore();
    for (const [id, name] of [['icbc', '工商银行'], ['ceb', '光大银行']] as const) {
      await exec(ADMIN_ACTOR, T_CREATE, 'bank.upsert', { id, name, category: 'stateLarge', agreementAmount: 0 });
    }
    const projectId = (
      await exec(STAFF_ACTOR, T_CREATE, 'project.create', PROJECT_INPUT)
    ).createdId!;
    const lineIds: Record<string, string> = {};
    for (const bankId of ['icbc', 'ceb']) {
      lineIds[bankId] = (await exec(STAFF_ACTOR, T_CREATE, 'line.add', { projectId, bankId, product: 'projectLoan', requested: 10_000_0000 })).createdId!;
    }
    await exec(STAFF_ACTOR, T_CREATE, 'line.recordApproval', { lineId: lineIds.ceb, expectedVersion: 1, approved: 10_000_0000, approvedDate: '2026-03-01' });
    return { projectId, lineIds };
  }

  async function recordsAsRead(reader: Actor, command: string) {
    const docs = (await store.query<Activity>('activity')).filter((doc) => doc.data.command === command);
    return applyReadPolicyToAll(reader, 'activity', docs).map((doc) => doc.data as Activity);
  }

  it('a project-level record does not say the card went to stalled because another bank went silent', async () => {
    const { projectId } = await twoBankProject();
    const before = (await store.get<Project>('projects', projectId))!;
    expect(before.data.stall.stalled).toBe(false);
    await exec(STAFF_ACTOR, T_LATER, 'project.setActionPlan', { projectId, expectedVersion: before.version, actionPlan: '月底前召开银企对接会' });
    // The bureau's card is stalled by 光大银行's silence…
    const after = (await store.get<Project>('projects', projectId))!;
    expect(after.data.stall.stalled).toBe(true);
    expect(after.data.stall.flags.map((flag) => flag.rule)).toContain('bankSilent');
    // …but the record every liaison reads says only what changed on the project itself.
    const [record] = await recordsAsRead(ICBC, 'project.setActionPlan');
    expect(record).toBeDefined();
    expect(record!.after).toEqual({ actionPlan: '月底前召开银企对接会' });
    expect(record!.before).not.toHaveProperty(['stall.stalled']);
    expect(record!.before).not.toHaveProperty(['clearance.status']);
  });

  it('a record of a bank’s own line judges the card on that bank’s lines alone', async () => {
    const { lineIds } = await twoBankProject();
    await exec(ICBC, T_LATER, 'line.recordApproval', { lineId: lineIds.icbc, expectedVersion: 1, approved: 10_000_0000, approvedDate: '2026-04-20' });
    const [record] = await recordsAsRead(ICBC, 'line.recordApproval');
    expect(record).toBeDefined();
    // On 工商银行's own view nothing is stalled (its line was just updated); the bureau's card is.
    expect(record!.after?.['stall.stalled']).not.toBe(true);
    expect(record!.after?.['clearance.status']).not.toBe('stalled');
  });
});

describe('a bank added after a month close', () => {
  it('reads the closed month’s published city totals and by-bank table (demo and team server: applyReadPolicy)', async () => {
    const store = new MemoryDocumentStore();
    await seedStore(store, createSampleWorkspace({ now: NOW, projects: 8 }));
    const month = addMonths(monthOf(NOW), -1);
    await executeCommand(store, { actor: actor('u-staff'), now: NOW }, { name: 'month.close', payload: { month } });
    await executeCommand(store, { actor: actor('u-admin'), now: NOW }, {
      name: 'bank.upsert',
      payload: { id: 'cmbc', expectedVersion: null, name: '民生银行', category: 'jointStock', agreementAmount: 0 },
    });
    const header = (await store.get<SnapshotHeaderDoc>('snapshots', month))!;
    expect(header.data.banks.some((row) => row.bankId === 'cmbc')).toBe(false);
    const newLiaison: Actor = { uid: 'u-cmbc', name: '孙晓梅', role: 'liaison', bankId: 'cmbc' };
    const read = applyReadPolicy(newLiaison, 'snapshots', header)!.data as SnapshotHeaderDoc;
    expect(read.totals).toEqual(header.data.totals);
    expect(read.banks).toEqual(header.data.banks);
    expect(read.projects.every((project) => project.lines.length === 0)).toBe(true);
  });
});
