import { describe, expect, it, vi } from 'vitest';
import { DomainError, type CommandResult } from '@clearway/core';
import { pendingCommands, runCommand, whileSaving } from './commands';

const command = { name: 'project.setActionPlan' as const, payload: {} };

describe('runCommand', () => {
  it('keeps the optimistic change of an accepted command', async () => {
    const result: CommandResult = { written: [{ collection: 'projects', id: 'p1', version: 2 }] };
    const optimistic = { accepted: vi.fn(), refused: vi.fn() };
    expect(await runCommand(async () => result, command, optimistic)).toEqual({ ok: true, result });
    expect(optimistic.accepted).toHaveBeenCalledWith(result);
    expect(optimistic.refused).not.toHaveBeenCalled();
  });

  it('rolls a refused command back and gives its reason', async () => {
    const optimistic = { accepted: vi.fn(), refused: vi.fn() };
    const outcome = await runCommand(async () => Promise.reject(new DomainError('aborted', 'errors.conflict')), command, optimistic);
    expect(outcome).toMatchObject({ ok: false, error: { code: 'aborted', messageKey: 'errors.conflict' } });
    expect(optimistic.refused).toHaveBeenCalled();
  });

  it('an unforeseen failure and a missing session have messages of their own', async () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(await runCommand(async () => Promise.reject(new Error('boom')), command)).toEqual({
      ok: false,
      error: { code: 'internal', messageKey: 'errors.internal' },
    });
    spy.mockRestore();
    expect(await runCommand(null, command)).toMatchObject({ ok: false, error: { messageKey: 'auth.error.signInRequired' } });
  });
});

/** A command whose answer the test gives. */
function held() {
  let accept!: (result: CommandResult) => void;
  let refuse!: (error: unknown) => void;
  const answer = new Promise<CommandResult>((resolve, reject) => {
    accept = resolve;
    refuse = reject;
  });
  return { execute: () => answer, accept, refuse };
}

describe('pendingCommands', () => {
  it('counts a command from its sending until it is accepted', async () => {
    const first = held();
    const second = held();
    const running = [runCommand(first.execute, command), runCommand(second.execute, command)];
    expect(pendingCommands.value).toBe(2);
    first.accept({ written: [] });
    await running[0];
    expect(pendingCommands.value).toBe(1);
    second.accept({ written: [] });
    await running[1];
    expect(pendingCommands.value).toBe(0);
  });

  it('counts a refused command until it is rolled back, and an unforeseen failure too', async () => {
    const refused = held();
    const broken = held();
    const optimistic = { accepted: vi.fn(), refused: vi.fn(() => expect(pendingCommands.value).toBe(2)) };
    const running = [runCommand(refused.execute, command, optimistic), runCommand(broken.execute, command)];
    expect(pendingCommands.value).toBe(2);
    refused.refuse(new DomainError('failed-precondition', 'errors.conflict'));
    expect(await running[0]).toMatchObject({ ok: false });
    expect(optimistic.refused).toHaveBeenCalled();
    expect(pendingCommands.value).toBe(1);
    const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    broken.refuse(new Error('socket hang up'));
    expect(await running[1]).toMatchObject({ ok: false, error: { messageKey: 'errors.internal' } });
    spy.mockRestore();
    expect(pendingCommands.value).toBe(0);
  });

  it('does not count a command refused at once for want of a session', async () => {
    const outcome = runCommand(null, command);
    expect(pendingCommands.value).toBe(0);
    await outcome;
    expect(pendingCommands.value).toBe(0);
  });

  it('counts work outside the runner until it settles, keeping its answer or its failure', async () => {
    const queued = held();
    const failing = held();
    const work = [whileSaving(queued.execute()), whileSaving(failing.execute())];
    expect(pendingCommands.value).toBe(2);
    queued.accept({ written: [{ collection: 'projects', id: 'p1', version: 3 }] });
    expect(await work[0]).toEqual({ written: [{ collection: 'projects', id: 'p1', version: 3 }] });
    expect(pendingCommands.value).toBe(1);
    failing.refuse(new Error('gone'));
    await expect(work[1]).rejects.toThrow('gone');
    expect(pendingCommands.value).toBe(0);
  });
});
