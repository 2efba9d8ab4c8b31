/**
 * Reading what a preview compares against, and applying an import: one command per project, in
 * the ledger's order, so that each project is all or nothing and a refusal of one (a stale
 * version, a gate) leaves the others written and says why.
 */
import type { CommandEnvelope, CommandResult } from '../commands/contract';
import { latestClosedMonth } from '../meeting/closeMonth';
import type { DocumentReader } from '../store/documentStore';
import type { Bank, LoanLine, Project } from '../types';
import type { LedgerImportInput } from './payload';
import type { LedgerWorkspace } from './preview';

export async function readLedgerWorkspace(reader: DocumentReader): Promise<LedgerWorkspace> {
  const [projects, lines, banks, closedThrough] = await Promise.all([
    reader.query<Project>('projects'),
    reader.query<LoanLine>('loanLines'),
    reader.query<Bank>('banks'),
    latestClosedMonth(reader),
  ]);
  return { projects, lines, banks: banks.map((doc) => doc.data), closedThrough };
}

export interface AppliedProject {
  name: string;
  rowNumbers: number[];
  projectId: string | null;
  /** The refusal's message key and params, when the command was refused. */
  error: { messageKey: string; params: Record<string, unknown> } | null;
}

export interface ApplyOptions {
  onProgress?: (done: number, total: number) => void;
  /** Checked before each command: a person may stop an import half way (what was written stays, and can be undone). */
  shouldStop?: () => boolean;
}

function refusalOf(error: unknown): { messageKey: string; params: Record<string, unknown> } {
  const shaped = error as { messageKey?: unknown; params?: unknown } | null;
  if (shaped && typeof shaped.messageKey === 'string') {
    return { messageKey: shaped.messageKey, params: (shaped.params as Record<string, unknown>) ?? {} };
  }
  return { messageKey: 'errors.internal', params: {} };
}

export async function applyLedgerImport(
  commands: readonly LedgerImportInput[],
  execute: (command: CommandEnvelope) => Promise<CommandResult>,
  options: ApplyOptions = {},
): Promise<AppliedProject[]> {
  const applied: AppliedProject[] = [];
  for (const [i, payload] of commands.entries()) {
    if (options.shouldStop?.()) break;
    const name = payload.fields.name ?? '';
    try {
      const result = await execute({ name: 'ledger.importProject', payload });
      applied.push({ name, rowNumbers: payload.rowNumbers, projectId: result.createdId ?? payload.projectId, error: null });
    } catch (error) {
      applied.push({ name, rowNumbers: payload.rowNumbers, projectId: payload.projectId, error: refusalOf(error) });
    }
    options.onProgress?.(i + 1, commands.length);
  }
  return applied;
}
