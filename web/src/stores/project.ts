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
  IsoDate,
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
import { useSessionStore } from './session';

export type CommandOutcome = { ok: true; result: CommandResult } | { ok: false; error: DomainErrorShape };

type Overlayable = 'projects' | 'loanLines';
interface Overlay {
  seq: number;
  collection: Overlayable;
  docId: string;
  apply: (data: never) => unknown;
  /** Set once the command succeeded: the overlay goes when the watched doc reaches this version. */
  untilVersion: number | null;
}

const ACTIVITY_LIMIT = 200;
const LINE_COMMANDS: Record<LineRecordKind, CommandName> = {
  approval: 'line.recordApproval',
  contract: 'line.recordContract',
  tranche: 'line.addTranche',
};

function applyOverlays<T>(doc: StoredDoc<T>, collection: Overlayable, overlays: Overlay[]): StoredDoc<T> {
  let data = doc.data;
  for (const overlay of overlays) {
    if (overlay.collection !== collection || overlay.docId !== doc.id) continue;
    if (overlay.untilVersion !== null && doc.version >= overlay.untilVersion) continue;
    data = (overlay.apply as (value: T) => T)(data);
  }
  return data === doc.data ? doc : { ...doc, data };
}

export const useProjectStore = defineStore('project', () => {
  const session = useSessionStore();

  const projectId = ref<string | null>(null);
  const projectDoc = shallowRef<StoredDoc<Project> | null>(null);
  /** False until the first snapshot of the open project arrived (null then means "not found"). */
  const loaded = ref(false);
  const lineDocs = shallowRef<StoredDoc<LoanLine>[]>([]);
  const activity = shallowRef<Activity[]>([]);
  const activityUnavailable = ref(false);
  const overlays = ref<Overlay[]>([]);
  const running = ref<CommandName | null>(null);
  const lastError = shallowRef<DomainErrorShape | null>(null);
  const watchError = shallowRef<unknown>(null);
  let overlaySeq = 0;

  const project = computed<Project | null>(() => {
    const doc = projectDoc.value;
    return doc ? applyOverlays(doc, 'projects', overlays.value).data : null;
  });
  const version = computed(() => projectDoc.value?.version ?? 0);
  const lines = computed<LoanLine[]>(() => lineDocs.value.map((doc) => applyOverlays(doc, 'loanLines', overlays.value).data));
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
          pruneOverlays();
        },
        (error) => {
          loaded.value = true;
          onError(error);
        },
      ),
      backend.watchQuery<LoanLine>('loanLines', linesQuery(id), (docs) => {
        lineDocs.value = docs;
        pruneOverlays();
      }, onError),
      backend.watchQuery<Activity>(
        'activity',
        { where: [{ field: 'projectId', op: '==', value: id }], orderBy: [{ field: 'at', direction: 'desc' }], limit: ACTIVITY_LIMIT },
        (docs) => {
          activity.value = docs.map((doc) => doc.data);
        },
        () => {
          activityUnavailable.value = true;
        },
      ),
    );
  }

  watch(
    () => [projectId.value, session.backend, session.actor?.uid, session.actor?.role, session.actor?.bankId] as const,
    startWatching,
  );

  /** Opens a project (or switches to another); `null` closes it. */
  function open(id: string | null): void {
    if (id === projectId.value) return;
    overlays.value = [];
    lastError.value = null;
    projectId.value = id;
  }
  function close(): void {
    open(null);
  }

  function pruneOverlays(): void {
    const versionOf = (overlay: Overlay): number => {
      if (overlay.collection === 'projects') return projectDoc.value?.id === overlay.docId ? projectDoc.value.version : 0;
      return lineDocs.value.find((doc) => doc.id === overlay.docId)?.version ?? 0;
    };
    const kept = overlays.value.filter((overlay) => overlay.untilVersion === null || versionOf(overlay) < overlay.untilVersion);
    if (kept.length !== overlays.value.length) overlays.value = kept;
  }

  async function run(
    name: CommandName,
    payload: Record<string, unknown>,
    optimistic?: { collection: Overlayable; docId: string; apply: (data: never) => unknown },
  ): Promise<CommandOutcome> {
    lastError.value = null;
    const backend = session.backend;
    if (!backend) {
      const error: DomainErrorShape = { code: 'unauthenticated', messageKey: 'errors.internal' };
      lastError.value = error;
      return { ok: false, error };
    }
    const overlay: Overlay | null = optimistic ? { ...optimistic, seq: ++overlaySeq, untilVersion: null } : null;
    if (overlay) overlays.value = [...overlays.value, overlay];
    running.value = name;
    try {
      const result = await backend.execute({ name, payload });
      if (overlay) {
        const written = result.written.find((entry) => entry.collection === overlay.collection && entry.id === overlay.docId);
        if (written) {
          overlays.value = overlays.value.map((item) => (item.seq === overlay.seq ? { ...item, untilVersion: written.version } : item));
          pruneOverlays();
        } else {
          dropOverlay(overlay.seq);
        }
      }
      return { ok: true, result };
    } catch (caught) {
      if (overlay) dropOverlay(overlay.seq);
      const error = asDomainErrorShape(caught) ?? { code: 'internal', messageKey: 'errors.internal' };
      if (!asDomainErrorShape(caught)) console.error(caught);
      lastError.value = error;
      return { ok: false, error };
    } finally {
      if (running.value === name) running.value = null;
    }
  }

  function dropOverlay(seq: number): void {
    overlays.value = overlays.value.filter((item) => item.seq !== seq);
  }

  function projectBase(expectedVersion?: number): { projectId: string; expectedVersion: number } {
    return { projectId: projectId.value ?? '', expectedVersion: expectedVersion ?? version.value };
  }
  const onProject = (apply: (project: Project) => Project) => ({
    collection: 'projects' as const,
    docId: projectId.value ?? '',
    apply: apply as (data: never) => unknown,
  });

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
    const apply = (line: LoanLine): LoanLine => {
      if (kind === 'approval') return { ...line, approved: values.amount, approvedDate: values.date };
      if (kind === 'contract') return { ...line, contracted: values.amount, contractDate: values.date };
      const pendingTranche = { id: `pending-${overlaySeq + 1}`, date: values.date as IsoDate, amount: values.amount, recordedAt: '', recordedBy: '' };
      return { ...line, tranches: [...line.tranches, pendingTranche] };
    };
    const base = { lineId, expectedVersion: lineVersion(lineId) };
    const payload =
      kind === 'approval'
        ? { ...base, approved: values.amount, approvedDate: values.date }
        : kind === 'contract'
          ? { ...base, contracted: values.amount, contractDate: values.date }
          : { ...base, amount: values.amount, date: values.date };
    return run(
      LINE_COMMANDS[kind],
      payload,
      { collection: 'loanLines', docId: lineId, apply: apply as (data: never) => unknown },
    );
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
