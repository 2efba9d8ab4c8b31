/**
 * The team server's HTTP application: the built SPA at `/`, the API under `/api` (sessions,
 * commands, administration, realtime). `buildApp` takes everything it needs as arguments, so tests
 * build it on any database and clock; main.ts builds it from the environment.
 */
import Fastify, { LogController } from 'fastify';
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest, FastifyServerOptions } from 'fastify';
import cookie from '@fastify/cookie';
import websocket from '@fastify/websocket';
import type { CollectionName, DocumentChange, DocumentStore } from '@clearway/core';
import type { ServerConfig } from './config';
import type { PrefetchedDoc, SessionCheck } from './db/postgresDocumentStore';
import { AccountRepository } from './auth/accounts';
import { LoginThrottle } from './auth/loginThrottle';
import { requireSession, type RecentMembers, type SessionOptions, type SignedIn } from './auth/sessionGuard';
import { ApiError, sendApiError, toApiError } from './http/errors';
import { registerJsonParser } from './http/jsonBody';
import { registerSecurityHeaders } from './http/securityHeaders';
import { registerOriginCheck } from './http/origin';
import { registerSessionRoutes } from './http/sessionRoutes';
import { registerCommandRoutes } from './http/commandRoutes';
import { registerAdminRoutes } from './http/adminRoutes';
import { registerNotifyRoutes } from './http/notifyRoutes';
import { registerSpa, CONFIG_SCRIPT_HASH } from './http/spa';
import { registerRealtimeRoute } from './realtime/route';
import { RealtimeHub } from './realtime/hub';
import { CORE_READ_POLICY, type ReadPolicy } from './realtime/policy';

export type SqlRunner = <T = Record<string, unknown>>(text: string, params?: unknown[]) => Promise<T[]>;

/** A DocumentStore that tells about every committed change (server-db's PostgresDocumentStore). */
export interface ChangeFeedStore extends DocumentStore {
  onChange(listener: (changes: DocumentChange[]) => void): () => void;
  /**
   * This store with transactions that take these documents as already read (validated at commit
   * as any read), and whose commit refuses (SessionEndedError) once `session` has ended.
   */
  withPrefetched?(docs: readonly PrefetchedDoc[], session?: SessionCheck): DocumentStore;
  /** The store's recent copy of a document with its seq (postgresDocumentStore.ts RecentDocuments), or null. */
  recentDoc?(collection: CollectionName, id: string): PrefetchedDoc | null;
  /** Keeps a document read elsewhere (with its seq) as recent. */
  rememberDoc?(doc: PrefetchedDoc): void;
  /** Changes may have been missed (the change feed was away past the change log's retention): reload. */
  onResync?(listener: () => void): () => void;
}

