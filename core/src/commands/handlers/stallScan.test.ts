import { describe, expect, it } from 'vitest';
import type { Activity, Project } from '../../types';
import { ADMIN, createProject, project, refused, run, STAFF, workspace } from '../testing';

const LATER = new Date('2026-05-01T00:00:00.000Z');

describe('stall.scan', () => {
  it('re-evaluates only due candidates, writes those that changed, and a second run writes nothing', async () => {
    const store = await workspace();
    const due = await createProject(store);
    await run(store, STAFF, 'project.reschedule', { projectId: due, expectedVersion: 1, expectedMonth: '2026-03' });
    const notDue = await createProject(store, { name: '无期限' });
    await run(store, STAFF, 'project.setFlag', { projectId: notDue, expectedVersion: 1, flag: 'suspended', reason: '暂缓' });
    const dueBefore = await project(store, due);
    expect(dueBefore.data.stall.stalled).toBe(false);
    expect(dueBefore.data.stall.nextCheckAt).toBe('2026-03-31T16:00:00.000Z');

    const first = await run(store, ADMIN, 'stall.scan', {}, LATER);
    expect(first.stats).toMatchObject({ candidates: 1, flagged: 1, newlyStalled: 1, written: 1, more: 0 });
    expect(first.written.map((w) => w.collection)).toEqual(['projects', 'activity']);
    const dueAfter = await project(store, due);
    expect(dueAfter.version).toBe(dueBefore.version + 1);
    expect(dueAfter.data.stall.flags.map((f) => f.rule)).toContain('milestonePassed');
    expect(dueAfter.data.clearance.status).toBe('stalled');
    const activity = await store.get<Activity>('activity', first.activityId!);
    expect(activity?.data.after).toMatchObject({ projects: { [due]: { stalled: true, rules: expect.arrayContaining(['milestonePassed']) } } });

    const snapshot = store.exportAll();
    const second = await run(store, ADMIN, 'stall.scan', {}, LATER);
    expect(second).toEqual({ written: [], stats: { candidates: 0, flagged: 0, newlyStalled: 0, cleared: 0, written: 0, more: 0 } });
    expect(store.exportAll()).toEqual(snapshot);
  });

  it('works in batches and says when more are due', async () => {
    const store = await workspace();
    for (let i = 0; i < 3; i += 1) {
      const id = await createProject(store, { name: `项目${i}` });
      await run(store, STAFF, 'project.reschedule', { projectId: id, expectedVersion: 1, expectedMonth: '2026-03' });
    }
    const first = await run(store, ADMIN, 'stall.scan', { limit: 2 }, LATER);
    expect(first.stats).toMatchObject({ candidates: 2, written: 2, more: 1 });
    const second = await run(store, ADMIN, 'stall.scan', { limit: 2 }, LATER);
    expect(second.stats).toMatchObject({ candidates: 1, written: 1, more: 0 });
    const stalled = await store.query<Project>('projects', { where: [{ field: 'stall.stalled', op: '==', value: true }] });
    expect(stalled).toHaveLength(3);
  });

  it("scope 'all' pages through every project once per instant", async () => {
    const store = await workspace();
    await createProject(store, { name: 'a' });
    await createProject(store, { name: 'b' });
    const first = await run(store, ADMIN, 'stall.scan', { scope: 'all', limit: 1 }, LATER);
    const second = await run(store, ADMIN, 'stall.scan', { scope: 'all', limit: 1 }, LATER);
    const third = await run(store, ADMIN, 'stall.scan', { scope: 'all', limit: 1 }, LATER);
    expect([first, second, third].map((r) => r.stats?.written)).toEqual([1, 1, 0]);
    expect(third.activityId).toBeUndefined();
  });

  it('is for admins (and the system actor) only', async () => {
    const store = await workspace();
    expect(await refused(store, STAFF, 'stall.scan', {})).toMatchObject({ code: 'permission-denied' });
  });
});
