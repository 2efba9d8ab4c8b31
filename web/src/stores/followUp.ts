/**
 * What needs me 待我处理 and the monthly reporting round 月度报送: core's `dueItemsFor` over the
 * board's cards (they carry the open assignments and blockers, so the header's count never reads
 * the whole projects) and the open rounds, the loop's steps on an assignment and the round's commands.
 * The lights read the one clock (stores/clock.ts), which ticks each minute so a light turns when its day comes.
 */
import { computed, shallowRef, toRaw } from 'vue';
import { defineStore } from 'pinia';
import {
  addMonths,
  dueItemsFor,
  isReportingRoundDocId,
  monthOf,
  partyHasContact,
  PARTY_CONTACTS_DOC_ID,
  readPartyContacts,
  reportingRoundTable,
  type BankReportRow,
  type CommandName,
  type DueItem,
  type IsoDate,
  type IsoMonth,
  type ReportingRound,
} from '@clearway/core';
import type { Backend } from '@/backend/types';
import { runCommand, type CommandOutcome } from '@/backend/commands';
import { useBoardStore } from './board';
import { useClockStore } from './clock';
import { useSessionStore } from './session';
import { readStateOf, useWatchedQuery } from './watched';

export const ASSIGNMENT_STEP_COMMANDS = {
  acknowledge: 'assignment.acknowledge',
  report: 'assignment.report',
  requestClose: 'assignment.requestClose',
  close: 'assignment.close',
  return: 'assignment.return',
} as const satisfies Record<string, CommandName>;
export type AssignmentStepName = keyof typeof ASSIGNMENT_STEP_COMMANDS;

export const useFollowUpStore = defineStore('followUp', () => {
  const session = useSessionStore();
  const board = useBoardStore();

  const clock = useClockStore();

  const watching = shallowRef<Backend | null>(null);
  // Settings are a handful of documents; the rounds are the ones named reportingRound-YYYY-MM.
  const settingsWatch = useWatchedQuery<unknown>(() => watching.value, 'settings');
  /** Whether the rounds could be read (a page shows it with ReadFailed, beside the board's read). */
  const read = readStateOf(settingsWatch);
  function start(): void {
    board.start();
    if (session.backend) watching.value = session.backend;
  }

  const rounds = computed<ReportingRound[]>(() =>
    settingsWatch.data.value
      .filter((doc) => isReportingRoundDocId(doc.id))
      .map((doc) => doc.data as ReportingRound)
      .sort((a, b) => (a.month < b.month ? 1 : -1)),
  );
  /** Which parties have a member (null until known): staff cannot read the members list itself. */
  const partyContacts = computed(() => readPartyContacts(settingsWatch.data.value.find((doc) => doc.id === PARTY_CONTACTS_DOC_ID)?.data ?? null));
  /** Whether a member speaks for a party text (null: not known), for core's `onBehalfSteps`. */
  const partyHasMember = (party: string): boolean | null => partyHasContact(party, partyContacts.value, board.banks);
  const latestRound = computed<ReportingRound | null>(() => rounds.value[0] ?? null);
  const roundTable = computed<BankReportRow[]>(() => (latestRound.value ? reportingRoundTable(latestRound.value, board.banks, clock.now) : []));

  const items = computed<DueItem[]>(() => {
    // The actor as stored, not its reactive proxy: core reads its name and role for every
    // assignment and blocker of every card (thousands of reads), and the item list depends on the
    // actor object, which a sign-in replaces whole.
    const actor = toRaw(session.actor);
    if (!actor) return [];
    return dueItemsFor(actor, { projects: board.cards, banks: board.banks, reportingRounds: rounds.value }, clock.now);
  });
  const count = computed(() => items.value.length);

  /** The month a new round is for: the month that ended last. */
  const defaultRoundMonth = computed<IsoMonth>(() => addMonths(monthOf(clock.now), -1));

  function execute(name: CommandName, payload: unknown): Promise<CommandOutcome> {
    return runCommand(session.backend ? session.execute : null, { name, payload });
  }

  function assignmentStep(projectId: string, assignmentId: string, step: AssignmentStepName, text = ''): Promise<CommandOutcome> {
    const expectedVersion = board.cardDocs.get(projectId)?.version ?? 0;
    return execute(ASSIGNMENT_STEP_COMMANDS[step], { projectId, expectedVersion, assignmentId, text });
  }

  const openRound = (month: IsoMonth, deadline: IsoDate | null) => execute('reporting.open', { month, deadline });
  const submitReport = (month: IsoMonth, noChange: boolean, note: string, bankId: string | null = null) =>
    execute('reporting.submit', { month, bankId, noChange, note });
  const chaseLate = (month: IsoMonth) => execute('reporting.chase', { month });

  return { read, start, partyHasMember, rounds, latestRound, roundTable, items, count, defaultRoundMonth, assignmentStep, openRound, submitReport, chaseLate };
});
