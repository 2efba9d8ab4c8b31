/**
 * The domain model of Clearway, shared by the web app, the Cloud Functions and the tests.
 * Everything here is plain JSON so that it stores the same in IndexedDB and in Firestore:
 * money is integer yuan, instants are ISO-8601 strings, calendar days are `YYYY-MM-DD`,
 * months are `YYYY-MM` on the Asia/Shanghai calendar.
 */

export type Yuan = number;
/** ISO-8601 instant, e.g. `2026-11-27T07:00:00.000Z`. */
export type IsoInstant = string;
/** Calendar day `YYYY-MM-DD` (Asia/Shanghai). */
export type IsoDate = string;
/** Calendar month `YYYY-MM` (Asia/Shanghai). */
export type IsoMonth = string;

/**
 * `unit` 责任单位联系人: the contact of a department or county; acts only on the assignments and
 * blockers naming its unit and reads those projects.
 */
export const ROLES = ['admin', 'staff', 'liaison', 'viewer', 'unit'] as const;
export type Role = (typeof ROLES)[number];

/** Who runs a command. Liaisons carry the bank they speak for, unit contacts their unit. */
export interface Actor {
  uid: string;
  name: string;
  role: Role;
  bankId: string | null;
  /** The unit a `unit` contact speaks for (e.g. 市自然资源局); absent or null for everyone else. */
  unit?: string | null;
}

export const STAGE_IDS = [
  'pipeline', // 储备谋划
  'matched', // 推介对接
  'diligence', // 调查评估
  'approval', // 审批中
  'approved', // 已审批待投放
  'disbursing', // 投放中
  'disbursed', // 已投放
] as const;
export type StageId = (typeof STAGE_IDS)[number];

export const OFF_FLOW_FLAGS = ['suspended', 'withdrawn', 'rejected'] as const;
export type OffFlowFlag = (typeof OFF_FLOW_FLAGS)[number];

export const OWNER_TYPES = ['soe', 'platform', 'private'] as const;
export type OwnerType = (typeof OWNER_TYPES)[number];

export const PROJECT_SOURCES = ['matchmaking', 'strategic', 'ndrc', 'self'] as const;
export type ProjectSource = (typeof PROJECT_SOURCES)[number];

export const BUILD_STATUSES = ['preparation', 'new', 'continuing'] as const;
export type BuildStatus = (typeof BUILD_STATUSES)[number];

export const PREREQ_STATUSES = ['todo', 'inProgress', 'done'] as const;
export type PrereqStatus = (typeof PREREQ_STATUSES)[number];

/** Prerequisites 要件, grouped by the stage they open (see `PREREQUISITE_GROUPS` in stages.ts). */
export const PREREQ_KEYS = [
  // to enter due diligence
  'businessLicence',
  'auditReport',
  'creditRecord',
  'projectRegistration',
  // to enter approval
  'feasibility',
  'land',
  'planning',
  'environment',
  'energy',
  'equityPlan',
  'guaranteePlan',
  // to disburse
  'constructionPermit',
  'equityPaidIn',
  'contractSigned',
  'collateralRegistered',
  'supervisedAccount',
] as const;
export type PrereqKey = (typeof PREREQ_KEYS)[number];

export interface Prerequisite {
  status: PrereqStatus;
  docNo: string | null;
  date: IsoDate | null;
}

export const BLOCKER_TAGS = [
  'permits',
  'equity',
  'credit',
  'repayment',
  'borrower',
  'bank',
  'drawdown',
  'demand',
  'government',
] as const;
export type BlockerTag = (typeof BLOCKER_TAGS)[number];

export interface Blocker {
  id: string;
  tag: BlockerTag;
  description: string;
  /** The party who must act 责任方, e.g. 市自然资源局 or 工商银行. */
  party: string;
  dueDate: IsoDate | null;
  openedAt: IsoInstant;
  openedBy: string;
  resolvedAt: IsoInstant | null;
  resolution: string | null;
}

