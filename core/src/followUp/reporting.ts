/**
 * The monthly reporting round 月度报送: staff open a round for a month with a deadline; each bank's
 * liaison reviews the bank's lines and submits (with changes, or "本月无变化" confirmed); staff see
 * 已报 / 未报 / 逾期 per bank and chase the late ones. A round is a `settings` document
 * `reportingRound-YYYY-MM` (every member reads settings, so a liaison sees its own round).
 */
import { addDays, dayNumberOfIsoDate, dayOf, todayIso } from '../dates';
import { addMonths } from '../dates';
import type { Bank, IsoDate, IsoInstant, IsoMonth } from '../types';

export interface ReportingSubmission {
  at: IsoInstant;
  by: string;
  byName: string;
  /** true: 本月无变化 confirmed; false: the bank recorded changes and says what in `note`. */
  noChange: boolean;
  note: string;
}

export interface ReportingChase {
  at: IsoInstant;
  by: string;
  bankIds: string[];
}

export interface ReportingRound {
  month: IsoMonth;
  deadline: IsoDate;
  openedAt: IsoInstant;
  openedBy: string;
  /** The banks asked to report (every bank when the round opened). */
  bankIds: string[];
  submissions: Record<string, ReportingSubmission>;
  chases: ReportingChase[];
}

export const REPORTING_ROUND_PREFIX = 'reportingRound-';

export function reportingRoundDocId(month: IsoMonth): string {
  return `${REPORTING_ROUND_PREFIX}${month}`;
}

export function isReportingRoundDocId(id: string): boolean {
  return id.startsWith(REPORTING_ROUND_PREFIX);
}

/** Monday to Friday. Public holidays (春节, 国庆 and their make-up working days) are not modelled. */
export function isWorkingDay(day: IsoDate): boolean {
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

/** The default deadline: the 5th working day after the month ends (working days Mon–Fri; holidays not modelled). */
export function defaultReportingDeadline(month: IsoMonth, workingDays = 5): IsoDate {
  let day = addDays(`${addMonths(month, 1)}-01`, -1);
  let counted = 0;
  while (counted < workingDays) {
    day = addDays(day, 1);
    if (isWorkingDay(day)) counted += 1;
  }
  return day;
}

export const BANK_REPORT_STATES = ['reported', 'late', 'pending', 'overdue'] as const;
/** reported 已报 (on time); late 逾期已报; pending 未报 (before the deadline); overdue 逾期未报. */
export type BankReportState = (typeof BANK_REPORT_STATES)[number];

export function bankReportState(round: ReportingRound, bankId: string, now: Date): BankReportState {
  const submission = round.submissions[bankId];
  if (submission) return dayOf(submission.at) <= round.deadline ? 'reported' : 'late';
  return todayIso(now) > round.deadline ? 'overdue' : 'pending';
}

export interface BankReportRow {
  bankId: string;
  bankName: string;
  state: BankReportState;
  submission: ReportingSubmission | null;
  /** How many times staff chased this bank in this round. */
  chased: number;
}

/** The round's table, in the banks' order. */
export function reportingRoundTable(round: ReportingRound, banks: readonly Pick<Bank, 'id' | 'name'>[], now: Date): BankReportRow[] {
  const names = new Map(banks.map((b) => [b.id, b.name]));
  return round.bankIds.map((bankId) => ({
    bankId,
    bankName: names.get(bankId) ?? bankId,
    state: bankReportState(round, bankId, now),
    submission: round.submissions[bankId] ?? null,
    chased: round.chases.filter((c) => c.bankIds.includes(bankId)).length,
  }));
}

/** The banks that have not reported by the deadline 逾期未报: the ones a chase goes to and the agenda lists. */
export function lateBanks(round: ReportingRound, now: Date): string[] {
  return round.bankIds.filter((bankId) => bankReportState(round, bankId, now) === 'overdue');
}

/** Whole days until the deadline (negative once passed). */
export function daysToDeadline(round: Pick<ReportingRound, 'deadline'>, now: Date): number {
  return dayNumberOfIsoDate(round.deadline) - dayNumberOfIsoDate(todayIso(now));
}
