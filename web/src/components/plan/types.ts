/** The month plan's columns and cards are core's read model (`monthPlanColumns`), shown as they come. */
export type { PlanCardView as PlanCard, PlanColumnKey, PlanColumnView } from '@clearway/core';
