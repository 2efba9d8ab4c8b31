/**
 * Why a stored document was put aside (quarantined), as a code with its parameters, so that the
 * person reads it in their own language (web: `workspace.quarantineReason.<code>`). It is stored
 * with the row as a small JSON text in the row's existing reason field (IndexedDB's quarantine
 * store, the server's `quarantined_documents.reason`), so no store needs a new column. Rows put
 * aside before codes existed hold English text: `quarantineReasonOf` gives null for those and the
 * screen shows the text as it is.
 */

export const QUARANTINE_CODES = [
  'unknownCollection',
  'notADocument',
  'invalidId',
  'invalidVersion',
  'invalidSchemaVersion',
  'newerRelease',
  'dataNotObject',
  'migrationFailed',
  'fieldShape',
  'notARecord',
  'outsideCollection',
] as const;
export type QuarantineCode = (typeof QUARANTINE_CODES)[number];

/** What a field was expected to be (`fieldShape`). */
export const QUARANTINE_EXPECTED = ['text', 'number', 'boolean', 'oneOf', 'object', 'list'] as const;
export type QuarantineExpected = (typeof QUARANTINE_EXPECTED)[number];

export type QuarantineParams = Record<string, string | number>;

export interface QuarantineReason {
  code: QuarantineCode;
  params: QuarantineParams;
}

/** The reason as stored with the row. */
export function encodeQuarantineReason(code: QuarantineCode, params: QuarantineParams = {}): string {
  return JSON.stringify({ code, params });
}

/** The stored reason as a code, or null for a reason stored as plain text (before codes existed). */
export function quarantineReasonOf(stored: string): QuarantineReason | null {
  if (!stored.startsWith('{')) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(stored);
  } catch {
    return null;
  }
  if (parsed === null || typeof parsed !== 'object') return null;
  const { code, params } = parsed as { code?: unknown; params?: unknown };
  if (!(QUARANTINE_CODES as readonly unknown[]).includes(code)) return null;
  if (params === null || typeof params !== 'object' || Array.isArray(params)) return null;
  const clean: QuarantineParams = {};
  for (const [key, value] of Object.entries(params)) {
    if (typeof value === 'string' || typeof value === 'number') clean[key] = value;
  }
  return { code: code as QuarantineCode, params: clean };
}
