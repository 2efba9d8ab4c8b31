/**
 * The project open in the drawer: its document, its loan lines (a liaison reads only their own
 * bank's lines: the query says so, and in firebase mode the rules allow nothing else) and its
 * activity. Every change is a core command carrying the version the person saw. Changes show at
 * once as optimistic overlays on the watched documents; a refused command drops its overlay, so
 * the view rolls back, and the refusal is kept (code, messageKey, fieldErrors) for the form.
 */
import { computed, ref, shallowRef, watch } from 'vue';
import { defineStore } from 'pinia';
import type {
  Activity,
  BlockerTag,
  CommandName,
  CommandResult,
  DomainErrorShape,
  IsoMonth,
  LoanLine,
  OffFlowFlag,
  PrereqKey,
  Prerequisite,
  Project,
  QuerySpec,
  StoredDoc,
} from '@clearway/core';
import type { Unsubscribe } from '@/backend/types';
import { asDomainErrorShape } from '@/composables/useCommandFeedback';
import type { ProjectDetailsChanges, ProjectFieldPatch } from '@/components/project/detailsModel';
import type { LineRecordKind, LineRecordValues, NewBlockerValues, NewLineValues } from '@/components/project/formValues';
import { applyRecord, RECORD_COMMANDS, recordPayload } from './lines';
import { useOptimisticOverlays, type OverlayChange } from './optimisticOverlays';
import { useSessionStore } from './session';

export type CommandOutcome = { ok: true; result: CommandResult } | { ok: false; error: DomainErrorShape };

const ACTIVITY_LIMIT = 200;

export const useProjectStore = defineStore('project', () => {
  const session = useSessionStore();

  const projectId = ref<string | null>(null);
  const projectDoc = shallowRef<StoredDoc<Project> | null>(null);
  /** False until the first snapshot of the open project arrived (null then means "not found"). */
  const loaded = ref(false);
  const lineDocs = shallowRef<StoredDoc<LoanLine>[]>([]);
  const activity = shallowRef<Activity[]>([]);
  const activityUnavailable = ref(false);
  const overlays = useOptimisticOverlays((collection, docId) =>
    collection === 'projects'
      ? projectDoc.value?.id === docId
        ? projectDoc.value.version
        : 0
      : (lineDocs.value.find((doc) => doc.id === docId)?.version ?? 0),
  );
  const running = ref<CommandName | null>(null);
  const lastError = shallowRef<DomainErrorShape | null>(null);
  const watchError = shallowRef<unknown>(null);

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

  let stops: Unsubscribe[] = [];
  function stopWatching(): void {
    for (const stop of stops) stop();
    stops = [];
  }

  function linesQuery(id: string): QuerySpec {
    const where: QuerySpec['where'] = [{ field: 'projectId', op: '==', value: id }];
    const actor = session.actor;
    if (actor?.role === 'liaison') where.push({ field: 'bankId', op: '==', value: actor.bankId });
    return { where };
  }

  function startWatching(): void {
    stopWatching();
    const backend = session.backend;
    const id = projectId.value;
    projectDoc.value = null;
    lineDocs.value = [];
    activity.value = [];
    loaded.value = false;
    activityUnavailable.value = false;
    watchError.value = null;
    if (!backend || !id || !session.actor) return;
    const onError = (error: unknown) => {
      watchError.value = error;
    };
    stops.push(
      backend.watchDoc<Project>(
        'projects',
        id,
        (doc) => {
          projectDoc.value = doc;
          loaded.value = true;
          overlays.prune();
        },
        (error) => {
          loaded.value = true;
          onError(error);
        },
      ),
      backend.watchQuery<LoanLine>('loanLines', linesQuery(id), (docs) => {
        lineDocs.value = docs;
        overlays.prune();
      }, onError),
      ...activityQueries(id).map((spec, index, specs) =>
        backend.watchQuery<Activity>(
          'activity',
          spec,
          (docs) => {
            activityParts[index] = docs.map((doc) => doc.data);
            activity.value = specs.length === 1 ? activityParts[0]! : newestFirst(activityParts.flat()).slice(0, ACTIVITY_LIMIT);
          },
          () => {
            activityUnavailable.value = true;
          },
        ),
      ),
    );
  }

  /** History pieces by query, merged newest first when there are two. */
  let activityParts: Activity[][] = [];
  function newestFirst(records: Activity[]): Activity[] {
    return records.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : a.id < b.id ? 1 : -1));
  }

  /**
   * The project's history as the actor may read it (core's read policy): everything for the bureau;
   * for a liaison, the project-level records and, in a query of their own, their own bank's line
   * records (Firestore rules are not filters, and one query cannot ask for both).
   */
  function activityQueries(id: string): QuerySpec[] {
    const base: QuerySpec = { where: [{ field: 'projectId', op: '==', value: id }], orderBy: [{ field: 'at', direction: 'desc' }], limit: ACTIVITY_LIMIT };
    const actor = session.actor;
    activityParts = [];
    if (actor?.role !== 'liaison' || !actor.bankId) return [base];
    return [base, { ...base, where: [...base.where!, { field: 'bankId', op: '==', value: actor.bankId }] }];
  }

  watch(
    () => [projectId.value, session.backend, session.actor?.uid, session.actor?.role, session.actor?.bankId] as const,
    startWatching,
  );

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

  async function run(
    name: CommandName,
    payload: Record<string, unknown>,
    optimistic?: OverlayChange,
  ): Promise<CommandOutcome> {
    lastError.value = null;
    const backend = session.backend;
    if (!backend) {
      const error: DomainErrorShape = { code: 'unauthenticated', messageKey: 'errors.internal' };
      lastError.value = error;
      return { ok: false, error };
    }
    const overlay = optimistic ? overlays.add(optimistic) : null;
    running.value = name;
    try {
      const result = await backend.execute({ name, payload });
      if (overlay) overlays.settle(overlay, result);
      return { ok: true, result };
    } catch (caught) {
      if (overlay) overlays.drop(overlay);
      const error = asDomainErrorShape(caught) ?? { code: 'internal', messageKey: 'errors.internal' };
      if (!asDomainErrorShape(caught)) console.error(caught);
      lastError.value = error;
      return { ok: false, error };
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
    const now = new Date().toISOString();
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
    const apply = (line: LoanLine, seq: number): LoanLine => applyRecord(line, kind, values, `pending-${seq}`);
    return run(RECORD_COMMANDS[kind], recordPayload(kind, lineId, lineVersion(lineId), values), {
      collection: 'loanLines',
      docId: lineId,
      apply,
    });
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
    /** Reads the open project again after a watch of it failed. */
    retry: startWatching,
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
