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
    const { createFirebaseBackend } = await import('./firebase');
    return createFirebaseBackend();
  }
  const [{ createLocalBackend }, { sampleOptionsOf }] = await Promise.all([import('./local'), import('./local/sampleParam')]);
  return createLocalBackend(sampleOptionsOf(globalThis.location?.search ?? ''));
}
