import { describe, expect, it, vi } from 'vitest';
import { DomainError, type CommandResult } from '@clearway/core';
import { runCommand } from './commands';

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
