/**
 * Which Firebase project the web app talks to, from `VITE_FIREBASE_*` build variables.
 * A project id that starts with `demo-` means the local emulators (no real project, no API key
 * needed); their host and ports can be overridden for tests and `npm run dev:firebase`.
 */
export interface FirebaseWebConfig {
  projectId: string;
  apiKey: string;
  authDomain: string;
  appId: string | undefined;
  /** Must match the functions' FUNCTIONS_REGION param. */
  functionsRegion: string;
  /** Set in emulator mode only. */
  emulators: { host: string; authPort: number; firestorePort: number; functionsPort: number } | null;
}

export const DEFAULT_FUNCTIONS_REGION = 'asia-east2';

type Env = Record<string, string | boolean | undefined>;

function text(env: Env, key: string): string | undefined {
  const value = env[key];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function port(env: Env, key: string, fallback: number): number {
  const value = Number(text(env, key) ?? fallback);
  if (!Number.isInteger(value) || value <= 0 || value > 65535) throw new Error(`${key} must be a TCP port, got ${String(env[key])}`);
  return value;
}

export function isEmulatorProject(projectId: string): boolean {
  return projectId.startsWith('demo-');
}

export function readFirebaseConfig(env: Env): FirebaseWebConfig {
  const projectId = text(env, 'VITE_FIREBASE_PROJECT_ID');
  if (!projectId) throw new Error('VITE_FIREBASE_PROJECT_ID is not set.');
  const emulated = isEmulatorProject(projectId);
  const apiKey = text(env, 'VITE_FIREBASE_API_KEY') ?? (emulated ? 'demo-api-key' : undefined);
  if (!apiKey) throw new Error('VITE_FIREBASE_API_KEY is required for a real Firebase project.');
  return {
    projectId,
    apiKey,
    authDomain: text(env, 'VITE_FIREBASE_AUTH_DOMAIN') ?? `${projectId}.firebaseapp.com`,
    appId: text(env, 'VITE_FIREBASE_APP_ID'),
    functionsRegion: text(env, 'VITE_FIREBASE_FUNCTIONS_REGION') ?? DEFAULT_FUNCTIONS_REGION,
    emulators: emulated
      ? {
          host: text(env, 'VITE_FIREBASE_EMULATOR_HOST') ?? '127.0.0.1',
          authPort: port(env, 'VITE_FIREBASE_AUTH_EMULATOR_PORT', 9099),
          firestorePort: port(env, 'VITE_FIREBASE_FIRESTORE_EMULATOR_PORT', 8080),
          functionsPort: port(env, 'VITE_FIREBASE_FUNCTIONS_EMULATOR_PORT', 5001),
        }
      : null,
  };
}
