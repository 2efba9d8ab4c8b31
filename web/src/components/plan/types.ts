import type { IsoMonth, Project, Yuan } from '@clearway/core';

/** A column key: 'overdue', a month, 'later' (beyond the plan) or 'unscheduled' (no month yet). */
export type PlanColumnKey = 'overdue' | 'later' | 'unscheduled' | IsoMonth;

export interface PlanCard {
  project: Project;
  /** What the project is expected to draw in its month. */
  planned: Yuan;
}

export interface PlanColumnView {
  key: PlanColumnKey;
  /** The month a card dropped here gets (null: unscheduled); undefined when nothing can be dropped here. */
  dropMonth: IsoMonth | null | undefined;
  current: boolean;
  cards: PlanCard[];
  planned: Yuan;
}
