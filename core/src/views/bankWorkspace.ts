/**
 * The bank workspace 我的银行: one bank's lines across the list, what waits on the bank, and its
 * totals against its strategic agreement. Its totals are the bank's row of 分银行情况 as of now:
 * the same lines (`isBankLine`), the same dated money (`snapshotLine`), the same sums, so the
 * liaison and the meeting read one figure.
 */
import { dayOf, daysBetween, monthOf } from '../dates';
import { lineDisbursed } from '../lineDigest';
import { snapshotLine } from '../meeting/snapshot';
import type { Bank, Blocker, LoanLine, Project, StallRules, Yuan } from '../types';
import { daysSinceBankUpdate, isBankLine, isBankSilentOn, lineWaitsOnBank, isOffFlow, rateOf } from './definitions';

export interface BankLineView {
  line: LoanLine;
  project: Project | null;
  /** Disbursed so far. */
  drawn: Yuan;
  /** Approved and not yet drawn. */
  waiting: Yuan;
  /** Whole days since the approval, while something waits. */
  waitingDays: number | null;
  /** Whole days since the line was last updated. */
  idleDays: number;
}

export interface BankBlockerView {
  project: Project;
  blocker: Blocker;
  overdue: boolean;
}

export interface BankWorkspaceTotals {
  lines: number;
  projects: number;
  requested: Yuan;
  approved: Yuan;
  contracted: Yuan;
  disbursed: Yuan;
  disbursedInMonth: Yuan;
  waiting: Yuan;
  agreement: Yuan;
  agreementRate: number | null;
}

export interface BankWorkspace {
  rows: BankLineView[];
  totals: BankWorkspaceTotals;
  /** Approved and not drawn on projects still on the flow, longest wait first. */
  waitingRows: BankLineView[];
  /** The lines waiting on the bank on projects it is silent on (`isBankSilentOn`). */
  silentRows: BankLineView[];
  blockerRows: BankBlockerView[];
}

export interface BankWorkspaceInput {
  bank: Pick<Bank, 'id' | 'name' | 'agreementAmount'> | null;
  /** The lines the reader holds (a liaison holds only its own bank's). */
  lines: readonly LoanLine[];
  projects: readonly Project[];
  now: Date;
  rules: Pick<StallRules, 'bankSilenceDays'>;
}

function compact(text: string): string {
  return text.replace(/\s+/g, '');
}

/**
 * A problem waits on a bank 待银行解决 when the party who must act names the bank, or it is a
 * bank-tagged 银行 problem of a project the bank lends to. Resolved problems wait on nobody.
 */
export function blockerWaitsOnBank(blocker: Blocker, bank: Pick<Bank, 'name'>, bankLendsToProject: boolean): boolean {
  if (blocker.resolvedAt !== null) return false;
  const name = compact(bank.name);
  return (name.length > 0 && compact(blocker.party).includes(name)) || (blocker.tag === 'bank' && bankLendsToProject);
}

const emptyTotals = (agreement: Yuan): BankWorkspaceTotals => ({
  lines: 0,
  projects: 0,
  requested: 0,
  approved: 0,
  contracted: 0,
  disbursed: 0,
  disbursedInMonth: 0,
  waiting: 0,
  agreement,
  agreementRate: null,
});

function digestOf(row: BankLineView) {
  return { status: row.line.status, approved: row.line.approved, disbursed: row.drawn, updatedAt: row.line.updatedAt };
}

function silentRows(rows: readonly BankLineView[], now: Date, rules: Pick<StallRules, 'bankSilenceDays'>): BankLineView[] {
  const byProject = new Map<string, BankLineView[]>();
  for (const row of rows) {
    const list = byProject.get(row.line.projectId);
    if (list) list.push(row);
    else byProject.set(row.line.projectId, [row]);
  }
  const silent = new Set<string>();
  for (const [projectId, list] of byProject) if (isBankSilentOn(list.map(digestOf), now, rules)) silent.add(projectId);
  return rows.filter((row) => silent.has(row.line.projectId) && lineWaitsOnBank(digestOf(row)));
}

export function bankWorkspace(input: BankWorkspaceInput): BankWorkspace {
  const { bank, now, rules } = input;
  if (!bank) return { rows: [], totals: emptyTotals(0), waitingRows: [], silentRows: [], blockerRows: [] };
  const today = dayOf(now);
  const month = monthOf(now);
  const projectById = new Map(input.projects.map((project) => [project.id, project]));
  const totals = emptyTotals(bank.agreementAmount);
  const lendsTo = new Set<string>();
  const rows: (BankLineView & { active: boolean })[] = [];
  for (const line of input.lines) {
    if (!isBankLine(line, bank.id)) continue;
    const project = projectById.get(line.projectId) ?? null;
    const dated = snapshotLine(line, month, today);
    const drawn = lineDisbursed(line);
    const waiting = Math.max(dated.approved - dated.disbursed, 0);
    // A line whose project is not on the list the reader holds is not on 分银行情况 either.
    if (project) {
      totals.lines += 1;
      lendsTo.add(line.projectId);
      totals.requested += dated.requested;
      totals.approved += dated.approved;
      totals.contracted += dated.contracted;
      totals.disbursed += dated.disbursed;
      totals.disbursedInMonth += dated.disbursedInMonth;
      totals.waiting += waiting;
    }
    rows.push({
      line,
      project,
      drawn,
      waiting,
      waitingDays: waiting > 0 && line.approvedDate ? Math.max(daysBetween(line.approvedDate, today), 0) : null,
      idleDays: daysSinceBankUpdate(line, now),
      active: line.status === 'applying' || lineWaitsOnBank({ status: line.status, approved: line.approved, disbursed: drawn }),
    });
  }
  totals.projects = lendsTo.size;
  totals.agreementRate = rateOf(totals.disbursed, bank.agreementAmount);

  // Work still to do first (applications and undrawn approvals), the largest wait first.
  rows.sort(
    (a, b) =>
      Number(b.active) - Number(a.active) ||
      b.waiting - a.waiting ||
      (a.project?.name ?? '').localeCompare(b.project?.name ?? '', 'zh-Hans-CN'),
  );
  const views: BankLineView[] = rows.map(({ active: _active, ...row }) => row);
  const onFlow = (row: BankLineView) => row.project !== null && !isOffFlow(row.project);

  const blockerRows: BankBlockerView[] = [];
  for (const project of input.projects) {
    for (const blocker of project.blockers) {
      if (!blockerWaitsOnBank(blocker, bank, lendsTo.has(project.id))) continue;
      blockerRows.push({ project, blocker, overdue: blocker.dueDate !== null && blocker.dueDate < today });
    }
  }
  blockerRows.sort((a, b) => Number(b.overdue) - Number(a.overdue) || (a.blocker.dueDate ?? '9').localeCompare(b.blocker.dueDate ?? '9'));

  return {
    rows: views,
    totals,
    waitingRows: views.filter((row) => row.waiting > 0 && onFlow(row)).sort((a, b) => (b.waitingDays ?? 0) - (a.waitingDays ?? 0)),
    silentRows: silentRows(views.filter(onFlow), now, rules),
    blockerRows,
  };
}