/** One dated step of the 督办 loop on an assignment, by whoever recorded it. */
export interface AssignmentStep {
  at: IsoInstant;
  by: string;
  byName: string;
  text: string;
  /**
   * 代为登记: the party named on the assignment has no member, so bureau staff recorded this step
   * for it (by/byName are the staff member). Absent when the party acted itself.
   */
  onBehalfOf?: string;
}

/** A decision of the monthly meeting 交办事项, followed through the 督办 loop (core/src/followUp/loop.ts). */
export interface Assignment {
  id: string;
  month: IsoMonth;
  what: string;
  /** The responsible party 责任单位: a bank, a department or county, or a person. */
  who: string;
  dueDate: IsoDate;
  createdAt: IsoInstant;
  /** 销号: staff closed it. */
  doneAt: IsoInstant | null;
  /**
   * The loop's steps. Optional so that assignments saved before the loop existed read as
   * "assigned, no step yet" without a migration.
   */
  acknowledged?: AssignmentStep | null; // 签收
  reports?: AssignmentStep[]; // 反馈, oldest first
  closeRequest?: AssignmentStep | null; // 申请办结 (text: what was done)
  /** The latest 退回 (text: the reason); a return clears the pending close request. */
  returned?: AssignmentStep | null;
}

export const CLEARANCE_STATUSES = ['cleared', 'blocked', 'stalled', 'done', 'offFlow'] as const;
export type ClearanceStatus = (typeof CLEARANCE_STATUSES)[number];

/** Why a project is not cleared to advance; the UI turns each into a readable phrase. */
export type BlockReason =
  | { kind: 'blocker'; blockerId: string; tag: BlockerTag; party: string }
  | { kind: 'prerequisite'; key: PrereqKey; status: PrereqStatus }
  | { kind: 'gate'; messageKey: string };

export interface ClearanceSummary {
  need: Yuan;
  matched: Yuan;
  requested: Yuan;
  approved: Yuan;
  contracted: Yuan;
  disbursed: Yuan;
  /** approved / need, 0..1, null when need is 0. */
  approvalRate: number | null;
  /** disbursed / approved, null when nothing is approved. */
  disbursementRate: number | null;
  /** disbursed / need, null when need is 0. */
  landingRate: number | null;
  approvedNotDisbursed: Yuan;
  /** Days since the earliest approval that is not fully drawn; null when nothing waits. */
  approvedNotDisbursedDays: number | null;
  nextStage: StageId | null;
  /** The prerequisites that gate the next stage, with their status. */
  prerequisitesForNext: { key: PrereqKey; status: PrereqStatus }[];
  prerequisitesCleared: boolean;
  openBlockers: { id: string; tag: BlockerTag; party: string }[];
  status: ClearanceStatus;
  blockedBy: BlockReason[];
}

export const STALL_RULES = [
  'stageLimit',
  'milestonePassed',
  'bankSilent',
  'blockerOverdue',
  'assignmentOverdue',
] as const;
export type StallRule = (typeof STALL_RULES)[number];

export interface StallFlag {
  rule: StallRule;
  /** When the rule started to fire (not when the scan noticed). */
  since: IsoInstant;
  /** Values for the readable reason, e.g. { days: 95, limit: 90 } or { bankId, days }. */
  params: Record<string, string | number>;
}

export interface StallSummary {
  stalled: boolean;
  flags: StallFlag[];
  evaluatedAt: IsoInstant;
  /** The earliest instant at which a rule that does not fire now would fire; the daily scan queries on it. */
  nextCheckAt: IsoInstant | null;
}

/** Admin-set limits 时限. */
export interface StallRules {
  /** Max days in each stage; null = no limit. */
  stageLimitDays: Record<StageId, number | null>;
  /** Approved-not-disbursed warning and alarm thresholds (60/90 days by default). */
  approvedWarnDays: number;
  approvedAlarmDays: number;
  /** No update from a bank on an active line for this many days. */
  bankSilenceDays: number;
}

export interface ProjectOwner {
  name: string;
  creditCode: string | null;
  type: OwnerType;
}

