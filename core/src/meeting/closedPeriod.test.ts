/**
 * The closed period: a record dated in or before the latest closed month is refused, naming the
 * month; a month closes after it ended (or on an admin's explicit early close), only when it has
 * data; an admin reopens the latest closed month with a reason, and then records and a second
 * close work again.
 */
import { describe, expect, it } from 'vitest';
import { ADMIN, addLine, activities, createProject, line, refused, run, STAFF, WAN, workspace } from '../commands/testing';
import { MemoryDocumentStore } from '../store/memoryDocumentStore';
import { readMonthDoc, readMonthSnapshot } from './snapshotStorage';

const MARCH_10 = new Date('2026-03-10T02:00:00.000Z');
const APRIL_2 = new Date('2026-04-02T02:00:00.000Z');

/** A project (created 2026-02-01) with an approved line and a February tranche; February closed. */
async function februaryClosed() {
  const store = await workspace();
  const projectId = await createProject(store);
  const lineId = await addLine(store, projectId);
  await run(store, STAFF, 'line.recordApproval', { lineId, expectedVersion: 1, approved: 10_000 * WAN, approvedDate: '2026-02-01' });
  await run(store, STAFF, 'line.addTranche', { lineId, expectedVersion: 2, date: '2026-02-15', amount: 1_000 * WAN });
  await run(store, STAFF, 'month.close', { month: '2026-02' }, MARCH_10);
  return { store, projectId, lineId };
}

describe('a record dated in the closed period', () => {
  it('is refused for a tranche, naming the closed month, and writes nothing', async () => {
    const { store, lineId } = await februaryClosed();
    const error = await refused(store, STAFF, 'line.addTranche', { lineId, expectedVersion: 3, date: '2026-02-20', amount: 100 * WAN }, MARCH_10);
    expect(error).toMatchObject({
      code: 'failed-precondition',
      messageKey: 'errors.month.closedPeriod',
      params: { date: '2026-02-20', month: '2026-02', closed: '2026-02' },
      fieldErrors: [{ path: 'date', messageKey: 'errors.month.closedPeriod' }],
    });
    // The running month takes it.
    await run(store, STAFF, 'line.addTranche', { lineId, expectedVersion: 3, date: '2026-03-02', amount: 100 * WAN }, MARCH_10);
  });

  it('is refused for an approval or a contract dated in it, and for a month before it', async () => {
    const { store, lineId } = await februaryClosed();
    expect(
      await refused(store, STAFF, 'line.recordContract', { lineId, expectedVersion: 3, contracted: 5_000 * WAN, contractDate: '2026-02-10' }, MARCH_10),
    ).toMatchObject({ messageKey: 'errors.month.closedPeriod', params: { month: '2026-02' } });
    expect(
      await refused(store, STAFF, 'line.recordApproval', { lineId, expectedVersion: 3, approved: 12_000 * WAN, approvedDate: '2026-01-20' }, MARCH_10),
    ).toMatchObject({ messageKey: 'errors.month.closedPeriod', params: { month: '2026-01', closed: '2026-02' } });
    await run(store, STAFF, 'line.recordContract', { lineId, expectedVersion: 3, contracted: 5_000 * WAN, contractDate: '2026-03-01' }, MARCH_10);
  });
});

