/**
 * The demo's stall scan reads only its candidates (the projects whose next check has come, by
 * IndexedDB's `byNextCheck` index), yet stores what core's scan over the whole workspace stores:
 * every project flagged with its reasons, flags that no longer hold cleared, one activity record.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openDB } from 'idb';
import { evaluateStall, type Activity, type Project, type StoredDoc } from '@clearway/core';
import { nothingDueResult, type LocalBackend } from './index';
import { useLocalBackends } from '@/test/localBackends';

const NOW = new Date('2026-11-27T08:00:00.000Z');
const PAST = '2026-11-01T00:00:00.000Z';
let dbCounter = 0;
const restore: (() => void)[] = [];

/** Tabs whose scan on load never starts (it waits for a paint that never comes). */
const { open, close } = useLocalBackends({ firstScanAfter: new Promise<void>(() => undefined), now: () => NOW });

afterEach(() => {
  restore.splice(0).forEach((undo) => undo());
});

type Row = { collection: string; id: string; version: number; data: unknown; schemaVersion?: number; seq?: number };

/**
 * A seeded, scanned database whose stored stall summaries are wrong for a few projects (as if
 * the days had passed since the last scan): one stalled project stored as not stalled, and one
 * not stalled stored as stalled with a made-up reason, both due for a check.
 */
async function staleDatabase(): Promise<{ dbName: string; hidden: string; bogus: string }> {
  const dbName = `scan-${++dbCounter}`;
  const tab = await open({ dbName });
  await tab.runStallScan();
  close(tab);
  const db = await openDB(dbName);
  const rows = (await db.getAll('docs', IDBKeyRange.bound('projects/', 'projects0', false, true))) as Row[];
  const projectOf = (row: Row) => row.data as Project;
  const stalled = rows.find((row) => projectOf(row).stall.stalled)!;
  const calm = rows.find((row) => !projectOf(row).stall.stalled && projectOf(row).stall.nextCheckAt !== null)!;
  expect(stalled && calm).toBeTruthy();
  const rewrite = async (row: Row, stall: Project['stall']) => db.put('docs', { ...row, data: { ...projectOf(row), stall } }, `projects/${row.id}`);
  await rewrite(stalled, { ...projectOf(stalled).stall, stalled: false, flags: [], nextCheckAt: PAST });
  await rewrite(calm, {
    ...projectOf(calm).stall,
    stalled: true,
    flags: [{ rule: 'milestonePassed', since: PAST, params: { month: '2026-09', level: 'alarm' } }],
    nextCheckAt: PAST,
  });
  db.close();
  return { dbName, hidden: stalled.id, bogus: calm.id };
}

/** Records bulk reads of IndexedDB (store or index, key range's upper or lower bound). */
function recordBulkReads(): string[] {
  const reads: string[] = [];
  const bound = (range: unknown) => (range instanceof IDBKeyRange ? String(range.lower ?? range.upper) : '(all)');
  const store = IDBObjectStore.prototype;
  const index = IDBIndex.prototype;
  const originals = { getAll: store.getAll, indexGetAll: index.getAll };
  store.getAll = function (this: IDBObjectStore, query?: unknown, count?: number) {
    reads.push(`${this.name} ${bound(query)}`);
    return originals.getAll.call(this, query as IDBKeyRange, count);
  };
  index.getAll = function (this: IDBIndex, query?: unknown, count?: number) {
    reads.push(`${this.objectStore.name}.${this.name} ${bound(query)}`);
    return originals.indexGetAll.call(this, query as IDBKeyRange, count);
  };
  restore.push(() => {
    store.getAll = originals.getAll;
    index.getAll = originals.indexGetAll;
  });
  return reads;
}

async function storedProjects(dbName: string): Promise<Map<string, Project>> {
  const db = await openDB(dbName);
  const rows = (await db.getAll('docs', IDBKeyRange.bound('projects/', 'projects0', false, true))) as Row[];
  db.close();
  return new Map(rows.map((row) => [row.id, row.data as Project]));
}

async function storedActivity(dbName: string): Promise<Activity[]> {
  const db = await openDB(dbName);
  const rows = (await db.getAll('docs', IDBKeyRange.bound('activity/', 'activity0', false, true))) as Row[];
  db.close();
  return rows.map((row) => row.data as Activity).filter((activity) => activity.command === 'stall.scan');
}

/** The stall summaries as stored, without the evaluation instant. */
function summaries(projects: Map<string, Project>): Map<string, unknown> {
  return new Map([...projects].map(([id, project]) => [id, { ...project.stall, evaluatedAt: null }]));
}

async function scanWithProjectsInMemory(tab: LocalBackend) {
  await tab.store.query('projects');
  expect(tab.store.isLoaded('projects')).toBe(true);
  return tab.runStallScan();
}

