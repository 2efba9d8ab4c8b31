import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { DomainError, boardCardDoc, type CommandEnvelope, type CommandResult, type Project, type StoredDoc } from '@clearway/core';
import { pendingCommands } from '@/backend/commands';
import type { Backend } from '@/backend/types';
import { makeProject } from '@/test/boardFixtures';
import { useBoardStore } from './board';
import { useSessionStore } from './session';

/** A backend whose watches the test feeds and whose commands the test settles. */
function fakeBackend() {
  const projectsListeners = new Set<(docs: StoredDoc<Project>[]) => void>();
  let lastProjects: StoredDoc<Project>[] | null = null;
  const pending: { command: CommandEnvelope; resolve: (r: CommandResult) => void; reject: (e: unknown) => void }[] = [];
  const backend: Backend = {
    kind: 'local',
    ready: async () => undefined,
    execute: vi.fn(
      (command: CommandEnvelope) =>
        new Promise<CommandResult>((resolve, reject) => {
          pending.push({ command, resolve, reject });
        }),
    ),
    watchQuery: ((collection: string, _spec: unknown, onNext: (docs: StoredDoc[]) => void) => {
      if (collection !== 'projects') {
        onNext([]);
        return () => undefined;
      }
      const listener = onNext as (docs: StoredDoc<Project>[]) => void;
      projectsListeners.add(listener);
      if (lastProjects) listener(lastProjects);
      return () => projectsListeners.delete(listener);
    }) as Backend['watchQuery'],
    watchDoc: (() => () => undefined) as Backend['watchDoc'],
    watchActor(onNext) {
      onNext({ uid: 'u-staff', name: '王丽娟', role: 'staff', bankId: null });
      return () => undefined;
    },
  };
  return {
    backend,
    pending,
    /** How many live watches of the projects the store holds. */
    get projectWatches() {
      return projectsListeners.size;
    },
    publish(docs: StoredDoc<Project>[]) {
      lastProjects = docs;
      for (const listener of projectsListeners) listener(docs);
    },
  };
}

const column = (board: ReturnType<typeof useBoardStore>, stage: Project['stage']) =>
  board.columns.find((c) => c.stage === stage)!.projects.map((p) => p.id);

