/**
 * The Firebase stack this machine can run offline, for the integration tests and
 * `npm run dev:firebase`: the Firestore protocol server (in this process) plus the Auth and
 * Functions emulators of firebase-tools (a child process in its own process group), on free
 * loopback ports, with the functions from functions/lib. With the protocol server, a WebChannel bridge
 * (webChannel/bridge.ts) lets browsers reach it: point a browser's Firestore at `browserFirestorePort`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePort, startFirestoreProtocolServer, type RunningFirestoreServer } from './firestoreProtocolServer';
import { startWebChannelBridge, type WebChannelBridge, type WebChannelBridgeOptions } from './webChannel/bridge';

export const DEFAULT_REGION = 'asia-east2';

export interface EmulatorStackOptions {
  repoRoot: string;
  projectId: string;
  region?: string;
  firestorePort?: number;
  authPort?: number;
  functionsPort?: number;
  /** The WebChannel bridge's port (protocol server only). */
  webChannelPort?: number;
  /** Options of the bridge besides its hosts and port (tests record what reached a browser). */
  webChannel?: Omit<WebChannelBridgeOptions, 'firestoreHost' | 'port'>;
  /**
   * Use the official Firestore emulator of firebase-tools instead of the protocol server (needs
   * Java 21 and a download on first use; it enforces firestore.rules, which the protocol server does not).
   */
  officialFirestore?: boolean;
  /** Every line the emulators print (default: dropped). */
  log?: (line: string) => void;
  startTimeoutMs?: number;
}

export interface EmulatorStack {
  projectId: string;
  region: string;
  host: string;
  firestorePort: number;
  authPort: number;
  functionsPort: number;
  /** `FIRESTORE_EMULATOR_HOST` / `FIREBASE_AUTH_EMULATOR_HOST` values. */
  firestoreHost: string;
  authHost: string;
  /** e.g. http://127.0.0.1:5001/demo-x/asia-east2 — append the function name. */
  functionsBaseUrl: string;
  /** The in-process protocol server; null with the official emulator. */
  firestore: RunningFirestoreServer | null;
  /** The port a browser's Firestore SDK connects to: the bridge's, or the official emulator's. */
  browserFirestorePort: number;
  /** The bridge in front of the protocol server (null with the official emulator). */
  webChannel: WebChannelBridge | null;
  /**
   * Stops the bridge and starts it again on the same port (its sessions are lost, as in a server
   * restart), with `overrides` of its options, after `whileStopped` has run.
   */
  restartWebChannel(options?: { overrides?: Partial<WebChannelBridgeOptions>; whileStopped?: () => Promise<void> }): Promise<void>;
  stop(): Promise<void>;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** Rebuilds functions/lib when a source of it (functions/src, core/src) is newer. */
export function ensureFunctionsBuilt(repoRoot: string): void {
  const bundle = join(repoRoot, 'functions/lib/index.js');
  const sources = Math.max(newestMtime(join(repoRoot, 'functions/src')), newestMtime(join(repoRoot, 'core/src')));
  if (existsSync(bundle) && statSync(bundle).mtimeMs >= sources) return;
  const result = spawnSync(process.execPath, [join(repoRoot, 'functions/build.mjs')], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error('functions build failed');
}

/** The environment every emulator process gets: offline, no telemetry, no metadata-server probing. */
export function emulatorProcessEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    ...process.env,
    CI: 'true', // firebase-tools: no MOTD fetch, no update check
    METADATA_SERVER_DETECTION: 'none', // google-auth-library: do not probe the GCE metadata server
    FIREBASE_CLI_DISABLE_UPDATE_CHECK: 'true',
    ...extra,
  };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

export async function startEmulatorStack(options: EmulatorStackOptions): Promise<EmulatorStack> {
  const repoRoot = resolve(options.repoRoot);
  const region = options.region ?? DEFAULT_REGION;
  const host = '127.0.0.1';
  const log = options.log ?? (() => undefined);
  ensureFunctionsBuilt(repoRoot);

  const official = options.officialFirestore ?? false;
  const firestore = official ? null : await startFirestoreProtocolServer(options.firestorePort);
  const firestorePort = firestore?.port ?? options.firestorePort ?? (await freePort());
  const authPort = options.authPort ?? (await freePort());
  const functionsPort = options.functionsPort ?? (await freePort());
  const startBridge = (port?: number, overrides: Partial<WebChannelBridgeOptions> = {}) =>
    startWebChannelBridge({ ...options.webChannel, ...overrides, firestoreHost: firestore!.host, port });
  let webChannel = firestore ? await startBridge(options.webChannelPort) : null;

  // A throwaway project folder: its firebase.json names our ports, its functions/ is functions/lib.
  // It sits under the repo's node_modules/.cache so that the functions resolve firebase-functions
  // and firebase-admin from the workspace's node_modules, as firebase-tools looks them up by path.
  const cacheDir = join(repoRoot, 'node_modules/.cache/clearway');
  mkdirSync(cacheDir, { recursive: true });
  const workDir = mkdtempSync(join(cacheDir, 'emulators-'));
  symlinkSync(join(repoRoot, 'functions/lib'), join(workDir, 'functions'), 'dir');
  symlinkSync(join(repoRoot, 'firestore.rules'), join(workDir, 'firestore.rules'));
  writeFileSync(
    join(workDir, 'firebase.json'),
    JSON.stringify({
      functions: [{ source: 'functions', codebase: 'default', runtime: 'nodejs22' }],
      ...(official ? { firestore: { rules: 'firestore.rules' } } : {}),
      emulators: {
        singleProjectMode: true,
        auth: { host, port: authPort },
        functions: { host, port: functionsPort },
        ...(official ? { firestore: { host, port: firestorePort } } : {}),
        ui: { enabled: false },
      },
    }),
  );

  const firebaseBin = join(repoRoot, 'node_modules/firebase-tools/lib/bin/firebase.js');
  const only = official ? 'auth,functions,firestore' : 'auth,functions';
  const child = spawn(process.execPath, [firebaseBin, 'emulators:start', '--only', only, '--project', options.projectId], {
    cwd: workDir,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: emulatorProcessEnv({
      // The Functions emulator points the admin SDK here; with the official emulator it does so itself.
      ...(firestore ? { FIRESTORE_EMULATOR_HOST: firestore.host } : {}),
      GCLOUD_PROJECT: options.projectId,
    }),
  });

  const output: string[] = [];
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    killGroup(child, 'SIGINT');
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
    killGroup(child, 'SIGKILL'); // anything of the group left behind (function workers)
    await webChannel?.stop();
    firestore?.stop();
    rmSync(workDir, { recursive: true, force: true });
  };

