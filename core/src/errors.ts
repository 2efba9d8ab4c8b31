/**
 * Errors a command can end with. `code` maps one-to-one onto Firebase `HttpsError` codes;
 * `messageKey` is an i18n key under `errors.` in the web message files, so the user reads the
 * reason in their own language; `params` fill its placeholders.
 */
export const ERROR_CODES = [
  'invalid-argument',
  'permission-denied',
  'not-found',
  'failed-precondition',
  'aborted',
  'unauthenticated',
  /** A request too large or too complex to take (HTTP 413). */
  'resource-exhausted',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * The message of an error nobody foresaw (a bug, a store that failed): the same key whichever
 * backend the web runs on (demo, Firebase, team server), so a person reads the same words.
 */
export const INTERNAL_ERROR_KEY = 'errors.internal';

export interface FieldError {
  /** Dotted path of the payload field, e.g. `amount` or `owner.creditCode`. */
  path: string;
  messageKey: string;
  params?: Record<string, string | number>;
}

export interface DomainErrorShape {
  code: ErrorCode;
  messageKey: string;
  params?: Record<string, string | number>;
  fieldErrors?: FieldError[];
}

export class DomainError extends Error implements DomainErrorShape {
  readonly code: ErrorCode;
  readonly messageKey: string;
  readonly params: Record<string, string | number>;
  readonly fieldErrors: FieldError[];

  constructor(
    code: ErrorCode,
    messageKey: string,
    params: Record<string, string | number> = {},
    fieldErrors: FieldError[] = [],
  ) {
    super(`${code}: ${messageKey}${Object.keys(params).length ? ' ' + JSON.stringify(params) : ''}`);
    this.name = 'DomainError';
    this.code = code;
    this.messageKey = messageKey;
    this.params = params;
    this.fieldErrors = fieldErrors;
  }

  toJSON(): DomainErrorShape {
    return { code: this.code, messageKey: this.messageKey, params: this.params, fieldErrors: this.fieldErrors };
  }
}

/** A stale version or a lost race: the user's view is out of date. */
export class ConflictError extends DomainError {
  constructor(collection: string, id: string) {
    super('failed-precondition', 'errors.conflict', { collection, id });
    this.name = 'ConflictError';
  }
}

export function isDomainError(value: unknown): value is DomainError {
  return value instanceof DomainError;
}
