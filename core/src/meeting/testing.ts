/**
 * Small hand-made workspaces for the meeting tests: every figure in them is chosen so the
 * expected agenda numbers can be worked out by hand. Not exported from the package.
 */
import { PREREQ_KEYS } from '../types';
import type {
  Assignment,
  Bank,
  Blocker,
  ClearanceSummary,
  LoanLine,
  PrereqKey,
  Prerequisite,
  Project,
  StallSummary,
  Tranche,
} from '../types';

export const WAN = 10_000;

function prerequisites(): Record<PrereqKey, Prerequisite> {
  const result = {} as Record<PrereqKey, Prerequisite>;
  for (const key of PREREQ_KEYS) result[key] = { status: 'todo', docNo: null, date: null };
  return result;
}

function clearance(): ClearanceSummary {
  return {
    need: 0,
    matched: 0,
    requested: 0,
    approved: 0,
    contracted: 0,
    disbursed: 0,
    approvalRate: null,
    disbursementRate: null,
    landingRate: null,
    approvedNotDisbursed: 0,
    approvedNotDisbursedDays: null,
    nextStage: null,
    prerequisitesForNext: [],
    prerequisitesCleared: true,
    openBlockers: [],
    status: 'cleared',
    blockedBy: [],
  };
}

function stall(): StallSummary {
  return { stalled: false, flags: [], evaluatedAt: '2026-01-01T00:00:00.000Z', nextCheckAt: null };
}

export function makeProject(overrides: Partial<Project> & { id: string }): Project {
  return {
    name: `项目${overrides.id}`,
    owner: { name: `业主${overrides.id}`, creditCode: null, type: 'soe' },
    district: '东城区',
    sector: '交通',
    source: 'self',
    buildStatus: 'new',
    totalInvestment: 0,
    equityRequired: 0,
    equityPaid: 0,
    needTotal: 0,
    needThisYear: 0,
    leadBankId: null,
    responsibleUnit: '市发改委',
    responsiblePerson: '张三',
    stage: 'pipeline',
    rank: 'a0',
    stageEnteredAt: '2026-01-01T00:00:00.000Z',
    flag: null,
    expectedMonth: null,
    prerequisites: prerequisites(),
    blockers: [],
    actionPlan: '',
    assignments: [],
    bankIds: [],
    lastBankUpdateAt: null,
    clearance: clearance(),
    stall: stall(),
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    updatedBy: 'seed',
    ...overrides,
  };
}

export function makeTranche(id: string, date: string, amount: number): Tranche {
  return { id, date, amount, recordedAt: `${date}T02:00:00.000Z`, recordedBy: 'seed' };
}

export function makeLine(overrides: Partial<LoanLine> & { id: string; projectId: string; bankId: string }): LoanLine {
  return {
    product: 'projectLoan',
    requested: 0,
    approved: null,
    approvedDate: null,
    contracted: null,
    contractDate: null,
    tranches: [],
    status: 'applying',
    note: '',
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    updatedBy: 'seed',
    ...overrides,
  };
}

export function makeBank(id: string, name: string, agreementAmount = 0): Bank {
  return { id, name, category: 'stateLarge', agreementAmount };
}

export function makeBlocker(overrides: Partial<Blocker> & { id: string }): Blocker {
  return {
    tag: 'permits',
    description: `困难${overrides.id}`,
    party: '市自然资源局',
    dueDate: null,
    openedAt: '2026-01-10T02:00:00.000Z',
    openedBy: 'seed',
    resolvedAt: null,
    resolution: null,
    ...overrides,
  };
}

export function makeAssignment(overrides: Partial<Assignment> & { id: string }): Assignment {
  return {
    month: '2026-05',
    what: `交办${overrides.id}`,
    who: '市财政局',
    dueDate: '2026-06-15',
    createdAt: '2026-05-28T02:00:00.000Z',
    doneAt: null,
    ...overrides,
  };
}
