/**
 * The project open in the drawer: its document, its loan lines (a liaison reads only their own
 * bank's lines: the query says so, and in firebase mode the rules allow nothing else) and its
 * activity. Every change is a core command carrying the version the person saw. Changes show at
 * once as optimistic overlays on the watched documents; a refused command drops its overlay, so
 * the view rolls back, and the refusal is kept (code, messageKey, fieldErrors) for the form.
 */
import { computed, ref, shallowRef } from 'vue';
import { defineStore } from 'pinia';
import type {
  Activity,
  BlockerTag,
  CommandName,
  DomainErrorShape,
  IsoMonth,
  LoanLine,
  OffFlowFlag,
  PrereqKey,
  Prerequisite,
  Project,
  QuerySpec,
} from '@clearway/core';
import { runCommand, type CommandOutcome } from '@/backend/commands';
import type { ProjectDetailsChanges, ProjectFieldPatch } from '@/components/project/detailsModel';
import type { LineRecordKind, LineRecordValues, NewBlockerValues, NewLineValues } from '@/components/project/formValues';
import { useClockStore } from './clock';
import { lineRecord } from './lineRecords';
import { useOptimisticOverlays, type OverlayChange } from './optimisticOverlays';
import { useSessionStore } from './session';
import { readStateOf, useWatchedDoc, useWatchedQuery } from './watched';

const ACTIVITY_LIMIT = 200;

/** History newest first (two pieces of a liaison's history merged). */
function newestFirst(records: Activity[]): Activity[] {
  return records.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : a.id < b.id ? 1 : -1));
}

