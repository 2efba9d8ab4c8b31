/**
 * The month plan 月度计划: columns are months (overdue, this month, the next five, then later and
 * unscheduled), each project placed by its expected milestone month as core's `placeInPlan` says.
 * Moving a card to another month is one `project.reschedule` command (its history is the activity
 * record); the card moves at once and goes back if the command is refused.
 */
import { computed, onScopeDispose, ref, shallowRef } from 'vue';
import { defineStore } from 'pinia';
import {
  addMonths,
  monthOf,
  monthPlanColumns,
  plannedVsActual,
  planMonths,
  type IsoMonth,
  type PlannedVsActualRow,
  type Project,
} from '@clearway/core';
import type { PlanColumnView } from '@/components/plan/types';
import { asDomainErrorShape } from '@/composables/useCommandFeedback';
import { useBoardStore } from './board';
import { useLinesStore } from './lines';
import { useMeetingStore } from './meeting';
import type { CommandOutcome } from './project';
import { useSessionStore } from './session';


interface RescheduleOverlay {
  expectedMonth: IsoMonth | null;
  token: number;
  /** null while the command is in flight; then the version it wrote. */
  untilVersion: number | null;
}

const CLOCK_TICK_MS = 60_000;

export const usePlanStore = defineStore('plan', () => {
  const session = useSessionStore();
  const board = useBoardStore();
  const linesStore = useLinesStore();
  const meeting = useMeetingStore();

  const clock = ref(new Date());
  const timer = setInterval(() => (clock.value = new Date()), CLOCK_TICK_MS);
  onScopeDispose(() => clearInterval(timer));

  const overlays = shallowRef<ReadonlyMap<string, RescheduleOverlay>>(new Map());
  let nextToken = 0;

  function setOverlay(projectId: string, overlay: RescheduleOverlay | null): void {
    const next = new Map(overlays.value);
    if (overlay) next.set(projectId, overlay);
    else next.delete(projectId);
    overlays.value = next;
  }

  const projects = computed<Project[]>(() =>
    board.projects.map((project) => {
      const overlay = overlays.value.get(project.id);
      const version = board.projectDocs.get(project.id)?.version ?? 0;
      const applies = overlay && (overlay.untilVersion === null || version < overlay.untilVersion);
      return applies ? { ...project, expectedMonth: overlay.expectedMonth } : project;
    }),
  );

  const pendingIds = computed(
    () => new Set([...overlays.value].filter(([, overlay]) => overlay.untilVersion === null).map(([id]) => id)),
  );

  const months = computed<IsoMonth[]>(() =>
    planMonths(clock.value).flatMap((column) => (column.kind === 'month' ? [column.month] : [])),
  );

  /** The plan's columns, cards and planned totals of core's read model, with moves in flight applied. */
  const columns = computed<PlanColumnView[]>(() => monthPlanColumns(projects.value, clock.value));

  /** Planned vs actual disbursement per plan month (the plan frozen at the month before's close, when closed). */
  const plannedActual = computed<PlannedVsActualRow[]>(() => {
    const previous = addMonths(monthOf(clock.value), -1);
    const frozen = meeting.readySnapshot(previous);
    return plannedVsActual({
      months: months.value,
      projects: projects.value,
      lines: linesStore.lines,
      snapshots: frozen ? [frozen] : [],
    });
  });

  /** Months offered by the keyboard menu: this month and the next eleven. */
  const menuMonths = computed<IsoMonth[]>(() => Array.from({ length: 12 }, (_, i) => addMonths(monthOf(clock.value), i)));

  /** Reschedules a project; the card moves at once. Resolves with the command's outcome. */
  async function reschedule(projectId: string, expectedMonth: IsoMonth | null): Promise<CommandOutcome | null> {
    const project = projects.value.find((candidate) => candidate.id === projectId);
    const doc = board.projectDocs.get(projectId);
    if (!project || !doc || project.expectedMonth === expectedMonth) return null;
    const token = ++nextToken;
    setOverlay(projectId, { expectedMonth, token, untilVersion: null });
    try {
      const result = await session.execute({
        name: 'project.reschedule',
        payload: { projectId, expectedVersion: doc.version, expectedMonth },
      });
      const written = result.written.find((entry) => entry.collection === 'projects' && entry.id === projectId);
      if (overlays.value.get(projectId)?.token === token) {
        const version = board.projectDocs.get(projectId)?.version ?? 0;
        if (written && version < written.version) setOverlay(projectId, { expectedMonth, token, untilVersion: written.version });
        else setOverlay(projectId, null);
      }
      return { ok: true, result };
    } catch (caught) {
      if (overlays.value.get(projectId)?.token === token) setOverlay(projectId, null);
      const shape = asDomainErrorShape(caught);
      if (!shape) console.error(caught);
      return { ok: false, error: shape ?? { code: 'internal', messageKey: 'errors.internal' } };
    }
  }

  return { clock, columns, months, menuMonths, plannedActual, pendingIds, reschedule, projects };
});
