import { describe, expect, it } from 'vitest';
import { DEFAULT_STALL_RULES } from '../../defaults';
import type { StallRules } from '../../types';
import { activities, ADMIN, createProject, project, refused, run, STAFF, WAN, workspace } from '../testing';

const rules = (overrides: Partial<StallRules> = {}) => ({
  stageLimitDays: { ...DEFAULT_STALL_RULES.stageLimitDays },
  approvedWarnDays: 60,
  approvedAlarmDays: 90,
  bankSilenceDays: 30,
  ...overrides,
});

describe('administration', () => {
  it('sets the stall limits at the version seen, and later commands use them', async () => {
    const store = await workspace();
    await run(store, ADMIN, 'rules.setStageLimits', { ...rules(), stageLimitDays: { ...rules().stageLimitDays, pipeline: 10 } });
    expect((await store.get('settings', 'stallRules'))?.version).toBe(1);
    expect(await refused(store, ADMIN, 'rules.setStageLimits', rules())).toMatchObject({ messageKey: 'errors.conflict' });
    await run(store, ADMIN, 'rules.setStageLimits', { ...rules({ bankSilenceDays: 20 }), expectedVersion: 1, stageLimitDays: { ...rules().stageLimitDays, pipeline: 10 } });
    const history = (await activities(store)).filter((a) => a.command === 'rules.setStageLimits');
    expect(history.map((a) => a.after)).toContainEqual({ bankSilenceDays: 20 });

    // A project that entered 储备谋划 long ago is now over the 10-day limit.
    const id = await createProject(store);
    await run(store, STAFF, 'project.setActionPlan', { projectId: id, expectedVersion: 1, actionPlan: 'x' }, new Date('2026-04-01T00:00:00.000Z'));
    expect((await project(store, id)).data.stall.flags).toContainEqual(
      expect.objectContaining({ rule: 'stageLimit', params: expect.objectContaining({ limit: 10 }) }),
    );
    expect(await refused(store, STAFF, 'rules.setStageLimits', rules())).toMatchObject({ code: 'permission-denied' });
  });

  it('sets annual targets per year', async () => {
    const store = await workspace();
    await run(store, ADMIN, 'targets.set', { year: 2026, approved: 100_000 * WAN, disbursed: 80_000 * WAN, projects: 40 });
    expect((await store.get('settings', 'targets-2026'))?.data).toEqual({ year: 2026, approved: 100_000 * WAN, disbursed: 80_000 * WAN, projects: 40 });
    await run(store, ADMIN, 'targets.set', { year: 2026, expectedVersion: 1, approved: 120_000 * WAN, disbursed: 80_000 * WAN, projects: 40 });
    expect((await activities(store)).find((a) => a.command === 'targets.set' && a.before)).toMatchObject({
      before: { approved: 100_000 * WAN },
      after: { approved: 120_000 * WAN },
    });
  });

  it('creates and edits banks, refusing duplicate names', async () => {
    const store = await workspace();
    const created = await run(store, ADMIN, 'bank.upsert', { name: '华夏银行', category: 'jointStock', agreementAmount: 0 });
    expect((await store.get('banks', created.createdId!))?.data).toMatchObject({ id: created.createdId, name: '华夏银行' });
    expect(await refused(store, ADMIN, 'bank.upsert', { name: '工商银行', category: 'stateLarge', agreementAmount: 0 })).toMatchObject({
      messageKey: 'errors.bank.duplicateName',
    });
    await run(store, ADMIN, 'bank.upsert', { id: 'icbc', expectedVersion: 1, name: '工商银行', category: 'stateLarge', agreementAmount: 1 });
    expect((await store.get('banks', 'icbc'))?.data).toMatchObject({ agreementAmount: 1 });
    expect(await refused(store, ADMIN, 'bank.upsert', { id: 'zzz', expectedVersion: 1, name: 'Z', category: 'rural', agreementAmount: 0 })).toMatchObject({
      code: 'not-found',
    });
  });

  it('upserts members; a liaison needs a real bank; an admin cannot demote themselves', async () => {
    const store = await workspace();
    await run(store, ADMIN, 'member.upsert', { uid: 'u-new', name: '新人', role: 'liaison', bankId: 'ceb', email: 'new@example.cn' });
    expect((await store.get('members', 'u-new'))?.data).toEqual({
      uid: 'u-new',
      name: '新人',
      email: 'new@example.cn',
      role: 'liaison',
      bankId: 'ceb',
      disabled: false,
    });
    await run(store, ADMIN, 'member.upsert', { uid: 'u-new', expectedVersion: 1, name: '新人', role: 'staff', bankId: 'ceb' });
    expect((await store.get('members', 'u-new'))?.data).toMatchObject({ role: 'staff', bankId: null });
    expect(await refused(store, ADMIN, 'member.upsert', { uid: 'u-x', name: 'X', role: 'liaison', bankId: 'nobank' })).toMatchObject({
      messageKey: 'errors.notFound.bank',
    });
    expect(await refused(store, ADMIN, 'member.upsert', { uid: ADMIN.uid, name: ADMIN.name, role: 'staff' })).toMatchObject({
      messageKey: 'errors.member.selfDemotion',
    });
  });
});
