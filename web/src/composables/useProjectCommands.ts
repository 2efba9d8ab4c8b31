/**
 * The drawer's inline commands (prerequisite rows, blocker resolutions, the action plan) with the
 * refusal each one keeps for the row or editor that sent it. Field messages stay next to the fields;
 * anything else (a conflict, a permission, a gate) becomes a message in the person's language.
 */
import { ref } from 'vue';
import type { FieldError, PrereqKey, Prerequisite } from '@clearway/core';
import type { CommandOutcome } from '@/backend/commands';
import { useProjectStore } from '@/stores/project';
import { useCommandFeedback } from './useCommandFeedback';

type Params = Record<string, string | number>;
export interface RowRefusal {
  messageKey: string;
  params?: Params;
  fieldErrors: FieldError[];
}

export function useProjectCommands() {
  const store = useProjectStore();
  const feedback = useCommandFeedback();
  const prereqError = ref<(RowRefusal & { key: PrereqKey }) | null>(null);
  const resolveError = ref<(RowRefusal & { blockerId: string }) | null>(null);
  const planErrors = ref<FieldError[]>([]);

  /** True when the command was accepted. */
  function report(outcome: CommandOutcome, successKey: string): boolean {
    if (outcome.ok) {
      feedback.showSuccess(successKey);
      return true;
    }
    if (!outcome.error.fieldErrors?.length) feedback.showError(outcome.error);
    return false;
  }

  function refusalOf(outcome: CommandOutcome): RowRefusal | null {
    if (outcome.ok) return null;
    const { messageKey, params, fieldErrors } = outcome.error;
    return { messageKey, params, fieldErrors: fieldErrors ?? [] };
  }

  async function setPrerequisite(key: PrereqKey, value: Prerequisite): Promise<boolean> {
    prereqError.value = null;
    const outcome = await store.setPrerequisite(key, value);
    const refusal = refusalOf(outcome);
    prereqError.value = refusal && { key, ...refusal };
    return report(outcome, 'project.saved.prerequisite');
  }

  async function resolveBlocker(blockerId: string, resolution: string): Promise<boolean> {
    resolveError.value = null;
    const outcome = await store.resolveBlocker(blockerId, resolution);
    const refusal = refusalOf(outcome);
    resolveError.value = refusal && { blockerId, ...refusal };
    return report(outcome, 'project.saved.blockerResolved');
  }

  async function saveActionPlan(text: string): Promise<boolean> {
    const outcome = await store.setActionPlan(text);
    planErrors.value = refusalOf(outcome)?.fieldErrors ?? [];
    return report(outcome, 'project.saved.actionPlan');
  }

  function reset(): void {
    prereqError.value = null;
    resolveError.value = null;
    planErrors.value = [];
  }

  return { prereqError, resolveError, planErrors, report, setPrerequisite, resolveBlocker, saveActionPlan, reset };
}
