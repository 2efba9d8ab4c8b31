/**
 * Performance marks for the benchmark (`npm run bench`), visible in any browser's performance
 * panel too: `clearway:data-ready` when the board's data first arrives, `clearway:board-painted`
 * once the cards of that data are on screen (Vue has patched the DOM, a frame has been drawn and
 * its paint task has run).
 */
import { nextTick, watch, type WatchSource } from 'vue';

export const DATA_READY_MARK = 'clearway:data-ready';
export const BOARD_PAINTED_MARK = 'clearway:board-painted';

/** Runs `callback` in a task once the next frame has been painted. */
export function afterNextPaint(callback: () => void): void {
  if (typeof requestAnimationFrame !== 'function') {
    setTimeout(callback, 0);
    return;
  }
  // rAF runs just before the frame is drawn; a task queued from it runs once the frame is out.
  requestAnimationFrame(() => setTimeout(callback, 0));
}

let boardPainted: () => void = () => undefined;
const firstBoardPaint = new Promise<void>((resolve) => {
  boardPainted = resolve;
});

/**
 * Resolves once a board has been painted in this page, or after `fallbackMs` when the page
 * opened is not the board: work that may wait (the demo's stall scan on load) starts then.
 * Generous: a 5,000-project board on a busy machine takes several seconds to its first paint,
 * and a scan started by the fallback in the middle of it would delay that paint.
 */
export function afterFirstBoardPaint(fallbackMs = 30_000): Promise<void> {
  return Promise.race([firstBoardPaint, new Promise<void>((resolve) => setTimeout(resolve, fallbackMs))]);
}

export function useBoardPaintMarks(loaded: WatchSource<boolean>): void {
  if (typeof performance === 'undefined' || typeof performance.mark !== 'function') return;
  let marked = false;
  watch(
    loaded,
    (isLoaded) => {
      if (!isLoaded || marked) return;
      marked = true;
      performance.mark(DATA_READY_MARK);
      void nextTick(() =>
        afterNextPaint(() => {
          performance.mark(BOARD_PAINTED_MARK);
          boardPainted();
        }),
      );
    },
    // 'sync': the mark lands the moment the store flips `loaded`, before Vue renders anything.
    { immediate: true, flush: 'sync' },
  );
}
