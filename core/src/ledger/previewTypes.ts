/**
 * What a preview of an import says, before anything is written: every row's outcome, every
 * project's outcome with its field-level reasons (message keys) and its command, and the totals
 * next to the ledger's own 合计 row. The page reads these shapes; the modules below build them.
 */
import type { StoredDoc } from '../store/documentStore';
import type { Bank, IsoDate, IsoMonth, LoanLine, Project, StageId, Yuan } from '../types';
import type { AmountField, ColumnMapping, LedgerField, LedgerHeader } from './columns';
import type { LedgerImportInput } from './payload';
import type { SkipReason } from './rows';
import type { LedgerUnit } from './values';
import type { LedgerVocabulary } from './vocabulary';

export interface LedgerWorkspace {
  projects: readonly StoredDoc<Project>[];
  lines: readonly StoredDoc<LoanLine>[];
  banks: readonly Bank[];
  /** The latest closed month (meeting/closeMonth.ts): the import records nothing dated in it or before. */
  closedThrough?: IsoMonth | null;
}

export interface LedgerPreviewOptions {
  /** The person's corrected mapping (default: what the header words say). */
  mapping?: ColumnMapping;
  vocabulary?: LedgerVocabulary;
  /** The sheet's unit, when the person overrides what was found. */
  unit?: LedgerUnit;
  /** Today on the Asia/Shanghai calendar: dates after it are refused, assumed dates never pass it. */
  today: IsoDate;
  /** The id every command of this import carries (the undo finds them by it). */
  importId: string;
}

export interface RowIssue {
  severity: 'error' | 'warning';
  field: LedgerField | null;
  messageKey: string;
  params?: Record<string, string | number>;
}

export type ProjectOutcome = 'create' | 'update' | 'unchanged' | 'error';
export type RowOutcome = ProjectOutcome | 'skipped';

export interface PreviewRow {
  rowNumber: number;
  outcome: RowOutcome;
  /** Why a row was skipped. */
  reason?: SkipReason;
  /** The row's first words (skipped rows) or the project's name (data rows). */
  text: string;
  projectKey?: string;
  issues: RowIssue[];
}

export interface FieldChange {
  field: string;
  /** Readable values (amounts in yuan as numbers; the page formats them). */
  before: string | number | null;
  after: string | number | null;
}

export interface ProjectFigures {
  totalInvestment: Yuan;
  needTotal: Yuan;
  needThisYear: Yuan;
  requested: Yuan;
  approved: Yuan;
  disbursed: Yuan;
}

export interface PreviewProject {
  key: string;
  name: string;
  rowNumbers: number[];
  outcome: ProjectOutcome;
  matchedBy: 'creditCode' | 'name' | null;
  projectId: string | null;
  stage: StageId | null;
  issues: RowIssue[];
  changes: FieldChange[];
  figures: ProjectFigures;
  /** The payload of its `ledger.importProject` command; null when it is unchanged or in error. */
  command: LedgerImportInput | null;
}

export interface TotalsComparison {
  field: AmountField;
  /** The ledger's 合计 cell, in yuan; null when it has none for this column. */
  ledger: Yuan | null;
  /** The sum of every project row the sheet holds. */
  rows: Yuan;
  /** The sum over the projects that would be written or are already as the ledger says. */
  importable: Yuan;
  /** Whether `rows` agrees with the 合计 cell (to half the last decimal a sheet in its unit shows). */
  agrees: boolean | null;
}

export interface LedgerPreview {
  fileName: string;
  sheetName: string;
  header: LedgerHeader;
  mapping: ColumnMapping;
  unit: LedgerUnit;
  unitFound: boolean;
  asOfMonth: IsoMonth | null;
  title: string;
  rows: PreviewRow[];
  projects: PreviewProject[];
  totals: TotalsComparison[];
  totalsRowNumber: number | null;
  counts: Record<RowOutcome, number>;
  /** Mapping problems that stop the whole import (no 项目名称 column). */
  mappingIssues: RowIssue[];
}

export function rowError(field: LedgerField | null, messageKey: string, params?: Record<string, string | number>): RowIssue {
  return params ? { severity: 'error', field, messageKey, params } : { severity: 'error', field, messageKey };
}

export function rowWarning(field: LedgerField | null, messageKey: string, params?: Record<string, string | number>): RowIssue {
  return params ? { severity: 'warning', field, messageKey, params } : { severity: 'warning', field, messageKey };
}
