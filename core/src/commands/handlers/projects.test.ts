import { describe, expect, it } from 'vitest';
import { compareByRank } from '../../rank';
import type { Project } from '../../types';
import { activities, addLine, ADMIN, createProject, NOW, PROJECT_INPUT, project, refused, run, STAFF, WAN, workspace } from '../testing';

async function column(store: Awaited<ReturnType<typeof workspace>>, stage: string) {
  const docs = await store.query<Project>('projects', { where: [{ field: 'stage', op: '==', value: stage }] });
  return docs.map((doc) => doc.data).sort(compareByRank);
}

describe('project.create', () => {
  it('creates a derived project at the end of 储备谋划 by default', async () => {
    const store = await workspace();
    const first = await createProject(store, { name: '一号' });
    const second = await createProject(store, { name: ' 二号 ' });
    expect((await column(store, 'pipeline')).map((p) => p.id)).toEqual([first, second]);
    const doc = await project(store, second);
    expect(doc.version).toBe(1);
    expect(doc.data).toMatchObject({
      id: second,
      name: '二号',
      stage: 'pipeline',
      stageEnteredAt: NOW.toISOString(),
      flag: null,
      blockers: [],
      createdAt: NOW.toISOString(),
      updatedBy: STAFF.uid,
      clearance: { need: 30_000 * WAN, status: 'cleared' },
      stall: { evaluatedAt: NOW.toISOString() },
    });
    expect(doc.data.prerequisites.businessLicence).toEqual({ status: 'todo', docNo: null, date: null });
    const created = (await activities(store)).find((a) => a.projectId === second);
    expect(created).toMatchObject({ command: 'project.create', before: null, after: { name: '二号', stage: 'pipeline' } });
  });

  it('may place a project in 推介对接 when the gate allows, not further', async () => {
    const store = await workspace();
    const id = await createProject(store, { stage: 'matched' });
    expect((await project(store, id)).data.stage).toBe('matched');
    expect(await refused(store, STAFF, 'project.create', { ...PROJECT_INPUT, stage: 'approved' })).toMatchObject({
      code: 'failed-precondition',
      messageKey: 'errors.gate.loanLineMissing',
    });
    expect(await refused(store, STAFF, 'project.create', { ...PROJECT_INPUT, leadBankId: null, stage: 'matched' })).toMatchObject({
      messageKey: 'errors.gate.leadBankMissing',
    });
  });

  it('refuses an unknown lead bank and figures that contradict each other', async () => {
    const store = await workspace();
    expect(await refused(store, STAFF, 'project.create', { ...PROJECT_INPUT, leadBankId: 'nobank' })).toMatchObject({
      code: 'not-found',
      messageKey: 'errors.notFound.bank',
      fieldErrors: [{ path: 'leadBankId' }],
    });
    expect(await refused(store, STAFF, 'project.create', { ...PROJECT_INPUT, needThisYear: PROJECT_INPUT.needTotal + 1 })).toMatchObject({
      code: 'invalid-argument',
      messageKey: 'errors.project.needThisYearOverTotal',
    });
    expect(await refused(store, STAFF, 'project.create', { ...PROJECT_INPUT, equityPaid: PROJECT_INPUT.equityRequired + 1 })).toMatchObject({
      messageKey: 'errors.project.equityPaidOverRequired',
    });
    expect(
      await refused(store, STAFF, 'project.create', { ...PROJECT_INPUT, equityRequired: PROJECT_INPUT.totalInvestment + 1 }),
    ).toMatchObject({ messageKey: 'errors.project.equityOverInvestment' });
  });
});

describe('project.update', () => {
  it('changes the given fields and records only what changed', async () => {
    const store = await workspace();
    const id = await createProject(store);
    const result = await run(store, STAFF, 'project.update', {
      projectId: id,
      expectedVersion: 1,
      changes: { name: '城南污水处理厂（二期）', district: PROJECT_INPUT.district, needThisYear: 5_000 * WAN },
    });
    const doc = await project(store, id);
    expect(doc).toMatchObject({ version: 2, data: { name: '城南污水处理厂（二期）', needThisYear: 5_000 * WAN, sector: '水务' } });
    const activity = (await activities(store)).find((a) => a.id === result.activityId);
    expect(activity?.before).toEqual({ name: '城南污水处理厂', needThisYear: 0 });
    expect(activity?.after).toEqual({ name: '城南污水处理厂（二期）', needThisYear: 5_000 * WAN });
  });

  it('checks figures against the stored ones, lead banks, versions and existence', async () => {
    const store = await workspace();
    const id = await createProject(store);
    expect(
      await refused(store, STAFF, 'project.update', { projectId: id, expectedVersion: 1, changes: { needThisYear: 30_001 * WAN } }),
    ).toMatchObject({ messageKey: 'errors.project.needThisYearOverTotal', fieldErrors: [{ path: 'needThisYear' }] });
    expect(
      await refused(store, STAFF, 'project.update', { projectId: id, expectedVersion: 1, changes: { equityPaid: 10_001 * WAN } }),
    ).toMatchObject({ messageKey: 'errors.project.equityPaidOverRequired' });
    expect(
      await refused(store, STAFF, 'project.update', { projectId: id, expectedVersion: 1, changes: { leadBankId: 'nobank' } }),
    ).toMatchObject({ messageKey: 'errors.notFound.bank', fieldErrors: [{ path: 'changes.leadBankId' }] });
    expect(await refused(store, STAFF, 'project.update', { projectId: id, expectedVersion: 7, changes: { sector: '交通' } })).toMatchObject({
      messageKey: 'errors.conflict',
    });
    expect(await refused(store, STAFF, 'project.update', { projectId: 'nope', expectedVersion: 1, changes: { sector: '交通' } })).toMatchObject({
      code: 'not-found',
      messageKey: 'errors.notFound.project',
    });
  });
});

