/**
 * Core errors → callable errors. The code says what kind of refusal it is; `details` carries the
 * message key, its params and the field errors, which the web app turns into text in the user's
 * own language. The HttpsError message is only for logs and developers.
 */
import { HttpsError } from 'firebase-functions/v2/https';
import type { FunctionsErrorCode } from 'firebase-functions/v2/https';
import { INTERNAL_ERROR_KEY, isDomainError } from '@clearway/core';
import type { DomainErrorShape, ErrorCode } from '@clearway/core';

export type CommandErrorDetails = Required<Omit<DomainErrorShape, 'code'>>;

const CODE_MAP: Record<ErrorCode, FunctionsErrorCode> = {
  'invalid-argument': 'invalid-argument',
  'permission-denied': 'permission-denied',
  'not-found': 'not-found',
  'failed-precondition': 'failed-precondition',
  aborted: 'aborted',
  unauthenticated: 'unauthenticated',
  'resource-exhausted': 'resource-exhausted',
  internal: 'internal',
};

export function refusal(code: ErrorCode, messageKey: string, params: Record<string, string | number> = {}): HttpsError {
  const details: CommandErrorDetails = { messageKey, params, fieldErrors: [] };
  return new HttpsError(CODE_MAP[code], messageKey, details);
}

/**
 * Maps anything a handler threw. Unexpected errors are logged with their stack and reach the
 * client as `internal` without internals.
 */
export function toHttpsError(error: unknown, log: (message: string, error: unknown) => void): HttpsError {
  if (error instanceof HttpsError) return error;
  if (isDomainError(error)) {
    const details: CommandErrorDetails = {
      messageKey: error.messageKey,
      params: error.params,
      fieldErrors: error.fieldErrors,
    };
    return new HttpsError(CODE_MAP[error.code], error.messageKey, details);
  }
  log('command failed unexpectedly', error);
  return refusal('internal', INTERNAL_ERROR_KEY);
}