/** What the app needs of the database (server-db's Database fits). */
export interface AppDatabase {
  readonly kind: string;
  readonly store: ChangeFeedStore;
  sql<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export interface AppDeps {
  config: ServerConfig;
  db: AppDatabase;
  now?: () => Date;
  /** Fastify's logger option: a pino instance or options; default: pino at config.logLevel. */
  logger?: FastifyBaseLogger;
  version?: string;
  policy?: ReadPolicy;
  /** How often the realtime hub re-checks its sessions; 0 turns it off (tests). */
  sessionSweepMs?: number;
}

/** What every route module receives. */
export interface ServerContext {
  config: ServerConfig;
  db: AppDatabase;
  store: ChangeFeedStore;
  accounts: AccountRepository;
  /** Failed sign-ins per account and address, in the database (shared by every process on it). */
  loginThrottle: LoginThrottle;
  hub: RealtimeHub;
  now: () => Date;
  version: string;
  /** The signed-in person of a request, or an ApiError (401/403). */
  authenticate(request: FastifyRequest, options?: SessionOptions): Promise<SignedIn>;
}

export interface ClearwayApp {
  app: FastifyInstance;
  context: ServerContext;
}

export const SERVER_VERSION = '0.1.0';
/** Commands and account requests are small; the import route raises its own limit. */
export const DEFAULT_BODY_LIMIT = 256 * 1024;

export async function buildApp(deps: AppDeps): Promise<ClearwayApp> {
  const { config, db } = deps;
  const now = deps.now ?? (() => new Date());
  const trustProxy = config.trustProxy;
  const options: FastifyServerOptions = {
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: { level: config.logLevel } }),
    // A hop count: trust that many proxies in front of us (proxy-addr's own rule, as a function for Fastify's types).
    trustProxy: typeof trustProxy === 'number' ? (_address: string, hop: number) => hop < trustProxy : trustProxy,
    bodyLimit: DEFAULT_BODY_LIMIT,
    // Shutdown waits for requests in flight; idle keep-alive sockets close at once.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    // Commands, sign-ins and errors are logged by the routes; one line per static file is noise.
    logController: new LogController({ disableRequestLogging: true }),
  };
  const app: FastifyInstance = Fastify(options);

  const accounts = new AccountRepository((text, params) => db.sql(text, params), config.sessionSecret);
  const hub = new RealtimeHub({
    reader: db.store,
    policy: deps.policy ?? CORE_READ_POLICY,
    sessionAlive: (tokenHash) => accounts.sessionExists(tokenHash, now()),
    log: app.log,
    sweepMs: deps.sessionSweepMs ?? 60_000,
  });
  const unsubscribeChanges = db.store.onChange((changes) => {
    // A members document changed (here or in another process): its person's sessions are looked up again.
    for (const change of changes) if (change.collection === 'members') accounts.forgetSessionsOf(change.id);
    hub.onChanges(changes);
  });
  const { store } = db;
  // Only a store whose commits check a session may let a command skip the session's lookup.
  const recentMembers: RecentMembers | undefined =
    store.withPrefetched && store.recentDoc && store.rememberDoc
      ? { get: (uid) => store.recentDoc!('members', uid), put: (doc) => store.rememberDoc!(doc) }
      : undefined;
  const unsubscribeResync = db.store.onResync?.(() => hub.resyncAll()) ?? (() => {});
  const unsubscribe = () => {
    unsubscribeChanges();
    unsubscribeResync();
  };

  const context: ServerContext = {
    config,
    db,
    store: db.store,
    accounts,
    loginThrottle: new LoginThrottle((text, params) => db.sql(text, params), config.loginWindowMs),
    hub,
    now,
    version: deps.version ?? SERVER_VERSION,
    authenticate: (request, options) => requireSession({ accounts, now, sessionTtlMs: config.sessionTtlMs, recentMembers }, request, options),
  };

  // Closing: idle keep-alive connections close at once (forceCloseConnections: 'idle'); one that
  // carries a request in flight gets its answer with `Connection: close`, so it does not hold
  // the shutdown open until the keep-alive timeout.
  let closing = false;
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });
  // Before @fastify/websocket's own close hook, so the sockets close as "going away" (1001).
  app.addHook('preClose', async () => {
    closing = true;
    unsubscribe();
    hub.close();
  });
  registerSecurityHeaders(app, {
    contentSecurityPolicy: {
      directives: {
        scriptSrc: ["'self'", `'sha256-${CONFIG_SCRIPT_HASH}'`],
        connectSrc: ["'self'"],
        // Over plain http (the office network) an upgrade to https would break every request.
        upgradeInsecureRequests: config.cookieSecure ? [] : null,
      },
    },
    hsts: config.cookieSecure,
  });
  await app.register(cookie);
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });

  registerJsonParser(app);
  app.setErrorHandler((error, request, reply) => sendApiError(reply, toApiError(error, request)));
  registerOriginCheck(app, config.allowedOrigins);

  app.get('/api/health', async () => {
    await db.sql('SELECT 1');
    return { ok: true, database: db.kind, version: context.version };
  });
  registerSessionRoutes(app, context);
  registerCommandRoutes(app, context);
  registerAdminRoutes(app, context);
  registerNotifyRoutes(app, context);
  registerRealtimeRoute(app, context);
  // Unknown /api paths are JSON 404s, everything else is the app (its router decides).
  await registerSpa(app, config.webDist, (request, reply) =>
    sendApiError(reply, new ApiError('not-found', 'errors.request.notFound', { path: request.url.split('?')[0] ?? '' })),
  );

  return { app, context };
}
