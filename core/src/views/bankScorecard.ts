/**
 * The quarterly bank scorecard 银行季度考核: per bank and quarter (Asia/Shanghai calendar), five
 * criteria, each scored 0–100, and a total weighted by the admin's weights (settings document
 * `bankScorecardWeights`, command `scorecard.setWeights`):
 *
 * - approvals 新增审批: the sum approved on the bank's lines with an approval date in the quarter.
 *   Scored against the best bank of the quarter (the best gets 100, the others their share of it).
 * - disbursements 新增投放: the sum of the bank's tranches dated in the quarter; scored the same way.
 * - fulfilment 协议履约率: everything the bank disbursed up to the quarter's end against its
 *   strategic agreement 战略合作协议金额; 100 at (or over) 100%. No agreement: not scored.
 * - reporting 按时报送率: of the monthly reporting rounds of the quarter's months that asked the
 *   bank, the share it submitted by the deadline. A round still open before its deadline does not
 *   count yet. No round: not scored.
 * - followUp 督办按时办结率: of the assignments 交办事项 naming the bank with a due date in the
 *   quarter, the share closed (销号) by the due date. One neither closed nor past due does not count
 *   yet. None: not scored.
 *
 * A bank with no loan line and no agreement is left out (nothing to assess, as in the meeting's
 * 分银行 table). A criterion a bank is not scored on leaves the total: the total is the weighted mean of the
 * criteria it is scored on (so a bank without an agreement is not marked down for it). Scores are
 * rounded to one decimal; ranks are by the rounded total (equal totals share a rank, 1, 1, 3),
 * banks with no score at all come last without a rank.
 */
import { z } from 'zod';
import { dayOf, todayIso } from '../dates';
import { compactName } from '../followUp/loop';
import { bankReportState } from '../followUp/reporting';
import type { ReportingRound } from '../followUp/reporting';
import type { Actor, Assignment, Bank, IsoDate, IsoMonth, LoanLine, Yuan } from '../types';
import { versionOrNull } from '../commands/schemaParts';
import { readAudienceOf } from '../readPolicy';
import { isIdleBank, rateOf } from './definitions';

/** A quarter `YYYY-Qn` of the Asia/Shanghai calendar. */
export type IsoQuarter = string;

export const SCORECARD_CRITERIA = ['approvals', 'disbursements', 'fulfilment', 'reporting', 'followUp'] as const;
export type ScorecardCriterion = (typeof SCORECARD_CRITERIA)[number];

export type ScorecardWeights = Record<ScorecardCriterion, number>;

export const SCORECARD_WEIGHTS_DOC_ID = 'bankScorecardWeights';

/** The weights until an admin sets them: the money criteria first, as the bureau's 考核办法 do. */
export const DEFAULT_SCORECARD_WEIGHTS: Readonly<ScorecardWeights> = Object.freeze({
  approvals: 25,
  disbursements: 30,
  fulfilment: 20,
  reporting: 15,
  followUp: 10,
});

const QUARTER_PATTERN = /^(\d{4})-Q([1-4])$/;

export function isIsoQuarter(value: unknown): value is IsoQuarter {
  return typeof value === 'string' && QUARTER_PATTERN.test(value) && Number(value.slice(0, 4)) >= 2000;
}

export function quarterOfMonth(month: IsoMonth): IsoQuarter {
  return `${month.slice(0, 4)}-Q${Math.floor((Number(month.slice(5, 7)) - 1) / 3) + 1}`;
}

/** The quarter of an instant, on the Asia/Shanghai calendar. */
export function quarterOf(now: Date): IsoQuarter {
  return quarterOfMonth(todayIso(now).slice(0, 7));
}

export function quarterMonths(quarter: IsoQuarter): [IsoMonth, IsoMonth, IsoMonth] {
  const year = quarter.slice(0, 4);
  const first = (Number(quarter.slice(6)) - 1) * 3 + 1;
  const month = (n: number) => `${year}-${String(first + n).padStart(2, '0')}`;
  return [month(0), month(1), month(2)];
}

