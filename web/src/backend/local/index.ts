/**
 * The local backend: the whole product in the browser. The core's in-memory store runs the same
 * command handlers as the Cloud Function; IndexedDB keeps the data across reloads and is the
 * truth the tabs share; the stall scan runs on load and every 10 minutes, over the projects due
 * for a check only (see `scanCandidates`). The first start seeds a
 * realistic sample workspace; "reset" brings it back.
 *
 * One writer at a time: every command runs inside the writer lock (Web Locks across the tabs of
 * this browser). Inside it the tab first reads what other tabs committed since its last sequence,
 * then executes, then commits the changed documents to IndexedDB in one transaction. Only then is
 * the command acknowledged; when IndexedDB refuses the write, the in-memory store is put back as
 * IndexedDB still holds it and the command fails with a message saying nothing was saved.
 */
import {
  COLLECTIONS,
  STALL_RULES_CHANGE_DOC_ID,
  STALL_SCAN_ACTOR,
  ConflictError,
  DomainError,
  MemoryDocumentStore,
  boardCardDoc,
  isDomainError,
  type Actor,
  type BoardCard,
  type CollectionName,
  type CommandEnvelope,
  type CommandResult,
  type DocumentChange,
  type Project,
  type StallRulesChange,
  type StoredDoc,
  type WorkspaceFile,
} from '@clearway/core';
import type { SampleWorkspace } from '@clearway/core/sample';
import type { Backend, LocalIdentity, LocalStorageNotice, Unsubscribe } from '../types';
import {
  actorOfIdentity,
  localIdentities,
  rememberIdentity,
  rememberedIdentity,
  type IdentityStorage,
} from './identity';
import {
  DEFAULT_DB_NAME,
  HeadMovedError,
  LocalPersistence,
  emptySnapshot,
  newEpoch,
  type CollectionSnapshot,
  type Head,
  type QuarantinedRecord,
} from './persistence';
import { broadcastSyncChannel, type SyncChannel, type SyncMessage } from './syncChannel';
import { StoreWatchers } from './watchers';
import { BoardCards } from './boardCards';
import type * as commandModule from './commands';
import { webWriterLock, type WriterLock } from './writerLock';

type CommandModule = typeof commandModule;

export const STALL_SCAN_INTERVAL_MS = 10 * 60 * 1000;
/** A scan over the tab's store goes on while pages say more are left, at most this many (core's 400 a page). */
const FULL_SCAN_MAX_PAGES = 50;
/**
 * What the board reads before its first paint besides its cards (`BoardCards`): the banks and the
 * settings. The projects, loan lines, history, months and snapshots stay in IndexedDB until a
 * watch or a command first reads them.
 */
export const BOARD_COLLECTIONS: readonly CollectionName[] = ['banks', 'settings'];
const DEFERRED_COLLECTIONS: readonly CollectionName[] = COLLECTIONS.filter((name) => !BOARD_COLLECTIONS.includes(name));
/** localStorage key (per database) of the last stall scan: `{ epoch, at }`. */
export const SCAN_MEMO_PREFIX = 'clearway.stallScan.';

export interface LocalBackendOptions {
  /** IndexedDB database name (tests use one per case). */
  dbName?: string;
  /** Tab-to-tab channel; defaults to a BroadcastChannel, null for none. */
  channel?: SyncChannel | null;
  /** Where the chosen identity is remembered; defaults to localStorage. */
  storage?: IdentityStorage | null;
  now?: () => Date;
  /** The workspace to seed on first start and on reset. */
  sample?: (now: Date) => SampleWorkspace | Promise<SampleWorkspace>;
  /** Stall scan period; null turns the timer off (the scan still runs on load). */
  stallScanIntervalMs?: number | null;
  /**
   * When the scan on load may start (the app passes "after the board's first paint"): the scan
   * writes every stalled project and would otherwise delay the first paint. Given, `ready()`
   * does not wait for that scan; absent, the scan starts at once and `ready()` waits for it.
   */
  firstScanAfter?: Promise<void>;
  /** The one-writer lock; defaults to Web Locks (an in-page queue where they are missing). */
  lock?: WriterLock;
  /** Opens IndexedDB; tests replace it to play a browser without one. */
  openPersistence?: (name: string) => Promise<LocalPersistence>;
}

