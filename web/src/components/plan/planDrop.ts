/**
 * Turns a vuedraggable/SortableJS drop on the month plan into one reschedule: which card
 * (`data-id` of the item) went to which column (`data-column` of the target list). The lists are
 * bound with `:model-value` only, so the `end` event is the single source of truth. Order inside
 * a month carries no meaning, so a drop back into the same column is no move.
 */
export interface PlanDropEvent {
  item: HTMLElement;
  from: HTMLElement;
  to: HTMLElement;
}

export interface PlanDrop {
  projectId: string;
  toColumn: string;
}

export function planDropOf(event: PlanDropEvent): PlanDrop | null {
  const projectId = event.item.dataset.id;
  const toColumn = event.to.dataset.column;
  const fromColumn = event.from.dataset.column;
  if (!projectId || !toColumn || toColumn === fromColumn) return null;
  return { projectId, toColumn };
}
