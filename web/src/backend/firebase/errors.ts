/**
 * Firebase errors → the DomainError shape every page already knows how to show. The command
 * function puts {messageKey, params, fieldErrors} in the HttpsError details; Auth and transport
 * errors get message keys of their own (auth.ts message files).
 */
import { DomainError, ERROR_CODES, INTERNAL_ERROR_KEY } from '@clearway/core';
import type { ErrorCode, FieldError } from '@clearway/core';

interface FirebaseLikeError {
  code?: unknown;
  details?: unknown;
  message?: unknown;
}

function isErrorCode(value: string): value is ErrorCode {
  return (ERROR_CODES as readonly string[]).includes(value);
}

/** An error of `httpsCallable('command')`. */
export function fromCallableError(error: unknown): DomainError {
  if (error instanceof DomainError) return error;
  const { code, details } = (error ?? {}) as FirebaseLikeError;
  const bare = typeof code === 'string' ? code.replace(/^functions\//, '') : '';
  const shaped = (details ?? null) as { messageKey?: unknown; params?: unknown; fieldErrors?: unknown } | null;
  if (shaped && typeof shaped.messageKey === 'string' && isErrorCode(bare)) {
    return new DomainError(
      bare,
      shaped.messageKey,
      (shaped.params ?? {}) as Record<string, string | number>,
      Array.isArray(shaped.fieldErrors) ? (shaped.fieldErrors as FieldError[]) : [],
    );
  }
  if (bare === 'unauthenticated') return new DomainError('unauthenticated', 'auth.error.signInRequired');
  if (bare === 'permission-denied') return new DomainError('permission-denied', 'auth.error.notMember');
  if (bare === 'unavailable' || bare === 'deadline-exceeded' || bare === 'internal' || bare === 'unknown') {
    return new DomainError('internal', bare === 'internal' ? INTERNAL_ERROR_KEY : 'auth.error.unavailable');
  }
  return new DomainError('internal', INTERNAL_ERROR_KEY);
}

/** An error of a Firestore listener (usually the rules refusing a read). */
export function fromListenerError(error: unknown): DomainError {
  const { code } = (error ?? {}) as FirebaseLikeError;
  if (code === 'permission-denied') return new DomainError('permission-denied', 'auth.error.readDenied');
  if (code === 'unauthenticated') return new DomainError('unauthenticated', 'auth.error.signInRequired');
  if (code === 'unavailable') return new DomainError('internal', 'auth.error.unavailable');
  return new DomainError('internal', INTERNAL_ERROR_KEY);
}

/** An error of email/password sign-in. */
export function fromSignInError(error: unknown): DomainError {
  if (error instanceof DomainError) return error;
  const { code } = (error ?? {}) as FirebaseLikeError;
  switch (code) {
    case 'auth/invalid-credential':
    case 'auth/invalid-login-credentials':
    case 'auth/wrong-password':
    case 'auth/user-not-found':
    case 'auth/invalid-email':
      return new DomainError('unauthenticated', 'auth.error.invalidCredentials');
    case 'auth/user-disabled':
      return new DomainError('permission-denied', 'auth.error.disabled');
    case 'auth/too-many-requests':
      // Throttled, not signed out: a caller that treats `unauthenticated` as "session over" must not act on it.
      return new DomainError('resource-exhausted', 'auth.error.tooManyAttempts');
    case 'auth/network-request-failed':
      return new DomainError('internal', 'auth.error.unavailable');
    default:
      return new DomainError('internal', INTERNAL_ERROR_KEY);
  }
}
