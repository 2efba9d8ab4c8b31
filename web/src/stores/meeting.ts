/**
 * The monthly scheduling meeting 月度调度会: which month is on the table, the agenda core builds
 * for it from the live board, the closed months and their frozen snapshots, the annual targets,
 * and the meeting's commands (decisions as assignments, closing the month, setting targets).
 *
 * A closed month's snapshot never changes, so it is read once and cached. For a closed month
 * "what changed" compares the frozen snapshots; for an open month it compares the live workspace
 * with the last closed one, as core's agenda does.
 */
import { computed, ref, shallowRef, watch } from 'vue';
import { defineStore } from 'pinia';
import {
  DEFAULT_STALL_RULES,
  addMonths,
  assembleSnapshot,
  buildAgenda,
  diffMonths,
  monthOf,
  agendaForBank,
  snapshotForBank,
  snapshotPartId,
  type Agenda,
  type AnnualTargets,
  type CommandName,
  type IsoMonth,
  type MonthDiff,
  type MonthDoc,
  type MonthSnapshot,
  type SnapshotHeaderDoc,
  type SnapshotPartDoc,
  type StallRules,
  type StoredDoc,
} from '@clearway/core';
import type { Backend } from '@/backend/types';
import { refusalOf, runCommand, type CommandOutcome } from '@/backend/commands';
import type { AssignmentValues, TargetValues } from '@/components/meeting/types';
import { useBoardStore } from './board';
import { useClockStore } from './clock';
import { useFollowUpStore } from './followUp';
import { useLinesStore } from './lines';
import { useSessionStore } from './session';
import { firstValue, readStateOf, useWatchedDoc, useWatchedQuery, type ReadState } from './watched';


type SnapshotEntry = { state: 'loading' } | { state: 'ready'; snapshot: MonthSnapshot } | { state: 'missing' } | { state: 'error'; error: unknown };

/** A closed month's snapshot document, read once (it never changes). */
function readSnapshotDoc<T>(backend: Backend, id: string): Promise<StoredDoc<T> | null> {
  return firstValue<StoredDoc<T> | null>((next, fail) => backend.watchDoc<T>('snapshots', id, next, fail));
}

/** The meeting is usually held early in a month about the month before, until that one is closed. */
export function defaultMeetingMonth(now: Date, closed: ReadonlySet<IsoMonth>): IsoMonth {
  const previous = addMonths(monthOf(now), -1);
  return closed.has(previous) ? monthOf(now) : previous;
}

