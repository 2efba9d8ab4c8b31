/**
 * The board's state: every project watched live (one document per card), the banks, the filters,
 * and optimistic moves. A move shows in the same tick (an overlay of stage + rank on the watched
 * document), is sent as one `project.move` command with the ranks of its new neighbours, and is
 * rolled back if the command is refused. Overlays are dropped once the watched document reaches
 * the version the command wrote, so a slow listener never makes a confirmed card jump back.
 */
import { computed, ref, shallowRef } from 'vue';
import { defineStore } from 'pinia';
import {
  STAGE_IDS,
  checkStageGate,
  compareByRank,
  neighbourRanks,
  rankBetween,
  type Bank,
  type CommandResult,
  type Project,
  type StageId,
  type StoredDoc,
} from '@clearway/core';
import type { Backend, Unsubscribe } from '@/backend/types';
import { emptyFilters, projectMatcher, type BoardFilterState } from '@/composables/useBoardFilters';
import { useSessionStore } from './session';

interface MoveOverlay {
  stage: StageId;
  rank: string;
  token: number;
  /** null while the command is in flight; then the version it wrote. */
  awaitVersion: number | null;
}

export type MoveOutcome = { ok: true; changed: boolean } | { ok: false; error: unknown };

export interface BoardColumn {
  stage: StageId;
  projects: Project[];
  /** Cards of this column whose move is still being saved. */
  pendingIds: ReadonlySet<string>;
}

function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}

function byChineseName(a: string, b: string): number {
  return a.localeCompare(b, 'zh-Hans-CN');
}

