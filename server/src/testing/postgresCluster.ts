/**
 * A throwaway PostgreSQL cluster for tests and benches: Debian's server binaries
 * (/usr/lib/postgresql/<version>/bin; `node scripts/ensure-postgres.mjs` installs them), a data
 * folder under the system temp folder, a free loopback port, and removal of it all on stop.
 * PostgreSQL refuses to run as root, so as root every binary runs as the `postgres` user.
 */
import { execFile, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

const FOLDER_PREFIX = 'clearway-pg-';
const OWNER_FILE = 'owner.pid';

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Stops and removes the clusters of test processes that died without stopping theirs (a crash,
 * a killed run): each cluster folder names the process that started it.
 */
async function removeOrphanedClusters(binary: (name: string, args: string[]) => Promise<unknown>): Promise<void> {
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(FOLDER_PREFIX)) continue;
    const folder = join(tmpdir(), name);
    let owner = 0;
    try {
      owner = Number(readFileSync(join(folder, OWNER_FILE), 'utf8'));
    } catch {
      continue;
    }
    if (!Number.isInteger(owner) || owner <= 0 || processIsAlive(owner)) continue;
    await binary('pg_ctl', ['-D', join(folder, 'data'), '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
    rmSync(folder, { recursive: true, force: true });
  }
}

export interface PostgresCluster {
  /** postgres://… of the cluster's `postgres` database. */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  /** A new, empty database in the cluster; returns its URL. */
  createDatabase(name?: string): Promise<string>;
  /** Stops the server (immediately) and removes its folder. */
  /** Stops the server, cutting every connection, and starts it again on the same port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface StartPostgresOptions {
  /**
   * Flush to disk as a production server does (benches). Default false: tests run with
   * fsync=off, which only matters if the machine itself crashes mid-test.
   */
  durable?: boolean;
  /**
   * Load pg_stat_statements (benches count the statements a workload sends); a database still
   * needs CREATE EXTENSION. 'all': count the statements functions run too (where a commit's time goes).
   */
  statementStats?: boolean | 'all';
}

export async function startPostgresCluster(options: StartPostgresOptions = {}): Promise<PostgresCluster> {
  const bin = findPostgresBin();
  if (!bin) throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql: run `node scripts/ensure-postgres.mjs`');
  const asRoot = userInfo().uid === 0;
  const binary = (name: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, name), ...args]) : run(join(bin, name), args);
  await removeOrphanedClusters(binary);
  const folder = mkdtempSync(join(tmpdir(), FOLDER_PREFIX));
  writeFileSync(join(folder, OWNER_FILE), String(process.pid));
  const dataDir = join(folder, 'data');
  const postgresUser = asRoot ? await run('id', ['-u', 'postgres']).then((r) => Number(r.stdout.trim())) : null;
  const postgresGroup = asRoot ? await run('id', ['-g', 'postgres']).then((r) => Number(r.stdout.trim())) : null;
  if (postgresUser !== null && postgresGroup !== null) chownSync(folder, postgresUser, postgresGroup);

  const port = await freePort();
  const settings = [
    `-p ${port}`,
    `-k ${folder}`,
    '-c listen_addresses=127.0.0.1',
    '-c max_connections=200',
    ...(options.durable ? [] : ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off']),
    ...(options.statementStats ? ['-c shared_preload_libraries=pg_stat_statements'] : []),
    ...(options.statementStats === 'all' ? ['-c pg_stat_statements.track=all'] : []),
  ].join(' ');
  const start = () => binary('pg_ctl', ['-D', dataDir, '-o', settings, '-l', join(folder, 'server.log'), '-w', '-t', '60', 'start']);
  try {
    await binary('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--no-locale', '--encoding=UTF8', '--no-sync']);
    await start();
  } catch (error) {
    await binary('pg_ctl', ['-D', dataDir, '-m', 'immediate', 'stop']).catch(() => undefined);
    rmSync(folder, { recursive: true, force: true });
    throw error;
  }

  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let databases = 0;
  let stopped = false;
  // A test process that dies without its afterAll must not leave a server running.
  const stopOnExit = () => {
    const args = [join(bin, 'pg_ctl'), '-D', dataDir, '-m', 'immediate', 'stop'];
    spawnSync(asRoot ? 'runuser' : args[0]!, asRoot ? ['-u', 'postgres', '--', ...args] : args.slice(1), { stdio: 'ignore' });
    rmSync(folder, { recursive: true, force: true });
  };
  process.once('exit', stopOnExit);
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
    async restart() {
      // Fast: every connection is cut at once. (Not immediate: with the tests' synchronous_commit
      // off, a crash would lose the last commits, which a durable server keeps.)
      await binary('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', 'stop']);
      await start();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      process.removeListener('exit', stopOnExit);
      await binary('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
