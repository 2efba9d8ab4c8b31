/**
 * Starting values: the stall limits a new workspace gets, and the empty derived summaries a
 * project carries before its first derivation.
 */
import { PREREQ_KEYS } from './types';
import type { ClearanceSummary, Prerequisite, PrereqKey, StallRules, StallSummary } from './types';

/**
 * Days a project may sit in each column before it counts as stalled. 已审批待投放 has no plain
 * stage limit because the approved-not-disbursed pair (warn at 60, stalled at 90 days since the
 * approval) governs it, counted from the approval date rather than from the drag onto the column.
 */
export const DEFAULT_STALL_RULES: StallRules = Object.freeze({
  stageLimitDays: Object.freeze({
    pipeline: 180,
    matched: 90,
    diligence: 90,
    approval: 90,
    approved: null,
    disbursing: 180,
    disbursed: null,
  }),
  approvedWarnDays: 60,
  approvedAlarmDays: 90,
  bankSilenceDays: 30,
}) as StallRules;

/** A fresh copy of the default rules, safe to edit. */
export function defaultStallRules(): StallRules {
  return { ...DEFAULT_STALL_RULES, stageLimitDays: { ...DEFAULT_STALL_RULES.stageLimitDays } };
}

export function emptyPrerequisite(): Prerequisite {
  return { status: 'todo', docNo: null, date: null };
}

export function emptyPrerequisites(): Record<PrereqKey, Prerequisite> {
  return Object.fromEntries(PREREQ_KEYS.map((key) => [key, emptyPrerequisite()])) as Record<PrereqKey, Prerequisite>;
}

export function emptyClearance(): ClearanceSummary {
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

export function emptyStall(evaluatedAt: string = new Date(0).toISOString()): StallSummary {
  return { stalled: false, flags: [], evaluatedAt, nextCheckAt: null };
}