export interface LocalBackend extends Backend {
  readonly kind: 'local';
  readonly store: MemoryDocumentStore;
  local: Omit<NonNullable<Backend['local']>, 'storageNotice' | 'watchStorageNotice' | 'quarantinedRecords'> & {
    storageNotice(): LocalStorageNotice;
    watchStorageNotice(onNext: (notice: LocalStorageNotice) => void): Unsubscribe;
    quarantinedRecords(): Promise<QuarantinedRecord[]>;
  };
  workspace: Omit<NonNullable<Backend['workspace']>, 'exportAll' | 'clearAll'> & {
    exportAll(): Promise<WorkspaceFile>;
    clearAll(): Promise<void>;
  };
  /** Runs the `stall.scan` command as the system. */
  runStallScan(): Promise<CommandResult | null>;
  /** Resolves when every command and catch-up queued so far has finished. */
  flush(): Promise<void>;
  dispose(): void;
}

/**
 * What core's `stall.scan` answers when no project is due (no write, no activity), for the scan
 * that finds no candidate in IndexedDB and so never runs the handler.
 */
export function nothingDueResult(): CommandResult {
  return { written: [], stats: { candidates: 0, flagged: 0, newlyStalled: 0, cleared: 0, written: 0, more: 0 } };
}

function newTabId(): string {
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

function storageWriteFailed(error: unknown): DomainError {
  console.error('[clearway] IndexedDB refused the write; the command is undone', error);
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new DomainError('internal', 'workspace.error.storageWriteFailed', { reason });
}

async function openPersistenceOrNull(
  open: (name: string) => Promise<LocalPersistence>,
  name: string,
): Promise<{ persistence: LocalPersistence | null; reason: string | null }> {
  if (typeof indexedDB === 'undefined' && open === LocalPersistence.open) {
    return { persistence: null, reason: 'IndexedDB is not available' };
  }
  try {
    return { persistence: await open(name), reason: null };
  } catch (error) {
    // Private windows of some browsers, storage disabled by policy, a database another release
    // holds open: the app still runs, in memory, and says so.
    console.warn('[clearway] IndexedDB could not be opened; data stays in this tab only', error);
    return { persistence: null, reason: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}

export async function createLocalBackend(options: LocalBackendOptions = {}): Promise<LocalBackend> {
  const now = options.now ?? (() => new Date());
  /** The command handlers, fetched on first use (see ./commands). */
  let loadingHandlers: Promise<CommandModule> | null = null;
  // One promise for every caller, so commands issued together still queue in the order given.
  const handlers = () => (loadingHandlers ??= import('./commands'));
  const sample = options.sample ?? (async (at: Date) => (await import('./sample')).createSampleWorkspace({ now: at }));
  const storage = options.storage;
  const channel = options.channel === undefined ? broadcastSyncChannel() : options.channel;
  const lock = options.lock ?? webWriterLock();
  const tabId = newTabId();

  const store = new MemoryDocumentStore();
  const opened = await openPersistenceOrNull(options.openPersistence ?? LocalPersistence.open, options.dbName ?? DEFAULT_DB_NAME);
  let persistence = opened.persistence;
  const notice: LocalStorageNotice = { quarantined: 0, inMemoryOnly: persistence === null, reason: opened.reason };
  const noticeListeners = new Set<(notice: LocalStorageNotice) => void>();
  /** Rows are quarantined whenever a collection is first read (a drawer, the stall scan): the banner follows. */
  function updateNotice(next: Partial<LocalStorageNotice>): void {
    const changed = (Object.keys(next) as (keyof LocalStorageNotice)[]).some((key) => next[key] !== notice[key]);
    Object.assign(notice, next);
    if (!changed) return;
    for (const listener of [...noticeListeners]) listener({ ...notice });
  }

  const identities = localIdentities();
  let actor: Actor = actorOfIdentity(rememberedIdentity(identities, storage));
  const actorListeners = new Set<(actor: Actor | null) => void>();

  /** The IndexedDB commit this tab's store reflects (null in memory-only mode or before the first seed). */
  let head: Head | null = null;

  /** The bureau's board cards, kept beside the store (the projects themselves load on demand). */
  const cards = new BoardCards();
  /** Bumped whenever the whole store is replaced: a collection read started before is read again. */
  let generation = 0;
  /** Reads of deferred collections in flight, so two readers of one collection share one read. */
  const loading = new Map<CollectionName, Promise<void>>();
  /** A command (or an export) is running under the writer lock: a read it needs cannot wait for the lock. */
  let insideWriter = false;

  /** Re-reads the open watches; they are created after the first load (see below), which has none. */
  let refreshWatches: () => void = () => undefined;

  /** Commits of this tab's store while a locked command runs: what to persist. */
  let captured: DocumentChange[] | null = null;
  /** The locked work ran on a store of its own (the stall scan's candidates): its commits reach this tab's store once stored. */
  let capturedElsewhere = false;
  const unsubscribeStore = store.subscribe((changes, origin) => {
    if (origin !== 'commit') return;
    if (captured) captured.push(...changes);
    cards.apply(changes);
  });

  /** In-tab order of locked work and catch-ups, so a catch-up never lands mid-command. */
  let tail: Promise<unknown> = Promise.resolve();
  function serial<T>(task: () => Promise<T>): Promise<T> {
    const result = tail.then(task, task);
    tail = result.catch(() => undefined);
    return result;
  }

  /** Takes a whole workspace into memory (the one in memory-only mode): everything loaded. */
  function adopt(snapshot: CollectionSnapshot, at: Head | null): void {
    generation++;
    store.importAll(snapshot, { adopt: true });
    cards.replace(snapshot.projects.map((doc) => boardCardDoc(doc as StoredDoc<Project>)));
    head = at;
  }

  /** Takes what the board reads into memory; the other collections are read when first needed. */
  function adoptBoard(collections: Partial<CollectionSnapshot>, boardCards: StoredDoc<BoardCard>[], at: Head | null): void {
    generation++;
    store.importAll(collections, { adopt: true, deferred: DEFERRED_COLLECTIONS });
    cards.replace(boardCards);
    head = at;
    // The store tells no one of the deferred collections (they are only not read yet): the open
    // watches of them read the new workspace through the loader.
    refreshWatches();
  }

  /** Changes another tab committed (or IndexedDB holds): into the collections in memory, and the cards. */
  function applyIncoming(changes: DocumentChange[]): void {
    store.applyRemoteChanges(changes.filter((change) => store.isLoaded(change.collection)));
    cards.apply(changes);
  }

  async function seededSnapshot(): Promise<CollectionSnapshot> {
    const seeded = new MemoryDocumentStore();
    const [{ seedStore }, workspace] = await Promise.all([import('./sample'), sample(now())]);
    await seedStore(seeded, workspace);
    return seeded.exportAll();
  }

  /** Replaces the whole workspace, in IndexedDB first, under a new epoch. Runs inside the lock. */
  async function replaceWorkspace(snapshot: CollectionSnapshot): Promise<void> {
    const next: Head = { seq: 0, epoch: newEpoch() };
    if (persistence) {
      await persistence.replaceAll(snapshot, next);
      // Stored: the tab keeps only what the board reads, as after a reload.
      const board = Object.fromEntries(BOARD_COLLECTIONS.map((name) => [name, snapshot[name]]));
      adoptBoard(board, snapshot.projects.map((doc) => boardCardDoc(doc as StoredDoc<Project>)), next);
    } else {
      adopt(snapshot, null);
    }
    channel?.post({ type: 'reset', from: tabId });
  }

  /**
   * Reads what the board shows from IndexedDB into memory, replacing the tab's workspace; a
   * database never seeded gets the sample, under the writer lock (two new tabs seed once).
   */
  async function loadFromDisk(locked: boolean): Promise<void> {
    if (!persistence) return;
    const disk = persistence;
    const read = await disk.readBoard(BOARD_COLLECTIONS, now());
    updateNotice({ quarantined: read.quarantined });
    if (read.head || read.rowCount > 0) {
      adoptBoard(read.collections, read.cards, read.head);
      return;
    }
    const seed = async () => {
      if (await disk.readHead()) await loadFromDisk(true);
      else await replaceWorkspace(await seededSnapshot());
    };
    await (locked ? seed() : lock.run(seed));
  }

  /** Brings the store up to what IndexedDB holds: the commits after `head`, or all on a new epoch. */
  async function catchUp(): Promise<void> {
    if (!persistence) return;
    const before = head;
    const since = before?.seq ?? 0;
    const { head: stored, changes, unreadableIn } = await persistence.changesSince(since);
    // A collection read on demand meanwhile brought the store further: read from there.
    if (head !== before) return catchUp();
    // An unreadable row of a collection in memory (or of a project, whose card cannot be made)
    // is quarantined by reading its collection again.
    const unreadable = [...unreadableIn].some((collection) => collection === 'projects' || store.isLoaded(collection));
    if (!stored || stored.epoch !== head?.epoch || unreadable) {
      await loadFromDisk(true);
      return;
    }
    if (stored.seq === since) return;
    applyIncoming(changes);
    head = stored;
  }

  /** The store's loader: a deferred collection read from IndexedDB (once, however many ask). */
  function loadCollection(collection: CollectionName): Promise<void> {
    let pending = loading.get(collection);
    if (!pending) {
      pending = readCollection(collection).finally(() => loading.delete(collection));
      loading.set(collection, pending);
    }
    return pending;
  }

  /**
   * Reads one collection as of IndexedDB's head, with the commits since the tab's head in the same
   * transaction, so the collections in memory and the one read are brought to one head together.
   * Needs no writer lock: a commit of another tab lands wholly before or after that transaction.
   */
  async function readCollection(collection: CollectionName): Promise<void> {
    for (;;) {
      if (store.isLoaded(collection)) return;
      if (!persistence) throw new Error(`the collection ${collection} is not in memory and there is no storage to read it from`);
      const at = generation;
      const read = await persistence.readCollection(collection, head?.seq ?? 0, now());
      updateNotice({ quarantined: notice.quarantined + read.quarantinedKeys.length });
      if (at !== generation || store.isLoaded(collection)) continue;
      if (!read.head || read.head.epoch !== head?.epoch) {
        // Another tab reset the workspace and its notice has not come yet: reload, then read.
        if (insideWriter) throw new ConflictError(collection, '(workspace reset)');
        await serial(() => lock.run(catchUp));
        continue;
      }
      // The tab moved past what was read (another tab's notice came meanwhile): read again.
      if (read.head.seq < head.seq) continue;
      applyIncoming(read.changes);
      store.loadCollection(collection, read.docs);
      if (collection === 'projects' && read.quarantinedKeys.length > 0) {
        cards.apply(read.quarantinedKeys.map((key) => ({ collection, id: key.slice(key.indexOf('/') + 1), doc: null })));
      }
      head = read.head;
      return;
    }
  }
  store.setLoader(loadCollection);

  /** Runs `work` as the one writer: caught up first, its commits persisted before it resolves. */
  function asWriter<T>(work: () => Promise<T>): Promise<T> {
    return serial(() =>
      lock.run(async () => {
        await catchUp();
        captured = [];
        capturedElsewhere = false;
        insideWriter = true;
        let result: T;
        try {
          result = await work();
        } catch (error) {
          insideWriter = false;
          // Work of several transactions (an import in batches) may fail after some committed:
          // those never reached IndexedDB, so they are undone too (a store of its own is dropped).
          const partial = capturedElsewhere ? [] : (captured ?? []);
          captured = null;
          capturedElsewhere = false;
          if (partial.length > 0) await rollback(partial);
          throw error;
        }
        insideWriter = false;
        const changes: DocumentChange[] = captured ?? [];
        const elsewhere = capturedElsewhere;
        captured = null;
        capturedElsewhere = false;
        if (changes.length === 0 || !persistence) return result;
        const expected = head;
        const next: Head = { seq: (expected?.seq ?? 0) + 1, epoch: expected?.epoch ?? newEpoch() };
        try {
          await persistence.commit(changes, expected, next);
        } catch (error) {
          await rollback(changes);
          // Another tab got in first (a browser without Web Locks): a conflict, as a stale edit is.
          if (error instanceof HeadMovedError) {
            head = null;
            await loadFromDisk(true).catch((reloadError: unknown) => console.error('[clearway] reload failed', reloadError));
            const first = changes[0]!;
            throw new ConflictError(first.collection, first.id);
          }
          throw storageWriteFailed(error);
        }
        if (elsewhere) applyIncoming(changes);
        head = next;
        channel?.post({ type: 'changes', from: tabId, epoch: next.epoch, seq: next.seq, changes });
        return result;
      }),
    );
  }

  /** Puts the store back as IndexedDB holds it (the failed commit wrote nothing there). */
  async function rollback(changes: DocumentChange[]): Promise<void> {
    try {
      if (persistence) applyIncoming(await persistence.readDocs(changes));
    } catch (error) {
      console.error('[clearway] could not re-read IndexedDB after a failed write; reloading', error);
      head = null;
      await loadFromDisk(true).catch((reloadError: unknown) => console.error('[clearway] reload failed', reloadError));
    }
  }

  function onSyncMessage(message: SyncMessage): void {
    if (message.from === tabId || !persistence) return;
    if (message.type === 'changes' && head && message.epoch === head.epoch && message.seq <= head.seq) return;
    void serial(async () => {
      // The message is only a hint: apply it when it is the very next commit, else read IndexedDB.
      if (message.type === 'changes' && head && message.epoch === head.epoch && message.seq === head.seq + 1) {
        applyIncoming(message.changes);
        head = { seq: message.seq, epoch: message.epoch };
      } else {
        // Under the lock: a full reload may rewrite old rows or quarantine some, which must not
        // race another tab's commit.
        await lock.run(catchUp);
      }
    }).catch((error: unknown) => console.error('[clearway] could not read changes of another tab', error));
  }

  try {
    // Without the writer lock: the board's read is one IndexedDB transaction, so a tab opening
    // while another runs a command (a stall scan) does not wait for it.
    await serial(() => loadFromDisk(false));
  } catch (error) {
    // IndexedDB opened but cannot be read or written (e.g. storage full or evicted): run from the
    // sample in memory, and say so.
    console.error('[clearway] IndexedDB could not be read; running in memory', error);
    persistence?.close();
    persistence = null;
    updateNotice({ inMemoryOnly: true, reason: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
  }
  if (!persistence) adopt(await seededSnapshot(), null);

  // Listeners join after the first load: telling them about every loaded document would copy each
  // one again for nothing (the watches read the store when they start).
  const watchers = new StoreWatchers(store, () => actor, cards);
  refreshWatches = () => watchers.refreshAll();
  const unsubscribeChannel: Unsubscribe = (persistence && channel?.subscribe(onSyncMessage)) || (() => undefined);

  function unexpected(command: string, error: unknown): never {
    if (isDomainError(error)) throw error;
    console.error('[clearway] command failed unexpectedly', command, error);
    throw new DomainError('internal', 'errors.internal');
  }

  async function execute(command: CommandEnvelope, as: Actor = actor): Promise<CommandResult> {
    try {
      const { executeCommand } = await handlers();
      return await asWriter(() => executeCommand(store, { actor: as, now: now() }, command));
    } catch (error) {
      return unexpected(command.name, error);
    }
  }

  /**
   * When this workspace (its epoch: a reset or a new sample starts another) was last scanned, by
   * any tab of this browser: a reload soon after a scan has nothing new to flag, so it skips the
   * scan on load and leaves the next one to the timer.
   */
  const scanMemoKey = `${SCAN_MEMO_PREFIX}${options.dbName ?? DEFAULT_DB_NAME}`;
  const scanMemo = storage === undefined ? (typeof localStorage === 'undefined' ? null : localStorage) : storage;
  function rememberScan(): void {
    if (!head) return;
    try {
      scanMemo?.setItem(scanMemoKey, JSON.stringify({ epoch: head.epoch, at: now().toISOString() }));
    } catch {
      // storage full or disabled: the next load scans again, which is only slower
    }
  }
  const rulesMemoKey = `${SCAN_MEMO_PREFIX}rulesCovered.${options.dbName ?? DEFAULT_DB_NAME}`;
  /** Whether a scan has re-evaluated every project since the limits changed at `changedAt`. */
  function rulesChangeCovered(changedAt: string): boolean {
    try {
      return head !== null && scanMemo?.getItem(rulesMemoKey) === `${head.epoch} ${changedAt}`;
    } catch {
      return false;
    }
  }
  function rememberRulesChangeCovered(changedAt: string): void {
    try {
      // Per workspace: a reset or an import brings projects this browser never re-evaluated.
      if (head) scanMemo?.setItem(rulesMemoKey, `${head.epoch} ${changedAt}`);
    } catch {
      // storage full or disabled: the next scan covers them again, which is only slower
    }
  }
  function scannedRecently(withinMs: number): boolean {
    try {
      const memo = JSON.parse(scanMemo?.getItem(scanMemoKey) ?? 'null') as { epoch?: unknown; at?: unknown } | null;
      if (!memo || !head || memo.epoch !== head.epoch || typeof memo.at !== 'string') return false;
      const ago = now().getTime() - Date.parse(memo.at);
      return ago >= 0 && ago < withinMs;
    } catch {
      return false;
    }
  }

  /**
   * After the scan, which reads every project and line, the tab goes back to holding what is
   * shown: the collections no open watch reads leave memory (read again when next needed).
   */
  function forgetUnwatched(): Promise<void> {
    return serial(async () => {
      if (!persistence) return;
      const inUse = watchers.collectionsInUse();
      const idle = DEFERRED_COLLECTIONS.filter((name) => store.isLoaded(name) && !inUse.has(name) && !loading.has(name));
      if (idle.length > 0) store.deferCollections(idle);
    });
  }

  const scanCommand: CommandEnvelope = { name: 'stall.scan', payload: {} };

  /**
   * The daily scan over its candidates only (DESIGN: "reads only candidates, indexed by stage
   * and deadline"): the projects whose next check has come, read from IndexedDB by the
   * `byNextCheck` index into a store of their own, where core's `stall.scan` runs as anywhere
   * else (it queries exactly those); its writes are stored, then applied to this tab. The other
   * projects, the lines and the history stay on disk, and with nothing due the command handlers
   * are not even fetched. Null when the scan must run over the tab's store instead: the projects
   * are in memory anyway, there is no IndexedDB, or a candidate row cannot be read.
   */
  function scanCandidates(): Promise<CommandResult | null> {
    const disk = persistence;
    if (!disk || store.isLoaded('projects')) return Promise.resolve(null);
    return asWriter(async () => {
      // After the limits changed, every project evaluated before is a candidate, not only the
      // due ones: the full scan re-evaluates them, until one pass has covered them all.
      const change = await store.get<StallRulesChange>('settings', STALL_RULES_CHANGE_DOC_ID);
      if (change && !rulesChangeCovered(change.data.changedAt)) return null;
      const at = now();
      const due = await disk.readDueProjects(at.toISOString());
      if (due.unreadable || due.head?.seq !== head?.seq || due.head?.epoch !== head?.epoch) return null;
      if (due.docs.length === 0) return nothingDueResult();
      const [{ executeCommand }, settings] = await Promise.all([handlers(), store.query('settings')]);
      const candidates = new MemoryDocumentStore();
      // The projects given are every one the scan's query can find; the activity record is new;
      // any other collection the handler reads (a project's lines, stored before the digest) is
      // read through this tab's store.
      const given: CollectionName[] = ['projects', 'settings', 'activity'];
      candidates.importAll({ projects: due.docs, settings }, { adopt: true, deferred: COLLECTIONS.filter((name) => !given.includes(name)) });
      candidates.setLoader(async (collection) => candidates.loadCollection(collection, await store.query(collection)));
      capturedElsewhere = true;
      const stop = candidates.subscribe((changes, origin) => {
        if (origin === 'commit') captured?.push(...changes);
      });
      try {
        return await executeCommand(candidates, { actor: { ...STALL_SCAN_ACTOR }, now: at }, scanCommand);
      } finally {
        stop();
      }
    });
  }

  /** The scan over the tab's store, page after page while a page says more are left. */
  async function scanInMemory(): Promise<CommandResult> {
    const change = await store.get<StallRulesChange>('settings', STALL_RULES_CHANGE_DOC_ID);
    let result = await execute(scanCommand, { ...STALL_SCAN_ACTOR });
    for (let page = 1; page < FULL_SCAN_MAX_PAGES && result.stats?.more && result.stats.written; page += 1) {
      result = await execute(scanCommand, { ...STALL_SCAN_ACTOR });
    }
    if (change && !result.stats?.more) rememberRulesChangeCovered(change.data.changedAt);
    return result;
  }

  async function runStallScan(): Promise<CommandResult | null> {
    try {
      const result = (await scanCandidates().catch((error: unknown) => unexpected('stall.scan', error))) ?? (await scanInMemory());
      rememberScan();
      await forgetUnwatched();
      return result;
    } catch (error) {
      console.error('[clearway] stall scan failed', error);
      return null;
    }
  }

  const scanIntervalMs = options.stallScanIntervalMs === null ? null : (options.stallScanIntervalMs ?? STALL_SCAN_INTERVAL_MS);
  const scanTimer = scanIntervalMs === null ? null : setInterval(() => void runStallScan(), scanIntervalMs);
  // Projects keep the stall flags the last scan stored, so the board is right before this one runs.
  const scanOnLoad = (): Promise<CommandResult | null> =>
    scannedRecently(scanIntervalMs ?? STALL_SCAN_INTERVAL_MS) ? Promise.resolve(null) : runStallScan();
  const firstScan = options.firstScanAfter ? options.firstScanAfter.then(scanOnLoad) : scanOnLoad();

  function setActor(next: Actor): void {
    actor = next;
    // What a watch may read depends on who reads it (core's read policy).
    watchers.refreshAll();
    for (const listener of actorListeners) listener(actor);
  }

  function requireAdmin(): void {
    if (actor.role !== 'admin') throw new DomainError('permission-denied', 'errors.permission.role', { role: actor.role, command: 'workspace' });
  }

  let stopReleaseOnUnload: () => void = () => undefined;
  const backend: LocalBackend = {
    kind: 'local',
    store,
    async ready() {
      if (!options.firstScanAfter) await firstScan;
    },
    execute: (command) => execute(command),
    watchQuery: (collection, spec, onNext, onError) => watchers.watchQuery(collection, spec, onNext, onError),
    watchDoc: (collection, id, onNext, onError) => watchers.watchDoc(collection, id, onNext, onError),
    // The cards alone: a move re-projects the one project it wrote, the others keep their card.
    watchBoard: (onNext, onError) => watchers.watchBoard(onNext, onError),
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
        const snapshot = await seededSnapshot();
        await serial(() => lock.run(() => replaceWorkspace(snapshot)));
        await runStallScan();
      },
      storageNotice: () => ({ ...notice }),
      watchStorageNotice(onNext) {
        noticeListeners.add(onNext);
        onNext({ ...notice });
        return () => noticeListeners.delete(onNext);
      },
      quarantinedRecords: async () => (persistence ? persistence.quarantined() : []),
    },
    workspace: {
      async exportAll() {
        requireAdmin();
        return serial(() =>
          lock.run(async () => {
            await catchUp();
            const { exportWorkspace } = await handlers();
            // It reads every collection under the lock: a read must not wait for the lock again.
            insideWriter = true;
            try {
              return await exportWorkspace(store, { now });
            } finally {
              insideWriter = false;
            }
          }),
        );
      },
      async importAll(file: unknown) {
        requireAdmin();
        try {
          const { importWorkspace } = await handlers();
          await asWriter(() => importWorkspace(store, file));
        } catch (error) {
          unexpected('workspace.import', error);
        }
      },
      async clearAll() {
        requireAdmin();
        await serial(() => lock.run(() => replaceWorkspace(emptySnapshot())));
      },
    },
    runStallScan,
    flush: () => serial(async () => undefined),
    dispose() {
      stopReleaseOnUnload();
      if (scanTimer !== null) clearInterval(scanTimer);
      unsubscribeStore();
      unsubscribeChannel();
      watchers.dispose();
      channel?.close();
      persistence?.close();
    },
  };
  exposeToBrowserTests(backend, lock.kind);
  stopReleaseOnUnload = releaseOnUnload(() => backend.dispose());
  return backend;
}

/**
 * A page that is unloaded (a reload, a navigation away; not one kept in the back-forward cache)
 * lets go of its IndexedDB connection and its channel at once: while they are open the browser
 * keeps the old page's whole heap alive, and the next page starts beside it.
 */
function releaseOnUnload(dispose: () => void): () => void {
  if (typeof addEventListener !== 'function') return () => undefined;
  const onPageHide = (event: Event) => {
    if (!(event as PageTransitionEvent).persisted) dispose();
  };
  addEventListener('pagehide', onPageHide);
  return () => removeEventListener('pagehide', onPageHide);
}

/** What the browser tests reach through `window.__clearwayLocal`. */
export interface LocalBackendProbe {
  execute: LocalBackend['execute'];
  get: MemoryDocumentStore['get'];
  query: MemoryDocumentStore['query'];
  flush: LocalBackend['flush'];
  storageNotice: LocalBackend['local']['storageNotice'];
  /** Which one-writer lock this tab runs under. */
  lockKind: WriterLock['kind'];
}

/**
 * The browser tests drive several tabs' backends at once (hundreds of commands, faster than any
 * UI path) through this handle. It gives nothing away: in the demo the data and the backend are
 * the browser's own, and every command still runs through the handlers and the writer lock.
 */
function exposeToBrowserTests(backend: LocalBackend, lockKind: WriterLock['kind']): void {
  const probe: LocalBackendProbe = {
    execute: (command) => backend.execute(command),
    get: (collection, id) => backend.store.get(collection, id),
    query: (collection, spec) => backend.store.query(collection, spec),
    flush: () => backend.flush(),
    storageNotice: () => backend.local.storageNotice(),
    lockKind,
  };
  (globalThis as { __clearwayLocal?: LocalBackendProbe }).__clearwayLocal = probe;
}