export function addQuarters(quarter: IsoQuarter, n: number): IsoQuarter {
  const index = Number(quarter.slice(0, 4)) * 4 + Number(quarter.slice(6)) - 1 + n;
  return `${Math.floor(index / 4)}-Q${(index % 4) + 1}`;
}

function inQuarter(day: IsoDate | null, quarter: IsoQuarter): boolean {
  return day !== null && quarterOfMonth(day.slice(0, 7)) === quarter;
}

function lastDayOfQuarter(quarter: IsoQuarter): IsoDate {
  const last = quarterMonths(quarter)[2];
  const days = new Date(Date.UTC(Number(last.slice(0, 4)), Number(last.slice(5, 7)), 0)).getUTCDate();
  return `${last}-${String(days).padStart(2, '0')}`;
}

const weight = z
  .number({ error: 'errors.field.invalid' })
  .int({ error: 'errors.field.notInteger' })
  .min(0, { error: 'errors.field.tooSmall' })
  .max(100, { error: 'errors.field.tooLarge' });

/** The weights as an admin saves them: whole percentages, adding up to 100. */
export const scorecardWeightsSchema = z
  .strictObject({
    approvals: weight,
    disbursements: weight,
    fulfilment: weight,
    reporting: weight,
    followUp: weight,
  })
  .refine((w) => SCORECARD_CRITERIA.reduce((sum, key) => sum + w[key], 0) === 100, {
    error: 'errors.scorecard.weightsSum',
    path: ['weights'],
  });

export const scorecardSetWeightsSchema = z.strictObject({
  expectedVersion: versionOrNull,
  weights: scorecardWeightsSchema,
});

export interface ScorecardInput {
  quarter: IsoQuarter;
  banks: readonly Pick<Bank, 'id' | 'name' | 'agreementAmount'>[];
  lines: readonly Pick<LoanLine, 'bankId' | 'approved' | 'approvedDate' | 'tranches'>[];
  rounds: readonly ReportingRound[];
  /** Every assignment of the board (the scorecard picks the ones naming each bank). */
  assignments: readonly Pick<Assignment, 'who' | 'dueDate' | 'doneAt'>[];
  weights: ScorecardWeights;
  now: Date;
}

/** A share counted as "so many of so many", e.g. 2 of 3 rounds on time. */
export interface Tally {
  done: number;
  of: number;
}

export interface ScorecardFigures {
  approvals: Yuan;
  disbursements: Yuan;
  /** Disbursed up to the quarter's end, for the fulfilment rate. */
  disbursedToDate: Yuan;
  agreementAmount: Yuan;
  fulfilment: number | null;
  reporting: Tally;
  followUp: Tally;
}

export interface ScorecardRow extends ScorecardFigures {
  bankId: string;
  name: string;
  /** 0–100 per criterion, null where the bank is not scored on it. */
  scores: Record<ScorecardCriterion, number | null>;
  total: number | null;
  rank: number | null;
}

export interface ScorecardTotal extends ScorecardFigures {
  bankCount: number;
  /** The city's on-time reporting rate over every bank's rounds; null with no round to count. */
  reportingRate: number | null;
  /** The city's follow-up closed-on-time rate over every bank's assignments; null with none. */
  followUpRate: number | null;
}

export interface BankScorecard {
  quarter: IsoQuarter;
  weights: ScorecardWeights;
  /** In rank order; banks without a score last, by name. */
  rows: ScorecardRow[];
  total: ScorecardTotal;
}

function roundScore(value: number): number {
  return Math.round(value * 10) / 10;
}

/** done/of, or null when nothing counts (0 of 0 is no rate, not 0%). */
export function tallyRate(tally: Tally): number | null {
  return rateOf(tally.done, tally.of);
}

function namesBank(who: string, bankName: string): boolean {
  const name = compactName(bankName);
  return name.length > 0 && compactName(who).includes(name);
}

