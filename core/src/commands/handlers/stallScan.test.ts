import { describe, expect, it } from 'vitest';
import type { Activity, Project, StallRules } from '../../types';
import { DEFAULT_STALL_RULES, defaultStallRules } from '../../defaults';
import { deriveProject } from '../../derive';
import { storedSize } from '../../meeting/snapshotStorage';
import type { MemoryDocumentStore } from '../../store/memoryDocumentStore';
import type { CommandResult } from '../contract';
import { ADMIN, createProject, project, refused, run, STAFF, workspace } from '../testing';
import { STALL_SCAN_MAX_SKIPPED } from './stallScan';
import { assertProjectFits, PROJECT_DOCUMENT_BUDGET_BYTES, STALL_RULES_CHANGE_DOC_ID } from './shared';

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

  describe('a project it cannot write', () => {
    const DAY = 86_400_000;
    const at = (days: number) => new Date(Date.parse('2026-03-10T02:00:00.000Z') + days * DAY);
    const TOO_LARGE = { messageKey: 'errors.project.tooLarge', params: { size: expect.any(Number), max: 878 } };

    async function rulesOf(store: MemoryDocumentStore): Promise<StallRules> {
      return (await store.get<StallRules>('settings', 'stallRules'))?.data ?? defaultStallRules();
    }

    function replaceProject(store: MemoryDocumentStore, id: string, data: Project): void {
      const snapshot = store.exportAll();
      snapshot.projects = snapshot.projects.map((doc) => (doc.id === id ? { ...doc, data } : doc));
      store.importAll(snapshot);
    }

    /**
     * Fills the action plan of `id` up to the document budget, which it still fits: what the scan
     * at `now` adds (its flags) takes it over. `stall` puts it first in the scan's order.
     */
    async function nearTheBudget(store: MemoryDocumentStore, id: string, now: Date, stall: Partial<Project['stall']>): Promise<void> {
      const stored = (await project(store, id)).data;
      const rules = await rulesOf(store);
      const small: Project = { ...stored, actionPlan: '', stall: { ...stored.stall, ...stall } };
      const base = storedSize('projects', id, small);
      expect(storedSize('projects', id, deriveProject(small, undefined, rules, now)) - base).toBeGreaterThan(3);
      const big: Project = { ...small, actionPlan: '措'.repeat(Math.floor((PROJECT_DOCUMENT_BUDGET_BYTES - base) / 3)) };
      expect(() => assertProjectFits(big)).not.toThrow();
      expect(() => assertProjectFits(deriveProject(big, undefined, rules, now))).toThrow(expect.objectContaining({ messageKey: 'errors.project.tooLarge' }));
      replaceProject(store, id, big);
    }

    /** Batches as the server's job and the Cloud Function run them, with a bound they must not reach. */
    async function scanRun(store: MemoryDocumentStore, now: Date, limit: number): Promise<CommandResult[]> {
      const batches: CommandResult[] = [];
      while (batches.length < 20) {
        const result = await run(store, ADMIN, 'stall.scan', { limit }, now);
        batches.push(result);
        if (!result.stats?.more || !result.stats.written) return batches;
      }
      throw new Error('the scan did not end');
    }

    const written = (batches: CommandResult[]) => batches.flatMap((b) => b.written.filter((w) => w.collection === 'projects').map((w) => w.id));
    const skippedIds = (batches: CommandResult[]) => [...new Set(batches.flatMap((b) => (b.skipped ?? []).map((s) => s.projectId)))];

    it('is skipped and reported, and the due projects behind it, beyond one page, are all evaluated', async () => {
      const store = await workspace();
      const bad = await createProject(store, { name: '过大' });
      await run(store, STAFF, 'project.reschedule', { projectId: bad, expectedVersion: 1, expectedMonth: '2026-03' });
      const due: string[] = [];
      for (let i = 0; i < 5; i += 1) {
        const id = await createProject(store, { name: `项目${i}` });
        await run(store, STAFF, 'project.reschedule', { projectId: id, expectedVersion: 1, expectedMonth: '2026-03' });
        due.push(id);
      }
      await nearTheBudget(store, bad, at(52), { nextCheckAt: '2026-03-01T00:00:00.000Z' });
      const badBefore = await project(store, bad);

      const batches = await scanRun(store, at(52), 2);
      expect(written(batches).sort()).toEqual([...due].sort());
      for (const id of due) expect((await project(store, id)).data.stall.flags.map((f) => f.rule)).toContain('milestonePassed');
      expect(await project(store, bad)).toEqual(badBefore);
      // Every batch read it first and went past it.
      for (const batch of batches) expect(batch.skipped).toEqual([{ projectId: bad, ...TOO_LARGE }]);
      expect(batches.map((b) => b.stats?.written)).toEqual([2, 2, 1]);
      expect(batches.at(-1)?.stats).toMatchObject({ candidates: 1, more: 0 });
      const records = await store.query<Activity>('activity', { where: [{ field: 'command', op: '==', value: 'stall.scan' }] });
      expect(records.map((r) => r.data.after?.skipped)).toEqual([{ [bad]: TOO_LARGE.messageKey }, { [bad]: TOO_LARGE.messageKey }, { [bad]: TOO_LARGE.messageKey }]);

      // Idempotent: the same instant writes nothing, records nothing, and says what it skipped.
      const snapshot = store.exportAll();
      const again = await scanRun(store, at(52), 2);
      expect(again).toEqual([
        { written: [], stats: { candidates: 0, flagged: 0, newlyStalled: 0, cleared: 0, written: 0, more: 0 }, skipped: [{ projectId: bad, ...TOO_LARGE }] },
      ]);
      expect(store.exportAll()).toEqual(snapshot);

      // Nothing remembers the skip: the next day's run tries it again, and writes it once it fits.
      expect(skippedIds(await scanRun(store, at(53), 2))).toEqual([bad]);
      replaceProject(store, bad, { ...(await project(store, bad)).data, actionPlan: '一项一策' });
      const fixed = await scanRun(store, at(54), 2);
      expect(written(fixed)).toEqual([bad]);
      expect(skippedIds(fixed)).toEqual([]);
      expect((await project(store, bad)).data.stall.stalled).toBe(true);
    });

    it('after the limits change, does not hold back the projects evaluated after it', async () => {
      const store = await workspace();
      const ids: string[] = [];
      for (let i = 0; i < 5; i += 1) ids.push(await createProject(store, { name: `项目${i}` }));
      const [bad, ...others] = ids as [string, ...string[]];
      const current = await store.get('settings', 'stallRules');
      await run(
        store,
        ADMIN,
        'rules.setStageLimits',
        { stageLimitDays: { ...DEFAULT_STALL_RULES.stageLimitDays, pipeline: 30 }, approvedWarnDays: 60, approvedAlarmDays: 90, bankSilenceDays: 30, expectedVersion: current?.version ?? null },
        at(50),
      );
      // Evaluated first of all, so first in the change's order: it was what every page began with.
      await nearTheBudget(store, bad, at(50), { evaluatedAt: '2026-03-01T00:00:00.000Z' });

      const batches = await scanRun(store, at(50), 2);
      expect(written(batches).sort()).toEqual([...others].sort());
      for (const id of others) expect((await project(store, id)).data.stall.flags.map((f) => f.rule)).toEqual(['stageLimit']);
      expect(skippedIds(batches)).toEqual([bad]);
      expect(batches.at(-1)?.stats).toMatchObject({ more: 0 });
      expect(batches.at(-1)?.skipped).toEqual([{ projectId: bad, ...TOO_LARGE }]);

      const snapshot = store.exportAll();
      const again = await scanRun(store, at(50), 2);
      expect(again.map((b) => [b.written, b.stats?.written, b.activityId])).toEqual([[[], 0, undefined]]);
      expect(skippedIds(again)).toEqual([bad]);
      expect(store.exportAll()).toEqual(snapshot);
    });

    it('a page of nothing but unwritable projects reads past them, and a run over no other ends', async () => {
      const store = await workspace();
      const bad = [await createProject(store, { name: '过大甲' }), await createProject(store, { name: '过大乙' })];
      const good = await createProject(store, { name: '正常' });
      for (const id of [...bad, good]) await run(store, STAFF, 'project.reschedule', { projectId: id, expectedVersion: 1, expectedMonth: '2026-03' });
      for (const id of bad) await nearTheBudget(store, id, at(52), { nextCheckAt: '2026-03-01T00:00:00.000Z' });

      const first = await run(store, ADMIN, 'stall.scan', { limit: 1 }, at(52));
      expect(first.stats).toMatchObject({ candidates: 1, written: 1 });
      expect(first.written.filter((w) => w.collection === 'projects').map((w) => w.id)).toEqual([good]);
      expect(first.skipped?.map((s) => s.projectId).sort()).toEqual([...bad].sort());
      const second = await run(store, ADMIN, 'stall.scan', { limit: 1 }, at(52));
      expect(second).toMatchObject({ written: [], stats: { candidates: 0, written: 0, more: 0 } });
      expect(second.skipped).toHaveLength(2);
    });

    it('a project that fails to derive is skipped too, as an internal error', async () => {
      const store = await workspace();
      const broken = await createProject(store, { name: '损坏' });
      const fine = await createProject(store, { name: '正常' });
      for (const id of [broken, fine]) await run(store, STAFF, 'project.reschedule', { projectId: id, expectedVersion: 1, expectedMonth: '2026-03' });
      const stored = (await project(store, broken)).data;
      replaceProject(store, broken, { ...stored, lines: [null], stall: { ...stored.stall, nextCheckAt: '2026-03-01T00:00:00.000Z' } } as unknown as Project);

      const result = await run(store, ADMIN, 'stall.scan', { limit: 1 }, at(52));
      expect(result.skipped).toEqual([{ projectId: broken, messageKey: 'errors.internal' }]);
      expect(result.written.filter((w) => w.collection === 'projects').map((w) => w.id)).toEqual([fine]);
    });

    it(`past ${STALL_SCAN_MAX_SKIPPED} unwritable ones a page stops reading, and the run ends`, async () => {
      const store = await workspace();
      const broken: string[] = [];
      for (let i = 0; i <= STALL_SCAN_MAX_SKIPPED; i += 1) broken.push(await createProject(store, { name: `损坏${i}` }));
      const behind = await createProject(store, { name: '正常' });
      for (const id of [...broken, behind]) await run(store, STAFF, 'project.reschedule', { projectId: id, expectedVersion: 1, expectedMonth: '2026-03' });
      for (const id of broken) {
        const stored = (await project(store, id)).data;
        replaceProject(store, id, { ...stored, lines: [null], stall: { ...stored.stall, nextCheckAt: '2026-03-01T00:00:00.000Z' } } as unknown as Project);
      }

      const batches = await scanRun(store, at(52), 1);
      expect(batches).toHaveLength(1);
      expect(batches[0]).toMatchObject({ written: [], stats: { written: 0, more: 1 } });
      expect(batches[0]!.skipped).toHaveLength(STALL_SCAN_MAX_SKIPPED + 1);
    });
  });

  it('is for admins (and the system actor) only', async () => {
    const store = await workspace();
    expect(await refused(store, STAFF, 'stall.scan', {})).toMatchObject({ code: 'permission-denied' });
  });
});
