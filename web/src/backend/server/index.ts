/**
 * Entry of the lazily loaded team-server chunk (see ../index.ts): the server that served this page.
 */
import type { Backend } from '../types';
import { createServerBackendWith } from './adapter';

export function createServerBackend(): Promise<Backend> {
  return createServerBackendWith();
}
