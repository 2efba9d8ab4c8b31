/**
 * One small SQL client over the two engines the server runs on: a `pg` Pool (a real PostgreSQL,
 * many connections) and PGlite (PostgreSQL compiled to WebAssembly, data in a folder, ONE
 * connection). Everything above this file speaks the same SQL to both.
 *
 * PGlite has a single connection, so a transaction must not share it with anything else: every
 * statement and every transaction takes the connection through one queue (`SerialQueue`).
 */
import { availableParallelism } from 'node:os';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

export type DatabaseKind = 'pglite' | 'postgres';

/** Runs parameterised SQL on whatever connection it stands for. */
export interface SqlExecutor {
  /**
   * `name`: a statement the server keeps prepared per connection (PostgreSQL; ignored by PGlite),
   * for the store's fixed statements that run on every command.
   */
  query<T = Record<string, unknown>>(text: string, params?: unknown[], name?: string): Promise<T[]>;
  /** Several statements in one string, no parameters (migrations). */
  exec(script: string): Promise<void>;
}

export interface TransactionOptions {
  isolation?: 'read committed' | 'repeatable read' | 'serializable';
  readOnly?: boolean;
  /**
   * Takes this transaction-scoped advisory lock right after BEGIN, in the same round trip
   * (PostgreSQL only: PGlite's queue already runs one transaction at a time).
   */
  advisoryLock?: AdvisoryLockKey;
}

/** The two-int form of a PostgreSQL advisory lock key: [namespace, lock]. */
export type AdvisoryLockKey = readonly [number, number];

export interface SqlClient extends SqlExecutor {
  readonly kind: DatabaseKind;
  transaction<R>(fn: (sql: SqlExecutor) => Promise<R>, options?: TransactionOptions): Promise<R>;
  /**
   * Runs `fn` if this process gets the session-level advisory lock `key` (another process holding
   * it means the job runs there): `{ ran: false }` otherwise. PGlite: one process, so always runs.
   */
  withTryAdvisoryLock<R>(key: AdvisoryLockKey, fn: () => Promise<R>): Promise<{ ran: true; value: R } | { ran: false }>;
  close(): Promise<void>;
}

/** Every advisory lock the server takes is in this namespace ('Clwy'), so other apps' locks never collide. */
export const ADVISORY_LOCK_NAMESPACE = 0x436c7779;
export const LOCKS = {
  migrations: [ADVISORY_LOCK_NAMESPACE, 2],
  stallScan: [ADVISORY_LOCK_NAMESPACE, 3],
  notify: [ADVISORY_LOCK_NAMESPACE, 4],
} as const satisfies Record<string, AdvisoryLockKey>;

function beginStatement(options: TransactionOptions, withLock: boolean): string {
  let begin = `BEGIN ISOLATION LEVEL ${(options.isolation ?? 'read committed').toUpperCase()}${options.readOnly ? ' READ ONLY' : ''}`;
  if (withLock && options.advisoryLock) {
    const [namespace, lock] = options.advisoryLock;
    begin += `; SELECT pg_advisory_xact_lock(${Math.trunc(namespace)}, ${Math.trunc(lock)})`;
  }
  return begin;
}

/** A promise chain: each task starts when the previous one settled. */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<R>(task: () => Promise<R>): Promise<R> {
    const result = this.tail.then(task, task);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}

class PgliteExecutor implements SqlExecutor {
  constructor(private readonly db: PGlite) {}

  async query<T>(text: string, params: unknown[] = [], _name?: string): Promise<T[]> {
    const result = await this.db.query<T>(text, params);
    return result.rows;
  }

  async exec(script: string): Promise<void> {
    await this.db.exec(script);
  }
}

export class PgliteSqlClient implements SqlClient {
  readonly kind = 'pglite' as const;
  private readonly queue = new SerialQueue();
  private readonly executor: PgliteExecutor;
  private closed = false;

  private constructor(private readonly db: PGlite) {
    this.executor = new PgliteExecutor(db);
  }

  /** `dataDir` null: in memory (tests that need no files). */
  static async open(dataDir: string | null): Promise<PgliteSqlClient> {
    const db = dataDir ? await PGlite.create(dataDir) : await PGlite.create();
    return new PgliteSqlClient(db);
  }