export interface Project {
  id: string;
  name: string;
  owner: ProjectOwner;
  district: string;
  sector: string;
  source: ProjectSource;
  buildStatus: BuildStatus;
  totalInvestment: Yuan;
  equityRequired: Yuan;
  equityPaid: Yuan;
  needTotal: Yuan;
  needThisYear: Yuan;
  leadBankId: string | null;
  responsibleUnit: string;
  responsiblePerson: string;
  stage: StageId;
  /** fractional-indexing key inside the stage column. */
  rank: string;
  stageEnteredAt: IsoInstant;
  flag: OffFlowFlag | null;
  expectedMonth: IsoMonth | null;
  prerequisites: Record<PrereqKey, Prerequisite>;
  blockers: Blocker[];
  actionPlan: string;
  assignments: Assignment[];
  /** Banks with a loan line on this project (denormalised for filters and liaison views). */
  bankIds: string[];
  /** Latest update of a loan line by anyone, for the bank-silence rule. */
  lastBankUpdateAt: IsoInstant | null;
  /**
   * A digest of every loan line of the project, sorted by line id: what the clearance summary and
   * the stall rules read, so a command on the project alone (a move, a blocker, the daily scan)
   * re-derives it without reading the lines. Line commands refresh it (see `digestLine`).
   */
  lines: LineDigest[];
  clearance: ClearanceSummary;
  stall: StallSummary;
  createdAt: IsoInstant;
  updatedAt: IsoInstant;
  updatedBy: string;
}

export const LOAN_PRODUCTS = ['projectLoan', 'workingCapital', 'guaranteed', 'bond', 'other'] as const;
export type LoanProduct = (typeof LOAN_PRODUCTS)[number];

export const LINE_STATUSES = [
  'applying',
  'approved',
  'contracted',
  'disbursing',
  'disbursed',
  'declined',
] as const;
export type LineStatus = (typeof LINE_STATUSES)[number];

export interface Tranche {
  id: string;
  date: IsoDate;
  amount: Yuan;
  recordedAt: IsoInstant;
  recordedBy: string;
}

export interface LoanLine {
  id: string;
  projectId: string;
  bankId: string;
  product: LoanProduct;
  requested: Yuan;
  approved: Yuan | null;
  approvedDate: IsoDate | null;
  contracted: Yuan | null;
  contractDate: IsoDate | null;
  tranches: Tranche[];
  status: LineStatus;
  note: string;
  createdAt: IsoInstant;
  updatedAt: IsoInstant;
  updatedBy: string;
}

/** The part of a loan line its project document carries (see `Project.lines`). */
export interface LineDigest {
  id: string;
  bankId: string;
  product: LoanProduct;
  status: LineStatus;
  requested: Yuan;
  approved: Yuan | null;
  approvedDate: IsoDate | null;
  contracted: Yuan | null;
  contractDate: IsoDate | null;
  /** The sum of the line's tranches. */
  disbursed: Yuan;
  trancheCount: number;
  firstTrancheDate: IsoDate | null;
  lastTrancheDate: IsoDate | null;
  updatedAt: IsoInstant;
}

export const BANK_CATEGORIES = [
  'stateLarge',
  'policy',
  'jointStock',
  'cityCommercial',
  'rural',
  'village',
  'insurer',
  'securities',
] as const;
export type BankCategory = (typeof BANK_CATEGORIES)[number];

export interface Bank {
  id: string;
  name: string;
  category: BankCategory;
  /** 战略合作协议金额. */
  agreementAmount: Yuan;
}

export interface Member {
  uid: string;
  name: string;
  email: string | null;
  role: Role;
  bankId: string | null;
  /** The unit of a `unit` contact (see `Actor.unit`). */
  unit?: string | null;
  disabled: boolean;
}

export interface Activity {
  id: string;
  at: IsoInstant;
  actor: { uid: string; name: string; role: Role };
  command: string;
  projectId: string | null;
  lineId: string | null;
  /**
   * The bank of the loan line a record is about (line commands only; absent on older records), so
   * that the read policy can show a liaison the history of their own bank's lines.
   */
  bankId?: string;
  /** The fields that changed, as they were and as they became. */
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

/** Annual targets set by an admin, for the meeting's funnel. */
export interface AnnualTargets {
  year: number;
  approved: Yuan;
  disbursed: Yuan;
  projects: number;
}
