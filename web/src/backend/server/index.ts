/**
 * Entry of the lazily loaded team-server chunk (see ../index.ts): the server that served this page.
 */
import type { Backend } from '../types';
import { createServerBackendWith } from './adapter';

export function createServerBackend(): Promise<Backend> {
  // The board is the app's root page (router.ts): opening it sends the board's watch with the socket.
  const root = new URL(import.meta.env.BASE_URL, globalThis.location.origin).pathname;
  return createServerBackendWith({ earlyBoard: globalThis.location.pathname === root });
}
