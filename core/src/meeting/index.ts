/** The monthly meeting 月度调度会: month snapshots and their diff, the agenda, the month plan, the 调度表 workbook. */
export { aggregateSnapshot, boardOfSnapshot, buildMonthSnapshot, snapshotAsOf, SNAPSHOT_SCHEMA, SNAPSHOT_TEXT_MAX } from './snapshot';
export type {
  MoneyTotals,
  MonthSnapshot,
  SnapshotAssignment,
  SnapshotBankTotals,
  SnapshotBlocker,
  SnapshotLine,
  SnapshotProject,
  SnapshotTotals,
} from './snapshot';
export {
  assembleSnapshot,
  FIRESTORE_MAX_DOCUMENT_BYTES,
  firestoreDocumentSize,
  listClosedMonths,
  previousClosedSnapshot,
  readMonthDoc,
  readMonthSnapshot,
  SNAPSHOT_PART_BUDGET_BYTES,
  snapshotDocuments,
  snapshotPartId,
} from './snapshotStorage';
export type { MonthDoc, MonthStatus, SnapshotHeaderDoc, SnapshotPartDoc } from './snapshotStorage';
export { diffAgainstLive, diffMonths, isDiffEmpty } from './monthDiff';
export type {
  AmountChange,
  BankDelta,
  FlagChange,
  MonthDiff,
  NewBlockers,
  NewlyStalled,
  NewProject,
  Resolved,
  StageMove,
  TotalsDelta,
} from './monthDiff';
export { buildAgenda, waitingLevel } from './agenda';
export type {
  Agenda,
  AgendaBankRow,
  AgendaGroupRow,
  AgendaInput,
  AgendaTargets,
  AgendaTotals,
  AssignmentRow,
  FunnelRow,
  OffFlowRow,
  ProblemCounts,
  ProblemGroup,
  ProblemRow,
  ProblemStatus,
  StalledRow,
  TargetProgress,
  WaitingLevel,
  WaitingRow,
} from './agenda';
export { PLAN_MONTHS_AHEAD, placeInPlan, planMonths, plannedAmount, plannedVsActual } from './plan';
export type { PlanColumn, PlannedVsActualRow, PlanPlacement } from './plan';
export { assertMonthOpen, assertNotFutureMonth, monthClose } from './closeMonth';
export {
  asOfMonthText,
  buildScheduleWorkbook,
  MONEY_FORMAT,
  scheduleFileName,
  scheduleTitle,
  SHEET_NAMES,
  workbookToBuffer,
  yuanToWanCell,
} from './workbook';
export type { WorkbookOptions } from './workbook';