export const useMeetingStore = defineStore('meeting', () => {
  const session = useSessionStore();
  const board = useBoardStore();
  const followUp = useFollowUpStore();
  const linesStore = useLinesStore();

  const clock = useClockStore();

  const month = ref<IsoMonth | null>(null);
  const snapshots = shallowRef<ReadonlyMap<IsoMonth, SnapshotEntry>>(new Map());
  const running = ref<CommandName | null>(null);

  const year = computed(() => Number((month.value ?? monthOf(clock.now)).slice(0, 4)));

  const backend = () => session.backend;
  const monthsWatch = useWatchedQuery<MonthDoc>(backend, 'months');
  const rulesWatch = useWatchedDoc<StallRules>(backend, 'settings', () => 'stallRules');
  const targetsWatch = useWatchedDoc<AnnualTargets>(backend, 'settings', () => `targets-${year.value}`);
  const monthDocs = monthsWatch.data;
  const monthsLoaded = computed(() => session.backend !== null && !monthsWatch.pending.value && monthsWatch.error.value === null);
  const stallRulesDoc = rulesWatch.data;
  const targetsDoc = targetsWatch.data;
  const targetsLoaded = computed(() => session.backend !== null && !targetsWatch.pending.value);
  const ownRead = readStateOf(monthsWatch, rulesWatch, targetsWatch);
  /** The stall rules' read alone, for a page that shows their thresholds (my bank) and not the rest. */
  const rulesRead = readStateOf(rulesWatch);
  /** The months' read alone (which months are closed), for the plan's frozen figures. */
  const monthsRead = readStateOf(monthsWatch);
  // Frozen snapshots belong to the backend they were read from.
  watch(backend, () => (snapshots.value = new Map()));

  const closedMonths = computed<MonthDoc[]>(() =>
    monthDocs.value
      .map((doc) => doc.data)
      .filter((doc) => doc.status === 'closed')
      .sort((a, b) => (a.month < b.month ? 1 : -1)),
  );
  const closedSet = computed(() => new Set(closedMonths.value.map((doc) => doc.month)));
  const currentMonth = computed(() => monthOf(clock.now));

  // Pick the default month once the closed months are known.
  watch(
    monthsLoaded,
    (loaded) => {
      if (loaded && month.value === null) month.value = defaultMeetingMonth(clock.now, closedSet.value);
    },
    { immediate: true },
  );

  const selectedMonth = computed<IsoMonth>(() => month.value ?? defaultMeetingMonth(clock.now, closedSet.value));
  const monthDoc = computed<MonthDoc | null>(() => monthDocs.value.find((doc) => doc.id === selectedMonth.value)?.data ?? null);
  const isClosed = computed(() => monthDoc.value?.status === 'closed');
  const previousClosedMonth = computed<IsoMonth | null>(
    () => closedMonths.value.find((doc) => doc.month < selectedMonth.value)?.month ?? null,
  );

  function snapshotOf(forMonth: IsoMonth): SnapshotEntry | undefined {
    return snapshots.value.get(forMonth);
  }

  function setSnapshot(forMonth: IsoMonth, entry: SnapshotEntry): void {
    snapshots.value = new Map(snapshots.value).set(forMonth, entry);
  }

  /** Reads a closed month's frozen snapshot (its header and parts) once; later calls use the cache. */
  async function ensureSnapshot(forMonth: IsoMonth): Promise<MonthSnapshot | null> {
    const cached = snapshots.value.get(forMonth);
    if (cached?.state === 'ready') return cached.snapshot;
    if (cached?.state === 'loading' || cached?.state === 'missing') return null;
    const backend = session.backend;
    if (!backend) return null;
    setSnapshot(forMonth, { state: 'loading' });
    try {
      const header = await readSnapshotDoc<SnapshotHeaderDoc>(backend, forMonth);
      if (!header) {
        setSnapshot(forMonth, { state: 'missing' });
        return null;
      }
      const parts: SnapshotPartDoc[] = [];
      for (let part = 0; part < header.data.parts; part++) {
        const doc = await readSnapshotDoc<SnapshotPartDoc>(backend, snapshotPartId(forMonth, part));
        if (doc) parts.push(doc.data);
      }
      const snapshot = assembleSnapshot(header.data, parts);
      setSnapshot(forMonth, { state: 'ready', snapshot });
      return snapshot;
    } catch (error) {
      setSnapshot(forMonth, { state: 'error', error });
      return null;
    }
  }

  // The snapshots the agenda needs: the month itself once closed, and the closed month before it.
  watch(
    () => [selectedMonth.value, isClosed.value, previousClosedMonth.value, session.backend] as const,
    ([forMonth, closed, previous]) => {
      if (previous) void ensureSnapshot(previous);
      if (closed) void ensureSnapshot(forMonth);
    },
    { immediate: true },
  );

  function readySnapshot(forMonth: IsoMonth | null): MonthSnapshot | null {
    if (!forMonth) return null;
    const entry = snapshots.value.get(forMonth);
    return entry?.state === 'ready' ? entry.snapshot : null;
  }

  const stallRules = computed<StallRules>(() => stallRulesDoc.value?.data ?? DEFAULT_STALL_RULES);
  const targets = computed<AnnualTargets | null>(() => targetsDoc.value?.data ?? null);

  /** Reads a snapshot again after its read failed. */
  function retrySnapshot(forMonth: IsoMonth): void {
    const next = new Map(snapshots.value);
    next.delete(forMonth);
    snapshots.value = next;
    void ensureSnapshot(forMonth);
  }

  /** The failed snapshot read the agenda waits for, if any. */
  function failedSnapshot(): { month: IsoMonth; error: unknown } | null {
    for (const forMonth of [previousClosedMonth.value, isClosed.value ? selectedMonth.value : null]) {
      const entry = forMonth ? snapshotOf(forMonth) : undefined;
      if (forMonth && entry?.state === 'error') return { month: forMonth, error: entry.error };
    }
    return null;
  }

  /** Whether the meeting's documents could be read: the first failure, with its retry. */
  const read = computed<ReadState>(() => {
    const failed = [board.read, linesStore.read, ownRead.value].find((state) => state.error !== null);
    if (failed) return failed;
    const snapshot = failedSnapshot();
    if (snapshot) return { pending: false, error: refusalOf(snapshot.error), retry: () => retrySnapshot(snapshot.month) };
    return { pending: false, error: null, retry: () => undefined };
  });

  const loading = computed(() => {
    if (read.value.error) return false;
    if (!board.loaded || !linesStore.loaded || !monthsLoaded.value) return true;
    const previous = previousClosedMonth.value;
    return previous !== null && snapshotOf(previous)?.state !== 'ready' && snapshotOf(previous)?.state !== 'missing';
  });

  /**
   * A liaison's meeting is its own bank's (core's read policy): the live board and lines it reads
   * are projected to its bank, so the closed months it compares with are too — else every other
   * bank's figures would show as a change. Null for everyone who reads the whole list.
   */
  const ownBankId = computed<string | null>(() => (session.actor?.role === 'liaison' ? (session.actor.bankId ?? '') : null));

  function comparable(snapshot: MonthSnapshot | null): MonthSnapshot | null {
    return snapshot && ownBankId.value !== null ? snapshotForBank(snapshot, ownBankId.value || null) : snapshot;
  }

  const agenda = computed<Agenda | null>(() => {
    if (loading.value) return null;
    const previousSnapshot = comparable(readySnapshot(previousClosedMonth.value));
    const built = buildAgenda({
      month: selectedMonth.value,
      projects: board.projects,
      lines: linesStore.lines,
      banks: board.banks,
      targets: targets.value,
      previousSnapshot,
      now: clock.now,
      rules: stallRules.value,
      reportingRound: followUp.latestRound,
    });
    const frozen = isClosed.value ? comparable(readySnapshot(selectedMonth.value)) : null;
    const whole = frozen ? { ...built, changes: diffMonths(previousSnapshot, frozen) } : built;
    return ownBankId.value === null ? whole : agendaForBank(whole, ownBankId.value || null);
  });

  /** What changed in the month: frozen against frozen once closed, live against the last close before. */
  const changes = computed<MonthDiff | null>(() => agenda.value?.changes ?? null);

  function setMonth(next: IsoMonth): void {
    month.value = next;
    clock.tick();
  }

  async function run(name: CommandName, payload: Record<string, unknown>): Promise<CommandOutcome> {
    running.value = name;
    try {
      const outcome = await runCommand(session.backend ? session.execute : null, { name, payload });
      if (outcome.ok) clock.tick();
      return outcome;
    } finally {
      if (running.value === name) running.value = null;
    }
  }

  function projectVersion(projectId: string): number {
    return board.projectDocs.get(projectId)?.version ?? 0;
  }

  function addAssignment(projectId: string, values: AssignmentValues): Promise<CommandOutcome> {
    return run('assignment.add', { projectId, expectedVersion: projectVersion(projectId), month: selectedMonth.value, ...values });
  }

  function completeAssignment(projectId: string, assignmentId: string): Promise<CommandOutcome> {
    return run('assignment.complete', { projectId, expectedVersion: projectVersion(projectId), assignmentId });
  }

  /** Forgets a month's cached snapshot: closing again after a reopen freezes a new one. */
  function forgetSnapshot(forMonth: IsoMonth): void {
    if (!snapshots.value.has(forMonth)) return;
    const next = new Map(snapshots.value);
    next.delete(forMonth);
    snapshots.value = next;
  }

  /** Closes the selected month; `early` is an admin's explicit close of the running month. */
  async function closeMonth(early = false): Promise<CommandOutcome> {
    const forMonth = selectedMonth.value;
    const outcome = await run('month.close', early ? { month: forMonth, early: true } : { month: forMonth });
    if (outcome.ok) forgetSnapshot(forMonth);
    return outcome;
  }

  /** The latest closed month, the only one an admin may reopen. */
  const latestClosedMonth = computed<IsoMonth | null>(() => closedMonths.value[0]?.month ?? null);

  async function reopenMonth(reason: string): Promise<CommandOutcome> {
    const forMonth = selectedMonth.value;
    const outcome = await run('month.reopen', { month: forMonth, reason });
    if (outcome.ok) forgetSnapshot(forMonth);
    return outcome;
  }

  function setTargets(values: TargetValues): Promise<CommandOutcome> {
    const expectedVersion = values.year === year.value ? (targetsDoc.value?.version ?? null) : null;
    return run('targets.set', { expectedVersion, ...values });
  }

  return {
    month: selectedMonth,
    currentMonth,
    monthDoc,
    monthDocs,
    closedMonths,
    latestClosedMonth,
    isClosed,
    ownBankId,
    previousClosedMonth,
    stallRules,
    rulesRead,
    monthsRead,
    targets,
    targetsLoaded,
    loading,
    read,
    retrySnapshot,
    agenda,
    changes,
    running,
    setMonth,
    ensureSnapshot,
    snapshotOf,
    readySnapshot,
    addAssignment,
    completeAssignment,
    closeMonth,
    reopenMonth,
    setTargets,
  };
});
