/**
 * The payloads of the two ledger commands. `ledger.importProject` writes one project of a ledger
 * (created, or updated at the version the preview saw) with its loan lines and difficulties, all
 * or nothing; `ledger.undoImport` takes a whole import back. The building blocks repeat those of
 * commands/schemas.ts (which imports this file, so this one cannot import it back).
 */
import { z } from 'zod';
import { isValidCreditCode } from '../creditCode';
import { isIsoDate, isIsoMonth } from '../dates';
import { MAX_YUAN } from '../money';
import { BLOCKER_TAGS, BUILD_STATUSES, OFF_FLOW_FLAGS, OWNER_TYPES, PROJECT_SOURCES, STAGE_IDS } from '../types';

/** The same limits as TEXT_LIMITS in commands/schemas.ts (a test holds them equal). */
export const LEDGER_TEXT_LIMITS = { id: 128, name: 100, place: 40, person: 40, party: 100, description: 1000, fileName: 200 } as const;
/**
 * Banks, problems and rows of one project in one command: a command payload holds at most 256
 * fields (PAYLOAD_LIMITS in commands/schemas.ts), and these keep a project at its limits under it.
 */
export const LEDGER_MAX_LINES = 15;
export const LEDGER_MAX_BLOCKERS = 15;
export const LEDGER_MAX_ROWS = 30;

const requiredOr = (messageKey: string) => (issue: { input?: unknown }) => (issue.input === undefined ? 'errors.field.required' : messageKey);

const id = z
  .string({ error: requiredOr('errors.field.invalid') })
  .trim()
  .min(1, { error: 'errors.field.required' })
  .max(LEDGER_TEXT_LIMITS.id, { error: 'errors.field.tooLong' })
  .refine((value) => !value.includes('/'), { error: 'errors.field.invalid' });

const version = z.number({ error: requiredOr('errors.field.invalid') }).int({ error: 'errors.field.invalid' }).min(1, { error: 'errors.field.invalid' });

const text = (max: number) => z.string({ error: requiredOr('errors.field.invalid') }).trim().max(max, { error: 'errors.field.tooLong' });
const requiredText = (max: number) => text(max).min(1, { error: 'errors.field.required' });

const yuan = z
  .number({ error: requiredOr('errors.money.invalid') })
  .min(0, { error: 'errors.money.negative' })
  .max(MAX_YUAN, { error: 'errors.money.tooLarge' })
  .refine(Number.isInteger, { error: 'errors.money.notInteger' });

const isoDate = z.string({ error: requiredOr('errors.date.invalid') }).trim().refine(isIsoDate, { error: 'errors.date.invalid' });
const isoMonth = z.string({ error: requiredOr('errors.month.invalid') }).trim().refine(isIsoMonth, { error: 'errors.month.invalid' });

const oneOf = <const T extends readonly [string, ...string[]]>(values: T, messageKey = 'errors.field.invalid') => z.enum(values, { error: requiredOr(messageKey) });

const creditCode = z
  .string({ error: requiredOr('errors.creditCode.invalid') })
  .trim()
  .transform((value) => value.toUpperCase())
  .refine((value) => value === '' || isValidCreditCode(value), { error: 'errors.creditCode.invalid' })
  .nullable()
  .optional()
  .transform((value) => (value ? value : null));

const projectFields = z
  .strictObject({
    name: requiredText(LEDGER_TEXT_LIMITS.name),
    owner: z.strictObject({ name: requiredText(LEDGER_TEXT_LIMITS.name), creditCode, type: oneOf(OWNER_TYPES) }),
    district: requiredText(LEDGER_TEXT_LIMITS.place),
    sector: requiredText(LEDGER_TEXT_LIMITS.place),
    source: oneOf(PROJECT_SOURCES),
    buildStatus: oneOf(BUILD_STATUSES),
    totalInvestment: yuan,
    needTotal: yuan,
    needThisYear: yuan,
    leadBankId: id.nullable(),
    responsibleUnit: text(LEDGER_TEXT_LIMITS.party),
    responsiblePerson: text(LEDGER_TEXT_LIMITS.person),
    expectedMonth: isoMonth.nullable(),
  })
  .partial();

const importLine = z.strictObject({
  bankId: id,
  /** Each figure: the value the line is set to, or null to keep what it has. */
  requested: yuan.nullable(),
  approved: yuan.nullable(),
  approvedDate: isoDate.nullable(),
  /** The cumulative amount disbursed; more than recorded adds one tranche on `disbursedDate`. */
  disbursed: yuan.nullable(),
  disbursedDate: isoDate.nullable(),
});

const importBlocker = z.strictObject({
  tag: oneOf(BLOCKER_TAGS),
  description: requiredText(LEDGER_TEXT_LIMITS.description),
  party: requiredText(LEDGER_TEXT_LIMITS.party),
});

export const ledgerImportProjectSchema = z
  .strictObject({
    importId: id,
    fileName: requiredText(LEDGER_TEXT_LIMITS.fileName),
    rowNumbers: z
      .array(z.number({ error: 'errors.field.invalid' }).int({ error: 'errors.field.notInteger' }).min(1, { error: 'errors.field.tooSmall' }), { error: 'errors.field.invalid' })
      .max(LEDGER_MAX_ROWS, { error: 'errors.field.tooLarge' }),
    /** The project to update, at the version the preview saw; both null to create one. */
    projectId: id.nullable(),
    expectedVersion: version.nullable(),
    fields: projectFields,
    /** The stage to set (through the board's gates), or null to keep it. */
    stage: oneOf(STAGE_IDS, 'errors.stage.unknown').nullable(),
    /** An off-flow flag to set, null to clear one; absent keeps it. */
    flag: oneOf(OFF_FLOW_FLAGS).nullable().optional(),
    lines: z.array(importLine, { error: 'errors.field.invalid' }).max(LEDGER_MAX_LINES, { error: 'errors.field.tooLarge' }),
    blockers: z.array(importBlocker, { error: 'errors.field.invalid' }).max(LEDGER_MAX_BLOCKERS, { error: 'errors.field.tooLarge' }),
  })
  .superRefine((payload, ctx) => {
    if ((payload.projectId === null) !== (payload.expectedVersion === null)) {
      ctx.addIssue({ code: 'custom', path: ['expectedVersion'], message: 'errors.field.required' });
    }
    if (payload.projectId === null) {
      for (const field of ['name', 'owner', 'district', 'sector'] as const) {
        if (payload.fields[field] === undefined) ctx.addIssue({ code: 'custom', path: ['fields', field], message: 'errors.field.required' });
      }
      if (payload.stage === null) ctx.addIssue({ code: 'custom', path: ['stage'], message: 'errors.field.required' });
    }
  });

export const ledgerUndoImportSchema = z.strictObject({ importId: id });

export type LedgerImportInput = z.input<typeof ledgerImportProjectSchema>;
export type LedgerImportPayload = z.output<typeof ledgerImportProjectSchema>;
export type LedgerImportLine = z.input<typeof importLine>;

/** Message keys the ledger commands can end with (texts in the web's errors messages). */
export const LEDGER_COMMAND_MESSAGE_KEYS = [
  'errors.ledger.projectExists', // {name}
  'errors.ledger.importNotFound', // {importId}
  'errors.ledger.alreadyUndone', // {importId}
  'errors.ledger.undoTouched', // {name}
  'errors.ledger.disbursedBelowRecorded', // {disbursed, recorded} yuan
] as const;
