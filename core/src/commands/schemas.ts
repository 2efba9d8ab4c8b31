/**
 * The exact payload of every command, as zod schemas. Payloads are strict (an unknown key is an
 * error, so a typo never silently does nothing), strings are trimmed, amounts are integer yuan,
 * days are `YYYY-MM-DD` and months `YYYY-MM`. `parseCommandPayload` turns zod's issues into one
 * DomainError('invalid-argument', 'errors.validation') whose field errors carry message keys the
 * web app translates.
 */
import { z } from 'zod';
import { DomainError } from '../errors';
import type { FieldError } from '../errors';
import { MAX_YUAN } from '../money';
import { isValidCreditCode } from '../creditCode';
import { compactName } from '../followUp/loop';
import { notifySetChannelsSchema } from '../notify/channels';
import { scorecardSetWeightsSchema } from '../views/bankScorecard';
import {
  BANK_CATEGORIES,
  BLOCKER_TAGS,
  BUILD_STATUSES,
  LOAN_PRODUCTS,
  OFF_FLOW_FLAGS,
  OWNER_TYPES,
  PREREQ_KEYS,
  PREREQ_STATUSES,
  PROJECT_SOURCES,
  ROLES,
  STAGE_IDS,
} from '../types';
import type { CommandName } from './contract';
import {
  id,
  isoDate,
  isoMonth,
  oneOf,
  optionalText,
  positiveYuan,
  requiredOr,
  requiredText,
  text,
  version,
  versionOrNull,
  yuan,
} from './schemaParts';
import { ledgerImportProjectSchema, ledgerUndoImportSchema } from '../ledger/payload';

export const TEXT_LIMITS = {
  id: 128,
  name: 100,
  shortName: 60,
  place: 40,
  person: 40,
  party: 100,
  docNo: 100,
  reason: 500,
  description: 1000,
  note: 2000,
  actionPlan: 4000,
  email: 254,
  rank: 200,
} as const;

/** Messages every validation failure can carry (their texts live in the web's errors messages). */
export const VALIDATION_MESSAGE_KEYS = [
  'errors.validation',
  'errors.field.required',
  'errors.field.tooLong',
  'errors.field.invalid',
  'errors.field.unknown',
  'errors.field.notInteger',
  'errors.field.tooSmall',
  'errors.field.tooLarge',
  'errors.money.invalid',
  'errors.money.negative',
  'errors.money.notInteger',
  'errors.money.tooLarge',
  'errors.money.zero',
  'errors.date.invalid',
  'errors.month.invalid',
  'errors.stage.unknown',
  'errors.creditCode.invalid',
  'errors.email.invalid',
  'errors.flag.reasonRequired',
  'errors.rules.alarmBeforeWarn',
  'errors.notify.badWebhookUrl',
  'errors.notify.badSender',
  'errors.scorecard.weightsSum',
  'errors.project.noChanges',
  'errors.field.invisibleOnly',
  'errors.id.invalid',
  'errors.date.outOfRange', // {min, max}
  'errors.month.outOfRange', // {min, max}
  'errors.payload.tooLarge', // {max} characters
  'errors.payload.tooComplex', // {max} fields
] as const;

// ---- input limits, checked before validation ---------------------------------------------------

/**
 * What one command payload may hold. The largest real payload (a project with a full action plan)
 * is about 6,000 characters and 25 fields; these bounds are far above it and far below what would
 * cost a noticeable amount of CPU to validate.
 */
export const PAYLOAD_LIMITS = {
  /** Characters of every string (keys included) and 8 per other value: roughly the JSON length. */
  maxSize: 64 * 1024,
  /** Object keys and array items, counted over the whole payload. */
  maxFields: 256,
  /** Nesting of objects and arrays. */
  maxDepth: 8,
} as const;

function payloadRefusal(messageKey: 'errors.payload.tooLarge' | 'errors.payload.tooComplex', max: number): DomainError {
  return new DomainError('resource-exhausted', messageKey, { max });
}