describe('the stall scan of the demo', () => {
  it('reads only the due projects, yet stores what a scan of every project stores', async () => {
    const candidates = await staleDatabase();
    const full = await staleDatabase();

    const reads = recordBulkReads();
    const tab = await open({ dbName: candidates.dbName });
    const result = await tab.runStallScan();
    expect(reads.filter((read) => read.startsWith('docs.byNextCheck'))).toEqual([`docs.byNextCheck ${NOW.toISOString()}`]);
    // No project, line or history read by key range: only the board's own collections.
    expect(reads.filter((read) => /^docs (projects|loanLines|activity)\//.test(read))).toEqual([]);
    expect(tab.store.isLoaded('projects')).toBe(false);
    expect(result?.stats).toMatchObject({ candidates: 2, written: 2, newlyStalled: 1, cleared: 1 });

    const reference = await open({ dbName: full.dbName });
    const fullResult = await scanWithProjectsInMemory(reference);
    expect(result?.stats).toEqual(fullResult?.stats);
    expect(summaries(await storedProjects(candidates.dbName))).toEqual(summaries(await storedProjects(full.dbName)));

    // The stored summaries are core's rules applied to the stored projects.
    const after = await storedProjects(candidates.dbName);
    for (const id of [candidates.hidden, candidates.bogus]) {
      const project = after.get(id)!;
      const expected = evaluateStall(project, project.lines, NOW, (await tab.store.get('settings', 'stallRules'))?.data as never);
      expect({ ...project.stall, evaluatedAt: null }).toEqual({ ...expected, evaluatedAt: null });
    }
    expect(after.get(candidates.hidden)!.stall.stalled).toBe(true);
    expect(after.get(candidates.hidden)!.stall.flags.length).toBeGreaterThan(0);
    expect(after.get(candidates.bogus)!.stall).toMatchObject({ stalled: false });
    expect(after.get(candidates.bogus)!.stall.flags.some((flag) => flag.rule === 'milestonePassed' && flag.params.month === '2026-09')).toBe(false);

    // One activity record, as the full scan writes it.
    const [activity] = await storedActivity(candidates.dbName);
    const [fullActivity] = await storedActivity(full.dbName);
    expect(activity && { before: activity.before, after: activity.after }).toEqual(fullActivity && { before: fullActivity.before, after: fullActivity.after });
  });

  it("updates this tab's cards with what it stored, and a reload reads them", async () => {
    const { dbName, hidden, bogus } = await staleDatabase();
    const tab = await open({ dbName });
    let cards: StoredDoc<{ stall: Project['stall'] }>[] = [];
    const stop = tab.watchBoard!((docs) => (cards = docs as never));
    await tab.runStallScan();
    expect(cards.find((card) => card.id === hidden)?.data.stall.stalled).toBe(true);
    expect(cards.find((card) => card.id === bogus)?.data.stall.stalled).toBe(false);
    stop();
    close(tab);
    const reloaded = await open({ dbName });
    reloaded.watchBoard!((docs) => (cards = docs as never))();
    expect(cards.find((card) => card.id === hidden)?.data.stall.stalled).toBe(true);
    expect((await reloaded.store.get<Project>('projects', bogus))?.data.stall.stalled).toBe(false);
  });

  it('with nothing due answers as core\'s scan does, and writes nothing', async () => {
    const dbName = `scan-${++dbCounter}`;
    const tab = await open({ dbName });
    await tab.runStallScan();
    const reads = recordBulkReads();
    expect(await tab.runStallScan()).toEqual(nothingDueResult());
    expect(reads.filter((read) => /^docs (projects|loanLines|activity)\//.test(read))).toEqual([]);
    expect(await scanWithProjectsInMemory(tab)).toEqual(nothingDueResult());
  });

  it('after the limits changed, re-evaluates every project once (not only the due ones), then scans candidates again', async () => {
    const dbName = `scan-${++dbCounter}`;
    // The tabs of one browser share its localStorage, where a scan notes what it has covered.
    const items = new Map<string, string>();
    const storage = {
      getItem: (key: string) => items.get(key) ?? null,
      setItem: (key: string, value: string) => void items.set(key, value),
      removeItem: (key: string) => void items.delete(key),
    } as unknown as Storage;
    await open({ dbName, storage }).then(async (first) => {
      await first.runStallScan();
      close(first);
    });
    // The limits change a minute after that scan, and the next tab opens a minute later.
    const minutes = (n: number) => () => new Date(NOW.getTime() + n * 60_000);
    const tab = await open({ dbName, storage, now: minutes(1) });
    const admin = tab.local.identities().find((identity) => identity.role === 'admin')!;
    await tab.local.switchIdentity(admin.uid);
    const rules = (await tab.store.get<{ stageLimitDays: Record<string, number | null> }>('settings', 'stallRules'))!;
    const stageLimitDays = Object.fromEntries(Object.entries(rules.data.stageLimitDays).map(([stage, days]) => [stage, days === null ? null : 1]));
    await tab.execute({ name: 'rules.setStageLimits', payload: { ...rules.data, stageLimitDays, expectedVersion: rules.version } });
    close(tab);
    const overLimit = (projects: Map<string, Project>) =>
      [...projects.values()].filter((project) => project.stall.flags.some((flag) => flag.rule === 'stageLimit' && flag.params.basis === 'stage')).length;
    const before = overLimit(await storedProjects(dbName));

    const reopened = await open({ dbName, storage, now: minutes(2) });
    const result = await reopened.runStallScan();
    const after = await storedProjects(dbName);
    expect(overLimit(after)).toBeGreaterThan(before);
    expect(result?.stats?.more).toBe(0);
    for (const project of after.values()) expect(project.stall.evaluatedAt).toBe(minutes(2)().toISOString());

    // Covered: the next tab's scan reads the due candidates by the index again, no project by key range.
    close(reopened);
    const next = await open({ dbName, storage, now: minutes(3) });
    const reads = recordBulkReads();
    await next.runStallScan();
    expect(reads.some((read) => read.startsWith('docs.byNextCheck'))).toBe(true);
    expect(reads.filter((read) => /^docs projects\//.test(read))).toEqual([]);
  });
});
