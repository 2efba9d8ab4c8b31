import { describe, expect, it } from 'vitest';
import { activities, createProject, project, refused, run, STAFF, VIEWER, workspace } from '../testing';

describe('prerequisites, blockers and assignments', () => {
  it('sets a prerequisite with its document number and date', async () => {
    const store = await workspace();
    const id = await createProject(store, { stage: 'matched' });
    await run(store, STAFF, 'prerequisite.set', {
      projectId: id,
      expectedVersion: 1,
      key: 'businessLicence',
      status: 'done',
      docNo: ' 营业执照-001 ',
      date: '2026-01-05',
    });
    const doc = await project(store, id);
    expect(doc.data.prerequisites.businessLicence).toEqual({ status: 'done', docNo: '营业执照-001', date: '2026-01-05' });
    expect(doc.data.clearance.prerequisitesForNext).toContainEqual({ key: 'businessLicence', status: 'done' });
    const history = (await activities(store)).find((a) => a.command === 'prerequisite.set');
    expect(history).toMatchObject({
      before: { 'prerequisites.businessLicence': { status: 'todo', docNo: null, date: null } },
      after: { 'prerequisites.businessLicence': { status: 'done', docNo: '营业执照-001', date: '2026-01-05' } },
    });
  });

  it('adds a blocker that blocks the project, then resolves it', async () => {
    const store = await workspace();
    const id = await createProject(store);
    const added = await run(store, STAFF, 'blocker.add', {
      projectId: id,
      expectedVersion: 1,
      tag: 'permits',
      description: '用地手续未办结',
      party: '市自然资源局',
      dueDate: '2026-04-30',
    });
    let doc = await project(store, id);
    expect(doc.data.blockers).toEqual([
      {
        id: added.createdId,
        tag: 'permits',
        description: '用地手续未办结',
        party: '市自然资源局',
        dueDate: '2026-04-30',
        openedAt: expect.any(String),
        openedBy: STAFF.uid,
        resolvedAt: null,
        resolution: null,
      },
    ]);
    expect(doc.data.clearance).toMatchObject({ status: 'blocked', openBlockers: [{ id: added.createdId, tag: 'permits' }] });

    await run(store, STAFF, 'blocker.resolve', { projectId: id, expectedVersion: 2, blockerId: added.createdId!, resolution: '已取得用地批复' });
    doc = await project(store, id);
    expect(doc.data.blockers[0]).toMatchObject({ resolution: '已取得用地批复', resolvedAt: expect.any(String) });
    expect(doc.data.clearance.status).toBe('cleared');
    expect(
      await refused(store, STAFF, 'blocker.resolve', { projectId: id, expectedVersion: 3, blockerId: added.createdId!, resolution: 'again' }),
    ).toMatchObject({ code: 'failed-precondition', messageKey: 'errors.blocker.alreadyResolved' });
    expect(
      await refused(store, STAFF, 'blocker.resolve', { projectId: id, expectedVersion: 3, blockerId: 'nope', resolution: 'x' }),
    ).toMatchObject({ code: 'not-found', messageKey: 'errors.notFound.blocker' });
  });

  it('an overdue blocker stalls the project', async () => {
    const store = await workspace();
    const id = await createProject(store);
    await run(store, STAFF, 'blocker.add', { projectId: id, expectedVersion: 1, tag: 'equity', description: '资本金未到位', party: '业主', dueDate: '2026-03-01' });
    expect((await project(store, id)).data.stall.flags.map((f) => f.rule)).toEqual(['blockerOverdue']);
  });

  it('adds and completes an assignment of the monthly meeting', async () => {
    const store = await workspace();
    const id = await createProject(store);
    const added = await run(store, STAFF, 'assignment.add', {
      projectId: id,
      expectedVersion: 1,
      month: '2026-03',
      what: '协调省分行审批',
      who: '工商银行',
      dueDate: '2026-03-31',
    });
    expect((await project(store, id)).data.assignments).toEqual([
      { id: added.createdId, month: '2026-03', what: '协调省分行审批', who: '工商银行', dueDate: '2026-03-31', createdAt: expect.any(String), doneAt: null },
    ]);
    await run(store, STAFF, 'assignment.complete', { projectId: id, expectedVersion: 2, assignmentId: added.createdId! });
    expect((await project(store, id)).data.assignments[0]?.doneAt).toEqual(expect.any(String));
    expect(
      await refused(store, STAFF, 'assignment.complete', { projectId: id, expectedVersion: 3, assignmentId: added.createdId! }),
    ).toMatchObject({ messageKey: 'errors.assignment.alreadyDone' });
    expect(await refused(store, STAFF, 'assignment.complete', { projectId: id, expectedVersion: 3, assignmentId: 'x' })).toMatchObject({
      messageKey: 'errors.notFound.assignment',
    });
  });

  it('a viewer can do none of it', async () => {
    const store = await workspace();
    const id = await createProject(store);
    expect(
      await refused(store, VIEWER, 'blocker.add', { projectId: id, expectedVersion: 1, tag: 'bank', description: 'x', party: 'y' }),
    ).toMatchObject({ code: 'permission-denied' });
  });
});