/**
 * Refuses a payload that is too large or too complex to validate cheaply, walking it once and
 * stopping at the first bound it passes (so a payload of a million keys costs one pass over the
 * keys it had to list, and no validation). Every entry point reaches it through `executeCommand`.
 */
export function assertPayloadWithinLimits(payload: unknown): void {
  let size = 0;
  let fields = 0;
  const stack: { value: unknown; depth: number }[] = [{ value: payload, depth: 0 }];
  while (stack.length > 0) {
    const { value, depth } = stack.pop()!;
    if (typeof value === 'string') size += value.length;
    else if (value === null || typeof value !== 'object') size += 8;
    else {
      if (depth >= PAYLOAD_LIMITS.maxDepth) throw payloadRefusal('errors.payload.tooComplex', PAYLOAD_LIMITS.maxFields);
      const keys = Array.isArray(value) ? null : Object.keys(value);
      const count = keys ? keys.length : (value as unknown[]).length;
      fields += count;
      if (fields > PAYLOAD_LIMITS.maxFields) throw payloadRefusal('errors.payload.tooComplex', PAYLOAD_LIMITS.maxFields);
      if (keys) {
        for (const key of keys) {
          size += key.length;
          stack.push({ value: (value as Record<string, unknown>)[key], depth: depth + 1 });
        }
      } else {
        for (const item of value as unknown[]) stack.push({ value: item, depth: depth + 1 });
      }
    }
    if (size > PAYLOAD_LIMITS.maxSize) throw payloadRefusal('errors.payload.tooLarge', PAYLOAD_LIMITS.maxSize);
  }
}

// ---- text, dates and ids: the building blocks (schemaParts.ts) ---------------------------------

export { DATE_RANGE, ID_PATTERN, MONTH_RANGE, normalizeText } from './schemaParts';

const stage = oneOf(STAGE_IDS, 'errors.stage.unknown');

const days = z
  .number({ error: requiredOr('errors.field.invalid') })
  .int({ error: 'errors.field.notInteger' })
  .min(1, { error: 'errors.field.tooSmall' })
  .max(3650, { error: 'errors.field.tooLarge' });

/** 统一社会信用代码 (GB 32100-2015): format and both check characters. */
const creditCode = z
  .string({ error: requiredOr('errors.creditCode.invalid') })
  .trim()
  .transform((value) => value.toUpperCase())
  .refine((value) => value === '' || isValidCreditCode(value), { error: 'errors.creditCode.invalid' })
  .nullable()
  .optional()
  .transform((value) => (value ? value : null));

const rank = z
  .string({ error: requiredOr('errors.field.invalid') })
  .max(TEXT_LIMITS.rank, { error: 'errors.field.tooLong' })
  .nullable();

// ---- projects --------------------------------------------------------------------------------

const owner = z.strictObject({
  name: requiredText(TEXT_LIMITS.name),
  creditCode,
  type: oneOf(OWNER_TYPES),
});

/** The fields a person edits on a project (stage, flag, plan and checklist have their own commands). */
const projectFields = {
  name: requiredText(TEXT_LIMITS.name),
  owner,
  district: requiredText(TEXT_LIMITS.place),
  sector: requiredText(TEXT_LIMITS.place),
  source: oneOf(PROJECT_SOURCES),
  buildStatus: oneOf(BUILD_STATUSES),
  totalInvestment: yuan,
  equityRequired: yuan,
  equityPaid: yuan,
  needTotal: yuan,
  needThisYear: yuan,
  leadBankId: id.nullable(),
  responsibleUnit: text(TEXT_LIMITS.party),
  responsiblePerson: text(TEXT_LIMITS.person),
};

const projectRef = { projectId: id, expectedVersion: version };

export const projectCreateSchema = z.strictObject({
  ...projectFields,
  totalInvestment: yuan.default(0),
  equityRequired: yuan.default(0),
  equityPaid: yuan.default(0),
  needThisYear: yuan.default(0),
  leadBankId: id.nullable().default(null),
  responsibleUnit: text(TEXT_LIMITS.party).default(''),
  responsiblePerson: text(TEXT_LIMITS.person).default(''),
  stage: stage.default('pipeline'),
  expectedMonth: isoMonth.nullable().default(null),
  actionPlan: text(TEXT_LIMITS.actionPlan).default(''),
});