describe('closing a month', () => {
  it('waits for the month to end, unless an admin closes it early on purpose', async () => {
    const { store, lineId } = await februaryClosed();
    // 10 March: March is running.
    expect(await refused(store, STAFF, 'month.close', { month: '2026-03' }, MARCH_10)).toMatchObject({
      messageKey: 'errors.month.notEnded',
      params: { month: '2026-03' },
    });
    expect(await refused(store, STAFF, 'month.close', { month: '2026-03', early: true }, MARCH_10)).toMatchObject({
      code: 'permission-denied',
      messageKey: 'errors.month.earlyCloseAdminOnly',
    });
    await run(store, ADMIN, 'month.close', { month: '2026-03', early: true }, MARCH_10);
    expect(await readMonthDoc(store, '2026-03')).toMatchObject({ status: 'closed', early: true });
    // The rest of March is closed with it: a later March tranche would belong to no month.
    expect(
      await refused(store, STAFF, 'line.addTranche', { lineId, expectedVersion: 3, date: '2026-03-10', amount: 100 * WAN }, MARCH_10),
    ).toMatchObject({ messageKey: 'errors.month.closedPeriod', params: { closed: '2026-03' } });
  });

  it('refuses year 0001, a month before the first record and an empty workspace', async () => {
    const { store } = await februaryClosed();
    expect((await refused(store, STAFF, 'month.close', { month: '0001-01' }, MARCH_10)).fieldErrors).toEqual([
      { path: 'month', messageKey: 'errors.month.outOfRange', params: { min: '1900-01', max: '2100-12' } },
    ]);
    expect(await refused(store, STAFF, 'month.close', { month: '2025-12' }, MARCH_10)).toMatchObject({
      messageKey: 'errors.month.beforeData',
      params: { month: '2025-12', first: '2026-02' },
    });
    expect(await refused(new MemoryDocumentStore(), STAFF, 'month.close', { month: '2026-02' }, MARCH_10)).toMatchObject({
      messageKey: 'errors.month.noData',
    });
  });
});

describe('month.reopen', () => {
  it('is for an admin, with a reason, and only for the latest closed month', async () => {
    const { store } = await februaryClosed();
    await run(store, STAFF, 'month.close', { month: '2026-03' }, APRIL_2);
    expect((await refused(store, STAFF, 'month.reopen', { month: '2026-03', reason: '补录' }, APRIL_2)).code).toBe('permission-denied');
    expect((await refused(store, ADMIN, 'month.reopen', { month: '2026-03', reason: ' \u200b ' }, APRIL_2)).fieldErrors).toEqual([
      { path: 'reason', messageKey: 'errors.field.invisibleOnly' },
    ]);
    expect(await refused(store, ADMIN, 'month.reopen', { month: '2026-02', reason: '补录' }, APRIL_2)).toMatchObject({
      messageKey: 'errors.month.notLatestClosed',
      params: { month: '2026-02', latest: '2026-03' },
    });
    expect(await refused(store, ADMIN, 'month.reopen', { month: '2026-04', reason: '补录' }, APRIL_2)).toMatchObject({
      messageKey: 'errors.month.notClosed',
    });
  });

  it('opens the month for its records again, is audited, and a second close freezes the new figures', async () => {
    const { store, lineId } = await februaryClosed();
    await run(store, STAFF, 'month.close', { month: '2026-03' }, APRIL_2);
    expect((await readMonthSnapshot(store, '2026-03'))!.totals.disbursedInMonth).toBe(0);

    await run(store, ADMIN, 'month.reopen', { month: '2026-03', reason: '工行补报3月投放' }, APRIL_2);
    expect(await readMonthSnapshot(store, '2026-03')).toBeNull();
    expect(await readMonthDoc(store, '2026-03')).toMatchObject({
      status: 'open',
      reopenedBy: { uid: ADMIN.uid },
      reopenReason: '工行补报3月投放',
    });
    const reopen = (await activities(store)).find((a) => a.command === 'month.reopen')!;
    expect(reopen).toMatchObject({
      actor: { uid: ADMIN.uid },
      before: { month: '2026-03', status: 'closed' },
      after: { month: '2026-03', status: 'open', reason: '工行补报3月投放' },
    });

    // March takes its late tranche; February stays closed.
    await run(store, STAFF, 'line.addTranche', { lineId, expectedVersion: 3, date: '2026-03-20', amount: 300 * WAN }, APRIL_2);
    expect(
      (await refused(store, STAFF, 'line.addTranche', { lineId, expectedVersion: 4, date: '2026-02-27', amount: 1 * WAN }, APRIL_2)).params,
    ).toMatchObject({ closed: '2026-02' });

    await run(store, STAFF, 'month.close', { month: '2026-03' }, APRIL_2);
    const march = await readMonthSnapshot(store, '2026-03');
    expect(march!.totals.disbursedInMonth).toBe(300 * WAN);
    expect(march!.totals.disbursed).toBe(1_300 * WAN);
    expect(await readMonthDoc(store, '2026-03')).toMatchObject({ status: 'closed', reopenReason: '工行补报3月投放' });
    expect((await line(store, lineId)).data.tranches).toHaveLength(2);
  });
});
