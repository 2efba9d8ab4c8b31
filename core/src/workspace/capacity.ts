/**
 * Workspace capacity: why no figure the read model adds up can leave the exact integers.
 *
 * Every figure the read model shows is a sum of per-project figures (board totals, the meeting's
 * 合计 rows, a bank's workspace, the month snapshot's totals and its month-on-month changes) or of
 * per-bank figures (strategic agreement amounts). Each amount, and each of a project's totals over
 * its lines, is at most MAX_YUAN (money.ts); so a workspace of at most MAX_PROJECTS projects and
 * MAX_BANKS banks keeps every such sum at most MAX_PROJECTS × MAX_YUAN ≤ Number.MAX_SAFE_INTEGER,
 * and every difference of two of them too. The bound is proved from counts rather than by adding
 * the live figures in each command: a move or a tranche then reads nothing more, and the only
 * commands that grow the workspace (project.create, the ledger import, bank.upsert of a new bank)
 * read one small counter or the short list of banks.
 */
import { DomainError } from '../errors';
import { MAX_YUAN } from '../money';
import type { StoredDoc, TransactionContext } from '../store/documentStore';
import type { LoanLine } from '../types';

/** `settings/workspaceCounts`: how many projects the workspace holds (an upper bound, never less). */
export const WORKSPACE_COUNTS_DOC_ID = 'workspaceCounts';

/** 9,007 projects: at MAX_YUAN each, their sums stay within Number.MAX_SAFE_INTEGER. */
export const MAX_PROJECTS = Math.floor(Number.MAX_SAFE_INTEGER / MAX_YUAN);

/** A city has a few dozen banks; 1,000 agreements at MAX_YUAN add up to 10^15, still exact. */
export const MAX_BANKS = 1_000;

export interface WorkspaceCounts {
  projects: number;
}

export interface ProjectCount {
  /** The counter document as read, or null when the workspace has none yet. */
  doc: StoredDoc<WorkspaceCounts> | null;
  projects: number;
}

/**
 * Reads the project count. A workspace stored before the counter existed (or seeded directly: the
 * sample, an imported file) has no counter: the projects are counted once, and the write that
 * follows creates it.
 */
export async function readProjectCount(tx: TransactionContext): Promise<ProjectCount> {
  const doc = await tx.get<WorkspaceCounts>('settings', WORKSPACE_COUNTS_DOC_ID);
  if (doc && Number.isInteger(doc.data.projects) && doc.data.projects >= 0) return { doc, projects: doc.data.projects };
  const projects = (await tx.query('projects')).length;
  return { doc, projects };
}

/** Refuses a command that would take the workspace past MAX_PROJECTS (before anything is written). */
export function assertRoomForProjects(count: ProjectCount, added: number): void {
  if (count.projects + added > MAX_PROJECTS) {
    throw new DomainError('failed-precondition', 'errors.workspace.tooManyProjects', { max: MAX_PROJECTS, count: count.projects });
  }
}

/** Writes the count after `change` projects were added (or, negative, removed). */
export function writeProjectCount(
  writer: { create<T>(c: 'settings', id: string, data: T): void; update<T>(c: 'settings', id: string, data: T, v: number): void },
  count: ProjectCount,
  change: number,
): void {
  const data: WorkspaceCounts = { projects: Math.max(0, count.projects + change) };
  if (count.doc) writer.update('settings', WORKSPACE_COUNTS_DOC_ID, data, count.doc.version);
  else writer.create('settings', WORKSPACE_COUNTS_DOC_ID, data);
}

/** Refuses a new bank beyond MAX_BANKS; `banks` is the workspace's list of banks as read. */
export async function assertRoomForBank(tx: TransactionContext): Promise<void> {
  const banks = await tx.query('banks', { limit: MAX_BANKS });
  if (banks.length >= MAX_BANKS) {
    throw new DomainError('failed-precondition', 'errors.workspace.tooManyBanks', { max: MAX_BANKS });
  }
}

const LINE_TOTALS = ['requested', 'approved', 'contracted'] as const;

/**
 * Refuses a project whose totals over its lines pass MAX_YUAN (disbursed never passes approved).
 * `path` names the field the person changed; null when the lines came from a file (the ledger).
 */
export function assertLineTotalsWithin(lines: readonly Pick<LoanLine, (typeof LINE_TOTALS)[number]>[], path: string): void {
  for (const field of LINE_TOTALS) {
    let total = 0;
    for (const line of lines) total += line[field] ?? 0;
    if (total > MAX_YUAN) {
      throw new DomainError('invalid-argument', 'errors.money.totalTooLarge', { maxAmount: MAX_YUAN }, [
        { path, messageKey: 'errors.money.totalTooLarge', params: { maxAmount: MAX_YUAN } },
      ]);
    }
  }
}
