/**
 * CSRF defence: a state-changing request (any method but GET/HEAD/OPTIONS) and the WebSocket
 * upgrade must come from a page of this site (Origin's host = the Host it was sent to) or from
 * an origin on the configured allow-list. Browsers always send Origin on these, and a page on
 * another site cannot forge it; a request without one is refused too (nothing legitimate lacks it).
 * The SameSite=Lax cookie is the second line.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError, sendApiError } from './errors';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Each Origin's host ('' when it does not parse): a tab sends the same one with every command, and a URL parse costs more than the rest of the check. */
const originHosts = new Map<string, string>();
const ORIGIN_HOST_CACHE_SIZE = 256;

function hostOf(origin: string): string {
  let host = originHosts.get(origin);
  if (host === undefined) {
    try {
      host = new URL(origin).host;
    } catch {
      host = '';
    }
    // Bounded: a client sending a new Origin each time only empties it.
    if (originHosts.size >= ORIGIN_HOST_CACHE_SIZE) originHosts.clear();
    originHosts.set(origin, host);
  }
  return host;
}

export function originAllowed(request: FastifyRequest, allowList: readonly string[]): boolean {
  const origin = request.headers.origin;
  if (typeof origin !== 'string' || origin === '' || origin === 'null') return false;
  if (allowList.includes(origin.replace(/\/$/, ''))) return true;
  const host = hostOf(origin);
  return host !== '' && host === request.host;
}

function needsOriginCheck(request: FastifyRequest): boolean {
  if (!SAFE_METHODS.has(request.method)) return true;
  return request.headers.upgrade?.toLowerCase() === 'websocket';
}

export function registerOriginCheck(app: FastifyInstance, allowList: readonly string[]): void {
  app.addHook('onRequest', async (request, reply) => {
    if (!needsOriginCheck(request) || originAllowed(request, allowList)) return;
    request.log.warn({ origin: request.headers.origin ?? null, url: request.url }, 'refused: origin not allowed');
    return sendApiError(reply, new ApiError('permission-denied', 'errors.request.badOrigin'));
  });
}
