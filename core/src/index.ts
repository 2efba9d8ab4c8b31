/**
 * What the other packages (web, functions, server, tests, bench) use of the core, by name: a name
 * nobody outside imports stays inside. The sample workspace is '@clearway/core/sample' and the test
 * helpers '@clearway/core/testing', so neither lands in a bundle that does not ask for it.
 */
export { BANK_CATEGORIES, BLOCKER_TAGS, BUILD_STATUSES, LINE_STATUSES, LOAN_PRODUCTS, OFF_FLOW_FLAGS, OWNER_TYPES, PREREQ_KEYS, PREREQ_STATUSES, PROJECT_SOURCES, ROLES, STAGE_IDS } from './types';
export type { Activity, Actor, AnnualTargets, Bank, BankCategory, Blocker, BlockerTag, BlockReason, BuildStatus, ClearanceStatus, ClearanceSummary, IsoDate, IsoMonth, LoanLine, LoanProduct, Member, OffFlowFlag, OwnerType, PrereqKey, Prerequisite, Project, ProjectSource, Role, StageId, StallFlag, StallRules, StallSummary, Yuan } from './types';
export { ConflictError, DomainError, ERROR_CODES, INTERNAL_ERROR_KEY, isDomainError } from './errors';
export type { DomainErrorShape, ErrorCode, FieldError } from './errors';
export { COLLECTIONS } from './store/documentStore';
export type { CollectionName, DocumentChange, DocumentReader, DocumentStore, QueryFilter, QuerySpec, StoredDoc, TransactionContext, WhereOp } from './store/documentStore';
export { runQuery } from './store/query';
export { COMMAND_NAMES } from './commands/contract';
export type { CommandEnvelope, CommandName, CommandResult, SkippedProject } from './commands/contract';
export { MemoryDocumentStore } from './store/memoryDocumentStore';
export { formatMoneyAuto, formatRate, formatWan, formatWanFigure, formatYi, parseWanInput, YUAN_PER_YI } from './money';
export { isValidCreditCode } from './creditCode';
export { compareByRank, neighbourRanks, rankBetween, ranksForAppend } from './rank';
export { addDays, addMonths, dayOf, daysBetween, isIsoMonth, monthEnd, monthOf, todayIso } from './dates';
export { checkStageGate } from './stages';
export { DEFAULT_STALL_RULES, emptyClearance, emptyStall } from './defaults';
export { assertCanRun, canAccessLine, canRun, canRunOnLine, isSystemActor, STALL_SCAN_ACTOR } from './permissions';
export { STALL_RULES_CHANGE_DOC_ID, type StallRulesChange } from './stallRulesChange';
export { digestLine, digestLines, lineDisbursed } from './lineDigest';
export { computeClearance, lineAwaiting } from './clearance';
export { evaluateStall } from './stall';
export { deriveProject } from './derive';
export { assertPayloadWithinLimits, parseCommandPayload } from './commands/schemas';
export type { CommandInputs } from './commands/schemas';
export { executeCommand, isCommandName } from './commands/execute';
export { asOfMonthText, assembleSnapshot, buildAgenda, buildScheduleWorkbook, diffMonths, planMonths, plannedVsActual, scheduleFileName, SHEET_NAMES, snapshotPartId, workbookToBuffer } from './meeting';
export type { Agenda, AgendaBankRow, AgendaGroupRow, AgendaTargets, AssignmentRow, FunnelRow, MonthDiff, MonthDoc, MonthSnapshot, PlannedVsActualRow, ProblemGroup, SnapshotHeaderDoc, SnapshotPartDoc, SnapshotProject, StalledRow, TargetProgress, WaitingRow } from './meeting';
export { assignmentLight, assignmentState, defaultReportingDeadline, dueItemsFor, isReportingRoundDocId, letterScope, LETTERS_COLLECTION, numberLetters, onBehalfSteps, readIssuedLetter, reminderLetters, reportingRoundTable } from './followUp';
export type { BankReportRow, DueItem, IssuedLetter, Light, ReminderLetter, ReminderLetterItem, ReportingRound } from './followUp';
export { activeChannels, applyChannelSettings, digestRecipients, EMPTY_NOTIFY_CHANNELS, EMPTY_NOTIFY_SECRETS, NOTIFY_CHANNEL_KINDS, NOTIFY_CHANNELS_DOC_ID, NOTIFY_SECRETS_DOC_ID, notifySetChannelsSchema, planDailyDigests, planRedAlerts } from './notify';
export type { DeliveryLogEntry, NotifyChannelKind, NotifyChannels, NotifySecrets, NotifySetChannelsPayload, OutgoingMessage } from './notify';
export { addQuarters, bankScorecard, bankScorecardForBank, buildScorecardWorkbook, DEFAULT_SCORECARD_WEIGHTS, quarterOf, SCORECARD_CRITERIA, SCORECARD_WEIGHTS_DOC_ID, scorecardAudienceOf, scorecardFileName, scorecardWeightsOf } from './views/bankScorecardIndex';
export type { BankScorecard, IsoQuarter, ScorecardCriterion, ScorecardFigures, ScorecardInput, ScorecardTotal, ScorecardWeights, Tally } from './views/bankScorecardIndex';
export { bankWorkspace, boardCardDoc, boardCardOf, cardFigures, historicBoard, meetingTables, monthChangeTotals, monthPlanColumns, prerequisiteGroups, projectNeed, walkQueue } from './views';
export type { BankBlockerView, BankLineView, BankTableTotal, BankWorkspace, BankWorkspaceTotals, BoardCard, CardFigures, FunnelTableRow, FunnelTableTotal, GroupTableRow, GroupTableTotal, ListSummary, PlanCardView, PlanColumnKey, PlanColumnView, WaitingTableTotal } from './views';
export { applyLedgerImport, buildLedgerWorkbook, cellDisplayText, DEFAULT_VOCABULARY, detectedMapping, importCommands, LEDGER_FIELDS, ledgerFileName, ledgerToday, pickLedgerGrid, previewLedger, readLedgerFile, readLedgerWorkspace } from './ledger';
export type { AppliedProject, CellGrid, ColumnMapping, FieldChange, LedgerField, LedgerHeader, LedgerPreview, LedgerUnit, LedgerVocabulary, LedgerWorkspace, PreviewProject, RowIssue, RowOutcome, SkipReason, StageWord, TotalsComparison } from './ledger';
export { COMMAND_MESSAGE_KEYS } from './commands/messages';
export { encodeQuarantineReason, exportWorkspace, firstNonEmptyCollection, importWorkspace, migrateStoredDoc, QUARANTINE_CODES, QUARANTINE_EXPECTED, quarantineReasonOf, readWorkspaceFile, SCHEMA_VERSION, WORKSPACE_MESSAGE_KEYS } from './workspace';
export type { VersionedStoredDoc, WorkspaceFile } from './workspace';
// A unit contact's parties, for the Firestore projection the rules read (functions/src/readProjections.ts).
export { PARTY_SEPARATORS, namedParties } from './followUp/parties';
export { PARTY_CONTACTS_DOC_ID, partyHasContact, readPartyContacts } from './followUp/partyContacts';
export { projectConcernsUnit } from './readPolicy';
export { agendaForBank, applyReadPolicy, applyReadPolicyToAll, projectViewForBank, publicProjectView, readAudienceOf, scopeQueryForActor, snapshotForBank, snapshotHeaderForBank, snapshotPartForBank } from './readPolicy';