export const useProjectStore = defineStore('project', () => {
  const session = useSessionStore();
  const clock = useClockStore();

  const projectId = ref<string | null>(null);
  const running = ref<CommandName | null>(null);
  const lastError = shallowRef<DomainErrorShape | null>(null);

  // Nothing is read before someone is signed in (the backends would refuse it anyway).
  const backend = () => (session.actor ? session.backend : null);
  const openId = () => projectId.value;

  function linesQuery(): QuerySpec | null {
    const id = projectId.value;
    if (!id) return null;
    const where: QuerySpec['where'] = [{ field: 'projectId', op: '==', value: id }];
    const actor = session.actor;
    if (actor?.role === 'liaison') where.push({ field: 'bankId', op: '==', value: actor.bankId });
    return { where };
  }

  /**
   * The project's history as the actor may read it (core's read policy): everything for the bureau;
   * for a liaison, the project-level records and, in a query of their own, their own bank's line
   * records (Firestore rules are not filters, and one query cannot ask for both).
   */
  function activityQuery(ownBank: boolean): QuerySpec | null {
    const id = projectId.value;
    if (!id) return null;
    const base: QuerySpec = { where: [{ field: 'projectId', op: '==', value: id }], orderBy: [{ field: 'at', direction: 'desc' }], limit: ACTIVITY_LIMIT };
    if (!ownBank) return base;
    const actor = session.actor;
    if (actor?.role !== 'liaison' || !actor.bankId) return null;
    return { ...base, where: [...base.where!, { field: 'bankId', op: '==', value: actor.bankId }] };
  }

  const overlays = useOptimisticOverlays((collection, docId) =>
    collection === 'projects'
      ? projectWatch.data.value?.id === docId
        ? projectWatch.data.value.version
        : 0
      : (linesWatch.data.value.find((doc) => doc.id === docId)?.version ?? 0),
  );

  const prune = () => overlays.prune();
  const projectWatch = useWatchedDoc<Project>(backend, 'projects', openId, { onValue: prune });
  const linesWatch = useWatchedQuery<LoanLine>(backend, 'loanLines', linesQuery, { onValue: prune });
  const activityWatch = useWatchedQuery<Activity>(backend, 'activity', () => activityQuery(false));
  const ownBankActivityWatch = useWatchedQuery<Activity>(backend, 'activity', () => activityQuery(true));
  const projectDoc = projectWatch.data;
  const lineDocs = linesWatch.data;

  /** False until the first snapshot of the open project arrived (null then means "not found"). */
  const loaded = computed(() => backend() !== null && projectId.value !== null && !projectWatch.pending.value);
  /** The project and its lines: a failure of either is said in the drawer, with a retry. */
  const read = readStateOf(projectWatch, linesWatch);
  const watchError = computed(() => read.value.error);
  // The history is an extra: when it cannot be read the drawer says so in its tab, nothing more.
  const activityUnavailable = computed(() => activityWatch.error.value !== null || ownBankActivityWatch.error.value !== null);
  const activity = computed<Activity[]>(() => {
    const own = ownBankActivityWatch.data.value;
    const all = activityWatch.data.value.map((doc) => doc.data);
    if (activityQuery(true) === null) return all;
    return newestFirst([...all, ...own.map((doc) => doc.data)]).slice(0, ACTIVITY_LIMIT);
  });

  const project = computed<Project | null>(() => {
    const doc = projectDoc.value;
    return doc ? overlays.applyTo('projects', doc).data : null;
  });
  const version = computed(() => projectDoc.value?.version ?? 0);
  const lines = computed<LoanLine[]>(() => lineDocs.value.map((doc) => overlays.applyTo('loanLines', doc).data));
  /** Banks on the project whose lines the actor cannot read (a liaison sees only their own). */
  const hiddenBankIds = computed(() => {
    const visible = new Set(lines.value.map((line) => line.bankId));
    return (project.value?.bankIds ?? []).filter((bankId) => !visible.has(bankId));
  });

  /** Opens a project (or switches to another); `null` closes it. */
  function open(id: string | null): void {
    if (id === projectId.value) return;
    overlays.clear();
    lastError.value = null;
    projectId.value = id;
  }
  function close(): void {
    open(null);
  }

  /** Runs a command through the shared runner; the refusal is also kept for the form that asked. */
  async function run(name: CommandName, payload: Record<string, unknown>, optimistic?: OverlayChange): Promise<CommandOutcome> {
    lastError.value = null;
    running.value = name;
    try {
      const outcome = await runCommand(session.backend ? session.execute : null, { name, payload }, optimistic ? overlays.begin(optimistic) : undefined);
      if (!outcome.ok) lastError.value = outcome.error;
      return outcome;
    } finally {
      if (running.value === name) running.value = null;
    }
  }

  function projectBase(expectedVersion?: number): { projectId: string; expectedVersion: number } {
    return { projectId: projectId.value ?? '', expectedVersion: expectedVersion ?? version.value };
  }
  const onProject = (apply: (project: Project) => Project): OverlayChange => ({ collection: 'projects', docId: projectId.value ?? '', apply });

  function updateDetails(patch: ProjectFieldPatch, expectedVersion?: number): Promise<CommandOutcome> {
    return run('project.update', { ...projectBase(expectedVersion), changes: patch }, onProject((p) => ({ ...p, ...patch })));
  }

  function reschedule(expectedMonth: IsoMonth | null, expectedVersion?: number): Promise<CommandOutcome> {
    return run('project.reschedule', { ...projectBase(expectedVersion), expectedMonth }, onProject((p) => ({ ...p, expectedMonth })));
  }

  function setFlag(flag: OffFlowFlag | null, reason: string, expectedVersion?: number): Promise<CommandOutcome> {
    return run('project.setFlag', { ...projectBase(expectedVersion), flag, reason }, onProject((p) => ({ ...p, flag })));
  }

  /**
   * Saves an edit of the details form: the field changes, then the month, then the flag, each a
   * command; the next one carries the version the previous one wrote. Stops at the first refusal.
   */
  async function saveDetails(changes: ProjectDetailsChanges, expectedVersion: number): Promise<CommandOutcome> {
    const steps: ((version: number) => Promise<CommandOutcome>)[] = [];
    if (Object.keys(changes.patch).length > 0) steps.push((v) => updateDetails(changes.patch, v));
    if (changes.expectedMonth !== undefined) {
      const month = changes.expectedMonth;
      steps.push((v) => reschedule(month, v));
    }
    if (changes.flag) {
      const { flag, reason } = changes.flag;
      steps.push((v) => setFlag(flag, reason, v));
    }
    let current = expectedVersion;
    let outcome: CommandOutcome = { ok: true, result: { written: [] } };
    for (const step of steps) {
      outcome = await step(current);
      if (!outcome.ok) return outcome;
      const written = outcome.result.written.find((entry) => entry.collection === 'projects' && entry.id === projectId.value);
      current = written?.version ?? current + 1;
    }
    return outcome;
  }

  function setActionPlan(actionPlan: string): Promise<CommandOutcome> {
    return run('project.setActionPlan', { ...projectBase(), actionPlan }, onProject((p) => ({ ...p, actionPlan })));
  }

  function setPrerequisite(key: PrereqKey, value: Prerequisite): Promise<CommandOutcome> {
    return run(
      'prerequisite.set',
      { ...projectBase(), key, ...value },
      onProject((p) => ({ ...p, prerequisites: { ...p.prerequisites, [key]: { ...value } } })),
    );
  }

  function addBlocker(values: NewBlockerValues): Promise<CommandOutcome> {
    const tag: BlockerTag = values.tag;
    return run('blocker.add', { ...projectBase(), ...values, tag });
  }

  function resolveBlocker(blockerId: string, resolution: string): Promise<CommandOutcome> {
    const now = clock.current().toISOString();
    return run(
      'blocker.resolve',
      { ...projectBase(), blockerId, resolution },
      onProject((p) => ({
        ...p,
        blockers: p.blockers.map((blocker) => (blocker.id === blockerId ? { ...blocker, resolvedAt: now, resolution } : blocker)),
      })),
    );
  }

  function addLine(values: NewLineValues): Promise<CommandOutcome> {
    return run('line.add', { projectId: projectId.value ?? '', ...values });
  }

  function lineVersion(lineId: string): number {
    return lineDocs.value.find((doc) => doc.id === lineId)?.version ?? 0;
  }

  function recordOnLine(kind: LineRecordKind, lineId: string, values: LineRecordValues): Promise<CommandOutcome> {
    const { command, change } = lineRecord(kind, lineId, lineVersion(lineId), values);
    return run(command.name, command.payload, change);
  }

  return {
    projectId,
    project,
    version,
    loaded,
    lines,
    activity,
    activityUnavailable,
    hiddenBankIds,
    running,
    lastError,
    watchError,
    read,
    /** Reads the open project again after a watch of it failed. */
    retry: () => read.value.retry(),
    open,
    close,
    updateDetails,
    saveDetails,
    reschedule,
    setFlag,
    setActionPlan,
    setPrerequisite,
    addBlocker,
    resolveBlocker,
    addLine,
    recordOnLine,
  };
});