export const projectUpdateSchema = z.strictObject({
  ...projectRef,
  changes: z
    .strictObject(projectFields)
    .partial()
    .refine((changes) => Object.keys(changes).length > 0, {
      error: 'errors.project.noChanges',
      // Only for a well-formed but empty object: an unknown key already says what is wrong.
      when: (parse) => parse.issues.length === 0,
    }),
});

export const projectMoveSchema = z.strictObject({
  ...projectRef,
  toStage: stage,
  before: rank,
  after: rank,
});

export const projectSetFlagSchema = z
  .strictObject({
    ...projectRef,
    flag: oneOf(OFF_FLOW_FLAGS).nullable(),
    reason: text(TEXT_LIMITS.reason).default(''),
  })
  .superRefine((payload, ctx) => {
    if (payload.flag !== null && payload.reason === '') {
      ctx.addIssue({ code: 'custom', path: ['reason'], message: 'errors.flag.reasonRequired' });
    }
  });

export const projectRescheduleSchema = z.strictObject({ ...projectRef, expectedMonth: isoMonth.nullable() });

export const projectSetActionPlanSchema = z.strictObject({ ...projectRef, actionPlan: text(TEXT_LIMITS.actionPlan) });

export const prerequisiteSetSchema = z.strictObject({
  ...projectRef,
  key: oneOf(PREREQ_KEYS),
  status: oneOf(PREREQ_STATUSES),
  docNo: optionalText(TEXT_LIMITS.docNo),
  date: isoDate.nullable().optional().transform((value) => value ?? null),
});

export const blockerAddSchema = z.strictObject({
  ...projectRef,
  tag: oneOf(BLOCKER_TAGS),
  description: requiredText(TEXT_LIMITS.description),
  party: requiredText(TEXT_LIMITS.party),
  dueDate: isoDate.nullable().optional().transform((value) => value ?? null),
});

export const blockerResolveSchema = z.strictObject({
  ...projectRef,
  blockerId: id,
  resolution: requiredText(TEXT_LIMITS.reason),
});

// ---- loan lines ------------------------------------------------------------------------------

const lineRef = { lineId: id, expectedVersion: version };

export const lineAddSchema = z.strictObject({
  projectId: id,
  bankId: id,
  product: oneOf(LOAN_PRODUCTS),
  requested: yuan,
  note: text(TEXT_LIMITS.note).default(''),
});

export const lineRecordApprovalSchema = z.strictObject({ ...lineRef, approved: yuan, approvedDate: isoDate });

export const lineRecordContractSchema = z.strictObject({ ...lineRef, contracted: positiveYuan, contractDate: isoDate });

export const lineAddTrancheSchema = z.strictObject({ ...lineRef, date: isoDate, amount: positiveYuan });

export const lineSetNoteSchema = z.strictObject({ ...lineRef, note: text(TEXT_LIMITS.note) });

// ---- administration --------------------------------------------------------------------------

export const rulesSetStageLimitsSchema = z
  .strictObject({
    expectedVersion: versionOrNull,
    stageLimitDays: z.strictObject(
      Object.fromEntries(STAGE_IDS.map((stageId) => [stageId, days.nullable()])) as Record<
        (typeof STAGE_IDS)[number],
        z.ZodNullable<typeof days>
      >,
    ),
    approvedWarnDays: days,
    approvedAlarmDays: days,
    bankSilenceDays: days,
  })
  .superRefine((payload, ctx) => {
    if (payload.approvedAlarmDays <= payload.approvedWarnDays) {
      ctx.addIssue({ code: 'custom', path: ['approvedAlarmDays'], message: 'errors.rules.alarmBeforeWarn' });
    }
  });

