/**
 * Chooses the backend: Firebase when the build names a project (VITE_FIREBASE_*), the team server
 * when the page was served by it (it injects `window.__CLEARWAY__ = { backend: 'server' }` into
 * index.html), else the in-browser demo. Each adapter is loaded with a dynamic import, so the demo
 * never downloads the Firebase SDK or the server client, and the other modes never load the demo.
 */
import type { Backend } from './types';
import { afterFirstBoardPaint } from '@/composables/useBoardPaintMarks';
import type * as localModule from './local';
import type * as sampleParamModule from './local/sampleParam';

export type { Backend } from './types';

/** What the team server puts into index.html. */
export interface InjectedConfig {
  backend?: string;
}

declare global {
  interface Window {
    __CLEARWAY__?: InjectedConfig;
  }
}

export function firebaseConfigured(env: ImportMetaEnv = import.meta.env): boolean {
  return typeof env.VITE_FIREBASE_PROJECT_ID === 'string' && env.VITE_FIREBASE_PROJECT_ID.trim() !== '';
}

export function serverConfigured(injected: InjectedConfig | undefined = globalThis.window?.__CLEARWAY__): boolean {
  return injected?.backend === 'server';
}

export type ConfiguredBackend = 'firebase' | 'server' | 'local';

export function configuredBackend(env: ImportMetaEnv = import.meta.env, injected: InjectedConfig | undefined = globalThis.window?.__CLEARWAY__): ConfiguredBackend {
  if (firebaseConfigured(env)) return 'firebase';
  if (serverConfigured(injected)) return 'server';
  return 'local';
}

export interface BackendOptions {
  /** The web's one clock: the demo stamps commands and scans stalls by it (the others use the server's time). */
  now?: () => Date;
}

export async function createBackend(options: BackendOptions = {}): Promise<Backend> {
  const kind = configuredBackend();
  if (kind === 'firebase') {
    const { createFirebaseBackend } = await import('./firebase');
    return createFirebaseBackend();
  }
  if (kind === 'server') {
    const { createServerBackend } = await import('./server');
    return createServerBackend();
  }
  const [local, sampleParam] = await Promise.all([import('./local'), import('./local/sampleParam')]);
  return createDemoBackend(local, sampleParam, options);
}

/**
 * The in-browser demo's backend made from its modules at once, with no import of its own to
 * wait for (main.ts loads them with the page, so IndexedDB is asked while the app mounts).
 */
export function createDemoBackend(
  local: typeof localModule,
  sampleParam: typeof sampleParamModule,
  options: BackendOptions = {},
): Promise<Backend> {
  // The stall scan on load waits for the board's first paint (the stored flags show until then).
  return local.createLocalBackend({
    ...sampleParam.sampleOptionsOf(globalThis.location?.search ?? ''),
    firstScanAfter: afterFirstBoardPaint(),
    ...(options.now ? { now: options.now } : {}),
  });
}
