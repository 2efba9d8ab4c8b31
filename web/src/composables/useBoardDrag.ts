/**
 * Turns a vuedraggable/SortableJS drop into one board move. The lists are bound with
 * `:model-value` only (vuedraggable puts the DOM back and asks us to update the data), so the
 * `end` event is the single source of truth: which card (`data-id` of the item), which column
 * (`data-stage` of the target list) and which index there (counted without the moving card, as
 * `rankBetween`'s neighbours expect).
 */
import { ref } from 'vue';
import { STAGE_IDS, type StageId } from '@clearway/core';

export interface DropEvent {
  item: HTMLElement;
  from: HTMLElement;
  to: HTMLElement;
  oldIndex?: number;
  newIndex?: number;
}

export interface BoardMove {
  projectId: string;
  toStage: StageId;
  index: number;
}

function isStage(value: string | undefined): value is StageId {
  return value !== undefined && (STAGE_IDS as readonly string[]).includes(value);
}

/** The move a drop describes, or null when the card was put back where it was. */
export function dropToMove(event: DropEvent): BoardMove | null {
  const projectId = event.item.dataset.id;
  const toStage = event.to.dataset.stage;
  const index = event.newIndex;
  if (!projectId || !isStage(toStage) || index === undefined || index < 0) return null;
  if (event.from === event.to && event.oldIndex === index) return null;
  return { projectId, toStage, index };
}

export function useBoardDrag(onMove: (move: BoardMove) => void) {
  const dragging = ref(false);
  function onStart(): void {
    dragging.value = true;
  }
  function onEnd(event: DropEvent): void {
    dragging.value = false;
    const move = dropToMove(event);
    if (move) onMove(move);
  }
  return { dragging, onStart, onEnd };
}
