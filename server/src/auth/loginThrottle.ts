/**
 * Failed sign-ins counted per account and per address in PostgreSQL, so that every server process
 * on one database counts the same attempts (counters in each process's memory would give an
 * attacker one budget per process).
 *
 * Each key has a fixed window: the first failure opens it for `windowMs`, and up to `max`
 * failures fit in it. Keys count in one of two ways:
 *   - `claim` (the account): an attempt first takes a slot (one atomic upsert, so attempts racing
 *     through several processes each get their own count and no more than `max` are ever checked
 *     against one account's password); a successful sign-in, and an attempt refused unchecked,
 *     give it back;
 *   - `settled` (the address): an attempt only reads the count, and a wrong password adds one
 *     once it is known. Fifty people of one office behind one NAT address signing in at the same
 *     moment are fifty attempts in flight, not fifty failures; parallel guessing of one account
 *     is already bounded by that account's claimed slots;
 *   - `inFlight` (the address again, with a larger budget): a slot per attempt being checked,
 *     always given back when it settles. A settled count alone lets one address fire any number
 *     of attempts at once (each a password hash: a cheap way to load a two-core server, and
 *     spraying across accounts); this bounds the burst without refusing an office's morning.
 * Either way a key past its budget refuses the attempt before any password is checked, and only
 * wrong passwords are counted.
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
  /**
   * Default `claim`: a slot per attempt, kept when it fails; `settled`: failures counted once
   * known; `inFlight`: a slot per attempt, given back when it settles either way.
   */
  counts?: 'claim' | 'settled' | 'inFlight';
}

/** A slot taken on one key: given back by `release` when the attempt did not fail. */
interface Slot {
  key: string;
  windowEnds: Date;
}

/**
 * What an allowed attempt holds: its claimed slots, its in-flight slots, and the settled keys a
 * wrong password counts on.
 */
export interface ThrottleHold {
  slots: Slot[];
  inFlight: Slot[];
  settled: string[];
}

export type ThrottleDecision =
  | ({ allowed: true } & ThrottleHold)
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

  /** Takes a slot on every claim key; refused (slots given back) when any key is past its budget. */
  async attempt(keys: ThrottleKey[], now: Date): Promise<ThrottleDecision> {
    const slots: Slot[] = [];
    const inFlight: Slot[] = [];
    const settled: string[] = [];
    let blockedUntil: Date | null = null;
    const block = (windowEnds: Date) => {
      if (!blockedUntil || windowEnds > blockedUntil) blockedUntil = windowEnds;
    };
    // One statement per key, each its own transaction: no two attempts ever wait on each other's rows.
    for (const { key, max, counts = 'claim' } of keys) {
      if (counts === 'settled') {
        settled.push(key);
        const [row] = await this.sql<SlotRow>('SELECT failures, window_ends FROM login_failures WHERE key = $1 AND window_ends > $2', [key, now]);
        if (row && row.failures >= max) block(new Date(row.window_ends));
        continue;
      }
      const [row] = await this.sql<SlotRow>(
        `INSERT INTO login_failures AS f (key, failures, window_ends) VALUES ($1, 1, $3)
         ON CONFLICT (key) DO UPDATE SET
           failures = CASE WHEN f.window_ends <= $2 THEN 1 ELSE f.failures + 1 END,
           window_ends = CASE WHEN f.window_ends <= $2 THEN excluded.window_ends ELSE f.window_ends END
         RETURNING failures, window_ends`,
        [key, now, new Date(now.getTime() + this.windowMs)],
      );
      const windowEnds = new Date(row!.window_ends);
      (counts === 'inFlight' ? inFlight : slots).push({ key, windowEnds });
      if (row!.failures > max) block(windowEnds);
    }
    if (blockedUntil) {
      await this.release({ slots, inFlight, settled });
      const until: Date = blockedUntil;
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000)) };
    }
    return { allowed: true, slots, inFlight, settled };
  }

  /**
   * A wrong password: counted on the settled keys (the claim keys counted it when it started);
   * the in-flight slots are given back.
   */
  async fail(hold: ThrottleHold, now: Date): Promise<void> {
    await this.giveBack(hold.inFlight);
    for (const key of hold.settled) {
      await this.sql(
        `INSERT INTO login_failures AS f (key, failures, window_ends) VALUES ($1, 1, $3)
         ON CONFLICT (key) DO UPDATE SET
           failures = CASE WHEN f.window_ends <= $2 THEN 1 ELSE f.failures + 1 END,
           window_ends = CASE WHEN f.window_ends <= $2 THEN excluded.window_ends ELSE f.window_ends END`,
        [key, now, new Date(now.getTime() + this.windowMs)],
      );
    }
  }

  /** Gives every slot back (a right password). A window that has since been replaced is left alone. */
  async release(hold: ThrottleHold): Promise<void> {
    await this.giveBack([...hold.slots, ...hold.inFlight]);
  }

  private async giveBack(slots: readonly Slot[]): Promise<void> {
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
