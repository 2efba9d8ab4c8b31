/**
 * One measured figure of `npm run bench` and its budget. Suites return figures; the runner
 * (bench/run.mjs) prints them one per line beside the previous run and exits non-zero when a
 * budget is missed. Budgets are inclusive or strict exactly as the issue words them.
 */
import { writeFileSync } from 'node:fs';

export type BudgetOp = '<' | '<=' | '==';

export interface Budget {
  op: BudgetOp;
  limit: number;
}

export interface Figure {
  /** Stable key across runs (the previous value is found by it). */
  id: string;
  /** What a reader sees on the line. */
  label: string;
  value: number;
  unit: string;
  budget?: Budget;
  /** Context for the line, e.g. the runs a median was taken from. */
  note?: string;
}

export function figure(id: string, label: string, value: number, unit: string, budget?: Budget, note?: string): Figure {
  return { id, label, value, unit, ...(budget ? { budget } : {}), ...(note ? { note } : {}) };
}

export const under = (limit: number): Budget => ({ op: '<', limit });
export const atMost = (limit: number): Budget => ({ op: '<=', limit });
export const exactly = (limit: number): Budget => ({ op: '==', limit });

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

export function round(value: number, digits = 2): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/**
 * Runs a suite and hands its figures to the runner through the file named by BENCH_OUT (or
 * prints them when run by hand). A suite that throws reports the error and exits 1.
 */
export async function runSuite(name: string, suite: () => Promise<Figure[]>): Promise<void> {
  try {
    const figures = await suite();
    const out = process.env.BENCH_OUT;
    if (out) writeFileSync(out, JSON.stringify(figures, null, 2));
    else for (const item of figures) console.log(`${item.label}: ${item.value} ${item.unit}`);
    process.exit(0);
  } catch (error) {
    // Only the message and stack: SDK errors carry whole clients that would flood the terminal.
    console.error(`[bench] ${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  }
}

/** Progress on stderr, so that stdout stays the figures. */
export function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}
