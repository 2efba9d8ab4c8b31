/**
 * The board's state: the cards of every project watched live (core's `boardCardOf`, a fraction
 * of a project's bytes: what the board paints first), the banks, the filters, and optimistic
 * moves. The whole projects are read only when something asks for them (`projects`,
 * `projectDocs`, `projectById`: the meeting, plan, bank and follow-up pages), never before the
 * board's first paint. A move shows in the same tick (an overlay of stage + rank on the watched
 * card), is sent as one `project.move` command with the ranks of its new neighbours, and is
 * rolled back if the command is refused. Overlays are dropped once the watched card reaches the
 * version the command wrote, so a slow listener never makes a confirmed card jump back.
 */
import { computed, shallowRef } from 'vue';
import { defineStore } from 'pinia';
import {
  STAGE_IDS,
  boardCardDoc,
  cardFigures,
  checkStageGate,
  compareByRank,
  neighbourRanks,
  rankBetween,
  type Bank,
  type BoardCard,
  type CommandResult,
  type Project,
  type StageId,
  type StoredDoc,
} from '@clearway/core';
import { whileSaving } from '@/backend/commands';
import type { Backend, Unsubscribe } from '@/backend/types';
import { emptyFilters, hasActiveFilters, projectMatcher, type BoardFilterState } from '@/composables/useBoardFilters';
import { useSessionStore } from './session';
import { readStateOf, useWatched, useWatchedQuery } from './watched';

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
  projects: BoardCard[];
  /** Cards of this column whose move is still being saved. */
  pendingIds: ReadonlySet<string>;
}

function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}

function byChineseName(a: string, b: string): number {
  return a.localeCompare(b, 'zh-Hans-CN');
}

/**
 * The backend's card watch, or (a backend without one) its projects projected in the tab, each
 * card kept while its document is the same object so that unchanged cards never re-render.
 */
function watchCards(backend: Backend, next: (docs: StoredDoc<BoardCard>[]) => void, fail: (error: unknown) => void): Unsubscribe {
  if (backend.watchBoard) return backend.watchBoard(next, fail);
  const cards = new WeakMap<StoredDoc<Project>, StoredDoc<BoardCard>>();
  const cardOf = (doc: StoredDoc<Project>): StoredDoc<BoardCard> => {
    let card = cards.get(doc);
    if (!card) cards.set(doc, (card = boardCardDoc(doc)));
    return card;
  };
  return backend.watchQuery<Project>('projects', {}, (docs) => next(docs.map(cardOf)), fail);
}

/**
 * Resolves once the frame showing a moved card is out (rAF runs just before the frame; a task
 * queued from it runs after). The command then starts: its work (the writer lock, IndexedDB, the
 * watches answering) never holds back the frame the person waits for. A hidden tab draws no
 * frames, so it does not wait.
 */
function afterThisFrame(): Promise<void> {
  if (typeof requestAnimationFrame !== 'function' || typeof document === 'undefined' || document.visibilityState === 'hidden') {
    return Promise.resolve();
  }
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
}

/** One placed item (card or project) shown at an overlay's stage and rank, kept while nothing changes. */
interface Placed<T> {
  data: T;
  stage: StageId;
  rank: string;
  shown: T;
}

