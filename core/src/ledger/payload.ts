/**
 * The payloads of the two ledger commands. `ledger.importProject` writes one project of a ledger
 * (created, or updated at the version the preview saw) with its loan lines and difficulties, all
 * or nothing; `ledger.undoImport` takes a whole import back. The building blocks are the command
 * schemas' own (commands/schemaParts.ts): text normalised, ids, dates and amounts in range alike.
 */
import { z } from 'zod';
import { isValidCreditCode } from '../creditCode';
import { id, isoDate, isoMonth, oneOf, requiredOr, requiredText, text, version, yuan } from '../commands/schemaParts';
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

/** Projects one undo transaction takes back at most: each is about four writes, under Firestore's 500. */
export const LEDGER_UNDO_MAX_BATCH = 100;

export const ledgerUndoImportSchema = z.strictObject({
  importId: id,
  /** Undo at most this many projects now (the rest with the next call); absent: all at once. */
  limit: z
    .number({ error: 'errors.field.invalid' })
    .int({ error: 'errors.field.notInteger' })
    .min(1, { error: 'errors.field.tooSmall' })
    .max(LEDGER_UNDO_MAX_BATCH, { error: 'errors.field.tooLarge' })
    .optional(),
});

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
