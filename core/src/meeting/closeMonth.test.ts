import { beforeAll, describe, expect, it } from 'vitest';
import { executeCommand } from '../commands/execute';
import { commandHandlerFor } from '../commands/handlers';
import { isDomainError } from '../errors';
import { createSampleWorkspace, sampleActor, SAMPLE_IDENTITIES, seedStore } from '../sample';
import { MemoryDocumentStore } from '../store/memoryDocumentStore';
import type { Activity, LoanLine, Project } from '../types';
import { monthClose } from './closeMonth';
import { buildAgenda } from './agenda';
import { buildMonthSnapshot } from './snapshot';
import { listClosedMonths, previousClosedSnapshot, readMonthDoc, readMonthSnapshot } from './snapshotStorage';
import type { SnapshotHeaderDoc } from './snapshotStorage';

const identity = (uid: string) => sampleActor(SAMPLE_IDENTITIES.find((m) => m.uid === uid)!);
const staff = identity('u-staff');
const admin = identity('u-admin');
const viewer = identity('u-viewer');
const liaison = identity('u-liaison-icbc');
/** The sample is "as of" the end of May; the meeting closes May on 3 June. */
const sampleNow = new Date('2026-05-29T02:00:00.000Z');
const closeNow = new Date('2026-06-03T02:00:00.000Z');

async function seeded(projects?: number): Promise<MemoryDocumentStore> {
  const store = new MemoryDocumentStore();
  await seedStore(store, createSampleWorkspace({ now: sampleNow, ...(projects ? { projects } : {}) }));
  return store;
}

async function refusal(promise: Promise<unknown>): Promise<{ code: string; messageKey: string }> {
  try {
    await promise;
  } catch (error) {
    if (isDomainError(error)) return { code: error.code, messageKey: error.messageKey };
    throw error;
  }
  throw new Error('expected the command to be refused');
}

beforeAll(() => {
  expect(commandHandlerFor('month.close')).toBe(monthClose);
});

