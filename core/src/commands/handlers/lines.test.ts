import { describe, expect, it } from 'vitest';
import {
  activities,
  addLine,
  CEB_LIAISON,
  createProject,
  ICBC_LIAISON,
  line,
  project,
  refused,
  run,
  STAFF,
  WAN,
  workspace,
} from '../testing';
import type { DomainError } from '../../errors';

async function approvedLine(approved = 10_000 * WAN) {
  const store = await workspace();
  const projectId = await createProject(store);
  const lineId = await addLine(store, projectId);
  await run(store, ICBC_LIAISON, 'line.recordApproval', { lineId, expectedVersion: 1, approved, approvedDate: '2026-02-01' });
  return { store, projectId, lineId };
}

describe('line commands', () => {
  it('line.add creates an applying line and puts its bank on the project', async () => {
    const store = await workspace();
    const projectId = await createProject(store);
    const lineId = await addLine(store, projectId, 'ceb', 8_000 * WAN);
    expect((await line(store, lineId)).data).toMatchObject({
      projectId,
      bankId: 'ceb',
      requested: 8_000 * WAN,
      approved: null,
      tranches: [],
      status: 'applying',
    });
    const p = (await project(store, projectId)).data;
    expect(p.bankIds).toEqual(['ceb']);
    expect(p.clearance.matched).toBe(8_000 * WAN);
    const created = (await activities(store)).find((a) => a.command === 'line.add');
    expect(created).toMatchObject({ command: 'line.add', projectId, lineId, after: { bankIds: ['ceb'], bankId: 'ceb' } });
  });

  it('line.add refuses an unknown bank, a missing project and a second live line of the same bank and product', async () => {
    const store = await workspace();
    const projectId = await createProject(store);
    await addLine(store, projectId);
    expect(await refused(store, STAFF, 'line.add', { projectId, bankId: 'nobank', product: 'bond', requested: 1 })).toMatchObject({
      code: 'not-found',
      messageKey: 'errors.notFound.bank',
    });
    expect(await refused(store, STAFF, 'line.add', { projectId: 'nope', bankId: 'icbc', product: 'bond', requested: 1 })).toMatchObject({
      code: 'not-found',
      messageKey: 'errors.notFound.project',
    });
    expect(
      await refused(store, STAFF, 'line.add', { projectId, bankId: 'icbc', product: 'projectLoan', requested: 1 }),
    ).toMatchObject({ code: 'failed-precondition', messageKey: 'errors.line.duplicate' });
  });

  it('records approval, contract and tranches; the status and the project totals follow', async () => {
    const { store, projectId, lineId } = await approvedLine();
    expect((await line(store, lineId)).data).toMatchObject({ approved: 10_000 * WAN, approvedDate: '2026-02-01', status: 'approved' });
    expect((await project(store, projectId)).data.clearance).toMatchObject({ approved: 10_000 * WAN, approvedNotDisbursed: 10_000 * WAN });

    await run(store, ICBC_LIAISON, 'line.recordContract', { lineId, expectedVersion: 2, contracted: 9_000 * WAN, contractDate: '2026-02-10' });
    expect((await line(store, lineId)).data.status).toBe('contracted');

    const tranche = await run(store, ICBC_LIAISON, 'line.addTranche', { lineId, expectedVersion: 3, date: '2026-03-01', amount: 4_000 * WAN });
    expect((await line(store, lineId)).data).toMatchObject({
      status: 'disbursing',
      tranches: [{ id: tranche.createdId, date: '2026-03-01', amount: 4_000 * WAN, recordedBy: ICBC_LIAISON.uid }],
    });
    await run(store, ICBC_LIAISON, 'line.addTranche', { lineId, expectedVersion: 4, date: '2026-03-05', amount: 6_000 * WAN });
    const finished = (await line(store, lineId)).data;
    expect(finished.status).toBe('disbursed');
    const p = (await project(store, projectId)).data;
    expect(p.clearance).toMatchObject({ disbursed: 10_000 * WAN, approvedNotDisbursed: 0, contracted: 9_000 * WAN });
    expect(p.lastBankUpdateAt).toBe(finished.updatedAt);
    expect(tranche.written.map((w) => w.collection)).toEqual(['loanLines', 'projects', 'activity']);
  });

  it('never disburses more than approved, and says by how much', async () => {
    const { store, lineId } = await approvedLine(1_000 * WAN);
    await run(store, STAFF, 'line.addTranche', { lineId, expectedVersion: 2, date: '2026-03-01', amount: 600 * WAN });
    const error = await refused(store, STAFF, 'line.addTranche', { lineId, expectedVersion: 3, date: '2026-03-02', amount: 500 * WAN });
    expect(error).toMatchObject({
      code: 'failed-precondition',
      messageKey: 'errors.line.overDisbursed',
      params: { approved: 1_000 * WAN, disbursed: 600 * WAN, amount: 500 * WAN },
      fieldErrors: [{ path: 'amount', messageKey: 'errors.line.overDisbursed' }],
    });
  });

  it('refuses tranches and contracts before an approval, and after a decline', async () => {
    const store = await workspace();
    const projectId = await createProject(store);
    const lineId = await addLine(store, projectId);
    expect(await refused(store, STAFF, 'line.addTranche', { lineId, expectedVersion: 1, date: '2026-03-01', amount: 1 })).toMatchObject({
      messageKey: 'errors.line.notApproved',
    });
    expect(
      await refused(store, STAFF, 'line.recordContract', { lineId, expectedVersion: 1, contractDate: '2026-03-01', contracted: 1 }),
    ).toMatchObject({ messageKey: 'errors.line.notApproved' });
    await run(store, STAFF, 'line.recordApproval', { lineId, expectedVersion: 1, approved: 0, approvedDate: '2026-03-01' });
    expect((await line(store, lineId)).data.status).toBe('declined');
    expect(await refused(store, STAFF, 'line.addTranche', { lineId, expectedVersion: 2, date: '2026-03-02', amount: 1 })).toMatchObject({
      messageKey: 'errors.line.declined',
    });
  });

  it('keeps approval above what is contracted and disbursed', async () => {
    const { store, lineId } = await approvedLine(1_000 * WAN);
    await run(store, STAFF, 'line.recordContract', { lineId, expectedVersion: 2, contracted: 900 * WAN, contractDate: '2026-02-05' });
    await run(store, STAFF, 'line.addTranche', { lineId, expectedVersion: 3, date: '2026-03-01', amount: 500 * WAN });
    expect(
      await refused(store, STAFF, 'line.recordApproval', { lineId, expectedVersion: 4, approved: 400 * WAN, approvedDate: '2026-02-01' }),
    ).toMatchObject({ messageKey: 'errors.line.approvedBelowDisbursed', params: { approved: 400 * WAN, disbursed: 500 * WAN } });
    expect(
      await refused(store, STAFF, 'line.recordApproval', { lineId, expectedVersion: 4, approved: 800 * WAN, approvedDate: '2026-02-01' }),
    ).toMatchObject({ messageKey: 'errors.line.approvedBelowContracted' });
    expect(
      await refused(store, STAFF, 'line.recordContract', { lineId, expectedVersion: 4, contracted: 1_001 * WAN, contractDate: '2026-02-05' }),
    ).toMatchObject({ messageKey: 'errors.line.contractOverApproved' });
    await run(store, STAFF, 'line.recordApproval', { lineId, expectedVersion: 4, approved: 950 * WAN, approvedDate: '2026-02-01' });
    expect((await line(store, lineId)).data.approved).toBe(950 * WAN);
  });

  it('refuses dates in the future or before the approval', async () => {
    const { store, lineId } = await approvedLine();
    expect(await refused(store, STAFF, 'line.addTranche', { lineId, expectedVersion: 2, date: '2026-03-11', amount: 1 })).toMatchObject({
      code: 'invalid-argument',
      messageKey: 'errors.date.future',
      fieldErrors: [{ path: 'date' }],
    });
    expect(await refused(store, STAFF, 'line.addTranche', { lineId, expectedVersion: 2, date: '2026-01-31', amount: 1 })).toMatchObject({
      messageKey: 'errors.line.trancheBeforeApproval',
    });
    expect(
      await refused(store, STAFF, 'line.recordContract', { lineId, expectedVersion: 2, contracted: 1, contractDate: '2026-01-01' }),
    ).toMatchObject({ messageKey: 'errors.line.contractBeforeApproval' });
    expect(
      await refused(store, STAFF, 'line.recordApproval', { lineId, expectedVersion: 2, approved: 1, approvedDate: '2026-04-01' }),
    ).toMatchObject({ messageKey: 'errors.date.future' });
  });

  it('a liaison acts on their own bank only, and the refusal writes nothing', async () => {
    const { store, lineId } = await approvedLine();
    const error = await refused(store, CEB_LIAISON, 'line.addTranche', { lineId, expectedVersion: 2, date: '2026-03-01', amount: 1 });
    // Another bank's line is answered exactly as a line that does not exist: no existence oracle,
    // no bank named.
    const unknown = await refused(store, CEB_LIAISON, 'line.addTranche', { lineId: 'no-such-line', expectedVersion: 2, date: '2026-03-01', amount: 1 });
    const shape = (e: DomainError, id: string) => JSON.stringify(e.toJSON()).replaceAll(id, '<id>');
    expect(error).toMatchObject({ code: 'not-found', messageKey: 'errors.notFound.line' });
    expect(shape(error, lineId)).toBe(shape(unknown, 'no-such-line'));
    expect(JSON.stringify(error.toJSON())).not.toContain('icbc');
    // Even with a stale version, the bank check answers first (a conflict would confirm the line).
    expect(await refused(store, CEB_LIAISON, 'line.setNote', { lineId, expectedVersion: 1, note: 'x' })).toMatchObject({
      code: 'not-found',
      messageKey: 'errors.notFound.line',
    });
    await run(store, ICBC_LIAISON, 'line.setNote', { lineId, expectedVersion: 2, note: '已上报省分行' });
    expect((await line(store, lineId)).data.note).toBe('已上报省分行');
    expect(await refused(store, ICBC_LIAISON, 'line.add', { projectId: 'p', bankId: 'icbc', product: 'bond', requested: 1 })).toMatchObject({
      messageKey: 'errors.permission.role',
    });
  });

  it('a stale line version is a conflict; a missing line is not found', async () => {
    const { store, lineId } = await approvedLine();
    expect(await refused(store, STAFF, 'line.setNote', { lineId, expectedVersion: 1, note: 'late' })).toMatchObject({
      messageKey: 'errors.conflict',
    });
    expect(await refused(store, STAFF, 'line.setNote', { lineId: 'nope', expectedVersion: 1, note: 'x' })).toMatchObject({
      code: 'not-found',
      messageKey: 'errors.notFound.line',
    });
  });

  it('records before and after of the line in the history', async () => {
    const { store, projectId, lineId } = await approvedLine();
    const history = await activities(store);
    expect(history.find((a) => a.command === 'line.recordApproval')).toMatchObject({
      command: 'line.recordApproval',
      projectId,
      lineId,
      actor: { uid: ICBC_LIAISON.uid, role: 'liaison' },
      before: { approved: null, approvedDate: null, status: 'applying' },
      after: { approved: 10_000 * WAN, approvedDate: '2026-02-01', status: 'approved' },
    });
  });
});