describe('board store', () => {
  let fake: ReturnType<typeof fakeBackend>;
  let board: ReturnType<typeof useBoardStore>;
  const docs = [
    { id: 'p0', version: 1, data: makeProject({ id: 'p0', stage: 'approval', rank: 'a0' }) },
    { id: 'p1', version: 1, data: makeProject({ id: 'p1', stage: 'approval', rank: 'a1' }) },
    { id: 'p2', version: 1, data: makeProject({ id: 'p2', stage: 'approval', rank: 'a2' }) },
    { id: 'p3', version: 4, data: makeProject({ id: 'p3', stage: 'matched', rank: 'a0', clearance: { matched: 100_000_000 } }) },
  ];

  beforeEach(() => {
    setActivePinia(createPinia());
    fake = fakeBackend();
    useSessionStore().attach(fake.backend);
    board = useBoardStore();
    board.start();
    fake.publish(docs);
  });

  it('moves the card in the same tick, sends one move with the neighbour ranks, and rolls back when refused', async () => {
    const outcome = board.move('p0', 'approval', 2);

    expect(column(board, 'approval')).toEqual(['p1', 'p2', 'p0']);
    expect(board.pendingIds.has('p0')).toBe(true);
    // The command leaves once the frame showing the move is out.
    expect(fake.pending).toHaveLength(0);
    await vi.waitFor(() => expect(fake.pending).toHaveLength(1));
    expect(fake.pending[0]!.command).toEqual({
      name: 'project.move',
      payload: { projectId: 'p0', expectedVersion: 1, toStage: 'approval', before: 'a2', after: null },
    });

    fake.pending[0]!.reject(new DomainError('failed-precondition', 'errors.conflict', { collection: 'projects', id: 'p0' }));
    const result = await outcome;

    expect(result.ok).toBe(false);
    expect(result.ok === false && (result.error as DomainError).messageKey).toBe('errors.conflict');
    expect(column(board, 'approval')).toEqual(['p0', 'p1', 'p2']);
    expect(board.pendingIds.size).toBe(0);
  });

  it('keeps a confirmed move until the listener brings the written version', async () => {
    const outcome = board.move('p3', 'approval', 1);
    expect(column(board, 'approval')).toEqual(['p0', 'p3', 'p1', 'p2']);
    expect(column(board, 'matched')).toEqual([]);
    await vi.waitFor(() => expect(fake.pending).toHaveLength(1));
    const { before, after } = fake.pending[0]!.command.payload as { before: string; after: string };
    expect([before, after]).toEqual(['a0', 'a1']);

    fake.pending[0]!.resolve({ written: [{ collection: 'projects', id: 'p3', version: 5 }] });
    expect(await outcome).toEqual({ ok: true, changed: true });
    // The listener has not delivered version 5 yet: the card stays where it was dropped.
    expect(column(board, 'approval')).toEqual(['p0', 'p3', 'p1', 'p2']);

    const moved = board.overlays.get('p3')!;
    fake.publish([...docs.slice(0, 3), { id: 'p3', version: 5, data: makeProject({ id: 'p3', stage: 'approval', rank: moved.rank }) }]);
    expect(board.overlays.size).toBe(0);
    expect(column(board, 'approval')).toEqual(['p0', 'p3', 'p1', 'p2']);
  });

  it('counts a move as still being saved from the drop, also while it waits behind the card\'s previous move', async () => {
    const first = board.move('p0', 'approval', 2);
    const second = board.move('p0', 'approval', 0);
    expect(pendingCommands.value).toBe(2);
    await vi.waitFor(() => expect(fake.pending).toHaveLength(1));
    fake.pending[0]!.reject(new DomainError('failed-precondition', 'errors.conflict', { collection: 'projects', id: 'p0' }));
    expect((await first).ok).toBe(false);
    // The second is still queued (its command not yet sent): still pending.
    expect(pendingCommands.value).toBe(1);
    await vi.waitFor(() => expect(fake.pending).toHaveLength(2));
    fake.pending[1]!.resolve({ written: [{ collection: 'projects', id: 'p0', version: 2 }] });
    expect(await second).toEqual({ ok: true, changed: true });
    expect(pendingCommands.value).toBe(0);
  });

  it('refuses a move a stage gate forbids without moving the card or sending a command', async () => {
    const outcome = await board.move('p1', 'approved', 0);
    expect(outcome.ok).toBe(false);
    expect(outcome.ok === false && (outcome.error as DomainError).messageKey).toBe('errors.gate.approvedAmountMissing');
    expect(column(board, 'approval')).toEqual(['p0', 'p1', 'p2']);
    expect(fake.backend.execute).not.toHaveBeenCalled();
  });

  it('does nothing when a card is dropped where it already is', async () => {
    expect(await board.move('p1', 'approval', 1)).toEqual({ ok: true, changed: false });
    expect(fake.backend.execute).not.toHaveBeenCalled();
  });

  it('filters the columns', async () => {
    board.setFilters({ district: null, bankId: null, sector: null, stalledOnly: false, blockedOnly: false, text: 'nothing like this' });
    expect(board.columns.every((c) => c.projects.length === 0)).toBe(true);
    expect(board.visibleTotals).toMatchObject({ count: 0, total: 4 });
    expect(board.projects).toHaveLength(0);
    await Promise.resolve();
    expect(board.projects).toHaveLength(4);
  });

  it('re-derives only the columns a changed card leaves or enters, in rank order as a fresh sort would give', () => {
    const before = new Map(board.columns.map((c) => [c.stage, c.projects]));
    const moved = { id: 'p1', version: 2, data: makeProject({ id: 'p1', stage: 'matched', rank: 'a1' }) };
    const added = { id: 'p4', version: 1, data: makeProject({ id: 'p4', stage: 'matched', rank: 'Zz' }) };
    fake.publish([docs[0]!, moved, docs[2]!, docs[3]!, added]);
    expect(column(board, 'approval')).toEqual(['p0', 'p2']);
    expect(column(board, 'matched')).toEqual(['p4', 'p3', 'p1']);
    for (const c of board.columns) {
      if (c.stage !== 'approval' && c.stage !== 'matched') expect(c.projects, c.stage).toBe(before.get(c.stage));
    }
    const options = board.filterOptions.districts;
    fake.publish([docs[0]!, docs[2]!, docs[3]!, added]);
    expect(column(board, 'matched')).toEqual(['p4', 'p3']);
    expect(board.filterOptions.districts).toBe(options);
    expect(board.visibleTotals.total).toBe(4);
  });

  it('paints from the cards alone and reads the whole projects only when asked for them', async () => {
    expect(fake.projectWatches).toBe(1);
    expect(board.cardsLoaded).toBe(true);
    const card = board.cardById('p3')!;
    expect(card.lineCount).toBe(0);
    expect(card).not.toHaveProperty('prerequisites');
    expect(card).not.toHaveProperty('actionPlan');
    expect(board.projectById('p3')).toBeNull();
    // Not loaded until the whole projects it asks for are there.
    expect(board.loaded).toBe(false);
    await Promise.resolve();
    expect(fake.projectWatches).toBe(2);
    expect(board.loaded).toBe(true);
    expect(board.projectById('p3')?.prerequisites).toBeDefined();
    expect(board.projectDocs.get('p3')?.version).toBe(4);
  });

  it('shows a move in flight on a whole project looked up by id, and the list once it is saved', async () => {
    void board.projects;
    await Promise.resolve();
    void board.move('p3', 'approval', 1);
    expect(board.projectById('p3')?.stage).toBe('approval');
    // The list of whole projects follows the stored documents: it is not re-derived on the click.
    expect(board.projects.find((p) => p.id === 'p3')?.stage).toBe('matched');
  });

  it("reads the backend's own card watch when it has one", () => {
    setActivePinia(createPinia());
    const other = fakeBackend();
    const cards = docs.map((doc) => boardCardDoc(doc));
    other.backend.watchBoard = (onNext) => {
      onNext(cards);
      return () => undefined;
    };
    useSessionStore().attach(other.backend);
    const store = useBoardStore();
    store.start();
    expect(other.projectWatches).toBe(0);
    expect(store.columns.find((c) => c.stage === 'approval')!.projects).toEqual([cards[0]!.data, cards[1]!.data, cards[2]!.data]);
  });
});