  try {
    await new Promise<void>((resolveReady, rejectReady) => {
      const timeout = setTimeout(
        () => rejectReady(new Error(`emulators did not start in time:\n${output.slice(-30).join('\n')}`)),
        options.startTimeoutMs ?? 150_000,
      );
      const onLine = (chunk: Buffer) => {
        for (const line of chunk.toString('utf8').split('\n')) {
          if (!line.trim()) continue;
          output.push(line);
          log(line);
          if (line.includes('Failed to load function')) {
            clearTimeout(timeout);
            rejectReady(new Error(`the Functions emulator could not load functions/lib:\n${output.slice(-30).join('\n')}`));
          }
          if (line.includes('All emulators ready')) {
            clearTimeout(timeout);
            resolveReady();
          }
        }
      };
      child.stdout?.on('data', onLine);
      child.stderr?.on('data', onLine);
      child.once('exit', (code) => {
        clearTimeout(timeout);
        rejectReady(new Error(`emulators exited (${code}) before they were ready:\n${output.slice(-30).join('\n')}`));
      });
    });
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    projectId: options.projectId,
    region,
    host,
    firestorePort,
    authPort,
    functionsPort,
    firestoreHost: `${host}:${firestorePort}`,
    authHost: `${host}:${authPort}`,
    functionsBaseUrl: `http://${host}:${functionsPort}/${options.projectId}/${region}`,
    firestore,
    browserFirestorePort: webChannel?.port ?? firestorePort,
    get webChannel() {
      return webChannel;
    },
    async restartWebChannel({ overrides, whileStopped } = {}) {
      if (!webChannel) return;
      const { port } = webChannel;
      await webChannel.stop();
      await whileStopped?.();
      webChannel = await startBridge(port, overrides);
    },
    stop,
  };
}
