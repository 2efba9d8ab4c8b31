/** The read model 读模型: what each screen, the 调度表 and the print show, computed once from the documents. */
export {
  agreementFulfilment,
  daysSinceBankUpdate,
  isBankLine,
  isIdleBank,
  isInPipeline,
  isOffFlow,
  isBankSilentOn,
  lineWaitsOnBank,
  projectNeed,
  rateOf,
} from './definitions';
export { boardCardDoc, boardCardOf, cardFigures, historicBoard, snapshotCardFigures } from './board';
export type { BoardCard, CardFigures, HistoricBoard, HistoricColumn } from './board';
export { bankWorkspace, blockerWaitsOnBank } from './bankWorkspace';
export type { BankBlockerView, BankLineView, BankWorkspace, BankWorkspaceInput, BankWorkspaceTotals } from './bankWorkspace';
export { inBoardOrder, meetingTables } from './meetingTables';
export type {
  BankTableTotal,
  FunnelTableRow,
  FunnelTableTotal,
  GroupTableRow,
  GroupTableTotal,
  ListSummary,
  MeetingTables,
  ProjectListTotal,
  Table,
  WaitingTableTotal,
} from './meetingTables';
export { walkQueue } from './walk';
export type { WalkItem, WalkReason } from './walk';
export { prerequisiteGroups } from './prerequisites';
export type { PrerequisiteGroupId, PrerequisiteGroupView } from './prerequisites';
export { monthPlanColumns, plannedOfProject } from './monthPlan';
export type { PlanCardView, PlanColumnKey, PlanColumnView } from './monthPlan';
export { monthChangeTotals } from './monthChanges';
export type { MonthChangeTotals } from './monthChanges';
