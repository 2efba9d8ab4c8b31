/** Builders and mounting helpers for the board's component and store tests. */
import ElementPlus from 'element-plus';
import {
  emptyClearance,
  emptyPrerequisites,
  emptyStall,
  type ClearanceSummary,
  type Project,
  type StallSummary,
} from '@clearway/core';
import { createAppI18n, type Locale } from '@/i18n';
import { messages } from '@/i18n/messages';

export const T0 = '2026-03-02T02:00:00.000Z';

export type ProjectOverrides = Omit<Partial<Project>, 'clearance' | 'stall'> & {
  clearance?: Partial<ClearanceSummary>;
  stall?: Partial<StallSummary>;
};

export function makeProject(overrides: ProjectOverrides = {}): Project {
  const { clearance, stall, ...rest } = overrides;
  return {
    id: 'p1',
    name: '城南污水处理厂',
    owner: { name: '城投集团', creditCode: null, type: 'platform' },
    district: '昭阳区',
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
    createdAt: T0,
    updatedAt: T0,
    updatedBy: 'u-staff',
    ...rest,
    clearance: { ...emptyClearance(), need: rest.needTotal ?? 300_000_000, ...clearance },
    stall: { ...emptyStall(T0), ...stall },
  };
}

/** The plugins a leaf component needs: messages and Element Plus (the app resolves it per component). */
export function testPlugins(locale: Locale = 'zh-CN') {
  return [createAppI18n(locale, messages), ElementPlus];
}
