/**
 * The preview of an import, before anything is written: every row of the sheet with its outcome
 * (a new project, an update of one matched on credit code or on name, unchanged, skipped, an
 * error) and the field-level reasons as message keys; the totals the import would bring next to
 * the ledger's own 合计 row; and, for every project that can be imported, the one
 * `ledger.importProject` command that writes it. This module sorts the rows into projects; the
 * pieces live beside it: parsedRow (a row's values), matching (existing projects), projectDraft
 * (one project and its command), commandCheck (the command's own validation), totals (合计).
 */
import { addMonths, dayOf } from '../dates';
import type { IsoDate, IsoMonth } from '../types';
import type { LedgerHeader } from './columns';
import { columnsByField, detectedMapping, findHeader } from './columns';
import type { CellGrid } from './grid';
import { buildMatcher, linesByProject, projectKey } from './matching';
import type { ParsedRow } from './parsedRow';
import { parseRow, unitsOf } from './parsedRow';
import type { LedgerImportInput } from './payload';
import type { LedgerPreview, LedgerPreviewOptions, LedgerWorkspace, PreviewRow, RowIssue, RowOutcome } from './previewTypes';
import { rowError } from './previewTypes';
import type { DraftContext } from './projectIdentity';
import { previewProject } from './projectDraft';
import type { SortedLedger } from './rows';
import { sortLedgerRows } from './rows';
import { compareTotals } from './totals';
import { cellDisplayText } from './values';
import { buildResolver, DEFAULT_VOCABULARY } from './vocabulary';

export type {
  FieldChange,
  LedgerPreview,
  LedgerPreviewOptions,
  LedgerWorkspace,
  PreviewProject,
  PreviewRow,
  ProjectFigures,
  ProjectOutcome,
  RowIssue,
  RowOutcome,
  TotalsComparison,
} from './previewTypes';
export { projectKey } from './matching';
export { splitProblems } from './problems';

function endOfMonth(month: IsoMonth): IsoDate {
  const [year, m] = month.split('-').map(Number) as [number, number];
  return `${month}-${String(new Date(Date.UTC(year, m, 0)).getUTCDate()).padStart(2, '0')}`;
}

function emptyCounts(): Record<RowOutcome, number> {
  return { create: 0, update: 0, unchanged: 0, error: 0, skipped: 0 };
}

/** The grid of a workbook that holds the ledger: the first with a header. */
export function pickLedgerGrid(grids: readonly CellGrid[]): { grid: CellGrid; header: LedgerHeader } | null {
  for (const grid of grids) {
    const header = findHeader(grid);
    if (header) return { grid, header };
  }
  return null;
}

