/**
 * Runs one step of the 督办 loop from a page: asks for the text the step needs (a report, what was
 * done, why it goes back), runs the command and says how it went. A step staff record for a party
 * with no member 代为登记 asks in the party's name; core marks the step and the history as recorded
 * on its behalf.
 */
import { ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { ElMessageBox } from 'element-plus';
import 'element-plus/es/components/message-box/style/css';
import { useCommandFeedback } from '@/composables/useCommandFeedback';
import { useBoardStore } from '@/stores/board';
import { useFollowUpStore, type AssignmentStepName } from '@/stores/followUp';

const NEEDS_TEXT: Record<AssignmentStepName, boolean> = { acknowledge: false, report: true, requestClose: true, close: false, return: true };

export interface StepTarget {
  projectId: string;
  assignmentId: string;
  /** Set when staff record the step for this party 代为登记. */
  onBehalfOf?: string | null;
}

export function useAssignmentSteps() {
  const { t } = useI18n();
  const board = useBoardStore();
  const followUp = useFollowUpStore();
  const feedback = useCommandFeedback({ bankName: board.bankName });
  /** Which step is running, for the button's spinner. */
  const busy = ref<string | null>(null);

  async function askText(step: AssignmentStepName, party: string | null, typed = ''): Promise<string | null> {
    if (!NEEDS_TEXT[step]) return '';
    const onBehalf = party !== null && (step === 'report' || step === 'requestClose');
    try {
      const answer = await ElMessageBox.prompt(
        onBehalf ? t(`followUp.onBehalf.prompt.${step}`, { party }) : t(`followUp.prompt.${step}`),
        onBehalf ? t(`followUp.onBehalf.step.${step}`) : t(`followUp.step.${step}`),
        {
          confirmButtonText: t('followUp.prompt.confirm'),
          cancelButtonText: t('followUp.prompt.cancel'),
          inputValue: typed,
          inputValidator: (value: string) => (value ?? '').trim().length > 0 || t('followUp.prompt.required'),
        },
      );
      return answer.value.trim();
    } catch {
      return null; // cancelled
    }
  }

  /** `busyKey`: what `busy` says while the step runs (default `${assignmentId}:${step}`). */
  async function run(target: StepTarget, step: AssignmentStepName, busyKey = `${target.assignmentId}:${step}`): Promise<boolean> {
    let text = await askText(step, target.onBehalfOf ?? null);
    while (text !== null) {
      busy.value = busyKey;
      let outcome;
      try {
        outcome = await followUp.assignmentStep(target.projectId, target.assignmentId, step, text);
      } finally {
        busy.value = null;
      }
      if (outcome.ok) {
        feedback.showSuccess(`followUp.done.${step}`);
        return true;
      }
      feedback.showMessage(feedback.describe(outcome.error));
      // A refused step keeps what the person typed: the prompt opens again with it, to correct or cancel.
      if (!text) return false;
      text = await askText(step, target.onBehalfOf ?? null, text);
    }
    return false;
  }

  return { busy, run };
}
