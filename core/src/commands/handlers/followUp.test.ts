import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assignmentLight } from '../../followUp/loop';
import { reportingRoundDocId } from '../../followUp/reporting';
import type { ReportingRound } from '../../followUp/reporting';
import type { Actor } from '../../types';
import { activities, ADMIN, CEB_LIAISON, createProject, ICBC_LIAISON, NOW, project, refused, run, STAFF, VIEWER, workspace } from '../testing';
import type { MemoryDocumentStore } from '../../store/memoryDocumentStore';

const UNIT: Actor = { uid: 'u-unit', name: '刘明', role: 'unit', bankId: null, unit: '市自然资源局' };

async function withAssignment(who: string) {
  const store = await workspace();
  await run(store, ADMIN, 'member.upsert', { uid: ICBC_LIAISON.uid, expectedVersion: null, name: ICBC_LIAISON.name, role: 'liaison', bankId: 'icbc' });
  await run(store, ADMIN, 'member.upsert', { uid: UNIT.uid, expectedVersion: null, name: UNIT.name, role: 'unit', unit: '市自然资源局' });
  const id = await createProject(store);
  const added = await run(store, STAFF, 'assignment.add', { projectId: id, expectedVersion: 1, month: '2026-03', what: '推进放款', who, dueDate: '2026-03-31' });
  return { store, id, assignmentId: added.createdId! };
}

const version = async (store: MemoryDocumentStore, id: string) => (await project(store, id)).version;

describe('the 督办 loop commands', () => {
  it('the liaison acknowledges and reports, requests close; staff return then close; each step is audited', async () => {
    const { store, id, assignmentId } = await withAssignment('工商银行');
    const ref = async () => ({ projectId: id, expectedVersion: await version(store, id), assignmentId });
    await run(store, ICBC_LIAISON, 'assignment.acknowledge', await ref());
    await run(store, ICBC_LIAISON, 'assignment.report', { ...(await ref()), text: '已完成授信审批' });
    await run(store, ICBC_LIAISON, 'assignment.requestClose', { ...(await ref()), text: '首笔已投放' });
    await run(store, STAFF, 'assignment.return', { ...(await ref()), text: '请附投放凭证' });
    let a = (await project(store, id)).data.assignments[0]!;
    expect(a.closeRequest).toBeNull();
    expect(a.returned?.text).toBe('请附投放凭证');
    await run(store, ICBC_LIAISON, 'assignment.requestClose', { ...(await ref()), text: '凭证已上传' });
    await run(store, STAFF, 'assignment.close', await ref());
    a = (await project(store, id)).data.assignments[0]!;
    expect(a.doneAt).toBe(NOW.toISOString());
    expect(a.reports?.map((r) => r.text)).toEqual(['已完成授信审批']);
    expect(assignmentLight(a, NOW)).toBe('none');
    const steps = (await activities(store)).filter((r) => r.command.startsWith('assignment.'))
      .map((r) => r.command)
      .sort();
    expect(steps).toEqual(['assignment.add', 'assignment.acknowledge', 'assignment.report', 'assignment.requestClose', 'assignment.return', 'assignment.requestClose', 'assignment.close'].sort());
  });

  it('refuses, writing nothing: another bank, staff acting for a party that has a member, a viewer, a step out of order', async () => {
    const { store, id, assignmentId } = await withAssignment('工商银行');
    const ref = { projectId: id, expectedVersion: 2, assignmentId };
    expect(await refused(store, CEB_LIAISON, 'assignment.acknowledge', ref)).toMatchObject({ messageKey: 'errors.assignment.notYourParty' });
    expect(await refused(store, STAFF, 'assignment.acknowledge', ref)).toMatchObject({ messageKey: 'errors.assignment.partyActs' });
    expect(await refused(store, VIEWER, 'assignment.acknowledge', ref)).toMatchObject({ code: 'permission-denied' });
    expect(await refused(store, UNIT, 'assignment.acknowledge', ref)).toMatchObject({ messageKey: 'errors.assignment.notYourParty' });
    expect(await refused(store, ICBC_LIAISON, 'assignment.report', { ...ref, text: '进展' })).toMatchObject({ messageKey: 'errors.assignment.wrongState' });
    expect(await refused(store, ICBC_LIAISON, 'assignment.close', ref)).toMatchObject({ code: 'permission-denied' });
    expect(await refused(store, STAFF, 'assignment.close', ref)).toMatchObject({ messageKey: 'errors.assignment.wrongState' });
  });

  it('a unit contact acts on its unit; staff record the steps of a party with no member', async () => {
    const { store, id, assignmentId } = await withAssignment('市自然资源局');
    await run(store, UNIT, 'assignment.acknowledge', { projectId: id, expectedVersion: 2, assignmentId });
    const other = await run(store, STAFF, 'assignment.add', { projectId: id, expectedVersion: 3, month: '2026-03', what: '出具意见', who: '市发改委', dueDate: '2026-03-31' });
    await run(store, STAFF, 'assignment.acknowledge', { projectId: id, expectedVersion: 4, assignmentId: other.createdId! });
    expect((await project(store, id)).data.assignments.map((a) => a.acknowledged?.byName)).toEqual([UNIT.name, STAFF.name]);
  });

  it('代为登记: a step staff record for a party with no member names the party on the step and in the history', async () => {
    const { store, id } = await withAssignment('工商银行');
    const added = await run(store, STAFF, 'assignment.add', { projectId: id, expectedVersion: 2, month: '2026-03', what: '出具意见', who: '市发改委', dueDate: '2026-03-31' });
    const assignmentId = added.createdId!;
    await run(store, STAFF, 'assignment.acknowledge', { projectId: id, expectedVersion: 3, assignmentId });
    await run(store, STAFF, 'assignment.report', { projectId: id, expectedVersion: 4, assignmentId, text: '电话反馈：已上会研究' });
    await run(store, STAFF, 'assignment.requestClose', { projectId: id, expectedVersion: 5, assignmentId, text: '已出具意见' });
    const a = (await project(store, id)).data.assignments.find((x) => x.id === assignmentId)!;
    expect([a.acknowledged, a.reports?.[0], a.closeRequest].map((s) => [s?.onBehalfOf, s?.by])).toEqual([
      ['市发改委', STAFF.uid], ['市发改委', STAFF.uid], ['市发改委', STAFF.uid],
    ]);
    await run(store, STAFF, 'assignment.close', { projectId: id, expectedVersion: 6, assignmentId });
    const steps = (await activities(store)).filter((r) => r.command.startsWith('assignment.') && r.command !== 'assignment.add');
    // Every record shares the test's one instant, so they are compared in command order.
    expect(steps.map((r) => [r.command, r.actor.uid, r.after?.onBehalfOf ?? null]).sort()).toEqual([
      ['assignment.acknowledge', STAFF.uid, '市发改委'],
      ['assignment.close', STAFF.uid, null],
      ['assignment.report', STAFF.uid, '市发改委'],
      ['assignment.requestClose', STAFF.uid, '市发改委'],
    ]);
  });

  it('a party acting itself records no 代为登记', async () => {
    const { store, id, assignmentId } = await withAssignment('工商银行');
    await run(store, ICBC_LIAISON, 'assignment.acknowledge', { projectId: id, expectedVersion: 2, assignmentId });
    expect((await project(store, id)).data.assignments[0]!.acknowledged).not.toHaveProperty('onBehalfOf');
    const last = (await activities(store)).at(-1)!;
    expect(last.after).not.toHaveProperty('onBehalfOf');
  });

  it('property: any sequence of steps by anyone either advances the loop or writes nothing', async () => {
    const actors = [STAFF, ICBC_LIAISON, CEB_LIAISON, VIEWER, UNIT];
    const steps = ['assignment.acknowledge', 'assignment.report', 'assignment.requestClose', 'assignment.close', 'assignment.return'] as const;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.constantFrom(...actors), fc.constantFrom(...steps)), { maxLength: 6 }), async (seq) => {
        const { store, id, assignmentId } = await withAssignment('工商银行');
        for (const [actor, step] of seq) {
          const before = store.exportAll();
          const ok = await run(store, actor, step, { projectId: id, expectedVersion: await version(store, id), assignmentId, text: '说明' }).then(() => true, () => false);
          if (!ok) expect(store.exportAll()).toEqual(before);
          if (ok && (step === 'assignment.close' || step === 'assignment.return')) expect(actor.role).toBe('staff');
          if (ok && actor.role !== 'staff') expect(actor).toBe(ICBC_LIAISON);
        }
      }),
      { numRuns: 15 },
    );
  });
});