export const targetsSetSchema = z.strictObject({
  expectedVersion: versionOrNull,
  year: z
    .number({ error: requiredOr('errors.field.invalid') })
    .int({ error: 'errors.field.notInteger' })
    .min(2000, { error: 'errors.field.tooSmall' })
    .max(2100, { error: 'errors.field.tooLarge' }),
  approved: yuan,
  disbursed: yuan,
  projects: z
    .number({ error: requiredOr('errors.field.invalid') })
    .refine((value) => !Object.is(value, -0), { error: 'errors.field.invalid', abort: true })
    .int({ error: 'errors.field.notInteger' })
    .min(0, { error: 'errors.field.tooSmall' })
    .max(100_000, { error: 'errors.field.tooLarge' }),
});

export const bankUpsertSchema = z.strictObject({
  /** Absent when creating a bank. */
  id: id.optional(),
  expectedVersion: versionOrNull,
  name: requiredText(TEXT_LIMITS.shortName),
  category: oneOf(BANK_CATEGORIES),
  agreementAmount: yuan,
});

export const memberUpsertSchema = z
  .strictObject({
    uid: id,
    expectedVersion: versionOrNull,
    name: requiredText(TEXT_LIMITS.person),
    email: text(TEXT_LIMITS.email)
      .refine((value) => value === '' || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value), { error: 'errors.email.invalid' })
      .nullable()
      .optional()
      .transform((value) => (value ? value : null)),
    role: oneOf(ROLES),
    bankId: id.nullable().optional().transform((value) => value ?? null),
    /** The unit a `unit` contact speaks for (ignored for other roles). */
    // Stored without inner spaces, as parties are compared (compactName): Firestore's rules match the
    // stored unit against the board view's space-free unitParties, so 「市 住建局」 must be saved as 市住建局.
    unit: text(TEXT_LIMITS.party).nullable().optional().transform((value) => (value ? compactName(value) || null : null)),
    disabled: z.boolean({ error: requiredOr('errors.field.invalid') }).default(false),
  })
  .superRefine((payload, ctx) => {
    if (payload.role === 'liaison' && payload.bankId === null) {
      ctx.addIssue({ code: 'custom', path: ['bankId'], message: 'errors.field.required' });
    }
  });

// ---- jobs and the meeting --------------------------------------------------------------------

/** Firestore allows 500 writes per transaction: the projects of one scan plus its activity record. */
export const STALL_SCAN_MAX_BATCH = 450;
export const STALL_SCAN_DEFAULT_BATCH = 400;

export const stallScanSchema = z.strictObject({
  /** 'due' (the daily job): only projects whose next check is due; 'all': every project, after a rule change. */
  scope: z.enum(['due', 'all'], { error: 'errors.field.invalid' }).default('due'),
  /** Projects per run (one transaction); a run that used them all reports `more: 1`. */
  limit: z
    .number({ error: 'errors.field.invalid' })
    .int({ error: 'errors.field.notInteger' })
    .min(1, { error: 'errors.field.tooSmall' })
    .max(STALL_SCAN_MAX_BATCH, { error: 'errors.field.tooLarge' })
    .default(STALL_SCAN_DEFAULT_BATCH),
});

export const assignmentAddSchema = z.strictObject({
  ...projectRef,
  month: isoMonth,
  what: requiredText(TEXT_LIMITS.reason),
  who: requiredText(TEXT_LIMITS.party),
  dueDate: isoDate,
});

export const assignmentCompleteSchema = z.strictObject({ ...projectRef, assignmentId: id });

// The 督办 loop's steps (core/src/followUp/loop.ts): 签收 needs no text; 反馈, 申请办结 and 退回 say what.
const assignmentStepRef = { ...projectRef, assignmentId: id };
export const assignmentAcknowledgeSchema = z.strictObject({ ...assignmentStepRef, text: optionalText(TEXT_LIMITS.reason) });
export const assignmentReportSchema = z.strictObject({ ...assignmentStepRef, text: requiredText(TEXT_LIMITS.description) });
export const assignmentRequestCloseSchema = z.strictObject({ ...assignmentStepRef, text: requiredText(TEXT_LIMITS.description) });
export const assignmentCloseSchema = z.strictObject({ ...assignmentStepRef, text: optionalText(TEXT_LIMITS.reason) });
export const assignmentReturnSchema = z.strictObject({ ...assignmentStepRef, text: requiredText(TEXT_LIMITS.reason) });

