/**
 * Every refusal the API gives has one shape, `{ error: { code, messageKey, params, fieldErrors } }`,
 * with the codes and message keys core's DomainError and the Firebase callable use, so the web
 * app shows it in the user's language whichever backend answered.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isDomainError } from '@clearway/core';
import type { FieldError } from '@clearway/core';

/** Core's codes plus the two only a transport produces (too large, too many). */
export type ApiErrorCode =
  | 'invalid-argument'
  | 'unauthenticated'
  | 'permission-denied'
  | 'not-found'
  | 'aborted'
  | 'already-exists'
  | 'failed-precondition'
  | 'resource-exhausted'
  | 'internal';

export interface ApiErrorBody {
  code: ApiErrorCode;
  messageKey: string;
  params: Record<string, string | number>;
  fieldErrors: FieldError[];
}

const STATUS_OF: Record<ApiErrorCode, number> = {
  'invalid-argument': 400,
  unauthenticated: 401,
  'permission-denied': 403,
  'not-found': 404,
  aborted: 409,
  'already-exists': 409,
  'failed-precondition': 409,
  'resource-exhausted': 429,
  internal: 500,
};

/** A refusal decided by the HTTP layer (session, origin, request shape). */
export class ApiError extends Error {
  readonly status: number;
  readonly body: ApiErrorBody;

  constructor(
    code: ApiErrorCode,
    messageKey: string,
    params: Record<string, string | number> = {},
    options: { status?: number; fieldErrors?: FieldError[] } = {},
  ) {
    super(`${code}: ${messageKey}`);
    this.name = 'ApiError';
    this.status = options.status ?? STATUS_OF[code];
    this.body = { code, messageKey, params, fieldErrors: options.fieldErrors ?? [] };
  }
}

export const signInRequired = () => new ApiError('unauthenticated', 'auth.error.signInRequired');
export const internalError = () => new ApiError('internal', 'errors.internal');

/** Maps anything thrown or raised by Fastify to status + body; unexpected errors are logged, internals hidden. */
export function toApiError(error: unknown, request: FastifyRequest): ApiError {
  if (error instanceof ApiError) return error;
  if (isDomainError(error)) {
    return new ApiError(error.code, error.messageKey, error.params, { fieldErrors: error.fieldErrors });
  }
  const fastifyError = error as Partial<FastifyError>;
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError('resource-exhausted', 'errors.request.tooLarge', {}, { status: 413 });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError('invalid-argument', 'errors.request.notJson', {}, { status: 415 });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new ApiError('invalid-argument', 'errors.request.malformed');
    case 'FST_ERR_VALIDATION':
      return new ApiError('invalid-argument', 'errors.request.malformed');
    default:
      break;
  }
  if (fastifyError.statusCode === 429) return new ApiError('resource-exhausted', 'errors.request.tooMany');
  if (error instanceof SyntaxError || (fastifyError.statusCode === 400 && fastifyError.code?.startsWith('FST_ERR_CTP'))) {
    return new ApiError('invalid-argument', 'errors.request.malformed');
  }
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return new ApiError('invalid-argument', 'errors.request.malformed', {}, { status: fastifyError.statusCode });
  }
  request.log.error({ err: error }, 'request failed unexpectedly');
  return internalError();
}

export function sendApiError(reply: FastifyReply, error: ApiError): FastifyReply {
  return reply.code(error.status).type('application/json; charset=utf-8').send({ error: error.body });
}