/** Builds the preview of importing `grid` into `workspace`; pure, writes nothing. */
export function previewLedger(grid: CellGrid, header: LedgerHeader, workspace: LedgerWorkspace, options: LedgerPreviewOptions): LedgerPreview {
  const mapping = options.mapping ?? detectedMapping(header);
  const vocabulary = options.vocabulary ?? DEFAULT_VOCABULARY;
  const sorted: SortedLedger = sortLedgerRows(grid, header, mapping);
  const unit = options.unit ?? sorted.unit;
  const byField = columnsByField(mapping);
  const mapped = new Set(byField.keys());
  const mappingIssues: RowIssue[] = [];
  if (!mapped.has('name')) mappingIssues.push(rowError('name', 'ledger.mapping.nameMissing'));
  for (const [field, columns] of byField) {
    if (columns.length > 1) mappingIssues.push(rowError(field, 'ledger.mapping.fieldTwice', { field, columns: columns.length }));
  }

  const workspaceDistricts = [...new Set(workspace.projects.map((doc) => doc.data.district))];
  const resolver = buildResolver(vocabulary, workspace.banks, workspaceDistricts);
  const units = unitsOf(header, mapping);
  // A date the ledger does not give (an approval's, a catch-up tranche's) is the end of the month it
  // is as of, or the first day after the latest closed month when that month is closed, never after today.
  const closedThrough = workspace.closedThrough ?? null;
  const asOfEnd = sorted.asOfMonth ? endOfMonth(sorted.asOfMonth) : options.today;
  const firstOpenDay = closedThrough ? `${addMonths(closedThrough, 1)}-01` : null;
  const assumedBase = firstOpenDay && firstOpenDay > asOfEnd ? firstOpenDay : asOfEnd;
  const ctx: DraftContext = {
    resolver,
    mapped,
    matcher: buildMatcher(workspace.projects),
    linesByProject: linesByProject(workspace.lines),
    bankNames: new Map(workspace.banks.map((bank) => [bank.id, bank.name])),
    today: options.today,
    assumedDate: assumedBase > options.today ? options.today : assumedBase,
    closedThrough,
    importId: options.importId,
    fileName: grid.fileName,
  };

  // Rows join their project by name; a row without a name but with a bank continues the row above.
  const groups = new Map<string, ParsedRow[]>();
  const rowProject = new Map<number, string>();
  let previousKey: string | null = null;
  const orphanIssues = new Map<number, RowIssue[]>();
  for (const row of sorted.rows) {
    if (row.kind !== 'data') {
      if (row.reason !== 'blank') previousKey = null;
      continue;
    }
    const parsed = parseRow(row, units, unit, resolver);
    const name = parsed.text.name ?? '';
    let key = name ? projectKey(name) : null;
    if (!key && previousKey && parsed.text.bank) key = previousKey;
    if (!key) {
      orphanIssues.set(row.rowNumber, [...parsed.issues, rowError('name', 'ledger.issue.nameMissing')]);
      continue;
    }
    groups.set(key, [...(groups.get(key) ?? []), parsed]);
    rowProject.set(row.rowNumber, key);
    previousKey = key;
  }

  const projects = mappingIssues.length > 0 ? [] : [...groups.entries()].map(([key, rows]) => previewProject(key, rows, ctx));
  const projectByKey = new Map(projects.map((p) => [p.key, p]));
  const counts = emptyCounts();
  const rows: PreviewRow[] = sorted.rows.map((row) => {
    if (row.kind === 'skipped') {
      counts.skipped += 1;
      return { rowNumber: row.rowNumber, outcome: 'skipped', reason: row.reason, text: row.text, issues: [] };
    }
    const key = rowProject.get(row.rowNumber);
    const project = key ? projectByKey.get(key) : undefined;
    if (!project) {
      counts.error += 1;
      const issues = orphanIssues.get(row.rowNumber) ?? mappingIssues;
      return { rowNumber: row.rowNumber, outcome: 'error', text: cellDisplayText(row.cells.name ?? null), issues };
    }
    counts[project.outcome] += 1;
    const own = groups.get(project.key)!.find((p) => p.row.rowNumber === row.rowNumber)!;
    // A row shows its own cell issues and the project's, once (on the project's first row).
    const issues = project.rowNumbers[0] === row.rowNumber ? project.issues : own.issues;
    return { rowNumber: row.rowNumber, outcome: project.outcome, text: project.name, projectKey: project.key, issues };
  });

  return {
    fileName: grid.fileName,
    sheetName: grid.sheetName,
    header,
    mapping,
    unit,
    unitFound: sorted.unitFound,
    asOfMonth: sorted.asOfMonth,
    title: sorted.title,
    rows,
    projects,
    totals: compareTotals(projects, sorted.totals, mapped, units, unit),
    totalsRowNumber: sorted.totals?.rowNumber ?? null,
    counts,
    mappingIssues,
  };
}

/** The commands that apply a preview, one per project, in the ledger's order. */
export function importCommands(preview: LedgerPreview): LedgerImportInput[] {
  return preview.projects.flatMap((project) => (project.command ? [project.command] : []));
}

/** Today's date on the bureau's calendar, for `LedgerPreviewOptions.today`. */
export function ledgerToday(now: Date): IsoDate {
  return dayOf(now);
}