describe('board store, the first paint', () => {
  it('asks for the banks before the cards, and is loaded only once both are there', () => {
    setActivePinia(createPinia());
    const asked: string[] = [];
    const answer = new Map<string, (docs: StoredDoc[]) => void>();
    const backend: Backend = {
      kind: 'local',
      ready: async () => undefined,
      execute: vi.fn(),
      watchQuery: ((collection: string, _spec: unknown, onNext: (docs: StoredDoc[]) => void) => {
        asked.push(collection);
        answer.set(collection, onNext);
        return () => undefined;
      }) as Backend['watchQuery'],
      watchDoc: (() => () => undefined) as Backend['watchDoc'],
      watchActor(onNext) {
        onNext({ uid: 'u-staff', name: '王丽娟', role: 'staff', bankId: null });
        return () => undefined;
      },
    };
    useSessionStore().attach(backend);
    const board = useBoardStore();
    board.start();
    expect(asked).toEqual(['banks', 'projects']);
    answer.get('projects')!([{ id: 'p0', version: 1, data: makeProject({ id: 'p0', stage: 'approval', rank: 'a0', leadBankId: 'icbc' }) }]);
    // Cards without their banks' names are not what the board paints first.
    expect(board.cardsLoaded).toBe(false);
    answer.get('banks')!([{ id: 'icbc', version: 1, data: { id: 'icbc', name: '工商银行' } }]);
    expect(board.cardsLoaded).toBe(true);
    expect(board.bankName('icbc')).toBe('工商银行');
  });
});
