import { afterEach, describe, expect, it } from 'vitest';
import { boardCardOf, isDomainError, type BoardCard, type Project, type StoredDoc } from '@clearway/core';
import { createLocalBackend, SCAN_MEMO_PREFIX, STALL_SCAN_INTERVAL_MS, type LocalBackend, type LocalBackendOptions } from './index';
import { createChannelHub } from './syncChannel';
import { IDENTITY_STORAGE_KEY } from './identity';
import { LocalPersistence } from './persistence';

const NOW = new Date('2026-11-27T08:00:00.000Z');
let dbCounter = 0;
const opened: LocalBackend[] = [];

function memoryStorage() {
  const values = new Map<string, string>();
  return {
    getItem: (key: string) => values.get(key) ?? null,
    setItem: (key: string, value: string) => void values.set(key, value),
  };
}

async function open(options: LocalBackendOptions = {}): Promise<LocalBackend> {
  const backend = await createLocalBackend({
    channel: null,
    storage: memoryStorage(),
    stallScanIntervalMs: null,
    now: () => NOW,
    ...options,
  });
  await backend.ready();
  opened.push(backend);
  return backend;
}

async function projects(backend: LocalBackend): Promise<StoredDoc<Project>[]> {
  return backend.store.query<Project>('projects');
}

/** A project that may move back one column (backwards moves pass every gate). */
async function movableProject(backend: LocalBackend): Promise<StoredDoc<Project>> {
  const all = await projects(backend);
  const found = all.find((doc) => doc.data.stage === 'approval' && doc.data.flag === null);
  if (!found) throw new Error('the sample has no project under approval');
  return found;
}

function moveBack(doc: StoredDoc<Project>) {
  return {
    name: 'project.move' as const,
    payload: { projectId: doc.id, expectedVersion: doc.version, toStage: 'diligence', before: null, after: null },
  };
}

