/**
 * Small hand-made workspaces for the meeting tests: every figure in them is chosen so the
 * expected agenda numbers can be worked out by hand. Not exported from the package.
 */
import { emptyClearance, emptyPrerequisites, emptyStall } from '../defaults';
import { digestLines } from '../lineDigest';
import type {
  AnnualTargets,
  Assignment,
  Bank,
  Blocker,
  LoanLine,
  Project,
  Tranche,
} from '../types';

export const WAN = 10_000;

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
    prerequisites: emptyPrerequisites(),
    blockers: [],
    actionPlan: '',
    assignments: [],
    bankIds: [],
    lastBankUpdateAt: null,
    lines: [],
    clearance: emptyClearance(),
    stall: emptyStall('2026-01-01T00:00:00.000Z'),
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

export const MEETING_BANKS = [makeBank('icbc', '工商银行', 100_000 * WAN), makeBank('ceb', '光大银行', 50_000 * WAN), makeBank('hx', '华夏银行')];
export const MEETING_TARGETS: AnnualTargets = { year: 2026, approved: 20_000 * WAN, disbursed: 10_000 * WAN, projects: 10 };
/** Three days after the end of May, Shanghai time: the meeting closes May. */
export const MEETING_NOW = new Date('2026-06-03T02:00:00.000Z');

/** Every figure below is worked out by hand in the expectations. */
export function handMadeWorkspace(): { projects: Project[]; lines: LoanLine[] } {
  const projects = [
    makeProject({ id: 'A', name: '城东污水厂', district: '东城区', sector: '水务', stage: 'approved', needTotal: 5_000 * WAN, leadBankId: 'icbc', expectedMonth: '2026-06' }),
    makeProject({
      id: 'B',
      name: '西区道路',
      district: '西城区',
      sector: '交通',
      stage: 'disbursing',
      needTotal: 8_000 * WAN,
      leadBankId: 'ceb',
      expectedMonth: '2026-05',
      blockers: [makeBlocker({ id: 'b1', tag: 'drawdown', party: '西区城投', openedAt: '2026-05-20T02:00:00.000Z', dueDate: '2026-06-10' })],
    }),
    makeProject({
      id: 'C',
      name: '产业园标准厂房',
      district: '东城区',
      sector: '工业',
      stage: 'approval',
      needTotal: 3_000 * WAN,
      leadBankId: 'hx',
      expectedMonth: '2026-07',
      responsibleUnit: '市工信局',
      stall: {
        stalled: true,
        flags: [{ rule: 'stageLimit', since: '2026-05-10T16:00:00.000Z', params: { basis: 'stage', stage: 'approval', days: 111, limit: 90, level: 'alarm' } }],
        evaluatedAt: '2026-06-03T00:00:00.000Z',
        nextCheckAt: null,
      },
      blockers: [
        makeBlocker({ id: 'c1', tag: 'permits', party: '市自然资源局', openedAt: '2026-03-01T02:00:00.000Z', dueDate: '2026-05-20' }),
        makeBlocker({ id: 'c2', tag: 'equity', party: '业主', openedAt: '2026-05-05T02:00:00.000Z', resolvedAt: '2026-05-25T02:00:00.000Z', resolution: '资本金已到位' }),
        makeBlocker({ id: 'c3', tag: 'bank', party: '光大银行', openedAt: '2026-05-12T02:00:00.000Z' }),
      ],
      assignments: [makeAssignment({ id: 'a1', month: '2026-04', createdAt: '2026-04-28T02:00:00.000Z', dueDate: '2026-05-15', who: '市自然资源局' })],
    }),
    makeProject({
      id: 'D',
      name: '老旧小区改造',
      district: '西城区',
      sector: '城建',
      stage: 'disbursed',
      needTotal: 2_000 * WAN,
      leadBankId: 'icbc',
      blockers: [makeBlocker({ id: 'd1', openedAt: '2026-02-01T02:00:00.000Z', resolvedAt: '2026-04-01T02:00:00.000Z' })],
    }),
    makeProject({
      id: 'E',
      name: '文旅综合体',
      district: '东城区',
      sector: '文旅',
      stage: 'matched',
      flag: 'suspended',
      needTotal: 1_000 * WAN,
      assignments: [makeAssignment({ id: 'e1', month: '2026-05', createdAt: '2026-05-28T02:00:00.000Z', dueDate: '2026-06-30' })],
    }),
    makeProject({ id: 'F', name: '六月新项目', stage: 'pipeline', needTotal: 700 * WAN, createdAt: '2026-06-02T02:00:00.000Z' }),
  ];
  const lines = [
    makeLine({ id: 'LA1', projectId: 'A', bankId: 'icbc', requested: 3_000 * WAN, approved: 3_000 * WAN, approvedDate: '2026-02-15' }),
    makeLine({
      id: 'LB1',
      projectId: 'B',
      bankId: 'ceb',
      requested: 6_000 * WAN,
      approved: 6_000 * WAN,
      approvedDate: '2026-03-20',
      contracted: 6_000 * WAN,
      contractDate: '2026-03-25',
      tranches: [makeTranche('t1', '2026-04-10', 2_000 * WAN), makeTranche('t2', '2026-05-15', 1_000 * WAN)],
    }),
    makeLine({ id: 'LB2', projectId: 'B', bankId: 'icbc', requested: 2_000 * WAN }),
    makeLine({ id: 'LC1', projectId: 'C', bankId: 'hx', requested: 3_000 * WAN }),
    makeLine({
      id: 'LD1',
      projectId: 'D',
      bankId: 'icbc',
      requested: 2_000 * WAN,
      approved: 2_000 * WAN,
      approvedDate: '2025-11-01',
      contracted: 2_000 * WAN,
      contractDate: '2025-11-10',
      tranches: [makeTranche('t1', '2025-12-01', 1_500 * WAN), makeTranche('t2', '2026-05-08', 500 * WAN)],
    }),
  ];
  // Each project carries the digest of its lines, as every command leaves it.
  const withDigests = projects.map((project) => ({ ...project, lines: digestLines(lines.filter((line) => line.projectId === project.id)) }));
  return { projects: withDigests, lines };
}
