/**
 * The change log (`document_changes`) exists for change feeds that reconnect: a feed reads what
 * committed after its cursor. It is kept `changeLogRetentionMs` (config, default 7 days) and
 * pruned hourly by the scheduler. Each prune records the newest transaction it removed in
 * `change_log_horizon`; a feed whose cursor does not yet see that transaction has lost rows it
 * never read, so it resyncs in full (changeFeed.ts) instead of missing changes silently.
 */
import { Cron } from 'croner';
import type { SqlClient } from './sqlClient';

export const CHANGE_LOG_HORIZON_MIGRATION: { name: string; sql: string } = {
  name: 'change-log-horizon',
  sql: `
      -- The newest transaction whose change rows a prune removed (one row): a change feed whose
      -- cursor does not see it has missed changes and reloads instead.
      CREATE TABLE change_log_horizon (
        id integer PRIMARY KEY CHECK (id = 1),
        pruned_txid xid8 NOT NULL,
        pruned_at timestamptz NOT NULL DEFAULT now()
      );
    `,
};

/** Hourly at minute 17 (away from the stall scan's top of the hour). */
export const CHANGE_LOG_PRUNE_PATTERN = '17 * * * *';

/** Removes change rows older than the retention and moves the horizon past them; returns how many went. */
export async function pruneChangeLog(client: SqlClient, retentionMs: number): Promise<number> {
  const [row] = await client.query<{ removed: number | string }>(
    `WITH gone AS (
       DELETE FROM document_changes WHERE at < now() - $1 * interval '1 millisecond' RETURNING txid
     ), newest AS (
       SELECT txid FROM gone ORDER BY txid DESC LIMIT 1
     ), horizon AS (
       INSERT INTO change_log_horizon AS h (id, pruned_txid) SELECT 1, txid FROM newest
       ON CONFLICT (id) DO UPDATE SET pruned_txid = greatest(h.pruned_txid, excluded.pruned_txid), pruned_at = now()
     )
     SELECT count(*) AS removed FROM gone`,
    [retentionMs],
  );
  return Number(row?.removed ?? 0);
}

export interface ChangeLogPruning {
  /** The prune made at start. */
  readonly started: Promise<number | null>;
  /** Prunes now (what each hourly tick does). */
  prune(): Promise<number | null>;
  stop(): Promise<void>;
}

export function startChangeLogPruning(deps: {
  client: SqlClient;
  retentionMs: number;
  logger?: { warn(data: Record<string, unknown>, message: string): void };
}): ChangeLogPruning {
  let running: Promise<number | null> | null = null;
  let stopped = false;
  const prune = (): Promise<number | null> => {
    if (stopped) return Promise.resolve(null);
    running ??= pruneChangeLog(deps.client, deps.retentionMs)
      .catch((error: unknown) => {
        deps.logger?.warn({ err: error }, 'change log prune failed; retried at the next hourly prune');
        return null;
      })
      .finally(() => {
        running = null;
      });
    return running;
  };
  const job = new Cron(CHANGE_LOG_PRUNE_PATTERN, { protect: true }, async () => {
    await prune();
  });
  return {
    started: prune(),
    prune,
    async stop() {
      stopped = true;
      job.stop();
      await running;
    },
  };
}