/** One bank's figures for the quarter, from what the caller may read of it. */
export function bankQuarterFigures(
  bank: Pick<Bank, 'id' | 'name' | 'agreementAmount'>,
  input: Omit<ScorecardInput, 'banks' | 'weights'>,
): ScorecardFigures {
  const { quarter, now } = input;
  const end = lastDayOfQuarter(quarter);
  const today = todayIso(now);
  let approvals = 0;
  let disbursements = 0;
  let disbursedToDate = 0;
  for (const line of input.lines) {
    if (line.bankId !== bank.id) continue;
    if (line.approved !== null && inQuarter(line.approvedDate, quarter)) approvals += line.approved;
    for (const tranche of line.tranches) {
      if (inQuarter(tranche.date, quarter)) disbursements += tranche.amount;
      if (tranche.date <= end) disbursedToDate += tranche.amount;
    }
  }
  const months = new Set<string>(quarterMonths(quarter));
  const reporting: Tally = { done: 0, of: 0 };
  for (const round of input.rounds) {
    if (!months.has(round.month) || !round.bankIds.includes(bank.id)) continue;
    const state = bankReportState(round, bank.id, now);
    if (state === 'pending') continue;
    reporting.of += 1;
    if (state === 'reported') reporting.done += 1;
  }
  const followUp: Tally = { done: 0, of: 0 };
  for (const assignment of input.assignments) {
    if (!inQuarter(assignment.dueDate, quarter) || !namesBank(assignment.who, bank.name)) continue;
    const closedOnTime = assignment.doneAt !== null && dayOf(assignment.doneAt) <= assignment.dueDate;
    if (assignment.doneAt === null && assignment.dueDate >= today) continue;
    followUp.of += 1;
    if (closedOnTime) followUp.done += 1;
  }
  return {
    approvals,
    disbursements,
    disbursedToDate,
    agreementAmount: bank.agreementAmount,
    fulfilment: rateOf(disbursedToDate, bank.agreementAmount),
    reporting,
    followUp,
  };
}

function shareOfBest(value: Yuan, best: Yuan): number {
  return best > 0 ? (value / best) * 100 : 0;
}

function weightedTotal(scores: Record<ScorecardCriterion, number | null>, weights: ScorecardWeights): number | null {
  let sum = 0;
  let weightSum = 0;
  for (const key of SCORECARD_CRITERIA) {
    const score = scores[key];
    if (score === null || weights[key] === 0) continue;
    sum += score * weights[key];
    weightSum += weights[key];
  }
  return weightSum > 0 ? roundScore(sum / weightSum) : null;
}

function addTally(a: Tally, b: Tally): Tally {
  return { done: a.done + b.done, of: a.of + b.of };
}

