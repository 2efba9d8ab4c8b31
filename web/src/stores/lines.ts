/**
 * Every loan line the actor may read, watched live: all of them for the bureau and viewers, only
 * their own bank's for a liaison (the query says so, and in firebase mode the rules allow nothing
 * else). The meeting agenda, the month plan and "my bank" read their lines here. Recording an
 * approval, a contract or a tranche from a list (not from the project drawer) goes through
 * `record`: the line changes at once and rolls back if the command is refused.
 */
import { computed, ref, shallowRef, watch } from 'vue';
import { defineStore } from 'pinia';
import type { CommandName, DomainErrorShape, IsoDate, LoanLine, QuerySpec, StoredDoc } from '@clearway/core';
import type { Unsubscribe } from '@/backend/types';
import { asDomainErrorShape } from '@/composables/useCommandFeedback';
import type { LineRecordKind, LineRecordValues } from '@/components/project/formValues';
import type { CommandOutcome } from './project';
import { useOptimisticOverlays } from './optimisticOverlays';
import { useSessionStore } from './session';

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
  const lineDocs = shallowRef<StoredDoc<LoanLine>[]>([]);
  const loaded = ref(false);
  const watchError = shallowRef<unknown>(null);
  const overlays = useOptimisticOverlays((_collection, lineId) => versionOf(lineId));
  let stop: Unsubscribe | null = null;

  function query(): QuerySpec {
    const actor = session.actor;
    return actor?.role === 'liaison' ? { where: [{ field: 'bankId', op: '==', value: actor.bankId }] } : {};
  }

  function restart(): void {
    stop?.();
    stop = null;
    lineDocs.value = [];
    loaded.value = false;
    watchError.value = null;
    const backend = session.backend;
    if (!backend || !session.actor) return;
    stop = backend.watchQuery<LoanLine>(
      'loanLines',
      query(),
      (docs) => {
        lineDocs.value = docs;
        loaded.value = true;
        overlays.prune();
      },
      (error) => {
        watchError.value = error;
        loaded.value = true;
      },
    );
  }

  // Created on first use; the watch lives as long as the store and follows backend and actor.
  watch(() => [session.backend, session.actor?.uid, session.actor?.role, session.actor?.bankId] as const, restart, {
    immediate: true,
  });

  function versionOf(lineId: string): number {
    return lineDocs.value.find((doc) => doc.id === lineId)?.version ?? 0;
  }

  const lines = computed<LoanLine[]>(() => lineDocs.value.map((doc) => overlays.applyTo('loanLines', doc).data));

  const pendingLineIds = computed(() => overlays.pendingIds('loanLines'));

  async function record(kind: LineRecordKind, lineId: string, values: LineRecordValues): Promise<CommandOutcome> {
    const expectedVersion = versionOf(lineId);
    const overlay = overlays.add({
      collection: 'loanLines',
      docId: lineId,
      apply: (line: LoanLine, seq: number) => applyRecord(line, kind, values, `pending-${seq}`),
    });
    try {
      const result = await session.execute({ name: RECORD_COMMANDS[kind], payload: recordPayload(kind, lineId, expectedVersion, values) });
      overlays.settle(overlay, result);
      return { ok: true, result };
    } catch (caught) {
      overlays.drop(overlay);
      const shape = asDomainErrorShape(caught);
      if (!shape) console.error(caught);
      const error: DomainErrorShape = shape ?? { code: 'internal', messageKey: 'errors.internal' };
      return { ok: false, error };
    }
  }

  return { lines, lineDocs, loaded, watchError, pendingLineIds, record, versionOf };
});
