import { describe, expect, it } from 'vitest';
import { effectScope, shallowRef } from 'vue';
import { DomainError } from '@clearway/core';
import { readStateOf, useWatched, type Subscribe } from './watched';

/** A watch the test drives: every subscription is recorded with its handlers. */
function driven() {
  const subscriptions: { next: (value: number) => void; fail: (error: unknown) => void; stopped: boolean }[] = [];
  const subscribe: Subscribe<number> = (next, fail) => {
    const entry = { next, fail, stopped: false };
    subscriptions.push(entry);
    return () => (entry.stopped = true);
  };
  return { subscriptions, subscribe };
}

describe('useWatched', () => {
  it('is pending until the first value, then holds the data', () => {
    const { subscriptions, subscribe } = driven();
    const watched = effectScope().run(() => useWatched(() => subscribe, 0))!;
    expect(watched.pending.value).toBe(true);
    subscriptions[0]!.next(7);
    expect([watched.data.value, watched.pending.value, watched.error.value]).toEqual([7, false, null]);
  });

  it('ends in the error in words, not loading; retry subscribes again and clears it', () => {
    const { subscriptions, subscribe } = driven();
    const watched = effectScope().run(() => useWatched(() => subscribe, 0))!;
    subscriptions[0]!.fail(new DomainError('permission-denied', 'auth.error.readDenied'));
    expect(watched.pending.value).toBe(false);
    expect(watched.error.value).toMatchObject({ code: 'permission-denied', messageKey: 'auth.error.readDenied' });
    expect(subscriptions[0]!.stopped).toBe(true);

    watched.retry();
    expect(subscriptions).toHaveLength(2);
    expect([watched.pending.value, watched.error.value]).toEqual([true, null]);
    subscriptions[1]!.next(3);
    expect(watched.data.value).toBe(3);
  });

  it('an unforeseen failure reads as the internal error', () => {
    const { subscriptions, subscribe } = driven();
    const watched = effectScope().run(() => useWatched(() => subscribe, 0))!;
    const original = console.error;
    console.error = () => undefined;
    subscriptions[0]!.fail(new TypeError('socket closed'));
    console.error = original;
    expect(watched.error.value).toEqual({ code: 'internal', messageKey: 'errors.internal' });
  });

  it('follows its source: a new input restarts the watch, none stops it, the scope stops it', () => {
    const { subscriptions, subscribe } = driven();
    const input = shallowRef<string | null>('a');
    const scope = effectScope();
    const watched = scope.run(() => useWatched(() => (input.value ? subscribe : null), 0))!;
    subscriptions[0]!.next(1);
    input.value = 'b';
    expect(subscriptions).toHaveLength(2);
    expect(subscriptions[0]!.stopped).toBe(true);
    expect(watched.data.value).toBe(0);
    input.value = null;
    expect(subscriptions[1]!.stopped).toBe(true);
    expect(watched.pending.value).toBe(false);
    input.value = 'c';
    scope.stop();
    expect(subscriptions[2]!.stopped).toBe(true);
  });

  it('several watches read as one: the first error, and a retry of only the failed ones', () => {
    const first = driven();
    const second = driven();
    const [a, b] = effectScope().run(() => [useWatched(() => first.subscribe, 0), useWatched(() => second.subscribe, 0)])!;
    const read = readStateOf(a!, b!);
    first.subscriptions[0]!.next(1);
    expect(read.value.pending).toBe(true);
    second.subscriptions[0]!.fail(new DomainError('unauthenticated', 'auth.error.signInRequired'));
    expect(read.value).toMatchObject({ pending: false, error: { messageKey: 'auth.error.signInRequired' } });
    read.value.retry();
    expect(first.subscriptions).toHaveLength(1);
    expect(second.subscriptions).toHaveLength(2);
  });
});
