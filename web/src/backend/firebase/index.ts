/**
 * Entry of the lazily loaded Firebase chunk (see ../index.ts): the configured project from the
 * build's VITE_FIREBASE_* variables.
 */
import type { Backend } from '../types';
import { createFirebaseBackendWith } from './adapter';
import { readFirebaseConfig } from './config';

export async function createFirebaseBackend(): Promise<Backend> {
  return createFirebaseBackendWith(readFirebaseConfig(import.meta.env));
}
