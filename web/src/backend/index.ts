/**
 * Chooses the backend: the in-browser local backend unless a Firebase project is configured.
 * The Firebase adapter is loaded with a dynamic import so that local mode never downloads the SDK.
 */
import type { Backend } from './types';

export type { Backend } from './types';

export function firebaseConfigured(env: ImportMetaEnv = import.meta.env): boolean {
  return typeof env.VITE_FIREBASE_PROJECT_ID === 'string' && env.VITE_FIREBASE_PROJECT_ID.trim() !== '';
}

export async function createBackend(): Promise<Backend> {
  if (firebaseConfigured()) {
    const { createFirebaseBackend } = await loadFirebaseAdapter();
    return createFirebaseBackend();
  }
  const [{ createLocalBackend }, { sampleOptionsOf }] = await Promise.all([import('./local'), import('./local/sampleParam')]);
  return createLocalBackend(sampleOptionsOf(globalThis.location?.search ?? ''));
}

interface FirebaseAdapterModule {
  createFirebaseBackend(): Promise<Backend>;
}

/**
 * `./firebase/index.ts` is written in parallel; the glob keeps this build working while it does
 * not exist yet and still lets Vite split it into its own chunk once it does.
 */
async function loadFirebaseAdapter(): Promise<FirebaseAdapterModule> {
  const candidates = import.meta.glob<FirebaseAdapterModule>('./firebase/index.ts');
  const load = candidates['./firebase/index.ts'];
  if (!load) throw new Error('VITE_FIREBASE_PROJECT_ID is set but web/src/backend/firebase/index.ts is missing.');
  return load();
}