export const useBoardStore = defineStore('board', () => {
  const session = useSessionStore();

  const projectDocs = shallowRef<ReadonlyMap<string, StoredDoc<Project>>>(new Map());
  const bankDocs = shallowRef<StoredDoc<Bank>[]>([]);
  const overlays = shallowRef<ReadonlyMap<string, MoveOverlay>>(new Map());
  const filters = ref<BoardFilterState>(emptyFilters());
  const loaded = ref(false);
  const watchError = shallowRef<unknown>(null);

  let watchedBackend: Backend | null = null;
  let unsubscribes: Unsubscribe[] = [];
  let nextToken = 0;
  const inFlight = new Map<string, Promise<unknown>>();

  function setOverlays(mutate: (next: Map<string, MoveOverlay>) => void): void {
    const next = new Map(overlays.value);
    mutate(next);
    overlays.value = next;
  }

  function pruneConfirmedOverlays(): void {
    const stale = [...overlays.value].filter(([id, overlay]) => {
      const doc = projectDocs.value.get(id);
      return overlay.awaitVersion !== null && (!doc || doc.version >= overlay.awaitVersion);
    });
    if (stale.length) setOverlays((next) => stale.forEach(([id]) => next.delete(id)));
  }

  /** Starts the live watches on the session's backend (idempotent). */
  function start(): void {
    const backend = session.backend;
    if (!backend || backend === watchedBackend) return;
    stop();
    watchedBackend = backend;
    const onError = (error: unknown) => {
      watchError.value = error;
    };
    unsubscribes = [
      backend.watchQuery<Project>(
        'projects',
        {},
        (docs) => {
          projectDocs.value = new Map(docs.map((doc) => [doc.id, doc]));
          loaded.value = true;
          pruneConfirmedOverlays();
        },
        onError,
      ),
      backend.watchQuery<Bank>(
        'banks',
        {},
        (docs) => {
          bankDocs.value = docs;
        },
        onError,
      ),
    ];
  }

  function stop(): void {
    unsubscribes.forEach((unsubscribe) => unsubscribe());
    unsubscribes = [];
    watchedBackend = null;
    loaded.value = false;
  }

  const projects = computed<Project[]>(() => {
    const list: Project[] = [];
    for (const doc of projectDocs.value.values()) {
      const overlay = overlays.value.get(doc.id);
      const applies = overlay && (overlay.awaitVersion === null || doc.version < overlay.awaitVersion);
      list.push(applies ? { ...doc.data, stage: overlay.stage, rank: overlay.rank } : doc.data);
    }
    return list;
  });

  const banks = computed<Bank[]>(() => bankDocs.value.map((doc) => doc.data).sort((a, b) => byChineseName(a.name, b.name)));
  const bankNames = computed(() => new Map(bankDocs.value.map((doc) => [doc.id, doc.data.name])));
  function bankName(bankId: string): string | null {
    return bankNames.value.get(bankId) ?? null;
  }

  const visibleProjects = computed(() => projects.value.filter(projectMatcher(filters.value)));

  const pendingIds = computed<ReadonlySet<string>>(
    () => new Set([...overlays.value].filter(([, overlay]) => overlay.awaitVersion === null).map(([id]) => id)),
  );

  /**
   * The columns, filtered and in rank order. A column whose cards did not change keeps its array
   * (and its pending set), so a move re-renders the two columns it touches, not all seven.
   */
  let previousColumns: BoardColumn[] = [];
  const columns = computed<BoardColumn[]>(() => {
    const byStage = new Map<StageId, Project[]>(STAGE_IDS.map((stage) => [stage, []]));
    for (const project of visibleProjects.value) byStage.get(project.stage)?.push(project);
    const pending = pendingIds.value;
    const next = STAGE_IDS.map((stage, index): BoardColumn => {
      const projects = (byStage.get(stage) ?? []).sort(compareByRank);
      const pendingInColumn = new Set(projects.filter((project) => pending.has(project.id)).map((project) => project.id));
      const before = previousColumns[index];
      return {
        stage,
        projects: before && sameItems(before.projects, projects) ? before.projects : projects,
        pendingIds: before && sameItems([...before.pendingIds], [...pendingInColumn]) ? before.pendingIds : pendingInColumn,
      };
    });
    previousColumns = next;
    return next;
  });

  const filterOptions = computed(() => {
    const districts = new Set<string>();
    const sectors = new Set<string>();
    for (const project of projects.value) {
      if (project.district) districts.add(project.district);
      if (project.sector) sectors.add(project.sector);
    }
    return {
      districts: [...districts].sort(byChineseName),
      sectors: [...sectors].sort(byChineseName),
      banks: banks.value.map((bank) => ({ id: bank.id, name: bank.name })),
    };
  });

  function setFilters(next: BoardFilterState): void {
    filters.value = next;
  }

  function projectById(projectId: string): Project | null {
    return projects.value.find((project) => project.id === projectId) ?? null;
  }

  function writtenVersion(result: CommandResult, projectId: string): number | null {
    return result.written.find((write) => write.collection === 'projects' && write.id === projectId)?.version ?? null;
  }

  /** The newest version a command of ours wrote, for listeners that lag behind the command's answer. */
  const confirmedVersions = new Map<string, number>();
  function confirmedVersion(projectId: string): number {
    const written = confirmedVersions.get(projectId) ?? 0;
    const seen = projectDocs.value.get(projectId)?.version ?? 0;
    return written > seen ? written : seen;
  }

  /**
   * Moves a card to `index` of the displayed `toStage` column (counted without the card itself).
   * The card moves at once; the returned promise settles when the command is accepted or refused.
   */
  function move(projectId: string, toStage: StageId, index: number): Promise<MoveOutcome> {
    const doc = projectDocs.value.get(projectId);
    const current = projectById(projectId);
    if (!doc || !current) return Promise.resolve({ ok: true, changed: false });

    // The same rule the command enforces: refuse at once instead of showing a move that will snap back.
    const gate = checkStageGate(current, toStage);
    if (gate) return Promise.resolve({ ok: false, error: gate });

    const column = columns.value.find((c) => c.stage === toStage)?.projects ?? [];
    const { before, after } = neighbourRanks(column, projectId, index);
    const unchanged =
      current.stage === toStage && (before === null || current.rank > before) && (after === null || current.rank < after);
    if (unchanged) return Promise.resolve({ ok: true, changed: false });

    let rank: string;
    try {
      rank = rankBetween(before, after);
    } catch (error) {
      return Promise.resolve({ ok: false, error });
    }

    const token = ++nextToken;
    setOverlays((next) => next.set(projectId, { stage: toStage, rank, token, awaitVersion: null }));

    const previous = inFlight.get(projectId);
    const run = (async (): Promise<MoveOutcome> => {
      if (previous) await previous.catch(() => undefined);
      const latest = projectDocs.value.get(projectId) ?? doc;
      try {
        const result = await session.execute({
          name: 'project.move',
          payload: { projectId, expectedVersion: Math.max(latest.version, confirmedVersion(projectId)), toStage, before, after },
        });
        const version = writtenVersion(result, projectId) ?? latest.version + 1;
        confirmedVersions.set(projectId, version);
        if (overlays.value.get(projectId)?.token === token) {
          setOverlays((next) => next.set(projectId, { stage: toStage, rank, token, awaitVersion: version }));
          pruneConfirmedOverlays();
        }
        return { ok: true, changed: true };
      } catch (error) {
        if (overlays.value.get(projectId)?.token === token) setOverlays((next) => next.delete(projectId));
        return { ok: false, error };
      }
    })();
    inFlight.set(projectId, run);
    void run.finally(() => {
      if (inFlight.get(projectId) === run) inFlight.delete(projectId);
    });
    return run;
  }

  return {
    projectDocs,
    bankDocs,
    overlays,
    filters,
    loaded,
    watchError,
    projects,
    banks,
    visibleProjects,
    columns,
    filterOptions,
    pendingIds,
    start,
    stop,
    setFilters,
    bankName,
    projectById,
    move,
  };
});
