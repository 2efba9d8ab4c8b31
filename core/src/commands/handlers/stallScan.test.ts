import { describe, expect, it } from 'vitest';
import type { Activity, Project } from '../../types';
import { DEFAULT_STALL_RULES } from '../../defaults';
import { ADMIN, createProject, project, refused, run, STAFF, workspace } from '../testing';
import { STALL_RULES_CHANGE_DOC_ID } from './shared';

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

  describe('after the limits change', () => {
    const DAY = 86_400_000;
    const at = (days: number) => new Date(Date.parse('2026-03-10T02:00:00.000Z') + days * DAY);
    const limits = (pipeline: number | null) => ({
      stageLimitDays: { ...DEFAULT_STALL_RULES.stageLimitDays, pipeline },
      approvedWarnDays: 60,
      approvedAlarmDays: 90,
      bankSilenceDays: 30,
    });
    const setLimits = async (store: Awaited<ReturnType<typeof workspace>>, pipeline: number | null, now: Date) => {
      const current = await store.get('settings', 'stallRules');
      return run(store, ADMIN, 'rules.setStageLimits', { ...limits(pipeline), expectedVersion: current?.version ?? null }, now);
    };

    it('a tightened limit flags on the next due scan, a loosened one clears, and then the scan is idle again', async () => {
      const store = await workspace();
      const id = await createProject(store);
      // 50 days in 在谈 under a 180-day limit: not due for a check until day 180.
      expect((await run(store, ADMIN, 'stall.scan', {}, at(50))).stats).toMatchObject({ candidates: 0 });

      await setLimits(store, 30, at(50));
      const tightened = await run(store, ADMIN, 'stall.scan', {}, at(50));
      expect(tightened.stats).toMatchObject({ candidates: 1, newlyStalled: 1, written: 1, more: 0 });
      expect((await project(store, id)).data.stall.flags.map((flag) => flag.rule)).toEqual(['stageLimit']);
      expect((await run(store, ADMIN, 'stall.scan', {}, at(50))).stats).toMatchObject({ candidates: 0, written: 0 });

      await setLimits(store, 180, at(51));
      const loosened = await run(store, ADMIN, 'stall.scan', {}, at(51));
      expect(loosened.stats).toMatchObject({ candidates: 1, cleared: 1, written: 1 });
      expect((await project(store, id)).data.stall.stalled).toBe(false);
      const snapshot = store.exportAll();
      expect((await run(store, ADMIN, 'stall.scan', {}, at(52))).written).toEqual([]);
      expect(store.exportAll()).toEqual(snapshot);
    });

    it('pages through the projects evaluated before the change, in the room the due ones leave', async () => {
      const store = await workspace();
      for (let i = 0; i < 3; i += 1) await createProject(store, { name: `项目${i}` });
      await setLimits(store, 30, at(50));
      const first = await run(store, ADMIN, 'stall.scan', { limit: 2 }, at(50));
      expect(first.stats).toMatchObject({ candidates: 2, newlyStalled: 2, more: 1 });
      const second = await run(store, ADMIN, 'stall.scan', { limit: 2 }, at(50));
      expect(second.stats).toMatchObject({ candidates: 1, newlyStalled: 1, more: 0 });
      expect((await run(store, ADMIN, 'stall.scan', { limit: 2 }, at(50))).stats).toMatchObject({ candidates: 0, more: 0 });
    });

    it('a change later than the scan (saved while a job runs its batches) is left to the next scan, which takes it', async () => {
      const store = await workspace();
      await createProject(store);
      await setLimits(store, 30, at(50));
      const earlier = await run(store, ADMIN, 'stall.scan', { limit: 2 }, at(49));
      expect(earlier.stats).toMatchObject({ candidates: 0, more: 0 });
      expect((await run(store, ADMIN, 'stall.scan', { limit: 2 }, at(50))).stats).toMatchObject({ candidates: 1, newlyStalled: 1 });
    });

    it('rules saved unchanged mark no change', async () => {
      const store = await workspace();
      await setLimits(store, 30, at(1));
      const marker = await store.get('settings', STALL_RULES_CHANGE_DOC_ID);
      expect(marker?.data).toEqual({ changedAt: at(1).toISOString() });
      await setLimits(store, 30, at(2));
      expect(await store.get('settings', STALL_RULES_CHANGE_DOC_ID)).toEqual(marker);
      await setLimits(store, 40, at(3));
      expect((await store.get('settings', STALL_RULES_CHANGE_DOC_ID))?.data).toEqual({ changedAt: at(3).toISOString() });
    });
  });

  it('is for admins (and the system actor) only', async () => {
    const store = await workspace();
    expect(await refused(store, STAFF, 'stall.scan', {})).toMatchObject({ code: 'permission-denied' });
  });
});
