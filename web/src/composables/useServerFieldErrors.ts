/**
 * Maps the `fieldErrors` of a refused command onto the form items that show them. A server path
 * matches a form prop when it is the prop or ends with `.<prop>` (payloads may nest the fields, e.g.
 * `patch.owner.creditCode` → `owner.creditCode`). Errors that match no item are listed for the form
 * to show above its buttons. `aliases` renames payload fields the form calls otherwise. Editing a field hides its server error until the next refusal.
 */
import { computed, reactive, watch } from 'vue';
import type { FieldError } from '@clearway/core';
import { useCommandFeedback } from './useCommandFeedback';

export function useServerFieldErrors(
  source: () => FieldError[] | undefined,
  props: readonly string[],
  /** Payload field → form prop, where the form names a field differently from the command. */
  aliases: Record<string, string> = {},
) {
  const { fieldMessage } = useCommandFeedback();
  const matches = (path: string, prop: string): boolean => {
    const target = aliases[path] ?? path;
    return target === prop || target.endsWith(`.${prop}`);
  };
  const dismissed = reactive(new Set<string>());

  watch(source, () => dismissed.clear());

  function errorFor(prop: string): string {
    if (dismissed.has(prop)) return '';
    const found = (source() ?? []).find((fieldError) => matches(fieldError.path, prop));
    return found ? fieldMessage(found) : '';
  }

  const unmatched = computed(() =>
    (source() ?? [])
      .filter((fieldError) => !props.some((prop) => matches(fieldError.path, prop)))
      .map(fieldMessage),
  );

  function dismiss(prop: string): void {
    dismissed.add(prop);
  }

  return { errorFor, unmatched, dismiss };
}
