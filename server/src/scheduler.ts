/**
 * The daily stall scan 停滞扫描 inside the team server: due at 06:00 Asia/Shanghai each day, run
 * as core's STALL_SCAN_ACTOR through the `stall.scan` command, exactly as the Cloud Function does.
 *
 * - Caught up: the last day it ran is kept in `scheduled_job_runs`; at start (and at every check)
 *   a day whose 06:00 has passed without a run is run now. A server that was off for three days
 *   runs once: the scan judges every project against the present, not per missed day.
 * - One process: the run holds a PostgreSQL advisory lock; a process that cannot take it leaves
 *   the run to the one that has it, and one that takes it afterwards finds the day done.
 * - Idempotent: the day is recorded after the scan; a crash in between runs the scan again, and a
 *   second scan at the same time finds nothing due and writes nothing (core's stall.scan).
 * - Checked hourly (croner, in Shanghai time, so the 06:00 check is the scheduled run): a run that
 *   failed, e.g. while PostgreSQL restarted, is retried within the hour instead of the next day.
 */
import { Cron } from 'croner';
import { executeCommand, STALL_SCAN_ACTOR, type DocumentStore, type SkippedProject } from '@clearway/core';
import { LOCKS, type SqlClient } from './db/sqlClient';

export const STALL_SCAN_JOB = 'stall.scan';
export const STALL_SCAN_TIME_ZONE = 'Asia/Shanghai';
export const STALL_SCAN_HOUR = 6;
/** Every hour on the hour, Shanghai time; the 06:00 check is the day's run. */
export const STALL_SCAN_CHECK_PATTERN = '0 * * * *';
/** Batches per run (each one transaction of at most the command's batch size), as the Cloud Function. */
export const STALL_SCAN_MAX_BATCHES = 50;

export interface SchedulerLogger {
  info(data: Record<string, unknown>, message: string): void;
  warn?(data: Record<string, unknown>, message: string): void;
  error(data: Record<string, unknown>, message: string): void;
}

export interface StallScanDependencies {
  store: DocumentStore;
  client: SqlClient;
  /** The clock (tests pass a fake one). */
  now?: () => Date;
  logger?: SchedulerLogger;
}

export type StallScanOutcome =
  | { outcome: 'ran'; day: string; batches: number; candidates: number; written: number; skipped: SkippedProject[] }
  | { outcome: 'already-ran'; day: string }
  | { outcome: 'not-due' }
  | { outcome: 'other-process' };

const shanghaiFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: STALL_SCAN_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  hourCycle: 'h23',
});

function shanghaiParts(at: Date): { day: string; hour: number } {
  const parts = Object.fromEntries(shanghaiFormat.formatToParts(at).map((part) => [part.type, part.value]));
  return { day: `${parts.year}-${parts.month}-${parts.day}`, hour: Number(parts.hour) };
}

function previousDay(day: string): string {
  const date = new Date(`${day}T00:00:00.000Z`);
  date.setUTCDate(date.getUTCDate() - 1);
  return date.toISOString().slice(0, 10);
}

/** The Shanghai day of the latest 06:00 at or before `at`: today from 06:00, else yesterday. */
export function latestDueDay(at: Date): string {
  const { day, hour } = shanghaiParts(at);
  return hour >= STALL_SCAN_HOUR ? day : previousDay(day);
}

/** Runs the day's stall scan if its 06:00 has passed and no process has run it yet. */
export async function runStallScanIfDue(deps: StallScanDependencies): Promise<StallScanOutcome> {
  const now = deps.now ?? (() => new Date());
  const locked = await deps.client.withTryAdvisoryLock(LOCKS.stallScan, async (): Promise<StallScanOutcome> => {
    const at = now();
    const day = latestDueDay(at);
    const [last] = await deps.client.query<{ last_day: string }>('SELECT last_day FROM scheduled_job_runs WHERE job = $1', [STALL_SCAN_JOB]);
    if (last && last.last_day >= day) return { outcome: 'already-ran', day };
    const summary = { batches: 0, candidates: 0, written: 0 };
    // Each batch reads (and reports) the projects it cannot write again: one entry per project.
    const skipped = new Map<string, SkippedProject>();
    while (summary.batches < STALL_SCAN_MAX_BATCHES) {
      const result = await executeCommand(deps.store, { actor: { ...STALL_SCAN_ACTOR }, now: at }, { name: 'stall.scan', payload: { scope: 'due' } });
      const stats = result.stats ?? {};
      summary.batches += 1;
      summary.candidates += stats.candidates ?? 0;
      summary.written += stats.written ?? 0;
      for (const project of result.skipped ?? []) skipped.set(project.projectId, project);
      // A batch that wrote nothing would find the same candidates again.
      if (!stats.more || !stats.written) break;
    }
    await deps.client.query(
      `INSERT INTO scheduled_job_runs (job, last_day, ran_at) VALUES ($1, $2, now())
       ON CONFLICT (job) DO UPDATE SET last_day = excluded.last_day, ran_at = excluded.ran_at`,
      [STALL_SCAN_JOB, day],
    );
    deps.logger?.info({ day, ...summary, skipped: skipped.size }, 'stall scan finished');
    if (skipped.size > 0) {
      deps.logger?.warn?.({ day, skipped: [...skipped.values()] }, 'stall scan skipped projects it cannot write; the next run tries them again');
    }
    return { outcome: 'ran', day, ...summary, skipped: [...skipped.values()] };
  });
  return locked.ran ? locked.value : { outcome: 'other-process' };
}

export interface StallScanScheduler {
  /** The catch-up check made at start. */
  readonly started: Promise<StallScanOutcome | null>;
  /** When the next check is. */
  nextCheckAt(): Date | null;
  /** Runs a check now (what each hourly tick does); a check already running is awaited, not doubled. */
  check(): Promise<StallScanOutcome | null>;
  /** Stops the schedule and waits for a check in progress. */
  stop(): Promise<void>;
}

export function startStallScanScheduler(deps: StallScanDependencies): StallScanScheduler {
  let running: Promise<StallScanOutcome | null> | null = null;
  let stopped = false;
  const check = (): Promise<StallScanOutcome | null> => {
    if (stopped) return Promise.resolve(null);
    running ??= runStallScanIfDue(deps)
      .catch((error: unknown) => {
        deps.logger?.error({ err: error }, 'stall scan failed; retried at the next hourly check');
        return null;
      })
      .finally(() => {
        running = null;
      });
    return running;
  };
  const job = new Cron(STALL_SCAN_CHECK_PATTERN, { timezone: STALL_SCAN_TIME_ZONE, protect: true }, async () => {
    await check();
  });
  const started = check();
  return {
    started,
    nextCheckAt: () => job.nextRun(deps.now?.() ?? new Date()),
    check,
    async stop() {
      stopped = true;
      job.stop();
      await running;
    },
  };
}