// The monthly reporting round 月度报送 (core/src/followUp/reporting.ts).
export const reportingOpenSchema = z.strictObject({
  month: isoMonth,
  /** Null or absent: the 5th working day after the month ends. */
  deadline: isoDate.nullable().optional().transform((value) => value ?? null),
});
export const reportingSubmitSchema = z.strictObject({
  month: isoMonth,
  /** A liaison's own bank when absent; staff name the bank they record for. */
  bankId: id.nullable().optional().transform((value) => value ?? null),
  noChange: z.boolean({ error: requiredOr('errors.field.invalid') }),
  note: optionalText(TEXT_LIMITS.note),
});
export const reportingChaseSchema = z.strictObject({ month: isoMonth });

// The 工作提醒函 issued when printed (core/src/followUp/letterRegister.ts): the scope and the letters' parties.
export const letterIssueSchema = z.strictObject({
  month: isoMonth.nullable(),
  letters: z
    .array(z.strictObject({ key: requiredText(TEXT_LIMITS.id + 'bank:'.length), party: requiredText(TEXT_LIMITS.party) }), { error: requiredOr('errors.field.invalid') })
    .min(1, { error: 'errors.field.required' })
    .max(100, { error: 'errors.field.tooLarge' }),
});

export const monthCloseSchema = z.strictObject({
  month: isoMonth,
  /** An admin's explicit close of the running month before it ended. */
  early: z.boolean({ error: 'errors.field.invalid' }).default(false),
});

export const monthReopenSchema = z.strictObject({ month: isoMonth, reason: requiredText(TEXT_LIMITS.reason) });

/**
 * The building blocks, for payloads validated outside COMMAND_SCHEMAS (e.g. the ledger import's),
 * so every text is normalised, every id matches ID_PATTERN and every date and amount is in range
 * the same way.
 */
export const SCHEMA_PARTS = {
  id,
  version,
  text,
  requiredText,
  optionalText,
  yuan,
  positiveYuan,
  isoDate,
  isoMonth,
  oneOf,
} as const;

export const COMMAND_SCHEMAS = {
  'project.create': projectCreateSchema,
  'project.update': projectUpdateSchema,
  'project.move': projectMoveSchema,
  'project.setFlag': projectSetFlagSchema,
  'project.reschedule': projectRescheduleSchema,
  'project.setActionPlan': projectSetActionPlanSchema,
  'prerequisite.set': prerequisiteSetSchema,
  'blocker.add': blockerAddSchema,
  'blocker.resolve': blockerResolveSchema,
  'line.add': lineAddSchema,
  'line.recordApproval': lineRecordApprovalSchema,
  'line.recordContract': lineRecordContractSchema,
  'line.addTranche': lineAddTrancheSchema,
  'line.setNote': lineSetNoteSchema,
  'rules.setStageLimits': rulesSetStageLimitsSchema,
  'targets.set': targetsSetSchema,
  'bank.upsert': bankUpsertSchema,
  'member.upsert': memberUpsertSchema,
  'stall.scan': stallScanSchema,
  'assignment.add': assignmentAddSchema,
  'assignment.complete': assignmentCompleteSchema,
  'month.close': monthCloseSchema,
  'ledger.importProject': ledgerImportProjectSchema,
  'ledger.undoImport': ledgerUndoImportSchema,
  'month.reopen': monthReopenSchema,
  'assignment.acknowledge': assignmentAcknowledgeSchema,
  'assignment.report': assignmentReportSchema,
  'assignment.requestClose': assignmentRequestCloseSchema,
  'assignment.close': assignmentCloseSchema,
  'assignment.return': assignmentReturnSchema,
  'reporting.open': reportingOpenSchema,
  'reporting.submit': reportingSubmitSchema,
  'reporting.chase': reportingChaseSchema,
  'notify.setChannels': notifySetChannelsSchema,
  'scorecard.setWeights': scorecardSetWeightsSchema,
  'letter.issue': letterIssueSchema,
} as const satisfies Record<CommandName, z.ZodType>;

