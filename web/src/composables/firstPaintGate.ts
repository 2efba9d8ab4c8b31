/**
 * Code the first paint does not need (the selects' popper, SortableJS, the header's follow-up
 * count, the pages' texts) waits here, so its chunks are not fetched while the board is still
 * loading. main.ts holds the gate while the app opens and opens it once the board's cards are
 * painted, or as soon as another page is opened (or the start fails). Nothing holds it anywhere
 * else (component tests, a page mounted on its own), so waiting on it then costs nothing.
 */
let gate: Promise<void> = Promise.resolve();
let open: (() => void) | null = null;

export function holdUntilFirstPaint(): void {
  if (open) return;
  gate = new Promise<void>((resolve) => {
    open = resolve;
  });
}

export function releaseAfterFirstPaint(): void {
  open?.();
  open = null;
}

/** Resolves once the gate is open (at once when nothing holds it). */
export function afterFirstPaint(): Promise<void> {
  return gate;
}
