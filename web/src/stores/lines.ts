/**
 * Every loan line the actor may read, watched live: all of them for the bureau and viewers, only
 * their own bank's for a liaison (the query says so, and in firebase mode the rules allow nothing
 * else). The meeting agenda, the month plan and "my bank" read their lines here. Recording an
 * approval, a contract or a tranche from a list (not from the project drawer) goes through
 * `record`: the line changes at once and rolls back if the command is refused.
 */
import { computed } from 'vue';
import { defineStore } from 'pinia';
import type { CommandName, IsoDate, LoanLine, QuerySpec } from '@clearway/core';
import { runCommand, type CommandOutcome } from '@/backend/commands';
import type { LineRecordKind, LineRecordValues } from '@/components/project/formValues';
import { useOptimisticOverlays } from './optimisticOverlays';
import { useSessionStore } from './session';
import { readStateOf, useWatchedQuery } from './watched';

export const RECORD_COMMANDS: Record<LineRecordKind, CommandName> = {
  approval: 'line.recordApproval',
  contract: 'line.recordContract',
  tranche: 'line.addTranche',
};

export function applyRecord(line: LoanLine, kind: LineRecordKind, values: LineRecordValues, pendingId: string): LoanLine {
  if (kind === 'approval') return { ...line, approved: values.amount, approvedDate: values.date };
  if (kind === 'contract') return { ...line, contracted: values.amount, contractDate: values.date };
  const tranche = { id: pendingId, date: values.date as IsoDate, amount: values.amount, recordedAt: '', recordedBy: '' };
  return { ...line, tranches: [...line.tranches, tranche] };
}

export function recordPayload(kind: LineRecordKind, lineId: string, expectedVersion: number, values: LineRecordValues) {
  const base = { lineId, expectedVersion };
  if (kind === 'approval') return { ...base, approved: values.amount, approvedDate: values.date };
  if (kind === 'contract') return { ...base, contracted: values.amount, contractDate: values.date };
  return { ...base, amount: values.amount, date: values.date };
}

export const useLinesStore = defineStore('lines', () => {
  const session = useSessionStore();
  const overlays = useOptimisticOverlays((_collection, lineId) => versionOf(lineId));

  /** A liaison reads its own bank's lines (the query says so; the backends allow nothing else). */
  function query(): QuerySpec | null {
    const actor = session.actor;
    if (!actor) return null;
    return actor.role === 'liaison' ? { where: [{ field: 'bankId', op: '==', value: actor.bankId }] } : {};
  }
  const watched = useWatchedQuery<LoanLine>(() => session.backend, 'loanLines', query, { onValue: () => overlays.prune() });
  const lineDocs = watched.data;
  const read = readStateOf(watched);
  const loaded = computed(() => session.backend !== null && session.actor !== null && !watched.pending.value);
  const watchError = watched.error;

  function versionOf(lineId: string): number {
    return lineDocs.value.find((doc) => doc.id === lineId)?.version ?? 0;
  }

  const lines = computed<LoanLine[]>(() => lineDocs.value.map((doc) => overlays.applyTo('loanLines', doc).data));

  const pendingLineIds = computed(() => overlays.pendingIds('loanLines'));

  function record(kind: LineRecordKind, lineId: string, values: LineRecordValues): Promise<CommandOutcome> {
    const command = { name: RECORD_COMMANDS[kind], payload: recordPayload(kind, lineId, versionOf(lineId), values) };
    const optimistic = overlays.begin({
      collection: 'loanLines',
      docId: lineId,
      apply: (line: LoanLine, seq: number) => applyRecord(line, kind, values, `pending-${seq}`),
    });
    return runCommand(session.backend ? session.execute : null, command, optimistic);
  }

  return { lines, lineDocs, loaded, watchError, read, pendingLineIds, record, versionOf };
});
