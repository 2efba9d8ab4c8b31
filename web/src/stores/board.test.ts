import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { DomainError, type CommandEnvelope, type CommandResult, type Project, type StoredDoc } from '@clearway/core';
import type { Backend } from '@/backend/types';
import { makeProject } from '@/test/boardFixtures';
import { useBoardStore } from './board';
import { useSessionStore } from './session';

/** A backend whose watches the test feeds and whose commands the test settles. */
function fakeBackend() {
  let projectsListener: ((docs: StoredDoc<Project>[]) => void) | null = null;
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
      if (collection === 'projects') projectsListener = onNext as (docs: StoredDoc<Project>[]) => void;
      else onNext([]);
      return () => undefined;
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
    publish(docs: StoredDoc<Project>[]) {
      projectsListener?.(docs);
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
    await Promise.resolve();
    expect(fake.pending).toHaveLength(1);
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
    await Promise.resolve();
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

  it('filters the columns', () => {
    board.setFilters({ district: null, bankId: null, sector: null, stalledOnly: false, blockedOnly: false, text: 'nothing like this' });
    expect(board.columns.every((c) => c.projects.length === 0)).toBe(true);
    expect(board.projects).toHaveLength(4);
  });
});
