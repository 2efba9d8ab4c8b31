/**
 * Failed sign-ins counted per account and per address in PostgreSQL, so that every server process
 * on one database counts the same attempts (counters in each process's memory would give an
 * attacker one budget per process).
 *
 * Each key has a fixed window: the first failure opens it for `windowMs`, and up to `max`
 * failures fit in it. An attempt first takes a slot on each of its keys (one atomic upsert each,
 * so attempts racing through several processes each get their own count and no more than `max`
 * are ever checked against a password); a key already past its budget refuses the attempt before
 * any password is checked. A successful sign-in, and an attempt refused unchecked, give their
 * slots back: only wrong passwords are counted.
 */
import type { SqlRunner } from '../app';

export const LOGIN_THROTTLE_MIGRATION: { name: string; sql: string } = {
  name: 'login-throttle',
  sql: `
      -- Failed sign-ins per key ('account:<email>' or 'address:<ip>') in the window ending at window_ends.
      CREATE TABLE login_failures (
        key text PRIMARY KEY,
        failures integer NOT NULL CHECK (failures >= 0),
        window_ends timestamptz NOT NULL
      );
      CREATE INDEX login_failures_window_ends ON login_failures (window_ends);
    `,
};

export interface ThrottleKey {
  key: string;
  max: number;
}

/** A slot taken on one key: given back by `release` when the attempt did not fail. */
interface Slot {
  key: string;
  windowEnds: Date;
}

export type ThrottleDecision =
  | { allowed: true; slots: Slot[] }
  | { allowed: false; retryAfterSeconds: number };

interface SlotRow {
  failures: number;
  window_ends: Date | string;
}

export class LoginThrottle {
  constructor(
    private readonly sql: SqlRunner,
    private readonly windowMs: number,
  ) {}

  /** Takes a slot on every key; refused (slots given back) when any key is past its budget. */
  async attempt(keys: ThrottleKey[], now: Date): Promise<ThrottleDecision> {
    const slots: Slot[] = [];
    let blockedUntil: Date | null = null;
    // One statement per key, each its own transaction: no two attempts ever wait on each other's rows.
    for (const { key, max } of keys) {
      const [row] = await this.sql<SlotRow>(
        `INSERT INTO login_failures AS f (key, failures, window_ends) VALUES ($1, 1, $3)
         ON CONFLICT (key) DO UPDATE SET
           failures = CASE WHEN f.window_ends <= $2 THEN 1 ELSE f.failures + 1 END,
           window_ends = CASE WHEN f.window_ends <= $2 THEN excluded.window_ends ELSE f.window_ends END
         RETURNING failures, window_ends`,
        [key, now, new Date(now.getTime() + this.windowMs)],
      );
      const windowEnds = new Date(row!.window_ends);
      slots.push({ key, windowEnds });
      if (row!.failures > max && (!blockedUntil || windowEnds > blockedUntil)) blockedUntil = windowEnds;
    }
    if (blockedUntil) {
      await this.release(slots);
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((blockedUntil.getTime() - now.getTime()) / 1000)) };
    }
    return { allowed: true, slots };
  }

  /** Gives the slots back (a right password). A window that has since been replaced is left alone. */
  async release(slots: Slot[]): Promise<void> {
    for (const slot of slots) {
      await this.sql('UPDATE login_failures SET failures = greatest(failures - 1, 0) WHERE key = $1 AND window_ends = $2', [slot.key, slot.windowEnds]);
    }
  }

  /** Forgets windows that have ended (they count nothing any more); keeps the table small. */
  async prune(now: Date): Promise<number> {
    const rows = await this.sql<{ key: string }>('DELETE FROM login_failures WHERE window_ends <= $1 RETURNING key', [now]);
    return rows.length;
  }
}
