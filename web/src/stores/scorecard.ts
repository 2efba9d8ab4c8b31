/**
 * The quarterly bank scorecard 银行季度考核: core's `bankScorecard` over the board's projects and
 * banks, the loan lines, the reporting rounds and the admin's weights (settings). The bureau sees
 * every bank with scores and ranks; a liaison reads only its own bank's lines, so it sees its own
 * figures (`bankScorecardForBank`) and no score or rank, which would take the other banks' figures.
 */
import { computed, ref, shallowRef } from 'vue';
import { defineStore } from 'pinia';
import {
  addQuarters,
  bankScorecard,
  bankScorecardForBank,
  isReportingRoundDocId,
  quarterOf,
  SCORECARD_WEIGHTS_DOC_ID,
  scorecardAudienceOf,
  scorecardWeightsOf,
  type BankScorecard,
  type IsoQuarter,
  type LoanLine,
  type ReportingRound,
  type ScorecardFigures,
  type ScorecardWeights,
} from '@clearway/core';
import type { Backend } from '@/backend/types';
import { runCommand, type CommandOutcome } from '@/backend/commands';
import { useBoardStore } from './board';
import { useClockStore } from './clock';
import { useLinesStore } from './lines';
import { useSessionStore } from './session';
import { failedRead, readStateOf, useWatchedQuery } from './watched';

/** How many quarters back the picker offers (two years). */
const QUARTERS_OFFERED = 8;

export const useScorecardStore = defineStore('scorecard', () => {
  const session = useSessionStore();
  const board = useBoardStore();
  const linesStore = useLinesStore();
  const clock = useClockStore();

  const watching = shallowRef<Backend | null>(null);
  const settingsWatch = useWatchedQuery<unknown>(() => watching.value, 'settings');
  function start(): void {
    board.start();
    if (session.backend) watching.value = session.backend;
  }

  const quarters = computed<IsoQuarter[]>(() => {
    const current = quarterOf(clock.now);
    return Array.from({ length: QUARTERS_OFFERED }, (_, i) => addQuarters(current, -i));
  });
  const chosen = ref<IsoQuarter | null>(null);
  /** The chosen quarter; by default the current one. */
  const quarter = computed<IsoQuarter>(() => chosen.value ?? quarters.value[0]!);
  function choose(next: IsoQuarter): void {
    chosen.value = next;
  }

  const weightsDoc = computed(() => settingsWatch.data.value.find((doc) => doc.id === SCORECARD_WEIGHTS_DOC_ID) ?? null);
  const weights = computed<ScorecardWeights>(() => scorecardWeightsOf(weightsDoc.value?.data));
  /** The weights document's version: what a form follows, not every settings change. */
  const weightsVersion = computed<number | null>(() => weightsDoc.value?.version ?? null);
  const rounds = computed<ReportingRound[]>(() =>
    settingsWatch.data.value.filter((doc) => isReportingRoundDocId(doc.id)).map((doc) => doc.data as ReportingRound),
  );

  // Core's read policy decides: the bureau reads every bank's lines, a liaison its own bank's only.
  const audience = computed(() => scorecardAudienceOf(session.actor));
  const isLiaison = computed(() => audience.value.kind === 'ownBank');
  const input = computed(() => ({
    quarter: quarter.value,
    banks: board.banks,
    lines: linesStore.lines as readonly LoanLine[],
    rounds: rounds.value,
    assignments: board.projects.flatMap((project) => project.assignments),
    now: clock.now,
  }));
  /** Every bank, scored and ranked (the bureau's view). */
  const card = computed<BankScorecard | null>(() => (audience.value.kind === 'ranked' ? bankScorecard({ ...input.value, weights: weights.value }) : null));
  /** A liaison's own bank's figures. */
  const ownRow = computed<(ScorecardFigures & { bankId: string; name: string }) | null>(() => {
    const reader = audience.value;
    return reader.kind === 'ownBank' ? bankScorecardForBank(input.value, reader.bankId) : null;
  });

  const loaded = computed(() => board.loaded && linesStore.loaded && !settingsWatch.pending.value);
  const settingsRead = readStateOf(settingsWatch);
  const read = failedRead(
    () => board.read,
    () => linesStore.read,
    () => settingsRead.value,
  );

  /** `expectedVersion`: the version the admin's edits started from (another admin's newer save is refused, not overwritten). */
  function setWeights(next: ScorecardWeights, expectedVersion: number | null = weightsVersion.value): Promise<CommandOutcome> {
    return runCommand(session.backend ? session.execute : null, {
      name: 'scorecard.setWeights',
      payload: { expectedVersion, weights: next },
    });
  }

  return { start, quarters, quarter, choose, weights, weightsVersion, card, ownRow, isLiaison, loaded, read, setWeights };
});