export function bankScorecard(input: ScorecardInput): BankScorecard {
  // A bank with no line and no agreement has nothing to be assessed on, as in the meeting's 分银行 table.
  const lending = new Set(input.lines.map((line) => line.bankId));
  const assessed = input.banks.filter((bank) => !isIdleBank({ lineCount: lending.has(bank.id) ? 1 : 0, agreementAmount: bank.agreementAmount }));
  const figures = assessed.map((bank) => ({ bank, figures: bankQuarterFigures(bank, input) }));
  const bestApprovals = Math.max(0, ...figures.map((f) => f.figures.approvals));
  const bestDisbursements = Math.max(0, ...figures.map((f) => f.figures.disbursements));
  const rows: ScorecardRow[] = figures.map(({ bank, figures: f }) => {
    const percent = (value: number | null) => (value === null ? null : Math.min(value, 1) * 100);
    // The total is weighted from the unrounded criteria, so that rounding twice never moves a rank.
    const exact: Record<ScorecardCriterion, number | null> = {
      approvals: shareOfBest(f.approvals, bestApprovals),
      disbursements: shareOfBest(f.disbursements, bestDisbursements),
      fulfilment: percent(f.fulfilment),
      reporting: percent(tallyRate(f.reporting)),
      followUp: percent(tallyRate(f.followUp)),
    };
    const scores = Object.fromEntries(
      SCORECARD_CRITERIA.map((key) => {
        const value = exact[key];
        return [key, value === null ? null : roundScore(value)];
      }),
    ) as Record<ScorecardCriterion, number | null>;
    return { bankId: bank.id, name: bank.name, ...f, scores, total: weightedTotal(exact, input.weights), rank: null };
  });
  rows.sort((a, b) => {
    if (a.total !== b.total) return a.total === null ? 1 : b.total === null ? -1 : b.total - a.total;
    return a.name < b.name ? -1 : a.name > b.name ? 1 : a.bankId < b.bankId ? -1 : 1;
  });
  rows.forEach((row, i) => {
    if (row.total === null) return;
    const previous = rows[i - 1];
    row.rank = previous && previous.total === row.total ? previous.rank : i + 1;
  });
  let disbursedToDate = 0;
  let agreementAmount = 0;
  const total: ScorecardTotal = {
    bankCount: rows.length,
    approvals: 0,
    disbursements: 0,
    disbursedToDate: 0,
    agreementAmount: 0,
    fulfilment: null,
    reporting: { done: 0, of: 0 },
    followUp: { done: 0, of: 0 },
    reportingRate: null,
    followUpRate: null,
  };
  for (const row of rows) {
    total.approvals += row.approvals;
    total.disbursements += row.disbursements;
    total.disbursedToDate += row.disbursedToDate;
    total.agreementAmount += row.agreementAmount;
    // The city's fulfilment counts the banks with an agreement only, as the meeting's 分银行 table does.
    if (row.agreementAmount > 0) {
      disbursedToDate += row.disbursedToDate;
      agreementAmount += row.agreementAmount;
    }
    total.reporting = addTally(total.reporting, row.reporting);
    total.followUp = addTally(total.followUp, row.followUp);
  }
  total.fulfilment = rateOf(disbursedToDate, agreementAmount);
  total.reportingRate = tallyRate(total.reporting);
  total.followUpRate = tallyRate(total.followUp);
  return { quarter: input.quarter, weights: { ...input.weights }, rows, total };
}

/**
 * What a liaison of `bankId` sees: only their own bank's figures, computed from what the read
 * policy gives them (their own lines, the rounds, the projected board's assignments). The scores
 * and the rank compare banks, which takes every bank's figures, so they are not theirs to see.
 */
export function bankScorecardForBank(input: Omit<ScorecardInput, 'weights'>, bankId: string | null): ScorecardFigures & { bankId: string; name: string } | null {
  const bank = input.banks.find((b) => b.id === bankId);
  if (!bank) return null;
  return { bankId: bank.id, name: bank.name, ...bankQuarterFigures(bank, input) };
}

/**
 * Which scorecard a reader may see, from the read policy: the bureau reads every bank's lines, so
 * it sees every bank scored and ranked; a liaison reads only its own bank's lines, so it sees its
 * own figures; anyone else (a unit contact, nobody signed in) reads no lines and sees none.
 */
export type ScorecardAudience = { kind: 'ranked' } | { kind: 'ownBank'; bankId: string | null } | { kind: 'none' };

export function scorecardAudienceOf(actor: Pick<Actor, 'role' | 'bankId'> | null | undefined): ScorecardAudience {
  const audience = readAudienceOf(actor);
  if (audience.kind === 'bureau') return { kind: 'ranked' };
  if (audience.kind === 'bank') return { kind: 'ownBank', bankId: audience.bankId };
  return { kind: 'none' };
}

/** The weights stored in settings, or the defaults; anything malformed falls back to the defaults. */
export function scorecardWeightsOf(stored: unknown): ScorecardWeights {
  const parsed = scorecardWeightsSchema.safeParse(stored);
  return parsed.success ? parsed.data : { ...DEFAULT_SCORECARD_WEIGHTS };
}
