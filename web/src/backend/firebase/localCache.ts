/**
 * Firestore's local cache for this app: persistent (IndexedDB, shared by the tabs of the browser)
 * where the browser has IndexedDB, so that a reload or a second tab paints the board from the
 * cache at once while the listen catches up with the server; in memory elsewhere (Node: the
 * integration tests).
 *
 * Whoever is signed out leaves nothing readable: a bureau member's cache holds every bank's
 * figures, and an office PC is shared. So the cache is cleared whenever nobody is signed in
 * (sign-out here or in another tab, a session that ended, a start with no session), and before
 * someone else's session uses it, or the same person's in another role: a marker in localStorage
 * names the reader (uid, role, bank, unit) whose data the cache may hold until a clear has
 * succeeded (a clear waits or fails while another tab still has the cache open; it is retried,
 * and else done on the next start).
 */
import {
  clearIndexedDbPersistence,
  connectFirestoreEmulator,
  initializeFirestore,
  memoryLocalCache,
  persistentLocalCache,
  persistentMultipleTabManager,
  terminate,
  type Firestore,
} from 'firebase/firestore';
import type { FirebaseApp } from 'firebase/app';
import type { FirebaseWebConfig } from './config';

/** The localStorage key naming the reader (uid, role, bank, unit) whose documents the persistent cache may hold. */
export const CACHE_OWNER_KEY = 'clearway.firestoreCache.owner';

const CLEAR_ATTEMPTS = 10;
const CLEAR_RETRY_MS = 250;

export function persistentCacheAvailable(): boolean {
  return typeof indexedDB !== 'undefined' && typeof localStorage !== 'undefined';
}

function storedOwner(): string | null {
  try {
    return localStorage.getItem(CACHE_OWNER_KEY);
  } catch {
    return null;
  }
}

function setStoredOwner(reader: string | null): void {
  try {
    if (reader === null) localStorage.removeItem(CACHE_OWNER_KEY);
    else localStorage.setItem(CACHE_OWNER_KEY, reader);
  } catch {
    // Storage refused (private mode quota): the clear on sign-out still runs.
  }
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface LocalCache {
  readonly persistent: boolean;
  /** The Firestore instance to read with now (a new one after each clear). */
  current(): Firestore;
  /** Resolves once no clear is running (reads must not start on an instance being cleared). */
  settled(): Promise<void>;
  /** Whether a clear is running. */
  busy(): boolean;
  /** `reader`'s reads may start: the cache is cleared first if it may hold another reader's data. */
  claim(reader: string): Promise<void>;
  /** Nobody is signed in: terminates the instance, clears the cache, opens a fresh instance. */
  forget(): Promise<void>;
}

export function openLocalCache(app: FirebaseApp, config: FirebaseWebConfig, persistent = persistentCacheAvailable()): LocalCache {
  const open = (): Firestore => {
    const db = initializeFirestore(app, {
      localCache: persistent ? persistentLocalCache({ tabManager: persistentMultipleTabManager() }) : memoryLocalCache(),
    });
    if (config.emulators) connectFirestoreEmulator(db, config.emulators.host, config.emulators.firestorePort);
    return db;
  };
  let db = open();
  /** Whether reads have run on `db` (it may hold documents even if another tab cleared the marker). */
  let used = false;
  let running: Promise<void> | null = null;

  async function clearNow(): Promise<void> {
    await terminate(db);
    let cleared = false;
    for (let attempt = 0; attempt < CLEAR_ATTEMPTS && !cleared; attempt += 1) {
      try {
        await clearIndexedDbPersistence(db);
        cleared = true;
      } catch {
        // Another tab still has the cache open (its own sign-out closes it): try again shortly.
        await wait(CLEAR_RETRY_MS);
      }
    }
    if (cleared) setStoredOwner(null);
    db = open();
    used = false;
  }

  function exclusive(work: () => Promise<void>): Promise<void> {
    const previous = running ?? Promise.resolve();
    const next = previous.then(work, work).finally(() => {
      if (running === next) running = null;
    });
    running = next;
    return next;
  }

  return {
    persistent,
    current: () => db,
    settled: () => running ?? Promise.resolve(),
    busy: () => running !== null,
    claim(reader) {
      if (!persistent) return Promise.resolve();
      return exclusive(async () => {
        const owner = storedOwner();
        if (owner !== null && owner !== reader) await clearNow();
        setStoredOwner(reader);
        used = true;
      });
    },
    forget() {
      if (!persistent) return Promise.resolve();
      return exclusive(async () => {
        if (used || storedOwner() !== null) await clearNow();
      });
    },
  };
}