describe('the reporting round commands', () => {
  const round = async (store: MemoryDocumentStore) => (await store.get<ReportingRound>('settings', reportingRoundDocId('2026-02')))!.data;

  it('opens with the default deadline, takes each bank report once, chases the late ones', async () => {
    const store = await workspace();
    await run(store, STAFF, 'reporting.open', { month: '2026-02' });
    expect(await round(store)).toMatchObject({ deadline: '2026-03-06', bankIds: ['ceb', 'icbc'] });
    expect(await refused(store, STAFF, 'reporting.open', { month: '2026-02' })).toMatchObject({ messageKey: 'errors.reporting.alreadyOpen' });
    expect(await refused(store, ICBC_LIAISON, 'reporting.submit', { month: '2026-02', noChange: false, note: '' })).toMatchObject({ messageKey: 'errors.reporting.noteRequired' });
    await run(store, ICBC_LIAISON, 'reporting.submit', { month: '2026-02', noChange: true });
    expect(await refused(store, ICBC_LIAISON, 'reporting.submit', { month: '2026-02', noChange: true })).toMatchObject({ messageKey: 'errors.reporting.alreadySubmitted' });
    expect(await refused(store, ICBC_LIAISON, 'reporting.submit', { month: '2026-02', bankId: 'ceb', noChange: true })).toMatchObject({ code: 'permission-denied' });
    expect(await refused(store, ICBC_LIAISON, 'reporting.chase', { month: '2026-02' })).toMatchObject({ code: 'permission-denied' });
    // NOW is 2026-03-10, after the deadline: 光大银行 is late.
    const chased = await run(store, STAFF, 'reporting.chase', { month: '2026-02' });
    expect(chased.stats).toEqual({ chased: 1 });
    expect((await round(store)).chases.map((c) => c.bankIds)).toEqual([['ceb']]);
    await run(store, CEB_LIAISON, 'reporting.submit', { month: '2026-02', noChange: false, note: '新增投放2000万元' });
    expect(await refused(store, STAFF, 'reporting.chase', { month: '2026-02' })).toMatchObject({ messageKey: 'errors.reporting.nobodyLate' });
  });
});