  query<T = Record<string, unknown>>(text: string, params?: unknown[], _name?: string): Promise<T[]> {
    return this.queue.run(() => this.executor.query<T>(text, params));
  }

  exec(script: string): Promise<void> {
    return this.queue.run(() => this.executor.exec(script));
  }

  transaction<R>(fn: (sql: SqlExecutor) => Promise<R>, options: TransactionOptions = {}): Promise<R> {
    return this.queue.run(async () => {
      await this.executor.exec(beginStatement(options, false));
      try {
        const result = await fn(this.executor);
        await this.executor.exec('COMMIT');
        return result;
      } catch (error) {
        await this.executor.exec('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
  }

  async withTryAdvisoryLock<R>(_key: AdvisoryLockKey, fn: () => Promise<R>): Promise<{ ran: true; value: R }> {
    return { ran: true, value: await fn() };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue.run(() => this.db.close());
  }
}

class PgClientExecutor implements SqlExecutor {
  constructor(private readonly client: pg.ClientBase) {}

  async query<T>(text: string, params: unknown[] = [], name?: string): Promise<T[]> {
    const result = await this.client.query(name ? { name, text, values: params } : { text, values: params });
    return result.rows as T[];
  }

  async exec(script: string): Promise<void> {
    await this.client.query(script);
  }
}

/**
 * Connections per process by default: about two per core (one running, one waiting on the disk
 * or the network), at least 8 (a scheduled job holds one for its advisory lock while it works)
 * and at most 20 (PostgreSQL's default max_connections is 100, shared by every server process).
 * More backends than that on a small machine only take turns on its cores; the pool's own queue
 * takes turns in order.
 */
export const DEFAULT_POOL_SIZE = Math.min(20, Math.max(8, 2 * availableParallelism() + 2));

export interface PgSqlClientOptions {
  /** Pool size (default DEFAULT_POOL_SIZE). */
  max?: number;
  onError?: (error: Error) => void;
}

export class PgSqlClient implements SqlClient {
  readonly kind = 'postgres' as const;
  readonly pool: pg.Pool;
  private closed = false;

  constructor(
    readonly connectionString: string,
    options: PgSqlClientOptions = {},
  ) {
    this.pool = new pg.Pool({ connectionString, max: options.max ?? DEFAULT_POOL_SIZE });
    // An idle client's connection dying (a PostgreSQL restart) must not crash the process: the
    // pool drops it and the next query opens a new one.
    this.pool.on('error', (error) => options.onError?.(error));
  }

  async query<T = Record<string, unknown>>(text: string, params: unknown[] = [], name?: string): Promise<T[]> {
    const result = await this.pool.query(name ? { name, text, values: params } : { text, values: params });
    return result.rows as T[];
  }

  async exec(script: string): Promise<void> {
    await this.pool.query(script);
  }

  async transaction<R>(fn: (sql: SqlExecutor) => Promise<R>, options: TransactionOptions = {}): Promise<R> {
    const client = await this.pool.connect();
    const executor = new PgClientExecutor(client);
    let broken: Error | undefined;
    try {
      try {
        // Inside: a BEGIN whose lock statement failed leaves a transaction to roll back.
        await client.query(beginStatement(options, true));
        const result = await fn(executor);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch((rollbackError: Error) => {
          broken = rollbackError;
        });
        throw error;
      }
    } finally {
      // A failed ROLLBACK means the connection is gone or unusable: the pool must not reuse it.
      client.release(broken);
    }
  }

  async withTryAdvisoryLock<R>(key: AdvisoryLockKey, fn: () => Promise<R>): Promise<{ ran: true; value: R } | { ran: false }> {
    // A session-level lock lives on one connection: hold that connection for the whole job.
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      const [row] = (await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS locked', [key[0], key[1]])).rows;
      if (!row?.locked) return { ran: false };
      try {
        return { ran: true, value: await fn() };
      } finally {
        await client.query('SELECT pg_advisory_unlock($1, $2)', [key[0], key[1]]).catch((error: Error) => {
          // Destroying the connection releases the lock too.
          broken = error;
        });
      }
    } finally {
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}

/** SQLSTATE of a PostgreSQL error, if it is one. */
export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}
