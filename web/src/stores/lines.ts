/**
 * Every loan line the actor may read, watched live: all of them for the bureau and viewers, only
 * their own bank's for a liaison (the query says so, and in firebase mode the rules allow nothing
 * else). The meeting agenda, the month plan and "my bank" read their lines here. Recording an
 * approval, a contract or a tranche from a list (not from the project drawer) goes through
 * `record`: the line changes at once and rolls back if the command is refused.
 */
import { computed } from 'vue';
import { defineStore } from 'pinia';
import type { LoanLine, QuerySpec } from '@clearway/core';
import { runCommand, type CommandOutcome } from '@/backend/commands';
import type { LineRecordKind, LineRecordValues } from '@/components/project/formValues';
import { lineRecord } from './lineRecords';
import { useOptimisticOverlays } from './optimisticOverlays';
import { useSessionStore } from './session';
import { readStateOf, useWatchedQuery } from './watched';

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
    const { command, change } = lineRecord(kind, lineId, versionOf(lineId), values);
    return runCommand(session.backend ? session.execute : null, command, overlays.begin(change));
  }

  return { lines, lineDocs, loaded, watchError, read, pendingLineIds, record, versionOf };
});
