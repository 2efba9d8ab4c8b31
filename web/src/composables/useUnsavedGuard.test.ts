import { afterEach, describe, expect, it, vi } from 'vitest';
import { effectScope, nextTick, shallowRef } from 'vue';
import type { CommandResult } from '@clearway/core';
import { pendingCommands, runCommand } from '@/backend/commands';
import { useUnsavedGuard } from './useUnsavedGuard';

const scopes: ReturnType<typeof effectScope>[] = [];
function guarded(pending?: Parameters<typeof useUnsavedGuard>[0]) {
  const scope = effectScope();
  scopes.push(scope);
  return scope.run(() => useUnsavedGuard(pending))!;
}
afterEach(() => {
  for (const scope of scopes.splice(0)) scope.stop();
  vi.restoreAllMocks();
});

/** Leaving the page as the browser asks: true when the page asked to stay. */
function leave(): { asked: boolean; returnValue: unknown } {
  const event = new Event('beforeunload', { cancelable: true }) as BeforeUnloadEvent;
  window.dispatchEvent(event);
  return { asked: event.defaultPrevented, returnValue: event.returnValue };
}

function beforeUnloadCalls(spy: { mock: { calls: unknown[][] } }): number {
  return spy.mock.calls.filter(([type]) => type === 'beforeunload').length;
}

describe('useUnsavedGuard', () => {
  it('asks before leaving only while something is pending', async () => {
    const pending = shallowRef(0);
    const added = vi.spyOn(window, 'addEventListener');
    const removed = vi.spyOn(window, 'removeEventListener');
    const guard = guarded(pending);
    expect(beforeUnloadCalls(added)).toBe(0);
    expect(leave().asked).toBe(false);

    pending.value = 2;
    await nextTick();
    expect(guard.saving.value).toBe(true);
    expect(guard.pending.value).toBe(2);
    expect(beforeUnloadCalls(added)).toBe(1);
    expect(leave()).toEqual({ asked: true, returnValue: true });

    // Still pending: the one listener stays.
    pending.value = 1;
    await nextTick();
    expect(beforeUnloadCalls(added)).toBe(1);

    pending.value = 0;
    await nextTick();
    expect(guard.saving.value).toBe(false);
    expect(beforeUnloadCalls(removed)).toBe(1);
    expect(leave().asked).toBe(false);
  });

  it('follows the command runner: asks while a command is unanswered, also one that is refused', async () => {
    const guard = guarded();
    let refuse!: (error: unknown) => void;
    const optimistic = { accepted: vi.fn(), refused: vi.fn() };
    const outcome = runCommand(() => new Promise<CommandResult>((_resolve, reject) => (refuse = reject)), { name: 'project.setActionPlan', payload: {} }, optimistic);
    await nextTick();
    expect(pendingCommands.value).toBe(1);
    expect(guard.saving.value).toBe(true);
    expect(leave().asked).toBe(true);

    refuse({ code: 'failed-precondition', messageKey: 'errors.conflict' });
    expect(await outcome).toMatchObject({ ok: false, error: { messageKey: 'errors.conflict' } });
    expect(optimistic.refused).toHaveBeenCalled();
    await nextTick();
    expect(guard.saving.value).toBe(false);
    expect(leave().asked).toBe(false);
  });

  it('stops asking when its scope ends (the shell is gone)', async () => {
    const pending = shallowRef(1);
    const guard = guarded(pending);
    await nextTick();
    expect(guard.saving.value).toBe(true);
    expect(leave().asked).toBe(true);
    scopes.pop()!.stop();
    expect(leave().asked).toBe(false);
  });
});
