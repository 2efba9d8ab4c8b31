/**
 * Firestore's persistent cache of the app (localCache.ts): it is cleared (instance terminated,
 * IndexedDB persistence cleared, a fresh instance opened) whenever nobody is signed in and before
 * another person's reads, retried while another tab holds it, and kept for the same person.
 * The SDK's functions are replaced by recorders: what is tested is when the cache is cleared.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';

const sdk = vi.hoisted(() => ({
  calls: [] as string[],
  opened: 0,
  /** How many clears fail (another tab holds the cache) before one succeeds. */
  failingClears: 0,
}));

vi.mock('firebase/firestore', () => ({
  initializeFirestore: (_app: unknown, settings: { localCache: { kind: string } }) => {
    sdk.opened += 1;
    sdk.calls.push(`open:${settings.localCache.kind}`);
    return { instance: sdk.opened };
  },
  connectFirestoreEmulator: () => sdk.calls.push('emulator'),
  persistentLocalCache: () => ({ kind: 'persistent' }),
  persistentMultipleTabManager: () => ({ kind: 'multi-tab' }),
  memoryLocalCache: () => ({ kind: 'memory' }),
  terminate: async (db: { instance: number }) => {
    sdk.calls.push(`terminate:${db.instance}`);
  },
  clearIndexedDbPersistence: async (db: { instance: number }) => {
    if (sdk.failingClears > 0) {
      sdk.failingClears -= 1;
      sdk.calls.push(`clear-refused:${db.instance}`);
      throw Object.assign(new Error('in use by another tab'), { code: 'failed-precondition' });
    }
    sdk.calls.push(`clear:${db.instance}`);
  },
}));

const { CACHE_OWNER_KEY, openLocalCache } = await import('./localCache');

const app = {} as never;
const config = { emulators: null } as never;

beforeEach(() => {
  sdk.calls = [];
  sdk.opened = 0;
  sdk.failingClears = 0;
  localStorage.clear();
});

describe('the Firestore cache across sessions', () => {
  it('keeps the cache for the person whose documents it holds, and names them', async () => {
    localStorage.setItem(CACHE_OWNER_KEY, 'staff-1');
    const cache = openLocalCache(app, config, true);
    await cache.claim('staff-1');
    expect(sdk.calls).toEqual(['open:persistent']);
    expect(localStorage.getItem(CACHE_OWNER_KEY)).toBe('staff-1');
  });

  it('clears another person’s cache before the reads of whoever signed in start', async () => {
    localStorage.setItem(CACHE_OWNER_KEY, 'staff-1');
    const cache = openLocalCache(app, config, true);
    const claimed = cache.claim('liaison-1');
    expect(cache.busy()).toBe(true);
    await claimed;
    expect(sdk.calls).toEqual(['open:persistent', 'terminate:1', 'clear:1', 'open:persistent']);
    expect(cache.current()).toEqual({ instance: 2 });
    expect(localStorage.getItem(CACHE_OWNER_KEY)).toBe('liaison-1');
    expect(cache.busy()).toBe(false);
  });

  it('clears the cache on sign-out and forgets whose it was', async () => {
    const cache = openLocalCache(app, config, true);
    await cache.claim('staff-1');
    await cache.forget();
    expect(sdk.calls).toEqual(['open:persistent', 'terminate:1', 'clear:1', 'open:persistent']);
    expect(localStorage.getItem(CACHE_OWNER_KEY)).toBeNull();
  });

  it('clears at a start with no session a cache that a session elsewhere left', async () => {
    localStorage.setItem(CACHE_OWNER_KEY, 'staff-1');
    const cache = openLocalCache(app, config, true);
    await cache.forget();
    expect(sdk.calls).toContain('clear:1');
    expect(localStorage.getItem(CACHE_OWNER_KEY)).toBeNull();
  });

  it('does nothing at a start with no session and nothing cached', async () => {
    const cache = openLocalCache(app, config, true);
    await cache.forget();
    expect(sdk.calls).toEqual(['open:persistent']);
  });

  it('retries a clear another tab refuses, and keeps the owner named when it never succeeds', async () => {
    vi.useFakeTimers();
    try {
      const cache = openLocalCache(app, config, true);
      await cache.claim('staff-1');
      sdk.failingClears = 2;
      const first = cache.forget();
      await vi.runAllTimersAsync();
      await first;
      expect(sdk.calls.filter((call) => call.startsWith('clear'))).toEqual(['clear-refused:1', 'clear-refused:1', 'clear:1']);
      expect(localStorage.getItem(CACHE_OWNER_KEY)).toBeNull();

      await cache.claim('staff-1');
      sdk.failingClears = 1_000;
      const second = cache.forget();
      await vi.runAllTimersAsync();
      await second;
      // Still named: the next start (or sign-in of someone else) clears it.
      expect(localStorage.getItem(CACHE_OWNER_KEY)).toBe('staff-1');
    } finally {
      vi.useRealTimers();
    }
  });

  it('a sign-in during a clear waits for it', async () => {
    const cache = openLocalCache(app, config, true);
    await cache.claim('staff-1');
    void cache.forget();
    await cache.claim('viewer-1');
    expect(sdk.calls).toEqual(['open:persistent', 'terminate:1', 'clear:1', 'open:persistent']);
    expect(cache.current()).toEqual({ instance: 2 });
    expect(localStorage.getItem(CACHE_OWNER_KEY)).toBe('viewer-1');
  });

  it('uses memory where there is no persistent cache, and never clears it', async () => {
    const cache = openLocalCache(app, config, false);
    await cache.claim('staff-1');
    await cache.forget();
    expect(sdk.calls).toEqual(['open:memory']);
    expect(localStorage.getItem(CACHE_OWNER_KEY)).toBeNull();
  });
});