describe('month.close', () => {
  it('freezes every project into the snapshot, marks the month closed and writes one activity', async () => {
    const store = await seeded();
    const result = await executeCommand(store, { actor: staff, now: closeNow }, { name: 'month.close', payload: { month: '2026-05' } });

    const monthDoc = await readMonthDoc(store, '2026-05');
    expect(monthDoc).toMatchObject({
      month: '2026-05',
      status: 'closed',
      closedAt: closeNow.toISOString(),
      closedBy: { uid: 'u-staff', name: staff.name },
      snapshotParts: 0,
    });
    const snapshot = await readMonthSnapshot(store, '2026-05');
    expect(snapshot).not.toBeNull();
    const projects = (await store.query<Project>('projects')).map((d) => d.data);
    const lines = (await store.query<LoanLine>('loanLines')).map((d) => d.data);
    expect(snapshot!.projects.map((p) => p.id)).toEqual(projects.map((p) => p.id).sort());
    expect(snapshot!.asOf).toBe('2026-05-31T15:59:59.999Z');
    expect(monthDoc!.totals).toEqual(snapshot!.totals);
    // The money is what the month snapshot of the stored workspace says (stall flags are refreshed at close).
    const banks = (await store.query<{ id: string; name: string; category: 'stateLarge'; agreementAmount: number }>('banks')).map((d) => d.data);
    const fresh = buildMonthSnapshot('2026-05', projects, lines, banks, closeNow);
    expect(snapshot!.totals.disbursed).toBe(fresh.totals.disbursed);
    expect(snapshot!.totals.approved).toBe(fresh.totals.approved);
    expect(snapshot!.banks).toEqual(fresh.banks);

    const activities = await store.query<Activity>('activity');
    expect(activities).toHaveLength(1);
    expect(activities[0]!.data).toMatchObject({ command: 'month.close', projectId: null, after: { month: '2026-05', status: 'closed' } });
    expect(result.activityId).toBe(activities[0]!.id);
    expect(result.written.map((w) => `${w.collection}/${w.id}`).sort()).toEqual(
      [`activity/${result.activityId}`, 'months/2026-05', 'snapshots/2026-05'].sort(),
    );
    expect(result.stats).toEqual({ projects: projects.length, snapshotDocuments: 1 });
    expect((await listClosedMonths(store)).map((m) => m.month)).toEqual(['2026-05']);
  });

  it('refuses to close a month twice, and writes nothing the second time', async () => {
    const store = await seeded();
    await executeCommand(store, { actor: staff, now: closeNow }, { name: 'month.close', payload: { month: '2026-05' } });
    const before = JSON.stringify(store.exportAll());
    const later = new Date('2026-06-20T02:00:00.000Z');
    expect(await refusal(executeCommand(store, { actor: staff, now: later }, { name: 'month.close', payload: { month: '2026-05' } }))).toEqual({
      code: 'failed-precondition',
      messageKey: 'errors.month.alreadyClosed',
    });
    expect(JSON.stringify(store.exportAll())).toBe(before);
  });

  it('refuses a future month, on the Shanghai calendar', async () => {
    const store = await seeded();
    const before = JSON.stringify(store.exportAll());
    // 16:30 UTC on 31 May is already June in Shanghai: June is the current month, July the future.
    const lateMay = new Date('2026-05-31T16:30:00.000Z');
    expect(await refusal(executeCommand(store, { actor: staff, now: lateMay }, { name: 'month.close', payload: { month: '2026-07' } }))).toEqual({
      code: 'failed-precondition',
      messageKey: 'errors.month.future',
    });
    expect(JSON.stringify(store.exportAll())).toBe(before);
    // June is running: it has not ended, and only an admin may close it early, explicitly.
    expect(await refusal(executeCommand(store, { actor: admin, now: lateMay }, { name: 'month.close', payload: { month: '2026-06' } }))).toEqual({
      code: 'failed-precondition',
      messageKey: 'errors.month.notEnded',
    });
    expect(
      await refusal(executeCommand(store, { actor: staff, now: lateMay }, { name: 'month.close', payload: { month: '2026-06', early: true } })),
    ).toEqual({ code: 'permission-denied', messageKey: 'errors.month.earlyCloseAdminOnly' });
    expect(JSON.stringify(store.exportAll())).toBe(before);
    await executeCommand(store, { actor: admin, now: lateMay }, { name: 'month.close', payload: { month: '2026-06', early: true } });
    const june = await readMonthSnapshot(store, '2026-06');
    expect(june!.asOf).toBe(lateMay.toISOString());
  });

  it('is for the bureau only, and checks the month format', async () => {
    const store = await seeded();
    for (const actor of [viewer, liaison]) {
      expect((await refusal(executeCommand(store, { actor, now: closeNow }, { name: 'month.close', payload: { month: '2026-05' } }))).code).toBe(
        'permission-denied',
      );
    }
    expect(await refusal(executeCommand(store, { actor: staff, now: closeNow }, { name: 'month.close', payload: { month: '2026-13' } }))).toEqual({
      code: 'invalid-argument',
      messageKey: 'errors.validation',
    });
    expect(await readMonthDoc(store, '2026-05')).toBeNull();
  });

  it('keeps a closed month as it was whatever commands run afterwards', async () => {
    const store = await seeded();
    await executeCommand(store, { actor: staff, now: closeNow }, { name: 'month.close', payload: { month: '2026-05' } });
    const frozen = JSON.stringify(await readMonthSnapshot(store, '2026-05'));
    const frozenMonth = JSON.stringify(await readMonthDoc(store, '2026-05'));

    const projectDoc = (await store.query<Project>('projects', { where: [{ field: 'flag', op: '==', value: null }], limit: 1 }))[0]!;
    const lateJune = new Date('2026-06-10T02:00:00.000Z');
    const blocker = await executeCommand(store, { actor: staff, now: lateJune }, {
      name: 'blocker.add',
      payload: { projectId: projectDoc.id, expectedVersion: projectDoc.version, tag: 'bank', description: '审批权限上收', party: '省分行' },
    });
    expect(blocker.createdId).toBeTruthy();
    const after = (await store.get<Project>('projects', projectDoc.id))!;
    await executeCommand(store, { actor: staff, now: lateJune }, {
      name: 'assignment.add',
      payload: { projectId: projectDoc.id, expectedVersion: after.version, month: '2026-06', what: '协调省分行', who: '市财政局', dueDate: '2026-06-30' },
    });
    await executeCommand(store, { actor: admin, now: lateJune }, { name: 'stall.scan', payload: { scope: 'all' } });

    expect(JSON.stringify(await readMonthSnapshot(store, '2026-05'))).toBe(frozen);
    expect(JSON.stringify(await readMonthDoc(store, '2026-05'))).toBe(frozenMonth);
    expect(frozen).not.toContain('审批权限上收');
  });

  it('gives next month the closed month to compare with', async () => {
    const store = await seeded();
    await executeCommand(store, { actor: staff, now: new Date('2026-05-02T02:00:00.000Z') }, { name: 'month.close', payload: { month: '2026-04' } });
    await executeCommand(store, { actor: staff, now: closeNow }, { name: 'month.close', payload: { month: '2026-05' } });
    expect((await listClosedMonths(store)).map((m) => m.month)).toEqual(['2026-05', '2026-04']);
    expect((await previousClosedSnapshot(store, '2026-06'))!.month).toBe('2026-05');
    expect((await previousClosedSnapshot(store, '2026-05'))!.month).toBe('2026-04');
    expect(await previousClosedSnapshot(store, '2026-04')).toBeNull();
  });

  it('stores a large workspace in snapshot parts, each under the Firestore limit, and reads it back whole', async () => {
    const store = await seeded(1_500);
    const result = await executeCommand(store, { actor: staff, now: closeNow }, { name: 'month.close', payload: { month: '2026-05' } });
    const header = (await store.get<SnapshotHeaderDoc>('snapshots', '2026-05'))!.data;
    expect(header.parts).toBeGreaterThan(1);
    expect(result.stats).toEqual({ projects: 1_500, snapshotDocuments: header.parts + 1 });
    expect((await readMonthDoc(store, '2026-05'))!.snapshotParts).toBe(header.parts);
    const snapshot = await readMonthSnapshot(store, '2026-05');
    expect(snapshot!.projects).toHaveLength(1_500);
    expect(new Set(snapshot!.projects.map((p) => p.id)).size).toBe(1_500);
  }, 120_000);

  it('refuses a decision filed under a closed month, and takes it under the next one', async () => {
    const store = await seeded();
    await executeCommand(store, { actor: staff, now: closeNow }, { name: 'month.close', payload: { month: '2026-05' } });
    const project = (await store.query<Project>('projects', { where: [{ field: 'flag', op: '==', value: null }], limit: 1 }))[0]!;
    const before = JSON.stringify(store.exportAll());
    const payload = { projectId: project.id, expectedVersion: project.version, what: '协调用地预审', who: '市自然资源局', dueDate: '2026-06-20' };
    expect(await refusal(executeCommand(store, { actor: staff, now: closeNow }, { name: 'assignment.add', payload: { ...payload, month: '2026-05' } }))).toEqual({
      code: 'failed-precondition',
      messageKey: 'errors.month.closed',
    });
    expect(JSON.stringify(store.exportAll())).toBe(before);
    const added = await executeCommand(store, { actor: staff, now: closeNow }, { name: 'assignment.add', payload: { ...payload, month: '2026-06' } });
    expect(added.createdId).toBeTruthy();
  });
});

