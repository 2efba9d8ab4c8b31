/**
 * "My bank" 我的银行: one bank's loan lines across all projects, what waits on the bank, and its
 * totals against its strategic agreement. A liaison always works on their own bank; the bureau
 * and viewers pick one.
 */
import { computed, ref } from 'vue';
import { defineStore } from 'pinia';
import { bankWorkspace, type Bank, type BankWorkspace } from '@clearway/core';
import type { CommandOutcome } from '@/backend/commands';
import type { LineRecordKind, LineRecordValues } from '@/components/project/formValues';
import { useBoardStore } from './board';
import { useClockStore } from './clock';
import { useLinesStore } from './lines';
import { useMeetingStore } from './meeting';
import { useSessionStore } from './session';

export const useBankStore = defineStore('bank', () => {
  const session = useSessionStore();
  const board = useBoardStore();
  const linesStore = useLinesStore();
  const meeting = useMeetingStore();
  const clock = useClockStore();

  const chosenBankId = ref<string | null>(null);
  const isLiaison = computed(() => session.actor?.role === 'liaison');
  const bankId = computed<string | null>(() => (isLiaison.value ? (session.actor?.bankId ?? null) : chosenBankId.value));
  const bank = computed<Bank | null>(() => board.banks.find((candidate) => candidate.id === bankId.value) ?? null);

  function choose(id: string | null): void {
    chosenBankId.value = id;
  }

  /**
   * Everything the page shows, from core's read model: the totals are this bank's row of
   * 分银行情况 as of now. A liaison's lines and projects are already its own bank's (read policy).
   */
  const workspace = computed<BankWorkspace>(() =>
    bankWorkspace({
      bank: bank.value,
      lines: linesStore.lines,
      projects: board.projects,
      now: clock.now,
      rules: meeting.stallRules,
    }),
  );
  const rows = computed(() => workspace.value.rows);
  const totals = computed(() => workspace.value.totals);
  const waitingRows = computed(() => workspace.value.waitingRows);
  const silentRows = computed(() => workspace.value.silentRows);
  const blockerRows = computed(() => workspace.value.blockerRows);

  function record(kind: LineRecordKind, lineId: string, values: LineRecordValues): Promise<CommandOutcome> {
    return linesStore.record(kind, lineId, values);
  }

  return { bankId, bank, isLiaison, choose, rows, totals, waitingRows, silentRows, blockerRows, record };
});