/** Lets queued microtasks and IndexedDB callbacks run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

afterEach(() => {
  opened.splice(0).forEach((backend) => backend.dispose());
});

describe('local backend', () => {
  it('seeds the sample workspace on first start and keeps a change across a reload', async () => {
    const dbName = `clearway-test-${++dbCounter}`;
    const first = await open({ dbName });
    expect((await projects(first)).length).toBeGreaterThanOrEqual(40);
    expect((await first.store.query('banks')).length).toBeGreaterThanOrEqual(8);

    const doc = await movableProject(first);
    await first.execute(moveBack(doc));
    await first.flush();
    first.dispose();
    opened.splice(opened.indexOf(first), 1);

    const reloaded = await open({ dbName });
    const again = await reloaded.store.get<Project>('projects', doc.id);
    expect(again?.data.stage).toBe('diligence');
    expect(again?.version).toBe(doc.version + 1);
    const activity = await reloaded.store.query('activity', { where: [{ field: 'projectId', op: '==', value: doc.id }] });
    expect(activity.length).toBeGreaterThan(0);
  });

  it('keeps two tabs in step through the sync channel', async () => {
    const dbName = `clearway-test-${++dbCounter}`;
    const hub = createChannelHub();
    const tabA = await open({ dbName, channel: hub.join() });
    await tabA.flush();
    const tabB = await open({ dbName, channel: hub.join() });

    const doc = await movableProject(tabA);
    const seenByB: string[] = [];
    const stop = tabB.watchDoc<Project>('projects', doc.id, (next) => {
      if (next) seenByB.push(next.data.stage);
    });
    await settle();

    await tabA.execute(moveBack(doc));
    await settle();

    expect((await tabB.store.get<Project>('projects', doc.id))?.data.stage).toBe('diligence');
    expect(seenByB).toEqual(['approval', 'diligence']);
    stop();
  });

  it('resets the sample data, and the other tab follows', async () => {
    const dbName = `clearway-test-${++dbCounter}`;
    const hub = createChannelHub();
    const tabA = await open({ dbName, channel: hub.join() });
    await tabA.flush();
    const tabB = await open({ dbName, channel: hub.join() });
    const doc = await movableProject(tabA);
    await tabA.execute(moveBack(doc));
    await settle();
    expect((await tabB.store.get<Project>('projects', doc.id))?.data.stage).toBe('diligence');

    await tabA.local.resetSampleData();
    await settle();
    await tabB.flush();

    expect((await tabA.store.get<Project>('projects', doc.id))?.data.stage).toBe('approval');
    expect((await tabB.store.get<Project>('projects', doc.id))?.data.stage).toBe('approval');
    const reloaded = await open({ dbName });
    expect((await reloaded.store.get<Project>('projects', doc.id))?.data.stage).toBe('approval');
  });

  it('switches identity, remembers it, and runs commands as that person', async () => {
    const storage = memoryStorage();
    const backend = await open({ dbName: `clearway-test-${++dbCounter}`, storage });
    const actors: (string | undefined)[] = [];
    backend.watchActor((actor) => actors.push(actor?.uid));
    expect(backend.local.identities().map((identity) => identity.role)).toEqual(
      expect.arrayContaining(['admin', 'staff', 'liaison', 'viewer']),
    );

    await backend.local.switchIdentity('u-viewer');
    expect(actors).toEqual(['u-staff', 'u-viewer']);
    expect(storage.getItem(IDENTITY_STORAGE_KEY)).toBe('u-viewer');

    const doc = await movableProject(backend);
    const refusal = await backend.execute(moveBack(doc)).catch((error: unknown) => error);
    expect(isDomainError(refusal) && refusal.messageKey).toBe('errors.permission.role');
    expect((await backend.store.get<Project>('projects', doc.id))?.version).toBe(doc.version);

    const next = await open({ dbName: `clearway-test-${++dbCounter}`, storage });
    const remembered: (string | undefined)[] = [];
    next.watchActor((actor) => remembered.push(actor?.uid));
    expect(remembered).toEqual(['u-viewer']);
  });

  it('runs the stall scan as the system on start', async () => {
    const backend = await open({ dbName: `clearway-test-${++dbCounter}` });
    const result = await backend.runStallScan();
    expect(result).not.toBeNull();
    // Idempotent: the start already scanned, so a second scan changes nothing.
    expect(result!.written.filter((write) => write.collection === 'projects')).toEqual([]);
  });

  it('skips the scan on load when this workspace was scanned within the interval, and scans again after it', async () => {
    const dbName = `clearway-test-${++dbCounter}`;
    const storage = memoryStorage();
    const scannedAt = () => (JSON.parse(storage.getItem(`${SCAN_MEMO_PREFIX}${dbName}`) ?? '{}') as { at?: string }).at;
    await open({ dbName, storage });
    expect(scannedAt()).toBe(NOW.toISOString());

    const soon = new Date(NOW.getTime() + 60_000);
    await open({ dbName, storage, now: () => soon });
    expect(scannedAt()).toBe(NOW.toISOString());

    const later = new Date(NOW.getTime() + STALL_SCAN_INTERVAL_MS + 60_000);
    await open({ dbName, storage, now: () => later });
    expect(scannedAt()).toBe(later.toISOString());

    // Another workspace in the same database (a reset) is scanned on its first load.
    const tab = await open({ dbName, storage, now: () => later });
    await tab.local.resetSampleData();
    const afterReset = new Date(later.getTime() + 60_000);
    storage.setItem(`${SCAN_MEMO_PREFIX}${dbName}`, JSON.stringify({ epoch: 'an-older-epoch', at: later.toISOString() }));
    await open({ dbName, storage, now: () => afterReset });
    expect(scannedAt()).toBe(afterReset.toISOString());
  });

  it("watches the board's cards: each project's card, and a move re-projects only the card it wrote", async () => {
    const backend = await open({ dbName: `clearway-test-${++dbCounter}` });
    const results: StoredDoc<BoardCard>[][] = [];
    const stop = backend.watchBoard!((docs) => results.push(docs));
    await settle();
    const all = await projects(backend);
    expect(results.at(-1)).toEqual(all.map((doc) => ({ id: doc.id, version: doc.version, data: boardCardOf(doc.data) })));
    const before = results.at(-1)!;
    const doc = await movableProject(backend);
    await backend.execute(moveBack(doc));
    await settle();
    const after = results.at(-1)!;
    expect(after.find((card) => card.id === doc.id)?.data.stage).toBe('diligence');
    const untouched = after.filter((card) => card.id !== doc.id);
    expect(untouched.every((card) => before.includes(card))).toBe(true);
    stop();
  });

  it('lets go of IndexedDB and its channel when the page is unloaded, not when it goes into the back-forward cache', async () => {
    const closed: string[] = [];
    const openPersistence = async (name: string) => {
      const persistence = await LocalPersistence.open(name);
      const close = persistence.close.bind(persistence);
      persistence.close = () => {
        closed.push('persistence');
        close();
      };
      return persistence;
    };
    const hub = createChannelHub();
    const channel = hub.join();
    const closeChannel = channel.close.bind(channel);
    channel.close = () => {
      closed.push('channel');
      closeChannel();
    };
    await open({ dbName: `clearway-test-${++dbCounter}`, openPersistence, channel });
    const pageHide = (persisted: boolean) => window.dispatchEvent(Object.assign(new Event('pagehide'), { persisted }));
    pageHide(true);
    expect(closed).toEqual([]);
    pageHide(false);
    expect(closed.sort()).toEqual(['channel', 'persistence']);
  });
});
