/**
 * Sends one form's command. While it runs `saving` is true; a refusal keeps its field errors for
 * the form to show beside the fields (the form stays open with what the person typed), and a
 * refusal without field errors (a conflict, a permission, a gate) becomes a message.
 */
import { ref } from 'vue';
import type { FieldError } from '@clearway/core';
import type { CommandOutcome } from '@/backend/commands';
import { useCommandFeedback } from './useCommandFeedback';

export function useFormSubmit() {
  const feedback = useCommandFeedback();
  const saving = ref(false);
  const fieldErrors = ref<FieldError[]>([]);

  /** True when the command was accepted. */
  async function submit(send: () => Promise<CommandOutcome>, successKey: string, successParams?: Record<string, string | number>): Promise<boolean> {
    saving.value = true;
    try {
      const outcome = await send();
      if (outcome.ok) {
        fieldErrors.value = [];
        feedback.showSuccess(successKey, successParams);
        return true;
      }
      fieldErrors.value = outcome.error.fieldErrors ?? [];
      if (!fieldErrors.value.length) feedback.showError(outcome.error);
      return false;
    } finally {
      saving.value = false;
    }
  }

  return { saving, fieldErrors, submit };
}