/** The validated payload of each command (after trimming and defaults). */
export type CommandPayloads = { [N in CommandName]: z.output<(typeof COMMAND_SCHEMAS)[N]> };
/** What a client may send for each command (defaults may be left out). */
export type CommandInputs = { [N in CommandName]: z.input<(typeof COMMAND_SCHEMAS)[N]> };

// ---- zod issues → field errors ---------------------------------------------------------------

interface ZodIssueLike {
  code: string;
  path: PropertyKey[];
  message: string;
  origin?: string;
  maximum?: number | bigint;
  minimum?: number | bigint;
  keys?: string[];
  /** A custom check's own params (e.g. the allowed date range). */
  params?: Record<string, unknown>;
}

function pathOf(path: readonly PropertyKey[]): string {
  return path.map((segment) => String(segment)).join('.');
}

function limitParam(value: number | bigint | undefined): number | undefined {
  return value === undefined ? undefined : Number(value);
}

/** One zod issue as the field errors the web app shows next to the fields. */
export function fieldErrorsOfIssue(issue: ZodIssueLike): FieldError[] {
  const path = pathOf(issue.path);
  if (issue.code === 'unrecognized_keys') {
    return (issue.keys ?? []).map((key) => ({ path: path ? `${path}.${key}` : key, messageKey: 'errors.field.unknown' }));
  }
  let messageKey: string;
  if (issue.message.startsWith('errors.')) messageKey = issue.message;
  else if (issue.code === 'too_big') messageKey = issue.origin === 'number' ? 'errors.field.tooLarge' : 'errors.field.tooLong';
  else if (issue.code === 'too_small') messageKey = issue.origin === 'number' ? 'errors.field.tooSmall' : 'errors.field.required';
  else messageKey = 'errors.field.invalid';
  const params: Record<string, string | number> = {};
  const max = limitParam(issue.maximum);
  const min = limitParam(issue.minimum);
  if (messageKey === 'errors.money.tooLarge') {
    // In yuan, as money.ts gives it: the web says the ceiling in the reader's language.
    params.maxAmount = MAX_YUAN;
  } else if (max !== undefined && (messageKey === 'errors.field.tooLong' || messageKey === 'errors.field.tooLarge')) {
    params.max = max;
  } else if (min !== undefined && messageKey === 'errors.field.tooSmall') {
    params.min = min;
  }
  for (const [key, value] of Object.entries(issue.params ?? {})) {
    if (typeof value === 'string' || typeof value === 'number') params[key] = value;
  }
  return [Object.keys(params).length ? { path, messageKey, params } : { path, messageKey }];
}

/** Validates a payload for `name`; throws DomainError('invalid-argument', 'errors.validation') on bad input. */
export function parseCommandPayload<N extends CommandName>(name: N, payload: unknown): CommandPayloads[N] {
  const schema = COMMAND_SCHEMAS[name] as z.ZodType | undefined;
  if (!schema) throw new DomainError('invalid-argument', 'errors.command.unknown', { command: String(name) });
  const result = schema.safeParse(payload ?? {}, {
    error: (issue) => (issue.code === 'invalid_type' && issue.input === undefined ? 'errors.field.required' : undefined),
  });
  if (result.success) return result.data as CommandPayloads[N];
  // One message per field, the first found: "negative" says more than "negative and fractional".
  // (A set of paths keeps this linear in the number of issues.)
  const fieldErrors: FieldError[] = [];
  const seenPaths = new Set<string>();
  for (const issue of result.error.issues) {
    for (const fieldError of fieldErrorsOfIssue(issue as unknown as ZodIssueLike)) {
      if (seenPaths.has(fieldError.path)) continue;
      seenPaths.add(fieldError.path);
      fieldErrors.push(fieldError);
    }
  }
  throw new DomainError('invalid-argument', 'errors.validation', { command: name }, fieldErrors);
}
