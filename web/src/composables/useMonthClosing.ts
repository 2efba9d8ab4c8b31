/**
 * Closing and reopening the meeting's month 月末关账 / 重新开账: each after the person confirms
 * (a reopen with its reason), through the meeting store's commands, saying what happened. After a
 * close the page scrolls to what changed since the last closed month.
 */
import { ref, type Ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { ElMessageBox } from 'element-plus';
import 'element-plus/es/components/message-box/style/css';
import type { IsoMonth } from '@clearway/core';
import { useMonthText } from '@/components/meeting/monthText';
import { useMeetingStore } from '@/stores/meeting';
import type { useCommandFeedback } from './useCommandFeedback';

export function useMonthClosing(feedback: ReturnType<typeof useCommandFeedback>, isRunningMonth: Readonly<Ref<boolean>>) {
  const meeting = useMeetingStore();
  const { t } = useI18n();
  const { monthLabel } = useMonthText();

  const closing = ref(false);
  const justClosed = ref<IsoMonth | null>(null);
  async function closeMonth(): Promise<void> {
    const month = meeting.month;
    const totals = meeting.agenda?.totals;
    const early = isRunningMonth.value;
    try {
      await ElMessageBox.confirm(
        t(early ? 'meeting.close.earlyMessage' : 'meeting.close.message', { month: monthLabel(month), projects: totals?.projectCount ?? 0 }),
        t(early ? 'meeting.close.earlyTitle' : 'meeting.close.title', { month: monthLabel(month) }),
        { type: 'warning', confirmButtonText: t('meeting.close.confirm'), cancelButtonText: t('meeting.cancel') },
      );
    } catch {
      return; // cancelled
    }
    closing.value = true;
    try {
      const outcome = await meeting.closeMonth(early);
      if (outcome.ok) {
        justClosed.value = month;
        feedback.showSuccess('meeting.close.done', { month: monthLabel(month) });
        document.getElementById('agenda-changes')?.scrollIntoView({ behavior: 'smooth', block: 'start' });
      } else feedback.showError(outcome.error);
    } finally {
      closing.value = false;
    }
  }

  const reopening = ref(false);
  async function reopenMonth(): Promise<void> {
    const month = meeting.month;
    let reason: string;
    try {
      // A confirmed prompt resolves to the typed value (a cancel rejects).
      const answer = (await ElMessageBox.prompt(t('meeting.reopen.message', { month: monthLabel(month) }), t('meeting.reopen.title', { month: monthLabel(month) }), {
        type: 'warning',
        confirmButtonText: t('meeting.reopen.confirm'),
        cancelButtonText: t('meeting.cancel'),
        inputPlaceholder: t('meeting.reopen.placeholder'),
        inputValidator: (value: string) => (value && value.trim() !== '' ? true : t('meeting.reopen.reasonRequired')),
      })) as { value: string };
      reason = answer.value;
    } catch {
      return; // cancelled
    }
    reopening.value = true;
    try {
      const outcome = await meeting.reopenMonth(reason);
      if (outcome.ok) {
        if (justClosed.value === month) justClosed.value = null;
        feedback.showSuccess('meeting.reopen.done', { month: monthLabel(month) });
      } else feedback.showError(outcome.error);
    } finally {
      reopening.value = false;
    }
  }

  return { closing, justClosed, closeMonth, reopening, reopenMonth };
}
