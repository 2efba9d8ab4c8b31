/**
 * Everything about one project of the ledger (its rows share one name): who it is, its fields,
 * loan lines, difficulties and stage, its outcome, and the one `ledger.importProject` command
 * that writes it (checked by the command's own schema).
 */
import { commandIssues } from './commandCheck';
import { draftLines } from './loanLines';
import type { ParsedRow } from './parsedRow';
import { LEDGER_MAX_BLOCKERS, LEDGER_MAX_LINES, LEDGER_MAX_ROWS } from './payload';
import type { LedgerImportInput } from './payload';
import type { FieldChange, PreviewProject, ProjectFigures, ProjectOutcome, RowIssue } from './previewTypes';
import { rowError } from './previewTypes';
import { draftBlockers } from './problems';
import { draftFields } from './projectFields';
import type { DraftContext } from './projectIdentity';
import { identifyProject } from './projectIdentity';
import { draftStage } from './stageDraft';

export function previewProject(key: string, rows: readonly ParsedRow[], ctx: DraftContext): PreviewProject {
  const issues: RowIssue[] = rows.flatMap((r) => r.issues);
  const changes: FieldChange[] = [];
  const identity = identifyProject(rows, ctx, issues);
  const { name, rowNumbers, existing, current, lineRows, match } = identity;
  const { fields, amounts, needTotal } = draftFields(rows, identity, ctx, issues, changes);
  const { lines, simulated } = draftLines(identity, amounts, ctx, issues, changes);
  const blockers = draftBlockers(rows, identity, ctx.resolver, changes);
  const { stage, flag } = draftStage(identity, fields, simulated, needTotal, issues, changes);

  if (lineRows.length > LEDGER_MAX_LINES) issues.push(rowError('bank', 'ledger.issue.tooManyBanks', { count: lineRows.length, max: LEDGER_MAX_LINES }));
  if (blockers.length > LEDGER_MAX_BLOCKERS) issues.push(rowError('problems', 'ledger.issue.tooManyProblems', { count: blockers.length, max: LEDGER_MAX_BLOCKERS }));
  if (rowNumbers.length > LEDGER_MAX_ROWS) issues.push(rowError('name', 'ledger.issue.tooManyRows', { count: rowNumbers.length, max: LEDGER_MAX_ROWS }));
  const hasError = issues.some((issue) => issue.severity === 'error');
  const outcome: ProjectOutcome = hasError ? 'error' : !current ? 'create' : changes.length === 0 ? 'unchanged' : 'update';
  const figures: ProjectFigures = {
    totalInvestment: amounts.totalInvestment ?? 0,
    needTotal: amounts.needTotal ?? 0,
    needThisYear: amounts.needThisYear ?? 0,
    requested: lineRows.reduce((s, r) => s + (r.amounts.requested ?? 0), 0),
    approved: lineRows.reduce((s, r) => s + (r.amounts.approved ?? 0), 0),
    disbursed: lineRows.reduce((s, r) => s + (r.amounts.disbursed ?? 0), 0),
  };
  let command: LedgerImportInput | null = null;
  if (outcome === 'create' || outcome === 'update') {
    command = {
      importId: ctx.importId,
      fileName: ctx.fileName,
      rowNumbers,
      projectId: existing?.id ?? null,
      expectedVersion: existing?.version ?? null,
      fields,
      stage,
      ...(flag !== undefined ? { flag } : {}),
      lines,
      blockers,
    };
    const refused = commandIssues(command);
    if (refused.length > 0) {
      issues.push(...refused);
      command = null;
    }
  }
  return {
    key,
    name,
    rowNumbers,
    outcome: command === null && (outcome === 'create' || outcome === 'update') ? 'error' : outcome,
    matchedBy: existing ? (match as { by: 'name' | 'creditCode' }).by : null,
    projectId: existing?.id ?? null,
    stage: stage ?? current?.stage ?? null,
    issues,
    changes,
    figures,
    command,
  };
}
