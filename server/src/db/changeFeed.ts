/**
 * Other processes' commits on the same PostgreSQL, handed to the store's listeners.
 *
 * A commit writes a row per document into `document_changes` under the commit lock (so seq order
 * is commit order) and NOTIFYs its seq. This feed LISTENs on its own connection and, on every
 * notification, reads the changes after the last seq it saw, joined with the documents as they
 * are now (a listener gets the current document, or null once deleted). The notification carries
 * only the seq, so no commit comes near NOTIFY's 8000-byte payload limit, and a dropped connection
 * misses nothing: on reconnect the feed asks for everything after its cursor again. Commits of
 * this process were already told to the listeners by the store; their seqs are skipped.
 */
import type { CollectionName, DocumentChange } from '@clearway/core';
import pg from 'pg';
import { CHANGES_CHANNEL } from './postgresDocumentStore';

const BATCH = 1000;
const RECONNECT_MIN_MS = 100;
const RECONNECT_MAX_MS = 5000;

interface ChangeRow {
  seq: number | string;
  collection: CollectionName;
  id: string;
  version: number | null;
  data: unknown;
}

export interface ChangeFeedOptions {
  connectionString: string;
  emit: (changes: DocumentChange[]) => void;
  onError?: (error: Error) => void;
}

export class PgChangeFeed {
  private client: pg.Client | null = null;
  private cursor = 0;
  private readonly localSeqs = new Set<number>();
  private running: Promise<void> | null = null;
  private pending = false;
  private stopped = false;
  private reconnectDelay = RECONNECT_MIN_MS;
  private reconnectTimer: NodeJS.Timeout | null = null;
  /** The backend pid of the listening connection (tests terminate it to prove a reconnect misses nothing). */
  backendPid: number | null = null;

  constructor(private readonly options: ChangeFeedOptions) {}

  async start(): Promise<void> {
    await this.connect();
    const [row] = (await this.client!.query<{ seq: string | null }>('SELECT max(seq) AS seq FROM document_changes')).rows;
    // Read after LISTEN is active: a commit in between is both after the cursor and notified.
    this.cursor = Number(row?.seq ?? 0);
  }

  /** A commit of this process (announced before its COMMIT): the store already told the listeners. */
  markLocal(seq: number): void {
    this.localSeqs.add(seq);
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
    await this.running;
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.options.connectionString });
    client.on('notification', (message) => {
      if (message.channel === CHANGES_CHANNEL) void this.catchUp();
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
    for (;;) {
      const client = this.client;
      if (!client || this.stopped) return;
      // Whole commits only (a commit is one seq): up to BATCH change rows' worth of seqs, and every
      // row of each, however large one commit is (an import writes thousands of documents at once).
      const { rows } = await client.query<ChangeRow>(
        `SELECT c.seq, c.collection, c.id, d.version, d.data
           FROM document_changes c
           LEFT JOIN documents d ON d.collection = c.collection AND d.id = c.id
          WHERE c.seq > $1
            AND c.seq <= (SELECT max(seq) FROM (SELECT seq FROM document_changes WHERE seq > $1 ORDER BY seq LIMIT ${BATCH}) AS next)
          ORDER BY c.seq, c.collection, c.id`,
        [this.cursor],
      );
      if (rows.length === 0) return;
      const changes: DocumentChange[] = [];
      for (const row of rows) {
        if (this.localSeqs.has(Number(row.seq))) continue;
        changes.push({
          collection: row.collection,
          id: row.id,
          doc: row.version === null ? null : { id: row.id, version: Number(row.version), data: row.data },
        });
      }
      this.cursor = Number(rows[rows.length - 1]!.seq);
      for (const seq of this.localSeqs) if (seq <= this.cursor) this.localSeqs.delete(seq);
      if (changes.length > 0) this.options.emit(changes);
      if (rows.length < BATCH) return;
    }
  }
}
