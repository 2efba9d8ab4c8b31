import type { Blocker, LoanLine, Project } from '@clearway/core';

export interface BankLineRow {
  line: LoanLine;
  project: Project | null;
  drawn: number;
  /** Approved and not yet drawn. */
  waiting: number;
  /** Whole days since the approval, while something waits. */
  waitingDays: number | null;
  /** Whole days since the line was last updated. */
  idleDays: number;
}

export interface BankBlockerRow {
  project: Project;
  blocker: Blocker;
  overdue: boolean;
}

export interface BankTotalsView {
  lines: number;
  projects: number;
  requested: number;
  approved: number;
  contracted: number;
  disbursed: number;
  waiting: number;
  agreement: number;
  agreementRate: number | null;
}
