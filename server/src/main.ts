/**
 * The team server process: config from the environment, the database (PGlite in the data folder,
 * or PostgreSQL), the sample workspace on first start, the daily stall scan, the HTTP app.
 * SIGINT/SIGTERM shut it down gracefully: no new connections, requests in flight finish, sockets
 * close ("going away", so tabs reconnect to the next process), the database closes cleanly.
 */
import pino from 'pino';
import { loadConfig } from './config';
import { buildApp } from './app';
import { openDatabase } from './db';
import { prepareFirstStart, type FirstStartResult } from './auth/firstStart';
import { startStallScanScheduler } from './scheduler';
import { startNotifyScheduler } from './notify/job';
import { startChangeLogPruning } from './db/changeLog';

const ROLE_LABEL: Record<string, string> = { admin: '管理员 admin', staff: '工作人员 staff', liaison: '银行联络员 liaison', viewer: '领导 viewer' };

function banner(url: string, lanHint: boolean, kind: string, dataDir: string, first: FirstStartResult): string {
  const lines = [
    '',
    `  Clearway team server is running: ${url}`,
    `  database: ${kind === 'pglite' ? `embedded PGlite in ${dataDir}` : 'PostgreSQL'}`,
  ];
  if (lanHint) lines.push('  serving the office network (HOST=0.0.0.0): open http://<this machine’s address>:<port> from other PCs');
  if (first.seeded) lines.push('  first start: seeded the sample workspace');
  if (first.demoSignIns.length) {
    lines.push('  demo sign-ins (password unless changed since):');
    for (const signIn of first.demoSignIns) {
      const bank = signIn.bankId ? ` (${signIn.bankId})` : '';
      lines.push(`    ${signIn.email.padEnd(24)} ${signIn.password}   ${signIn.name} · ${ROLE_LABEL[signIn.role] ?? signIn.role}${bank}`);
    }
  }
  lines.push('  stop with Ctrl+C', '');
  return lines.join('\n');
}

async function main(): Promise<void> {
  const startedAt = Date.now();
  const config = loadConfig();
  const logger = pino({ level: config.logLevel });
  const db = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    onError: (error) => logger.warn({ err: error }, 'database connection trouble'),
  });
  for (const doc of db.storedDocuments?.quarantined ?? []) {
    logger.warn(doc, 'a stored document could not be read and was moved to quarantined_documents');
  }
  if (db.storedDocuments?.migrated) logger.info({ ...db.storedDocuments, quarantined: db.storedDocuments.quarantined.length }, 'stored documents migrated');
  const { app, context } = await buildApp({ config, db, logger });
  const first = await prepareFirstStart(db.store, context.accounts, { seedDemo: config.seedDemo, now: new Date(), sampleProjects: config.sampleProjects ?? undefined });
  await context.accounts.deleteExpiredSessions(new Date());
  // Expired sessions and ended sign-in throttle windows count for nothing; this only keeps the tables small.
  const sessionCleanup = setInterval(() => {
    context.accounts.deleteExpiredSessions(new Date()).catch((error: unknown) => logger.warn({ err: error }, 'session cleanup failed'));
    context.loginThrottle.prune(new Date()).catch((error: unknown) => logger.warn({ err: error }, 'sign-in throttle cleanup failed'));
  }, 3600_000);
  sessionCleanup.unref();
  const scheduler = startStallScanScheduler({ store: db.store, client: db.client, logger });
  const notifier = startNotifyScheduler({ store: db.store, client: db.client, logger, appUrl: config.publicUrl });
  const changeLogPruning = startChangeLogPruning({ client: db.client, retentionMs: config.changeLogRetentionMs, logger });

  let stopping: Promise<void> | null = null;
  const stop = (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting at once');
      process.exit(1);
    }
    logger.info({ signal }, 'shutting down');
    stopping = (async () => {
      try {
        clearInterval(sessionCleanup);
        await app.close();
        await scheduler.stop();
        await notifier.stop();
        await changeLogPruning.stop();
        await db.close();
        logger.info('stopped cleanly');
        process.exit(0);
      } catch (error) {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      }
    })();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const url = `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}`;
  logger.info({ url, database: db.kind, startMs: Date.now() - startedAt }, 'listening');
  process.stdout.write(`${banner(url, shownHost !== config.host, db.kind, config.dataDir, first)}\n`);
  // A line for scripts and tests that wait for the server (start.mjs, the fault test).
  process.stdout.write(`[clearway] ready ${url}\n`);
}

main().catch((error: unknown) => {
  console.error('[clearway] the server could not start:', error instanceof Error ? error.message : error);
  if (error instanceof Error && error.stack) console.error(error.stack);
  process.exit(1);
});
