/**
 * Team server refusals → the DomainError shape every page already knows how to show, with the
 * same message keys the Firebase adapter gives (web/src/backend/firebase/errors.ts), so a person
 * reads the same reason whichever backend runs. The server answers `{ error: { code, messageKey,
 * params, fieldErrors } }` with an HTTP status; transport failures get message keys of their own.
 */
import { DomainError, ERROR_CODES, INTERNAL_ERROR_KEY } from '@clearway/core';
import type { ErrorCode, FieldError } from '@clearway/core';

/** Server message keys that mean what an existing key already says. */
const SAME_AS: Record<string, string> = {
  'auth.error.badCredentials': 'auth.error.invalidCredentials',
};

function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/** HTTP statuses and the server's extra code (already-exists) as core codes. */
function codeFor(code: unknown, status: number): ErrorCode {
  // Throttled is never "signed out": a 429 (ours or a proxy's) must not end the tab's session.
  if (status === 429) return 'resource-exhausted';
  if (isErrorCode(code)) return code;
  if (code === 'already-exists') return 'failed-precondition';
  if (status === 400 || status === 413) return 'invalid-argument';
  if (status === 401) return 'unauthenticated';
  if (status === 403) return 'permission-denied';
  if (status === 404) return 'not-found';
  if (status === 409) return 'failed-precondition';
  return 'internal';
}

/** What a status says when the body carries no message key (a proxy's page, an empty body). */
function fallbackKey(status: number): string {
  if (status === 401) return 'auth.error.signInRequired';
  if (status === 403) return 'auth.error.notMember';
  if (status === 429) return 'auth.error.tooManyAttempts';
  if (status === 502 || status === 503 || status === 504) return 'auth.error.unavailable';
  return INTERNAL_ERROR_KEY;
}

/**
 * Seconds to wait from a Retry-After header (delay-seconds or an HTTP date), or null when absent
 * or unreadable. `nowMs` is the clock for the date form.
 */
export function retryAfterSeconds(header: string | null | undefined, nowMs: number = Date.now()): number | null {
  const text = header?.trim();
  if (!text) return null;
  if (/^\d+$/.test(text)) return Number(text);
  // An HTTP date names its day and month ("Sun, 01 Mar 2026 08:00:00 GMT"); Date.parse reads "-5" as a year.
  if (!/[a-z]{3}/i.test(text)) return null;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - nowMs) / 1000));
}

/** "Try again in N s" (under two minutes) or "in N min": the wait people plan around. */
function tooManyWithWait(seconds: number): DomainError {
  const wait = Math.max(1, seconds);
  if (wait < 120) return new DomainError('resource-exhausted', 'errors.request.retryInSeconds', { seconds: wait });
  return new DomainError('resource-exhausted', 'errors.request.retryInMinutes', { minutes: Math.ceil(wait / 60) });
}

interface ErrorBody {
  error?: { code?: unknown; messageKey?: unknown; params?: unknown; fieldErrors?: unknown };
}

function fromShape(shape: NonNullable<ErrorBody['error']>, status: number): DomainError {
  const messageKey = typeof shape.messageKey === 'string' ? shape.messageKey : fallbackKey(status);
  return new DomainError(
    codeFor(shape.code, status),
    SAME_AS[messageKey] ?? messageKey,
    (shape.params && typeof shape.params === 'object' ? shape.params : {}) as Record<string, string | number>,
    Array.isArray(shape.fieldErrors) ? (shape.fieldErrors as FieldError[]) : [],
  );
}

/**
 * A refused HTTP request: its status, parsed JSON body (null when it was not JSON) and, for a
 * 429, its Retry-After header: a known wait is said in seconds or minutes instead of "later".
 */
export function fromHttpError(status: number, body: unknown, retryAfter: string | null = null): DomainError {
  if (status === 429) {
    const seconds = retryAfterSeconds(retryAfter);
    if (seconds !== null) return tooManyWithWait(seconds);
  }
  const shape = (body as ErrorBody | null)?.error;
  if (shape && typeof shape === 'object') return fromShape(shape, status);
  return new DomainError(codeFor(undefined, status), fallbackKey(status));
}

/** fetch itself failed: the server is down or the network is gone. */
export function fromTransportError(error: unknown): DomainError {
  if (error instanceof DomainError) return error;
  return new DomainError('internal', 'auth.error.unavailable');
}

/** A watch the server refused (`{ type: 'error', id, error }`). */
export function fromRealtimeError(error: unknown): DomainError {
  if (error && typeof error === 'object') {
    const shape = error as NonNullable<ErrorBody['error']>;
    if (typeof shape.messageKey === 'string') return fromShape(shape, shape.code === 'permission-denied' ? 403 : 500);
  }
  return new DomainError('internal', INTERNAL_ERROR_KEY);
}
