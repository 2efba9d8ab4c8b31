/** Small builders for projects and loan lines in the core rule tests (not exported from the package). */
import { emptyClearance, emptyPrerequisites, emptyStall } from '../defaults';
import type { LoanLine, Project, Tranche } from '../types';

export const T0 = '2026-01-05T02:00:00.000Z';

export function makeProject(overrides: Partial<Project> = {}): Project {
  return {
    id: 'p1',
    name: '城南污水处理厂',
    owner: { name: '城投集团', creditCode: null, type: 'platform' },
    district: '城南区',
    sector: '水务',
    source: 'matchmaking',
    buildStatus: 'new',
    totalInvestment: 500_000_000,
    equityRequired: 100_000_000,
    equityPaid: 50_000_000,
    needTotal: 300_000_000,
    needThisYear: 100_000_000,
    leadBankId: 'icbc',
    responsibleUnit: '市住建局',
    responsiblePerson: '张三',
    stage: 'pipeline',
    rank: 'a0',
    stageEnteredAt: T0,
    flag: null,
    expectedMonth: null,
    prerequisites: emptyPrerequisites(),
    blockers: [],
    actionPlan: '',
    assignments: [],
    bankIds: [],
    lastBankUpdateAt: null,
    lines: [],
    clearance: emptyClearance(),
    stall: emptyStall(),
    createdAt: T0,
    updatedAt: T0,
    updatedBy: 'u1',
    ...overrides,
  };
}

export function tranche(amount: number, date = '2026-02-01', id = `t-${date}-${amount}`): Tranche {
  return { id, date, amount, recordedAt: T0, recordedBy: 'u1' };
}

export function makeLine(overrides: Partial<LoanLine> = {}): LoanLine {
  return {
    id: 'l1',
    projectId: 'p1',
    bankId: 'icbc',
    product: 'projectLoan',
    requested: 200_000_000,
    approved: null,
    approvedDate: null,
    contracted: null,
    contractDate: null,
    tranches: [],
    status: 'applying',
    note: '',
    createdAt: T0,
    updatedAt: T0,
    updatedBy: 'u1',
    ...overrides,
  };
}
