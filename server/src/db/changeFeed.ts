/**
 * Other processes' commits on the same PostgreSQL, handed to the store's listeners.
 *
 * A commit writes a row per document into `document_changes`, stamped with its transaction id,
 * and its process NOTIFYs after it, once for the commits of a few ms (the store's announce; the
 * payload is only the process's origin, so nothing nears NOTIFY's 8000-byte limit); the feed also
 * reads every few seconds unasked, so a commit whose NOTIFY was lost still arrives. Commits run
 * concurrently, so neither seq nor txid order is the order they become visible; the feed follows
 * snapshots instead: its cursor is the snapshot of its last read, and each read takes the rows of
 * every transaction visible now but not in that snapshot, together with the new snapshot and the
 * documents as they are now (a listener gets the current document, or null once deleted). Nothing
 * committed is skipped or read twice, and a dropped connection misses nothing: on reconnect the
 * feed reads again from its cursor. Commits of this process were already told to the listeners by
 * the store: their rows carry its origin and are skipped, and its own NOTIFYs (their payload is
 * the origin) start no read at all.
 *
 * The log is pruned after a retention (changeLog.ts). A feed away longer than that (a connection
 * lost for days) finds the prune's horizon outside its cursor: rows it never read are gone, so it
 * asks for a full resync (every watch answered again from the documents) instead of a delta.
 */
import type { CollectionName, DocumentChange } from '@clearway/core';
import pg from 'pg';
import { CHANGES_CHANNEL } from './postgresDocumentStore';

const RECONNECT_MIN_MS = 100;
const RECONNECT_MAX_MS = 5000;

interface ChangeRow {
  origin: string | null;
  collection: CollectionName;
  id: string;
  version: number | null;
  data: unknown;
}

export interface ChangeFeedOptions {
  connectionString: string;
  /** The origin the store stamps on this process's commits. */
  origin: string;
  emit: (changes: DocumentChange[]) => void;
  /** Changes were pruned before this feed read them: whoever follows the documents must reload them. */
  resync?: () => void;
  onError?: (error: Error) => void;
  /** How often the feed reads without a NOTIFY (default DEFAULT_POLL_MS). */
  pollMs?: number;
}

/** A commit whose NOTIFY was lost arrives within this long. */
export const DEFAULT_POLL_MS = 3_000;

export class PgChangeFeed {
  private client: pg.Client | null = null;
  /** The snapshot (pg_snapshot text) of the last read: everything visible in it was delivered. */
  private cursor: string | null = null;
  private running: Promise<void> | null = null;
  private pending = false;
  private stopped = false;
  private reconnectDelay = RECONNECT_MIN_MS;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  /** The backend pid of the listening connection (tests terminate it to prove a reconnect misses nothing). */
  backendPid: number | null = null;

  constructor(private readonly options: ChangeFeedOptions) {}

  async start(): Promise<void> {
    await this.connect();
    // Taken after LISTEN is active: a commit in between is both outside the cursor and notified.
    const [row] = (await this.client!.query<{ snapshot: string }>('SELECT pg_current_snapshot()::text AS snapshot')).rows;
    this.cursor = row!.snapshot;
    // Commits are announced after they commit (the store's announce): one whose NOTIFY was lost
    // (its process killed in between) still arrives, within a poll.
    this.pollTimer = setInterval(() => void this.catchUp(), this.options.pollMs ?? DEFAULT_POLL_MS);
    this.pollTimer.unref();
  }

  /** Reads and emits whatever committed after the cursor; resolves once caught up. */
  catchUp(): Promise<void> {
    if (this.running) {
      this.pending = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.pending = false;
          await this.readAfterCursor();
        } while (this.pending && !this.stopped);
      } catch (error) {
        if (!this.stopped) this.options.onError?.(error as Error);
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.pollTimer) clearInterval(this.pollTimer);
    await this.running;
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.options.connectionString });
    client.on('notification', (message) => {
      if (message.channel === CHANGES_CHANNEL && message.payload !== this.options.origin) void this.catchUp();
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, null));
    await client.connect();
    await client.query(`LISTEN ${CHANGES_CHANNEL}`);
    const [row] = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows;
    this.backendPid = row?.pid ?? null;
    this.client = client;
    this.reconnectDelay = RECONNECT_MIN_MS;
  }

  private lost(client: pg.Client, error: Error | null): void {
    if (this.stopped || this.client !== client) return;
    this.client = null;
    if (error) this.options.onError?.(error);
    client.end().catch(() => undefined);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.reconnectTimer) return;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connect().then(
        () => this.catchUp(),
        (error: Error) => {
          this.options.onError?.(error);
          this.reconnectDelay = Math.min(this.reconnectDelay * 2, RECONNECT_MAX_MS);
          this.scheduleReconnect();
        },
      );
    }, this.reconnectDelay);
  }

  private async readAfterCursor(): Promise<void> {
    const client = this.client;
    if (!client || this.stopped || this.cursor === null) return;
    // One statement: its snapshot is both what the rows are read in and the next cursor.
    const { rows } = await client.query<{ snapshot: string; missed: boolean; changes: ChangeRow[] }>(
      `SELECT pg_current_snapshot()::text AS snapshot,
              coalesce((SELECT NOT pg_visible_in_snapshot(h.pruned_txid, $1::pg_snapshot) FROM change_log_horizon h WHERE h.id = 1), false) AS missed,
              coalesce((
                SELECT json_agg(json_build_object('origin', c.origin, 'collection', c.collection, 'id', c.id,
                                                  'version', d.version, 'data', d.data) ORDER BY c.seq, c.collection, c.id)
                  FROM document_changes c
                  LEFT JOIN documents d ON d.collection = c.collection AND d.id = c.id
                 WHERE c.txid >= pg_snapshot_xmin($1::pg_snapshot)
                   AND NOT pg_visible_in_snapshot(c.txid, $1::pg_snapshot)
                   -- This process's own commits reached its hub as it made them: leave their
                   -- documents in the database rather than ship them here to be dropped (every poll).
                   AND c.origin IS DISTINCT FROM $2
              ), '[]'::json) AS changes`,
      [this.cursor, this.options.origin],
    );
    const [row] = rows;
    if (!row) return;
    if (row.missed) {
      // Some of what committed since the cursor was pruned unread: deltas would leave gaps.
      this.cursor = row.snapshot;
      this.options.resync?.();
      return;
    }
    const changes: DocumentChange[] = [];
    for (const change of row.changes) {
      if (change.origin === this.options.origin) continue;
      changes.push({
        collection: change.collection,
        id: change.id,
        doc: change.version === null ? null : { id: change.id, version: Number(change.version), data: change.data },
      });
    }
    this.cursor = row.snapshot;
    if (changes.length > 0) this.options.emit(changes);
  }
}