describe('assignments across months', () => {
  it('an overdue decision stalls its project and heads the next agenda', async () => {
    const store = await seeded();
    const project = (
      await store.query<Project>('projects', { where: [{ field: 'stage', op: '==', value: 'matched' }, { field: 'flag', op: '==', value: null }] })
    ).find((p) => !p.data.stall.stalled)!;
    expect(project).toBeDefined();
    const decided = await executeCommand(store, { actor: staff, now: closeNow }, {
      name: 'assignment.add',
      payload: { projectId: project.id, expectedVersion: project.version, month: '2026-06', what: '督促业主补齐资本金', who: '城投公司', dueDate: '2026-06-20' },
    });
    await executeCommand(store, { actor: staff, now: closeNow }, { name: 'month.close', payload: { month: '2026-05' } });

    // A month later nobody has done it: the daily scan flags the project, the July agenda lists it.
    const july = new Date('2026-07-02T02:00:00.000Z');
    await executeCommand(store, { actor: admin, now: july }, { name: 'stall.scan', payload: { scope: 'all' } });
    const stalled = (await store.get<Project>('projects', project.id))!.data;
    expect(stalled.stall.flags.some((f) => f.rule === 'assignmentOverdue' && f.params.assignmentId === decided.createdId)).toBe(true);

    const projects = (await store.query<Project>('projects')).map((d) => d.data);
    const lines = (await store.query<LoanLine>('loanLines')).map((d) => d.data);
    const banks = (await store.query<{ id: string; name: string; category: 'stateLarge'; agreementAmount: number }>('banks')).map((d) => d.data);
    const agenda = buildAgenda({ month: '2026-07', projects, lines, banks, targets: null, previousSnapshot: await previousClosedSnapshot(store, '2026-07'), now: july });
    expect(agenda.previousMonth).toBe('2026-05');
    expect(agenda.assignments.overdue.find((a) => a.assignmentId === decided.createdId)).toMatchObject({ who: '城投公司', daysOverdue: 12 });
    expect(agenda.stalled.some((row) => row.projectId === project.id)).toBe(true);
    expect(agenda.changes.newlyStalled.some((row) => row.projectId === project.id)).toBe(true);
  });
});
