import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors';
import type { Activity } from '../types';
import type { CommandName } from './contract';
import { executeCommand } from './execute';
import { registerCommandHandler } from './handlers';
import { ADMIN, createProject, NOW, project, refused, run, STAFF, VIEWER, workspace } from './testing';

describe('executeCommand', () => {
  it('refuses an unknown command name', async () => {
    const store = await workspace();
    const error = await executeCommand(store, { actor: ADMIN, now: NOW }, { name: 'project.delete' as CommandName, payload: {} }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'invalid-argument', messageKey: 'errors.command.unknown', params: { command: 'project.delete' } });
  });

  it('checks the role before looking at the payload', async () => {
    const store = await workspace();
    const error = await refused(store, VIEWER, 'project.create', {} as never);
    expect(error).toMatchObject({ code: 'permission-denied', messageKey: 'errors.permission.role' });
  });

  it('refuses a bad payload with field errors and writes nothing', async () => {
    const store = await workspace();
    const error = await refused(store, STAFF, 'project.create', { name: '', needTotal: -5 } as never);
    expect(error.code).toBe('invalid-argument');
    expect(error.messageKey).toBe('errors.validation');
    expect(error.fieldErrors).toContainEqual({ path: 'name', messageKey: 'errors.field.required' });
    expect(error.fieldErrors).toContainEqual({ path: 'needTotal', messageKey: 'errors.money.negative' });
  });

  it('writes exactly one activity record per accepted command, with who, when, what', async () => {
    const store = await workspace();
    const id = await createProject(store);
    const before = (await store.query<Activity>('activity')).length;
    const result = await run(store, STAFF, 'project.setActionPlan', { projectId: id, expectedVersion: 1, actionPlan: '协调工行省分行' });
    const all = await store.query<Activity>('activity');
    expect(all).toHaveLength(before + 1);
    const activity = (await store.get<Activity>('activity', result.activityId!))!.data;
    expect(activity).toEqual({
      id: result.activityId,
      at: NOW.toISOString(),
      actor: { uid: STAFF.uid, name: STAFF.name, role: 'staff' },
      command: 'project.setActionPlan',
      projectId: id,
      lineId: null,
      before: { actionPlan: '' },
      after: { actionPlan: '协调工行省分行' },
    });
    expect(result.written).toEqual([
      { collection: 'projects', id, version: 2 },
      { collection: 'activity', id: result.activityId, version: 1 },
    ]);
    expect((await project(store, id)).version).toBe(2);
  });

  it('a stale version is a conflict, not an overwrite', async () => {
    const store = await workspace();
    const id = await createProject(store);
    await run(store, STAFF, 'project.setActionPlan', { projectId: id, expectedVersion: 1, actionPlan: 'first' });
    const error = await refused(store, STAFF, 'project.setActionPlan', { projectId: id, expectedVersion: 1, actionPlan: 'second' });
    expect(error).toMatchObject({ code: 'failed-precondition', messageKey: 'errors.conflict' });
    expect((await project(store, id)).data.actionPlan).toBe('first');
  });

  it('two clients moving the same card from the same version: one wins, the other conflicts', async () => {
    const store = await workspace();
    const id = await createProject(store);
    const move = { projectId: id, expectedVersion: 1, toStage: 'matched' as const, before: null, after: null };
    const outcomes = await Promise.allSettled([run(store, STAFF, 'project.move', move), run(store, ADMIN, 'project.move', move)]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const rejected = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toMatchObject({ messageKey: 'errors.conflict' });
    expect((await project(store, id)).version).toBe(2);
  });

  it('runs a handler registered later (month.close comes from the meeting module)', async () => {
    const store = await workspace();
    registerCommandHandler('month.close', async (ctx) => {
      ctx.writer.create('months', ctx.payload.month, { month: ctx.payload.month, status: 'closed' });
      return { activity: { projectId: null, lineId: null, before: null, after: { month: ctx.payload.month } } };
    });
    const result = await run(store, STAFF, 'month.close', { month: '2026-02' });
    expect(await store.get('months', '2026-02')).toMatchObject({ data: { status: 'closed' } });
    expect(result.activityId).toBeDefined();
  });

  it('a handler that throws after writing leaves nothing behind', async () => {
    const store = await workspace();
    registerCommandHandler('month.close', async (ctx) => {
      ctx.writer.create('months', ctx.payload.month, { month: ctx.payload.month });
      throw new DomainError('failed-precondition', 'errors.month.notEnded');
    });
    await refused(store, STAFF, 'month.close', { month: '2026-03' });
  });
});
