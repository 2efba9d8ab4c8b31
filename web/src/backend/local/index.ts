/**
 * The local backend: the whole product in the browser. The core's in-memory store runs the same
 * command handlers as the Cloud Function; IndexedDB keeps the data across reloads; a sync channel
 * keeps the tabs of this browser in step; the stall scan runs on load and every 10 minutes.
 * The first start seeds a realistic sample workspace; "reset" brings it back.
 */
import {
  STALL_SCAN_ACTOR,
  DomainError,
  MemoryDocumentStore,
  createSampleWorkspace,
  executeCommand,
  isDomainError,
  seedStore,
  type Actor,
  type CollectionName,
  type CommandEnvelope,
  type CommandResult,
  type DocumentChange,
  type SampleWorkspace,
  type StoredDoc,
} from '@clearway/core';
import type { Backend, LocalIdentity, Unsubscribe } from '../types';
import {
  actorOfIdentity,
  localIdentities,
  rememberIdentity,
  rememberedIdentity,
  type IdentityStorage,
} from './identity';
import { DEFAULT_DB_NAME, LocalPersistence, type CollectionSnapshot } from './persistence';
import { broadcastSyncChannel, type SyncChannel, type SyncMessage } from './syncChannel';
import { StoreWatchers } from './watchers';

export const STALL_SCAN_INTERVAL_MS = 10 * 60 * 1000;

export interface LocalBackendOptions {
  /** IndexedDB database name (tests use one per case). */
  dbName?: string;
  /** Tab-to-tab channel; defaults to a BroadcastChannel, null for none. */
  channel?: SyncChannel | null;
  /** Where the chosen identity is remembered; defaults to localStorage. */
  storage?: IdentityStorage | null;
  now?: () => Date;
  /** The workspace to seed on first start and on reset. */
  sample?: (now: Date) => SampleWorkspace;
  /** Stall scan period; null turns the timer off (the scan still runs on load). */
  stallScanIntervalMs?: number | null;
}

export interface LocalBackend extends Backend {
  readonly kind: 'local';
  readonly store: MemoryDocumentStore;
  local: NonNullable<Backend['local']>;
  /** Runs the `stall.scan` command as the system. */
  runStallScan(): Promise<CommandResult | null>;
  /** Resolves when every change so far is in IndexedDB. */
  flush(): Promise<void>;
  dispose(): void;
}

