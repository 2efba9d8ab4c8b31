/**
 * "My bank" 我的银行: one bank's loan lines across all projects, what waits on the bank, and its
 * totals against its strategic agreement. A liaison always works on their own bank; the bureau
 * and viewers pick one.
 */
import { computed, ref } from 'vue';
import { defineStore } from 'pinia';
import { daysBetween, dayOf, lineAwaiting, lineDisbursed, type Bank, type Blocker, type LoanLine } from '@clearway/core';
import type { BankBlockerRow, BankLineRow, BankTotalsView } from '@/components/bank/types';
import type { LineRecordKind, LineRecordValues } from '@/components/project/formValues';
import { useBoardStore } from './board';
import { useLinesStore } from './lines';
import { useMeetingStore } from './meeting';
import type { CommandOutcome } from './project';
import { useSessionStore } from './session';


const ACTIVE_STATUSES = new Set<LoanLine['status']>(['applying', 'approved', 'contracted', 'disbursing']);

/** A blocker waits on a bank when its party names the bank, or it is a bank-tagged problem on a project the bank lends to. */
export function blockerWaitsOnBank(blocker: Blocker, bank: Pick<Bank, 'name'>, bankLendsToProject: boolean): boolean {
  if (blocker.resolvedAt !== null) return false;
  const party = blocker.party.replace(/\s+/g, '');
  const name = bank.name.replace(/\s+/g, '');
  return (name.length > 0 && party.includes(name)) || (blocker.tag === 'bank' && bankLendsToProject);
}

export const useBankStore = defineStore('bank', () => {
  const session = useSessionStore();
  const board = useBoardStore();
  const linesStore = useLinesStore();
  const meeting = useMeetingStore();

  const chosenBankId = ref<string | null>(null);
  const isLiaison = computed(() => session.actor?.role === 'liaison');
  const bankId = computed<string | null>(() => (isLiaison.value ? (session.actor?.bankId ?? null) : chosenBankId.value));
  const bank = computed<Bank | null>(() => board.banks.find((candidate) => candidate.id === bankId.value) ?? null);

  function choose(id: string | null): void {
    chosenBankId.value = id;
  }

  const rows = computed<BankLineRow[]>(() => {
    const id = bankId.value;
    if (!id) return [];
    const now = meeting.clock;
    const today = dayOf(now);
    return linesStore.lines
      .filter((line) => line.bankId === id)
      .map((line) => {
        const drawn = lineDisbursed(line);
        const waiting = lineAwaiting({ status: line.status, approved: line.approved, disbursed: drawn });
        return {
          line,
          project: board.projectById(line.projectId),
          drawn,
          waiting,
          waitingDays: waiting > 0 && line.approvedDate ? Math.max(daysBetween(line.approvedDate, today), 0) : null,
          idleDays: Math.max(daysBetween(line.updatedAt, now), 0),
        };
      })
      .sort(
        (a, b) =>
          Number(ACTIVE_STATUSES.has(b.line.status)) - Number(ACTIVE_STATUSES.has(a.line.status)) ||
          b.waiting - a.waiting ||
          (a.project?.name ?? '').localeCompare(b.project?.name ?? '', 'zh-Hans-CN'),
      );
  });

  const totals = computed<BankTotalsView>(() => {
    const sum = { lines: 0, projects: 0, requested: 0, approved: 0, contracted: 0, disbursed: 0, waiting: 0 };
    const projects = new Set<string>();
    for (const row of rows.value) {
      if (row.line.status === 'declined') continue;
      sum.lines += 1;
      projects.add(row.line.projectId);
      sum.requested += row.line.requested;
      sum.approved += row.line.approved ?? 0;
      sum.contracted += row.line.contracted ?? 0;
      sum.disbursed += row.drawn;
      sum.waiting += row.waiting;
    }
    sum.projects = projects.size;
    const agreement = bank.value?.agreementAmount ?? 0;
    return { ...sum, agreement, agreementRate: agreement > 0 ? sum.disbursed / agreement : null };
  });

  /** Approved and not drawn, longest wait first. */
  const waitingRows = computed(() =>
    rows.value.filter((row) => row.waiting > 0 && row.project?.flag == null).sort((a, b) => (b.waitingDays ?? 0) - (a.waitingDays ?? 0)),
  );

  /** Active lines the bank has not updated for longer than the silence rule allows. */
  const silentRows = computed(() => {
    const limit = meeting.stallRules.bankSilenceDays;
    return rows.value.filter((row) => ACTIVE_STATUSES.has(row.line.status) && row.project?.flag == null && row.idleDays > limit);
  });

  const blockerRows = computed<BankBlockerRow[]>(() => {
    const current = bank.value;
    if (!current) return [];
    const today = dayOf(meeting.clock);
    const lendsTo = new Set(rows.value.map((row) => row.line.projectId));
    const out: BankBlockerRow[] = [];
    for (const project of board.projects) {
      for (const blocker of project.blockers) {
        if (!blockerWaitsOnBank(blocker, current, lendsTo.has(project.id))) continue;
        out.push({ project, blocker, overdue: blocker.dueDate !== null && blocker.dueDate < today });
      }
    }
    return out.sort((a, b) => Number(b.overdue) - Number(a.overdue) || (a.blocker.dueDate ?? '9').localeCompare(b.blocker.dueDate ?? '9'));
  });

  function record(kind: LineRecordKind, lineId: string, values: LineRecordValues): Promise<CommandOutcome> {
    return linesStore.record(kind, lineId, values);
  }

  return { bankId, bank, isLiaison, choose, rows, totals, waitingRows, silentRows, blockerRows, record };
});