describe('project.move', () => {
  it('moves between columns through the gates, stamping the stage entry only on a stage change', async () => {
    const store = await workspace();
    const id = await createProject(store);
    const other = await createProject(store, { name: '另一个', stage: 'matched' });
    const otherRank = (await project(store, other)).data.rank;

    await run(store, STAFF, 'project.move', { projectId: id, expectedVersion: 1, toStage: 'matched', before: null, after: otherRank }, new Date('2026-03-11T00:00:00.000Z'));
    let doc = await project(store, id);
    expect(doc.data.stage).toBe('matched');
    expect(doc.data.stageEnteredAt).toBe('2026-03-11T00:00:00.000Z');
    expect((await column(store, 'matched')).map((p) => p.id)).toEqual([id, other]);

    await run(store, STAFF, 'project.move', { projectId: id, expectedVersion: 2, toStage: 'matched', before: otherRank, after: null }, new Date('2026-03-12T00:00:00.000Z'));
    doc = await project(store, id);
    expect(doc.data.stageEnteredAt).toBe('2026-03-11T00:00:00.000Z');
    expect((await column(store, 'matched')).map((p) => p.id)).toEqual([other, id]);
    const move = (await activities(store)).filter((a) => a.command === 'project.move');
    expect(move.map((a) => Object.keys(a.after ?? {}).sort())).toContainEqual(['rank']);
  });

  it('refuses a move whose gate is not met, says why, and writes nothing', async () => {
    const store = await workspace();
    const id = await createProject(store, { stage: 'matched' });
    expect(
      await refused(store, STAFF, 'project.move', { projectId: id, expectedVersion: 1, toStage: 'approved', before: null, after: null }),
    ).toMatchObject({ code: 'failed-precondition', messageKey: 'errors.gate.loanLineMissing' });
    const lineId = await addLine(store, id);
    await run(store, STAFF, 'line.recordApproval', { lineId, expectedVersion: 1, approved: 100 * WAN, approvedDate: '2026-03-01' });
    const version = (await project(store, id)).version;
    expect(
      await refused(store, STAFF, 'project.move', { projectId: id, expectedVersion: version, toStage: 'disbursing', before: null, after: null }),
    ).toMatchObject({ messageKey: 'errors.gate.trancheMissing' });
    await run(store, STAFF, 'project.move', { projectId: id, expectedVersion: version, toStage: 'approved', before: null, after: null });
    expect((await project(store, id)).data.stage).toBe('approved');
  });

  it('reads the project, its lines and the rules, and writes the project and one activity', async () => {
    const store = await workspace();
    const id = await createProject(store);
    const result = await run(store, STAFF, 'project.move', { projectId: id, expectedVersion: 1, toStage: 'matched', before: null, after: null });
    expect(result.written.map((w) => w.collection)).toEqual(['projects', 'activity']);
  });

  it('refuses bad ranks and moves of a flagged project', async () => {
    const store = await workspace();
    const id = await createProject(store);
    expect(
      await refused(store, STAFF, 'project.move', { projectId: id, expectedVersion: 1, toStage: 'pipeline', before: 'a5', after: 'a1' }),
    ).toMatchObject({ messageKey: 'errors.rank.invalid' });
    await run(store, STAFF, 'project.setFlag', { projectId: id, expectedVersion: 1, flag: 'suspended', reason: '业主暂缓建设' });
    expect(
      await refused(store, STAFF, 'project.move', { projectId: id, expectedVersion: 2, toStage: 'matched', before: null, after: null }),
    ).toMatchObject({ messageKey: 'errors.gate.offFlow' });
  });
});

describe('flag, schedule and plan', () => {
  it('sets and clears a flag with its reason in the history; the project reads off-flow', async () => {
    const store = await workspace();
    const id = await createProject(store);
    await run(store, STAFF, 'project.setFlag', { projectId: id, expectedVersion: 1, flag: 'withdrawn', reason: '资金已另行解决' });
    expect((await project(store, id)).data).toMatchObject({ flag: 'withdrawn', clearance: { status: 'offFlow' } });
    const flagged = (await activities(store)).find((a) => a.command === 'project.setFlag');
    expect(flagged).toMatchObject({ before: { flag: null }, after: { flag: 'withdrawn', reason: '资金已另行解决', 'clearance.status': 'offFlow' } });
    await run(store, ADMIN, 'project.setFlag', { projectId: id, expectedVersion: 2, flag: null });
    expect((await project(store, id)).data.flag).toBeNull();
  });

  it('reschedules the expected month and sets the action plan', async () => {
    const store = await workspace();
    const id = await createProject(store);
    await run(store, STAFF, 'project.reschedule', { projectId: id, expectedVersion: 1, expectedMonth: '2026-06' });
    await run(store, STAFF, 'project.setActionPlan', { projectId: id, expectedVersion: 2, actionPlan: '  每周调度一次  ' });
    expect((await project(store, id)).data).toMatchObject({ expectedMonth: '2026-06', actionPlan: '每周调度一次' });
    const reschedule = (await activities(store)).find((a) => a.command === 'project.reschedule');
    expect(reschedule).toMatchObject({ before: { expectedMonth: null }, after: { expectedMonth: '2026-06' } });
  });

  it('a milestone month already past flags the project as stalled', async () => {
    const store = await workspace();
    const id = await createProject(store);
    await run(store, STAFF, 'project.reschedule', { projectId: id, expectedVersion: 1, expectedMonth: '2026-01' });
    const doc = await project(store, id);
    expect(doc.data.stall.stalled).toBe(true);
    expect(doc.data.stall.flags.map((f) => f.rule)).toContain('milestonePassed');
  });
});
