/**
 * The building blocks of every command payload schema: ids, versions, normalised text, days and
 * months in range, integer yuan, enums. Both commands/schemas.ts and the ledger payloads
 * (ledger/payload.ts, which schemas.ts imports) build on these, so every entry point stores text,
 * ids, dates and amounts the same way.
 */
import { z } from 'zod';
import { isIsoDate, isIsoMonth } from '../dates';
import { MAX_YUAN } from '../money';

/** The longest id (the same as TEXT_LIMITS.id). */
export const ID_MAX_LENGTH = 128;

/**
 * Characters a person cannot see and that only hide or disguise text: C0/C1 controls (except tab
 * and line breaks), the soft hyphen, zero-width spaces and joiners, bidirectional marks, embeddings,
 * overrides and isolates, invisible operators, the byte-order mark and interlinear annotations.
 */
const INVISIBLE_CHARACTERS =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u00AD\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\uFEFF\uFFF9-\uFFFB]/g;
/** Half of a surrogate pair without its other half: not a character at all (and not valid UTF-8). */
const LONE_SURROGATES = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text as stored: NFC, invisible and broken characters removed, `\r\n` as `\n`, trimmed. */
export function normalizeText(value: string): string {
  return value
    .replace(LONE_SURROGATES, '')
    .replace(INVISIBLE_CHARACTERS, '')
    .replace(/\r\n?/g, '\n')
    .normalize('NFC')
    .trim();
}

/** Days and months the bureau's records can have: none before 1900, none after 2100. */
export const DATE_RANGE = { min: '1900-01-01', max: '2100-12-31' } as const;
export const MONTH_RANGE = { min: '1900-01', max: '2100-12' } as const;

/**
 * Ids: letters and digits, then also `_ - . :`. This rules out what Firestore reserves (`__x__`,
 * `.`, `..`), path separators and anything invisible.
 */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/;

export type IssueLike = { code?: string; input?: unknown };

/** zod calls this for a field's type error; a missing value reads "required", anything else `key`. */
export function requiredOr(messageKey: string) {
  return (issue: IssueLike) => (issue.input === undefined ? 'errors.field.required' : messageKey);
}

export const id = z
  .string({ error: requiredOr('errors.field.invalid') })
  .trim()
  .min(1, { error: 'errors.field.required' })
  .max(ID_MAX_LENGTH, { error: 'errors.field.tooLong' })
  .regex(ID_PATTERN, { error: 'errors.id.invalid' });

export const version = z
  .number({ error: requiredOr('errors.field.invalid') })
  .int({ error: 'errors.field.invalid' })
  .min(1, { error: 'errors.field.invalid' });

/** An optional version: null (or absent) when the client saw no document yet. */
export const versionOrNull = version.nullable().optional().transform((v) => v ?? null);

export function text(max: number) {
  return z
    .string({ error: requiredOr('errors.field.invalid') })
    .overwrite(normalizeText)
    .max(max, { error: 'errors.field.tooLong' });
}

export function requiredText(max: number) {
  return z
    .string({ error: requiredOr('errors.field.invalid') })
    .refine((raw) => raw.trim() === '' || normalizeText(raw) !== '', { error: 'errors.field.invisibleOnly', abort: true })
    .overwrite(normalizeText)
    .max(max, { error: 'errors.field.tooLong' })
    .min(1, { error: 'errors.field.required' });
}

/** Free text that may be left empty; empty becomes null. */
export function optionalText(max: number) {
  return text(max)
    .nullable()
    .optional()
    .transform((value) => (value ? value : null));
}

/** Integer yuan, 0 or more (`-0` is refused: it is what a sign error upstream looks like). */
export const yuan = z
  .number({ error: requiredOr('errors.money.invalid') })
  .refine((value) => !Object.is(value, -0), { error: 'errors.money.invalid', abort: true })
  .min(0, { error: 'errors.money.negative' })
  .max(MAX_YUAN, { error: 'errors.money.tooLarge' })
  .refine(Number.isInteger, { error: 'errors.money.notInteger' });

/** Integer yuan, more than 0. */
export const positiveYuan = yuan.refine((value) => value > 0, { error: 'errors.money.zero' });

export const isoDate = z
  .string({ error: requiredOr('errors.date.invalid') })
  .trim()
  .refine(isIsoDate, { error: 'errors.date.invalid', abort: true })
  .refine((value) => value >= DATE_RANGE.min && value <= DATE_RANGE.max, {
    error: 'errors.date.outOfRange',
    params: { ...DATE_RANGE },
  });

export const isoMonth = z
  .string({ error: requiredOr('errors.month.invalid') })
  .trim()
  .refine(isIsoMonth, { error: 'errors.month.invalid', abort: true })
  .refine((value) => value >= MONTH_RANGE.min && value <= MONTH_RANGE.max, {
    error: 'errors.month.outOfRange',
    params: { ...MONTH_RANGE },
  });

export function oneOf<const T extends readonly [string, ...string[]]>(values: T, messageKey = 'errors.field.invalid') {
  return z.enum(values, { error: requiredOr(messageKey) });
}