function newTabId(): string {
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

export async function createLocalBackend(options: LocalBackendOptions = {}): Promise<LocalBackend> {
  const now = options.now ?? (() => new Date());
  const sample = options.sample ?? ((at: Date) => createSampleWorkspace({ now: at }));
  const storage = options.storage;
  const channel = options.channel === undefined ? broadcastSyncChannel() : options.channel;
  const tabId = newTabId();

  const store = new MemoryDocumentStore();
  const persistence = await LocalPersistence.open(options.dbName ?? DEFAULT_DB_NAME);

  const identities = localIdentities();
  let actor: Actor = actorOfIdentity(rememberedIdentity(identities, storage));
  const actorListeners = new Set<(actor: Actor | null) => void>();

  /** Loading or resetting replaces the whole store: not a change to persist or broadcast. */
  let replacing = false;
  /** The version of every document this tab holds, to settle concurrent edits from other tabs. */
  const versions = new Map<string, number>();
  function trackVersions(changes: DocumentChange[]): void {
    for (const change of changes) {
      const key = `${change.collection}/${change.id}`;
      if (change.doc) versions.set(key, change.doc.version);
      else versions.delete(key);
    }
  }

  async function seedFreshWorkspace(): Promise<void> {
    const seeded = new MemoryDocumentStore();
    await seedStore(seeded, sample(now()));
    const snapshot = seeded.exportAll();
    await persistence.replaceAll(snapshot);
    importSnapshot(snapshot);
  }

  /** `snapshot` must be fresh (read from IndexedDB or just exported): the store adopts it. */
  function importSnapshot(snapshot: CollectionSnapshot): void {
    replacing = true;
    try {
      store.importAll(snapshot, { adopt: true });
    } finally {
      replacing = false;
    }
    versions.clear();
    for (const [collection, docs] of Object.entries(snapshot) as [CollectionName, StoredDoc[]][]) {
      trackVersions(docs.map((doc) => ({ collection, id: doc.id, doc })));
    }
  }

  async function loadFromDisk(): Promise<void> {
    const { snapshot, count } = await persistence.loadAll();
    if (count === 0) await seedFreshWorkspace();
    else importSnapshot(snapshot);
  }

  /** Another tab's version of a document wins if it is newer, or equally new from a higher tab id. */
  function acceptRemote(change: DocumentChange, from: string): boolean {
    if (!change.doc) return true;
    const mine = versions.get(`${change.collection}/${change.id}`);
    if (mine === undefined || change.doc.version > mine) return true;
    return change.doc.version === mine && from > tabId;
  }

  function onSyncMessage(message: SyncMessage): void {
    if (message.from === tabId) return;
    if (message.type === 'reset') {
      void loadFromDisk();
      return;
    }
    const accepted = message.changes.filter((change) => acceptRemote(change, message.from));
    store.applyRemoteChanges(accepted);
  }

  // Listeners join after the first load: telling them about every loaded document would copy each
  // one again for nothing (the watches read the store when they start).
  await loadFromDisk();
  const watchers = new StoreWatchers(store);
  const unsubscribeStore = store.subscribe((changes, origin) => {
    trackVersions(changes);
    if (replacing || origin === 'import') return;
    void persistence.write(changes);
    if (origin === 'commit') channel?.post({ type: 'changes', from: tabId, changes });
  });
  const unsubscribeChannel: Unsubscribe = channel?.subscribe(onSyncMessage) ?? (() => undefined);

  async function execute(command: CommandEnvelope, as: Actor = actor): Promise<CommandResult> {
    try {
      return await executeCommand(store, { actor: as, now: now() }, command);
    } catch (error) {
      if (isDomainError(error)) throw error;
      console.error('[clearway] command failed unexpectedly', command.name, error);
      throw new DomainError('internal', 'errors.internal');
    }
  }

  async function runStallScan(): Promise<CommandResult | null> {
    try {
      return await execute({ name: 'stall.scan', payload: {} }, { ...STALL_SCAN_ACTOR });
    } catch (error) {
      console.error('[clearway] stall scan failed', error);
      return null;
    }
  }

  const scanTimer =
    options.stallScanIntervalMs === null
      ? null
      : setInterval(() => void runStallScan(), options.stallScanIntervalMs ?? STALL_SCAN_INTERVAL_MS);
  const firstScan = runStallScan();

  function setActor(next: Actor): void {
    actor = next;
    for (const listener of actorListeners) listener(actor);
  }

  return {
    kind: 'local',
    store,
    async ready() {
      await firstScan;
    },
    execute: (command) => execute(command),
    watchQuery: (collection, spec, onNext, onError) => watchers.watchQuery(collection, spec, onNext, onError),
    watchDoc: (collection, id, onNext, onError) => watchers.watchDoc(collection, id, onNext, onError),
    watchActor(onNext) {
      actorListeners.add(onNext);
      onNext(actor);
      return () => actorListeners.delete(onNext);
    },
    local: {
      identities: (): LocalIdentity[] => identities,
      async switchIdentity(uid: string) {
        const identity = identities.find((candidate) => candidate.uid === uid);
        if (!identity) throw new DomainError('not-found', 'errors.notFound.member', { uid });
        rememberIdentity(uid, storage);
        setActor(actorOfIdentity(identity));
      },
      async resetSampleData() {
        await persistence.flush();
        await seedFreshWorkspace();
        channel?.post({ type: 'reset', from: tabId });
        await runStallScan();
      },
    },
    runStallScan,
    flush: () => persistence.flush(),
    dispose() {
      if (scanTimer !== null) clearInterval(scanTimer);
      unsubscribeStore();
      unsubscribeChannel();
      watchers.dispose();
      channel?.close();
      persistence.close();
    },
  };
}