export const useBoardStore = defineStore('board', () => {
  const session = useSessionStore();

  /** The backend the board reads from once started (the watches follow it). */
  const watching = shallowRef<Backend | null>(null);
  // The banks are asked for first: a few documents, there before the cards, which then paint with
  // their banks' names at once rather than once without them and again with (a second render).
  const banksWatch = useWatchedQuery<Bank>(() => watching.value, 'banks');
  const cardsWatch = useWatched<StoredDoc<BoardCard>[]>(
    () => {
      const backend = watching.value;
      return backend ? (next, fail) => watchCards(backend, next, fail) : null;
    },
    [],
    { onValue: () => pruneConfirmedOverlays() },
  );
  /** Set by the first read of the whole projects; until then they are not watched at all. */
  const fullWanted = shallowRef(false);
  const fullWatch = useWatchedQuery<Project>(() => (fullWanted.value ? watching.value : null), 'projects');
  /** Whether the board's documents could be read, with a retry when they could not. */
  const read = readStateOf(cardsWatch, banksWatch, fullWatch);
  /** The board page's own reads (cards and banks): the whole projects it never waits for. */
  const cardsRead = readStateOf(cardsWatch, banksWatch);
  const cardDocs = computed<ReadonlyMap<string, StoredDoc<BoardCard>>>(() => new Map(cardsWatch.data.value.map((doc) => [doc.id, doc])));
  const bankDocs = banksWatch.data;
  const overlays = shallowRef<ReadonlyMap<string, MoveOverlay>>(new Map());
  /** Replaced whole (`setFilters`), never changed in place: the matcher reads it for every card, unproxied. */
  const filters = shallowRef<BoardFilterState>(emptyFilters());
  /** The cards and their banks are there (what the board page waits for: a card shows its banks' names). */
  const cardsLoaded = computed(
    () => watching.value !== null && !cardsWatch.pending.value && cardsWatch.error.value === null && !banksWatch.pending.value && banksWatch.error.value === null,
  );
  /**
   * The cards and the whole projects (what the other pages wait for). Reading it asks for the
   * projects: it is false until they are there, never true for a moment before they are asked for.
   */
  const loaded = computed(() => {
    wantFull();
    return cardsLoaded.value && fullWanted.value && !fullWatch.pending.value && fullWatch.error.value === null;
  });
  const watchError = computed(() => read.value.error);

  /**
   * Asks for the whole projects. Called from the getters that hand them out, so it never runs
   * the watch inside the render that asked: the flag flips a microtask later.
   */
  function wantFull(): void {
    if (!fullWanted.value) queueMicrotask(() => (fullWanted.value = true));
  }
  const fullDocs = computed<ReadonlyMap<string, StoredDoc<Project>>>(() => new Map(fullWatch.data.value.map((doc) => [doc.id, doc])));
  /** The whole projects by id (the version for a command's `expectedVersion`): read on demand. */
  const projectDocs = computed<ReadonlyMap<string, StoredDoc<Project>>>(() => {
    wantFull();
    return fullDocs.value;
  });

  let nextToken = 0;
  const inFlight = new Map<string, Promise<unknown>>();

  function setOverlays(mutate: (next: Map<string, MoveOverlay>) => void): void {
    const next = new Map(overlays.value);
    mutate(next);
    overlays.value = next;
    for (const id of placedCards.keys()) if (!next.has(id)) placedCards.delete(id);
    for (const id of placedProjects.keys()) if (!next.has(id)) placedProjects.delete(id);
  }

  /** The overlay that still decides where `doc` shows, if any. */
  function overlayOf(doc: StoredDoc<unknown>): MoveOverlay | null {
    const overlay = overlays.value.get(doc.id);
    return overlay && (overlay.awaitVersion === null || doc.version < overlay.awaitVersion) ? overlay : null;
  }

  /**
   * A moved card (or project) at the overlay's stage and rank, kept while the data and the place
   * stay the same: the command's answer then changes no card and no column.
   */
  const placedCards = new Map<string, Placed<BoardCard>>();
  const placedProjects = new Map<string, Placed<Project>>();
  function placed<T extends { stage: StageId; rank: string }>(cache: Map<string, Placed<T>>, doc: StoredDoc<T>, overlay: MoveOverlay | null): T {
    if (!overlay) return doc.data;
    const kept = cache.get(doc.id);
    if (kept && kept.data === doc.data && kept.stage === overlay.stage && kept.rank === overlay.rank) return kept.shown;
    const shown = { ...doc.data, stage: overlay.stage, rank: overlay.rank };
    cache.set(doc.id, { data: doc.data, stage: overlay.stage, rank: overlay.rank, shown });
    return shown;
  }
  const shownCard = (doc: StoredDoc<BoardCard>, overlay: MoveOverlay | null) => placed(placedCards, doc, overlay);

  function pruneConfirmedOverlays(): void {
    const stale = [...overlays.value].filter(([id, overlay]) => {
      const doc = cardDocs.value.get(id);
      return overlay.awaitVersion !== null && (!doc || doc.version >= overlay.awaitVersion);
    });
    if (stale.length) setOverlays((next) => stale.forEach(([id]) => next.delete(id)));
  }

  /** Starts the live watches on the session's backend (idempotent). */
  function start(): void {
    if (session.backend) watching.value = session.backend;
  }

  function stop(): void {
    watching.value = null;
  }

  /**
   * The whole projects as stored, read on demand (see `projectDocs`). A move in flight shows on the
   * cards only: the pages reading these (the meeting, plan, follow-up counts) then re-derive once
   * the move is saved, not on the click that the board must paint at once.
   */
  const projects = computed<Project[]>(() => [...projectDocs.value.values()].map((doc) => doc.data));

  /** The cards as stored (moves in flight left out, as for `projects`): what the header counts. */
  const cards = computed<BoardCard[]>(() => cardsWatch.data.value.map((doc) => doc.data));

  const banks = computed<Bank[]>(() => bankDocs.value.map((doc) => doc.data).sort((a, b) => byChineseName(a.name, b.name)));
  const bankNames = computed(() => new Map(bankDocs.value.map((doc) => [doc.id, doc.data.name])));
  /**
   * A bank's name by id. A new function whenever the names change, so that what was kept from the
   * old names (the board columns' card texts) knows to make its texts again.
   */
  const bankName = computed<(bankId: string) => string | null>(() => {
    const names = bankNames.value;
    return (bankId) => names.get(bankId) ?? null;
  });

  const matcher = computed(() => projectMatcher(filters.value));
  /** The documents the filters let through, rebuilt when the documents or the filters change, not for a move. */
  const visibleDocs = computed<StoredDoc<BoardCard>[]>(() => {
    // No filter: every card, as the watch gave them (no pass over thousands of cards to keep them all).
    if (!hasActiveFilters(filters.value)) return cardsWatch.data.value;
    const matches = matcher.value;
    const list: StoredDoc<BoardCard>[] = [];
    for (const doc of cardDocs.value.values()) if (matches(doc.data)) list.push(doc);
    return list;
  });
  const visibleProjects = computed(() => visibleDocs.value.map((doc) => shownCard(doc, overlayOf(doc))));
  /** How many cards the filters show and their money: a move changes neither, so it does not recount them. */
  const visibleTotals = computed(() => ({
    ...cardFigures(visibleDocs.value.map((doc) => doc.data)),
    total: cardDocs.value.size,
  }));

  const pendingIds = computed<ReadonlySet<string>>(
    () => new Set([...overlays.value].filter(([, overlay]) => overlay.awaitVersion === null).map(([id]) => id)),
  );

  /**
   * The filtered columns as the documents place the cards (no moves in flight), in rank order:
   * rebuilt when the documents or the filters change, not for a move. (Filters never read the
   * stage or rank a move changes.)
   */
  let columnsFrom: { docs: ReadonlyMap<string, StoredDoc<BoardCard>>; matches: unknown; byStage: ReadonlyMap<StageId, BoardCard[]> } | null = null;
  const documentColumns = computed<ReadonlyMap<StageId, BoardCard[]>>(() => {
    const docs = cardDocs.value;
    const matches = matcher.value;
    const patched = columnsFrom && columnsFrom.matches === matches ? patchedColumns(columnsFrom.docs, columnsFrom.byStage, docs, matches) : null;
    const byStage = patched ?? sortedColumns(visibleDocs.value);
    columnsFrom = { docs, matches, byStage };
    return byStage;
  });

  function sortedColumns(visible: readonly StoredDoc<BoardCard>[]): Map<StageId, BoardCard[]> {
    const byStage = new Map<StageId, BoardCard[]>(STAGE_IDS.map((stage) => [stage, []]));
    for (const doc of visible) byStage.get(doc.data.stage)?.push(doc.data);
    for (const list of byStage.values()) list.sort(compareByRank);
    return byStage;
  }

  /** Beyond this many changed cards the columns are sorted afresh. */
  const PATCH_LIMIT = 64;
  /**
   * The columns after a few cards changed (a move, a line update, another tab's edit): only the
   * columns those cards leave or enter are copied and spliced, the others keep their arrays, so
   * one change neither re-sorts the board nor re-renders the columns it does not touch. Null when
   * too much changed to patch.
   */
  function patchedColumns(
    before: ReadonlyMap<string, StoredDoc<BoardCard>>,
    columns: ReadonlyMap<StageId, BoardCard[]>,
    after: ReadonlyMap<string, StoredDoc<BoardCard>>,
    matches: (card: BoardCard) => boolean,
  ): Map<StageId, BoardCard[]> | null {
    const changed: [StoredDoc<BoardCard> | undefined, StoredDoc<BoardCard> | undefined][] = [];
    for (const [id, doc] of after) {
      const old = before.get(id);
      if (old !== doc && changed.push([old, doc]) > PATCH_LIMIT) return null;
    }
    const added = changed.filter(([old]) => !old).length;
    if (before.size !== after.size - added) {
      for (const [id, old] of before) if (!after.has(id) && changed.push([old, undefined]) > PATCH_LIMIT) return null;
    }
    const lists = new Map(columns);
    const copied = new Set<StageId>();
    const writable = (stage: StageId): BoardCard[] | null => {
      const list = lists.get(stage);
      if (!list || copied.has(stage)) return list ?? null;
      const copy = list.slice();
      lists.set(stage, copy);
      copied.add(stage);
      return copy;
    };
    for (const [old, doc] of changed) {
      if (old && matches(old.data)) {
        const from = writable(old.data.stage);
        const at = from ? from.indexOf(old.data) : -1;
        if (from && at >= 0) from.splice(at, 1);
      }
      if (doc && matches(doc.data)) {
        const to = writable(doc.data.stage);
        to?.splice(rankedIndex(to, doc.data), 0, doc.data);
      }
    }
    return lists;
  }

  /** Index at which `project` goes in the rank-ordered `list`. */
  function rankedIndex(list: readonly BoardCard[], project: BoardCard): number {
    let low = 0;
    let high = list.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compareByRank(list[middle] as BoardCard, project) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
    if (a.size !== b.size) return false;
    for (const id of a) if (!b.has(id)) return false;
    return true;
  }

  /**
   * The columns, filtered and in rank order: the document columns with the moves in flight spliced
   * in, copying only the columns a move touches. A column whose cards did not change keeps its
   * array (and its pending set), so a move re-renders the two columns it touches, not all seven.
   */
  let previousColumns: BoardColumn[] = [];
  const columns = computed<BoardColumn[]>(() => {
    const lists = new Map(documentColumns.value);
    const copied = new Set<StageId>();
    const writable = (stage: StageId): BoardCard[] | null => {
      const list = lists.get(stage);
      if (!list) return null;
      if (copied.has(stage)) return list;
      const copy = list.slice();
      lists.set(stage, copy);
      copied.add(stage);
      return copy;
    };
    const pendingByStage = new Map<StageId, Set<string>>();
    const matches = matcher.value;
    for (const [id, overlay] of overlays.value) {
      const doc = cardDocs.value.get(id);
      if (!doc || !matches(doc.data)) continue;
      const applied = overlayOf(doc);
      if (applied) {
        const from = writable(doc.data.stage);
        const at = from ? from.indexOf(doc.data) : -1;
        if (from && at >= 0) from.splice(at, 1);
        const project = shownCard(doc, applied);
        const to = writable(project.stage);
        to?.splice(rankedIndex(to, project), 0, project);
      }
      if (overlay.awaitVersion === null) {
        const stage = applied ? applied.stage : doc.data.stage;
        const pending = pendingByStage.get(stage) ?? new Set<string>();
        pending.add(id);
        pendingByStage.set(stage, pending);
      }
    }
    const next = STAGE_IDS.map((stage, index): BoardColumn => {
      const projects = lists.get(stage) ?? [];
      const pendingInColumn = pendingByStage.get(stage) ?? new Set<string>();
      const before = previousColumns[index];
      return {
        stage,
        projects: before && (before.projects === projects || sameItems(before.projects, projects)) ? before.projects : projects,
        pendingIds: before && sameSet(before.pendingIds, pendingInColumn) ? before.pendingIds : pendingInColumn,
      };
    });
    previousColumns = next;
    return next;
  });

  let previousOptions: { districts: string[]; sectors: string[]; banks: { id: string; name: string }[] } | null = null;
  /** The filter bar's choices; the same arrays while they say the same, so a change elsewhere leaves the bar be. */
  const filterOptions = computed(() => {
    const districts = new Set<string>();
    const sectors = new Set<string>();
    // From the documents: a move changes neither districts nor sectors, so it leaves the options be.
    for (const { data: project } of cardDocs.value.values()) {
      if (project.district) districts.add(project.district);
      if (project.sector) sectors.add(project.sector);
    }
    const next = {
      districts: [...districts].sort(byChineseName),
      sectors: [...sectors].sort(byChineseName),
      banks: banks.value.map((bank) => ({ id: bank.id, name: bank.name })),
    };
    const kept = previousOptions;
    previousOptions = {
      districts: kept && sameItems(kept.districts, next.districts) ? kept.districts : next.districts,
      sectors: kept && sameItems(kept.sectors, next.sectors) ? kept.sectors : next.sectors,
      banks:
        kept && kept.banks.length === next.banks.length && kept.banks.every((bank, i) => bank.id === next.banks[i]!.id && bank.name === next.banks[i]!.name)
          ? kept.banks
          : next.banks,
    };
    return previousOptions;
  });

  function setFilters(next: BoardFilterState): void {
    filters.value = next;
  }

  /** A whole project (read on demand, see `projectDocs`), moves in flight applied. */
  function projectById(projectId: string): Project | null {
    const doc = projectDocs.value.get(projectId);
    return doc ? placed(placedProjects, doc, overlayOf(doc)) : null;
  }

  /** A project's card as the board shows it (a move in flight applied). */
  function cardById(projectId: string): BoardCard | null {
    const doc = cardDocs.value.get(projectId);
    return doc ? shownCard(doc, overlayOf(doc)) : null;
  }

  function writtenVersion(result: CommandResult, projectId: string): number | null {
    return result.written.find((write) => write.collection === 'projects' && write.id === projectId)?.version ?? null;
  }

  /** The newest version a command of ours wrote, for listeners that lag behind the command's answer. */
  const confirmedVersions = new Map<string, number>();
  function confirmedVersion(projectId: string): number {
    const written = confirmedVersions.get(projectId) ?? 0;
    const seen = cardDocs.value.get(projectId)?.version ?? 0;
    return written > seen ? written : seen;
  }

  /**
   * Moves a card to `index` of the displayed `toStage` column (counted without the card itself).
   * The card moves at once; the returned promise settles when the command is accepted or refused.
   */
  function move(projectId: string, toStage: StageId, index: number): Promise<MoveOutcome> {
    const doc = cardDocs.value.get(projectId);
    const current = cardById(projectId);
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
    // Pending from now (waiting behind the card's previous move too): closing the tab would lose it.
    const run = whileSaving((async (): Promise<MoveOutcome> => {
      if (previous) await previous.catch(() => undefined);
      await afterThisFrame();
      const latest = cardDocs.value.get(projectId) ?? doc;
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
    })());
    inFlight.set(projectId, run);
    void run.finally(() => {
      if (inFlight.get(projectId) === run) inFlight.delete(projectId);
    });
    return run;
  }

  return {
    projectDocs,
    cardDocs,
    bankDocs,
    overlays,
    filters,
    loaded,
    cardsLoaded,
    watchError,
    read,
    cardsRead,
    projects,
    cards,
    banks,
    visibleProjects,
    visibleTotals,
    columns,
    filterOptions,
    pendingIds,
    start,
    stop,
    setFilters,
    bankName,
    projectById,
    cardById,
    move,
  };
});
