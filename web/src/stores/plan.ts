/**
 * The month plan 月度计划: columns are months (overdue, this month, the next five, then later and
 * unscheduled), each project placed by its expected milestone month as core's `placeInPlan` says.
 * Moving a card to another month is one `project.reschedule` command (its history is the activity
 * record); the card moves at once and goes back if the command is refused.
 */
import { computed, watch } from 'vue';
import { defineStore } from 'pinia';
import {
  addMonths,
  monthPlanColumns,
  plannedVsActual,
  planMonths,
  type IsoMonth,
  type PlannedVsActualRow,
  type Project,
} from '@clearway/core';
import { refusalOf, runCommand, type CommandOutcome } from '@/backend/commands';
import type { PlanColumnView } from '@/components/plan/types';
import { useBoardStore } from './board';
import { useClockStore } from './clock';
import { useLinesStore } from './lines';
import { useMeetingStore } from './meeting';
import { useOptimisticOverlays } from './optimisticOverlays';
import type { ReadState } from './watched';
import { useSessionStore } from './session';

export const usePlanStore = defineStore('plan', () => {
  const session = useSessionStore();
  const board = useBoardStore();
  const linesStore = useLinesStore();
  const meeting = useMeetingStore();
  const clock = useClockStore();

  const overlays = useOptimisticOverlays((_collection, projectId) => board.projectDocs.get(projectId)?.version ?? 0);
  watch(() => board.projectDocs, () => overlays.prune());

  /** The board's projects with the moves in flight (or not yet seen back) applied. */
  const projects = computed<Project[]>(() => {
    if (overlays.overlays.value.length === 0) return board.projects;
    return board.projects.map((project) => {
      const doc = board.projectDocs.get(project.id);
      return doc ? overlays.applyTo('projects', { ...doc, data: project }).data : project;
    });
  });

  const pendingIds = computed(() => overlays.pendingIds('projects'));

  const months = computed<IsoMonth[]>(() =>
    planMonths(clock.now).flatMap((column) => (column.kind === 'month' ? [column.month] : [])),
  );

  /** The plan's columns, cards and planned totals of core's read model, with moves in flight applied. */
  const columns = computed<PlanColumnView[]>(() => monthPlanColumns(projects.value, clock.now));

  /** Planned vs actual disbursement per plan month (the plan frozen at the month before's close, when closed). */
  const plannedActual = computed<PlannedVsActualRow[]>(() => {
    const previous = addMonths(clock.month, -1);
    const frozen = meeting.readySnapshot(previous);
    return plannedVsActual({
      months: months.value,
      projects: projects.value,
      lines: linesStore.lines,
      snapshots: frozen ? [frozen] : [],
    });
  });

  /**
   * Whether the plan frozen at the month before's close could be read (which months are closed,
   * then that month's snapshot): refused, the page says so instead of showing no planned figures.
   */
  const read = computed<ReadState>(() => {
    if (meeting.monthsRead.error) return meeting.monthsRead;
    const previous = addMonths(clock.month, -1);
    const entry = meeting.snapshotOf(previous);
    if (entry?.state === 'error') return { pending: false, error: refusalOf(entry.error), retry: () => meeting.retrySnapshot(previous) };
    return { pending: false, error: null, retry: () => undefined };
  });

  /** Months offered by the keyboard menu: this month and the next eleven. */
  const menuMonths = computed<IsoMonth[]>(() => Array.from({ length: 12 }, (_, i) => addMonths(clock.month, i)));

  /** Reschedules a project; the card moves at once and goes back if refused. Resolves with the command's outcome. */
  async function reschedule(projectId: string, expectedMonth: IsoMonth | null): Promise<CommandOutcome | null> {
    const project = projects.value.find((candidate) => candidate.id === projectId);
    const doc = board.projectDocs.get(projectId);
    if (!project || !doc || project.expectedMonth === expectedMonth) return null;
    const optimistic = overlays.begin({ collection: 'projects', docId: projectId, apply: (data: Project) => ({ ...data, expectedMonth }) });
    const command = { name: 'project.reschedule' as const, payload: { projectId, expectedVersion: doc.version, expectedMonth } };
    return runCommand(session.backend ? session.execute : null, command, optimistic);
  }

  return { columns, months, menuMonths, plannedActual, read, pendingIds, reschedule, projects };
});
