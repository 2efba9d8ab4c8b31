/**
 * A throwaway PostgreSQL cluster for tests and benches: Debian's server binaries
 * (/usr/lib/postgresql/<version>/bin; `node scripts/ensure-postgres.mjs` installs them), a data
 * folder under the system temp folder, a free loopback port, and removal of it all on stop.
 * PostgreSQL refuses to run as root, so as root every binary runs as the `postgres` user.
 */
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);
const DEBIAN_POSTGRES = '/usr/lib/postgresql';

/** The bin folder of the newest installed PostgreSQL with initdb and pg_ctl, or null. */
export function findPostgresBin(): string | null {
  if (!existsSync(DEBIAN_POSTGRES)) return null;
  const versions = readdirSync(DEBIAN_POSTGRES)
    .filter((name) => /^\d+(\.\d+)?$/.test(name))
    .sort((a, b) => Number(b) - Number(a));
  for (const version of versions) {
    const bin = join(DEBIAN_POSTGRES, version, 'bin');
    if (existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'pg_ctl'))) return bin;
  }
  return null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface PostgresCluster {
  /** postgres://… of the cluster's `postgres` database. */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  /** A new, empty database in the cluster; returns its URL. */
  createDatabase(name?: string): Promise<string>;
  /** Stops the server (immediately) and removes its folder. */
  stop(): Promise<void>;
}

export interface StartPostgresOptions {
  /**
   * Flush to disk as a production server does (benches). Default false: tests run with
   * fsync=off, which only matters if the machine itself crashes mid-test.
   */
  durable?: boolean;
}

export async function startPostgresCluster(options: StartPostgresOptions = {}): Promise<PostgresCluster> {
  const bin = findPostgresBin();
  if (!bin) throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql: run `node scripts/ensure-postgres.mjs`');
  const asRoot = userInfo().uid === 0;
  const folder = mkdtempSync(join(tmpdir(), 'clearway-pg-'));
  const dataDir = join(folder, 'data');
  const postgresUser = asRoot ? await run('id', ['-u', 'postgres']).then((r) => Number(r.stdout.trim())) : null;
  const postgresGroup = asRoot ? await run('id', ['-g', 'postgres']).then((r) => Number(r.stdout.trim())) : null;
  if (postgresUser !== null && postgresGroup !== null) chownSync(folder, postgresUser, postgresGroup);
  const binary = (name: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, name), ...args]) : run(join(bin, name), args);

  const port = await freePort();
  try {
    await binary('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--no-locale', '--encoding=UTF8', '--no-sync']);
    const settings = [
      `-p ${port}`,
      `-k ${folder}`,
      '-c listen_addresses=127.0.0.1',
      '-c max_connections=200',
      ...(options.durable ? [] : ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off']),
    ].join(' ');
    await binary('pg_ctl', ['-D', dataDir, '-o', settings, '-l', join(folder, 'server.log'), '-w', '-t', '60', 'start']);
  } catch (error) {
    await binary('pg_ctl', ['-D', dataDir, '-m', 'immediate', 'stop']).catch(() => undefined);
    rmSync(folder, { recursive: true, force: true });
    throw error;
  }

  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let databases = 0;
  let stopped = false;
  return {
    url,
    port,
    dataDir,
    async createDatabase(name = `clearway_test_${++databases}`) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`Unsafe database name ${name}`);
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await binary('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
