/**
 * The "still saving" guard of the app shell: while a command is unanswered (sent or queued, see
 * the command runner's `pendingCommands`), closing or reloading the tab asks first, since the
 * change on screen was never stored and would be lost without a word. The browser shows its own
 * text (pages may no longer set it). In-app navigation needs no guard: the stores outlive the
 * pages, so a command keeps running and settles after a route change.
 */
import { computed, toValue, type ComputedRef, type MaybeRefOrGetter } from 'vue';
import { useEventListener } from '@vueuse/core';
import { pendingCommands } from '@/backend/commands';

export interface UnsavedGuard {
  /** How many changes are still being saved. */
  readonly pending: ComputedRef<number>;
  readonly saving: ComputedRef<boolean>;
}

/** Asks before the page is left while `pending` (the runner's count by default) is above zero. */
export function useUnsavedGuard(pending: MaybeRefOrGetter<number> = pendingCommands): UnsavedGuard {
  const count = computed(() => toValue(pending));
  const saving = computed(() => count.value > 0);
  // Registered only while something is pending: a page with a beforeunload listener is kept out of
  // the browser's back/forward cache, and one that asks for nothing must not ask.
  useEventListener<BeforeUnloadEvent>(
    () => (saving.value ? globalThis.window : null),
    'beforeunload',
    (event) => {
      event.preventDefault();
      // Older browsers (Chrome before 119) ask only when returnValue is set.
      event.returnValue = true;
    },
  );
  return { pending: count, saving };
}
