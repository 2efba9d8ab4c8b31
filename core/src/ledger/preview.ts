/**
 * The preview of an import, before anything is written: every row of the sheet with its outcome
 * (a new project, an update of one matched on credit code or on name, unchanged, skipped, an
 * error) and the field-level reasons as message keys; the totals the import would bring next to
 * the ledger's own 合计 row; and, for every project that can be imported, the one
 * `ledger.importProject` command that writes it.
 */
import { isValidCreditCode } from '../creditCode';
import { addMonths, dayOf } from '../dates';
import { lineDisbursed } from '../lineDigest';
import { checkStageGate } from '../stages';
import type { StoredDoc } from '../store/documentStore';
import type { Bank, BlockerTag, BuildStatus, IsoDate, IsoMonth, LoanLine, OffFlowFlag, OwnerType, Project, StageId, Yuan } from '../types';
import { normalizeText, parseCommandPayload, TEXT_LIMITS } from '../commands/schemas';
import { DomainError } from '../errors';
import { deepEqual } from '../store/query';
import type { AmountField, ColumnMapping, LedgerField, LedgerHeader } from './columns';
import { AMOUNT_FIELDS, columnsByField, detectedMapping, findHeader } from './columns';
import type { CellGrid, CellScalar } from './grid';
import type { DataRow, SkipReason, SortedLedger } from './rows';
import { sortLedgerRows } from './rows';
import type { LedgerImportInput, LedgerImportLine } from './payload';
import { LEDGER_MAX_BLOCKERS, LEDGER_MAX_LINES, LEDGER_MAX_ROWS } from './payload';
import type { LedgerUnit } from './values';
import { LEDGER_UNITS, cellDisplayText, cellText, compactText, parseAmount, parseLedgerDate, tidyText } from './values';
import type { LedgerVocabulary, Resolver } from './vocabulary';
import { buildResolver, DEFAULT_VOCABULARY } from './vocabulary';

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

const OWNER_TYPE_WORDS: [RegExp, OwnerType][] = [
  [/平台|城投|投资(集团|公司)|融资/, 'platform'],
  [/民企|民营|私营|个体/, 'private'],
  [/国企|国有|央企/, 'soe'],
];
const BUILD_STATUS_WORDS: [RegExp, BuildStatus][] = [
  [/续建/, 'continuing'],
  [/新开工|新建|开工/, 'new'],
  [/前期|储备|谋划/, 'preparation'],
];
const PROJECT_FIELDS = ['totalInvestment', 'needTotal', 'needThisYear'] as const;

function error(field: LedgerField | null, messageKey: string, params?: Record<string, string | number>): RowIssue {
  return params ? { severity: 'error', field, messageKey, params } : { severity: 'error', field, messageKey };
}
function warning(field: LedgerField | null, messageKey: string, params?: Record<string, string | number>): RowIssue {
  return params ? { severity: 'warning', field, messageKey, params } : { severity: 'warning', field, messageKey };
}

/** Names compare without spaces and full-width forms: 城南 污水厂 and 城南污水厂 are one project. */
export function projectKey(name: string): string {
  return compactText(name).toLowerCase();
}

function endOfMonth(month: IsoMonth): IsoDate {
  const [year, m] = month.split('-').map(Number) as [number, number];
  return `${month}-${String(new Date(Date.UTC(year, m, 0)).getUTCDate()).padStart(2, '0')}`;
}

interface ParsedRow {
  row: DataRow;
  issues: RowIssue[];
  text: Partial<Record<LedgerField, string>>;
  amounts: Partial<Record<AmountField, Yuan | null>>;
  approvedDate: IsoDate | null;
  approvedDatePrecision: 'day' | 'month' | null;
  expectedMonth: IsoMonth | null;
  bankId: string | null;
}

const TEXT_FIELDS: readonly LedgerField[] = [
  'name',
  'ownerName',
  'creditCode',
  'ownerType',
  'district',
  'sector',
  'buildStatus',
  'bank',
  'stage',
  'problems',
  'responsibleUnit',
  'responsiblePerson',
];

function parseRow(row: DataRow, units: Partial<Record<AmountField, LedgerUnit>>, unit: LedgerUnit, resolver: Resolver): ParsedRow {
  const issues: RowIssue[] = [];
  const text: ParsedRow['text'] = {};
  for (const field of TEXT_FIELDS) {
    const value = row.cells[field];
    if (value === undefined) continue;
    // 存在问题 keeps its line breaks: each line is one difficulty.
    // Text as every command stores it (invisible characters removed); 存在问题 keeps its line breaks.
    const raw = typeof value === 'string' ? normalizeText(value) : cellDisplayText(value ?? null);
    text[field] = field === 'problems' ? raw : tidyText(raw);
  }
  const amounts: ParsedRow['amounts'] = {};
  for (const field of AMOUNT_FIELDS) {
    if (!(field in row.cells)) continue;
    const parsed = parseAmount(row.cells[field] ?? null, units[field] ?? unit);
    if (parsed.ok) amounts[field] = parsed.yuan;
    else issues.push(error(field, parsed.messageKey, { value: cellText(row.cells[field] ?? null) }));
  }
  let approvedDate: IsoDate | null = null;
  let approvedDatePrecision: ParsedRow['approvedDatePrecision'] = null;
  if ('approvedDate' in row.cells) {
    const parsed = parseLedgerDate(row.cells.approvedDate ?? null);
    if (parsed.ok) {
      approvedDate = parsed.date;
      approvedDatePrecision = parsed.precision;
    } else issues.push(error('approvedDate', parsed.messageKey, { value: cellText(row.cells.approvedDate ?? null) }));
  }
  let expectedMonth: IsoMonth | null = null;
  if ('expectedMonth' in row.cells) {
    const parsed = parseLedgerDate(row.cells.expectedMonth ?? null);
    if (parsed.ok) expectedMonth = parsed.month;
    else issues.push(error('expectedMonth', parsed.messageKey, { value: cellText(row.cells.expectedMonth ?? null) }));
  }
  let bankId: string | null = null;
  if (text.bank) {
    bankId = resolver.bankId(text.bank);
    if (!bankId) issues.push(error('bank', 'ledger.issue.bankUnknown', { value: text.bank }));
  }
  return { row, issues, text, amounts, approvedDate, approvedDatePrecision, expectedMonth, bankId };
}

/** A project-level figure over a project's rows: merged or repeated cells count once, shares add up. */
function projectAmount(rows: readonly ParsedRow[], field: AmountField): Yuan | null {
  const values = rows.filter((r) => !r.row.continued.has(field)).map((r) => r.amounts[field]).filter((v): v is Yuan => v !== null && v !== undefined);
  if (values.length === 0) return null;
  if (values.every((v) => v === values[0])) return values[0]!;
  return values.reduce((s, v) => s + v, 0);
}

function firstText(rows: readonly ParsedRow[], field: LedgerField): string {
  for (const r of rows) {
    const value = r.text[field];
    if (value) return value;
  }
  return '';
}

function wordOf<T>(text: string, words: readonly [RegExp, T][]): T | null {
  for (const [pattern, value] of words) if (pattern.test(text)) return value;
  return null;
}

/** The stage a ledger's figures show when it names none. */
function inferredStage(approved: Yuan, disbursed: Yuan, hasBank: boolean, need: Yuan): StageId {
  if (approved > 0 && disbursed >= approved) return 'disbursed';
  if (disbursed > 0) return 'disbursing';
  if (approved > 0) return 'approved';
  if (hasBank && need > 0) return 'matched';
  return 'pipeline';
}

/** One problem per line of 存在问题, numbering (1、 （2） ③) taken off. */
export function splitProblems(text: string): { raw: string; problem: string }[] {
  return text
    .split(/\r?\n/)
    .map((line) => ({ raw: line.trim(), problem: line.replace(/^\s*(?:[(（]?\d{1,2}[)）.、．]|[①-⑳]|[一二三四五六七八九十][、.])\s*/, '').trim() }))
    .filter((line) => line.problem !== '');
}

interface ExistingLine {
  doc: StoredDoc<LoanLine>;
  disbursed: Yuan;
}

interface Matcher {
  match(name: string, creditCode: string | null): { doc: StoredDoc<Project>; by: 'name' | 'creditCode' } | { ambiguous: true } | null;
}

function buildMatcher(projects: readonly StoredDoc<Project>[]): Matcher {
  const byName = new Map<string, StoredDoc<Project>[]>();
  const byCode = new Map<string, StoredDoc<Project>[]>();
  for (const doc of projects) {
    const k = projectKey(doc.data.name);
    byName.set(k, [...(byName.get(k) ?? []), doc]);
    const code = doc.data.owner.creditCode;
    if (code) byCode.set(code, [...(byCode.get(code) ?? []), doc]);
  }
  return {
    match(name, creditCode) {
      const named = byName.get(projectKey(name)) ?? [];
      if (named.length === 1) return { doc: named[0]!, by: creditCode && named[0]!.data.owner.creditCode === creditCode ? 'creditCode' : 'name' };
      if (named.length > 1) {
        const coded = creditCode ? named.filter((doc) => doc.data.owner.creditCode === creditCode) : [];
        return coded.length === 1 ? { doc: coded[0]!, by: 'creditCode' } : { ambiguous: true };
      }
      // Renamed in the ledger: the owner's credit code still finds it when the owner has one project.
      const coded = creditCode ? (byCode.get(creditCode) ?? []) : [];
      return coded.length === 1 ? { doc: coded[0]!, by: 'creditCode' } : null;
    },
  };
}

function tooLong(field: LedgerField, value: string, max: number): RowIssue | null {
  return value.length > max ? error(field, 'ledger.issue.tooLong', { max, value: value.slice(0, 20) }) : null;
}

interface GroupContext {
  resolver: Resolver;
  mapped: Set<LedgerField>;
  matcher: Matcher;
  linesByProject: Map<string, ExistingLine[]>;
  bankNames: Map<string, string>;
  today: IsoDate;
  assumedDate: IsoDate;
  /** The latest closed month: nothing dated in it or before can be recorded. */
  closedThrough: IsoMonth | null;
  importId: string;
  fileName: string;
}

/** Everything about one project of the ledger (its rows share one name). */
function previewProject(key: string, rows: readonly ParsedRow[], ctx: GroupContext): PreviewProject {
  const issues: RowIssue[] = rows.flatMap((r) => r.issues);
  const { mapped, resolver } = ctx;
  const name = tidyText(firstText(rows, 'name'));
  const rowNumbers = rows.map((r) => r.row.rowNumber);

  const ownerName = firstText(rows, 'ownerName');
  const creditCodeText = firstText(rows, 'creditCode').toUpperCase();
  const creditCode = creditCodeText && !/^[-—/无]+$/.test(creditCodeText) ? creditCodeText : null;
  if (creditCode && !isValidCreditCode(creditCode)) issues.push(error('creditCode', 'ledger.issue.creditCodeInvalid', { value: creditCode }));

  const districtTexts = [...new Set(rows.map((r) => r.text.district || '').filter(Boolean))];
  const districtText = districtTexts[0] ?? rows[0]!.row.section ?? '';
  if (districtTexts.length > 1) issues.push(error('district', 'ledger.issue.duplicateName', { name, rows: rowNumbers.join('、') }));
  let district: string | null = null;
  if (districtText) {
    district = resolver.district(districtText);
    if (!district) issues.push(error('district', 'ledger.issue.districtUnknown', { value: districtText }));
  }

  const figures = {} as Record<(typeof PROJECT_FIELDS)[number], Yuan | null>;
  for (const field of PROJECT_FIELDS) figures[field] = projectAmount(rows, field);

  // Lines: one per bank row; a row without a bank only carries project figures.
  const lineRows = rows.filter((r) => r.bankId !== null);
  const seenBanks = new Map<string, number>();
  for (const r of lineRows) {
    const earlier = seenBanks.get(r.bankId!);
    if (earlier !== undefined) issues.push(error('bank', 'ledger.issue.duplicateRow', { name, row: earlier, bank: r.text.bank ?? '' }));
    else seenBanks.set(r.bankId!, r.row.rowNumber);
  }
  if (rows.length > 1 && lineRows.length < rows.length && !rows.some((r) => r.text.bank)) {
    issues.push(error('name', 'ledger.issue.duplicateName', { name, rows: rowNumbers.join('、') }));
  }

  const stageText = firstText(rows, 'stage');
  let stageWord: { stage: StageId | null; flag: OffFlowFlag | null } | null = null;
  if (stageText) {
    stageWord = resolver.stage(stageText);
    if (!stageWord) issues.push(error('stage', 'ledger.issue.stageUnknown', { value: stageText }));
  }

  const match = name ? ctx.matcher.match(name, creditCode) : null;
  if (match && 'ambiguous' in match) issues.push(error('name', 'ledger.issue.ambiguousMatch', { name }));
  const existing = match && 'doc' in match ? match.doc : null;
  const current = existing?.data ?? null;

  if (!name) issues.push(error('name', 'ledger.issue.nameMissing'));
  if (!current) {
    if (!ownerName) issues.push(error('ownerName', 'ledger.issue.ownerMissing'));
    if (!district && !districtText) issues.push(error('district', 'ledger.issue.districtMissing'));
  }
  for (const check of [
    tooLong('name', name, TEXT_LIMITS.name),
    tooLong('ownerName', ownerName, TEXT_LIMITS.name),
    tooLong('sector', firstText(rows, 'sector'), TEXT_LIMITS.place),
    tooLong('responsibleUnit', firstText(rows, 'responsibleUnit'), TEXT_LIMITS.party),
    tooLong('responsiblePerson', firstText(rows, 'responsiblePerson'), TEXT_LIMITS.person),
  ]) {
    if (check) issues.push(check);
  }

  // The project as the ledger says it, field by field (only the columns the sheet has).
  const fields: NonNullable<LedgerImportInput['fields']> = {};
  const changes: FieldChange[] = [];
  const setField = <K extends keyof typeof fields>(field: K, value: NonNullable<(typeof fields)[K]>, before: unknown, show: (v: unknown) => string | number | null = (v) => (v as string | number | null) ?? null) => {
    const same = deepEqual(before ?? null, value);
    if (!current || !same) {
      (fields as Record<string, unknown>)[field] = value;
      if (current) changes.push({ field, before: show(before), after: show(value) });
    }
  };
  if (name) setField('name', name, current?.name);
  if (mapped.has('ownerName') || mapped.has('creditCode') || mapped.has('ownerType') || !current) {
    const ownerTypeText = firstText(rows, 'ownerType');
    const type = wordOf(ownerTypeText, OWNER_TYPE_WORDS) ?? current?.owner.type ?? wordOf(ownerName, OWNER_TYPE_WORDS) ?? 'soe';
    const owner = {
      name: (mapped.has('ownerName') && ownerName) || current?.owner.name || ownerName,
      creditCode: mapped.has('creditCode') ? creditCode : (current?.owner.creditCode ?? null),
      type,
    };
    setField('owner', owner, current?.owner, (v) => (v as { name: string }).name + ((v as { creditCode: string | null }).creditCode ? `（${(v as { creditCode: string }).creditCode}）` : ''));
  }
  if (district) setField('district', district, current?.district);
  const sector = tidyText(firstText(rows, 'sector'));
  if (sector || !current) setField('sector', sector || '其他', current?.sector);
  if (mapped.has('buildStatus') || !current) {
    const build = wordOf(firstText(rows, 'buildStatus'), BUILD_STATUS_WORDS) ?? current?.buildStatus ?? 'preparation';
    setField('buildStatus', build, current?.buildStatus);
  }
  for (const field of PROJECT_FIELDS) {
    const value = figures[field];
    if (value !== null || !current) setField(field, value ?? 0, current?.[field]);
  }
  const needTotal = fields.needTotal ?? current?.needTotal ?? 0;
  const needThisYear = fields.needThisYear ?? current?.needThisYear ?? 0;
  if (needThisYear > needTotal) issues.push(error('needThisYear', 'ledger.issue.needThisYearOverTotal', { needThisYear, needTotal }));
  for (const field of ['responsibleUnit', 'responsiblePerson'] as const) {
    if (mapped.has(field)) setField(field, tidyText(firstText(rows, field)), current?.[field]);
  }
  if (mapped.has('expectedMonth')) {
    const month = rows.map((r) => r.expectedMonth).find((m) => m !== null) ?? null;
    if (month !== null || !current) setField('expectedMonth', month as IsoMonth, current?.expectedMonth);
  }
  // The main bank is the first bank row; an existing lead bank that the ledger still names stays.
  const ledgerBanks = lineRows.map((r) => r.bankId!);
  const keepsLead = current?.leadBankId ? ledgerBanks.includes(current.leadBankId) : false;
  const leadBankId = keepsLead ? current!.leadBankId : (ledgerBanks[0] ?? null);
  if (leadBankId) setField('leadBankId', leadBankId, current?.leadBankId, (v) => (v ? (ctx.bankNames.get(String(v)) ?? String(v)) : null));

  // Loan lines, set to what the ledger says; a figure the ledger leaves empty keeps the stored one.
  const existingLines = existing ? (ctx.linesByProject.get(existing.id) ?? []) : [];
  const lines: LedgerImportLine[] = [];
  const simulated: { bankId: string; requested: Yuan; approved: Yuan | null; disbursed: Yuan }[] = existingLines.map((l) => ({
    bankId: l.doc.data.bankId,
    requested: l.doc.data.status === 'declined' ? 0 : l.doc.data.requested,
    approved: l.doc.data.approved,
    disbursed: l.disbursed,
  }));
  const single = lineRows.length === 1;
  for (const r of lineRows) {
    if (seenBanks.get(r.bankId!) !== r.row.rowNumber) continue;
    const bankName = ctx.bankNames.get(r.bankId!) ?? r.bankId!;
    const known = existingLines.find((l) => l.doc.data.bankId === r.bankId && l.doc.data.status !== 'declined') ?? existingLines.find((l) => l.doc.data.bankId === r.bankId);
    const requestedCell = r.amounts.requested ?? null;
    const approvedCell = r.amounts.approved ?? null;
    const disbursedCell = r.amounts.disbursed ?? null;
    const line: LedgerImportLine = { bankId: r.bankId!, requested: null, approved: null, approvedDate: null, disbursed: null, disbursedDate: null };
    const was = known?.doc.data;
    // A bank named on an existing project with no figures of its own only says who leads.
    if (!known && existing && requestedCell === null && approvedCell === null && disbursedCell === null) continue;
    const requested = requestedCell ?? (known ? null : ((single ? (figures.needTotal ?? null) : null) ?? approvedCell ?? 0));
    if (requested !== null && (!was || was.requested !== requested)) {
      line.requested = requested;
      if (was) changes.push({ field: `line.${bankName}.requested`, before: was.requested, after: requested });
    }
    let approvedDate = r.approvedDate;
    if (approvedDate && approvedDate > ctx.today) issues.push(error('approvedDate', 'ledger.issue.dateFuture', { value: approvedDate, today: ctx.today }));
    if (approvedCell !== null) {
      if (!approvedDate) {
        approvedDate = was?.approvedDate ?? ctx.assumedDate;
        if (!was?.approvedDate) issues.push(warning('approvedDate', 'ledger.issue.approvedDateAssumed', { date: approvedDate }));
      } else if (r.approvedDatePrecision === 'month') {
        // 2026.03 for an approval recorded on 2026-03-18 is the same approval.
        if (was?.approvedDate?.startsWith(approvedDate.slice(0, 7))) approvedDate = was.approvedDate;
        else issues.push(warning('approvedDate', 'ledger.issue.approvedDateMonth', { date: approvedDate }));
      }
      if (!was || was.approved !== approvedCell || was.approvedDate !== approvedDate) {
        if (ctx.closedThrough !== null && approvedDate.slice(0, 7) <= ctx.closedThrough) {
          // A closed month's figures were reported: an approval dated in it cannot be recorded now.
          issues.push(error('approvedDate', 'errors.month.closedPeriod', { date: approvedDate, month: approvedDate.slice(0, 7), closed: ctx.closedThrough }));
        }
        line.approved = approvedCell;
        line.approvedDate = approvedDate;
        if (was) changes.push({ field: `line.${bankName}.approved`, before: was.approved, after: approvedCell });
      }
    }
    const approved = approvedCell ?? was?.approved ?? null;
    const alreadyDisbursed = known?.disbursed ?? 0;
    if (disbursedCell !== null && disbursedCell !== alreadyDisbursed) {
      if (disbursedCell < alreadyDisbursed) {
        issues.push(error('disbursed', 'ledger.issue.disbursedBelowRecorded', { disbursed: disbursedCell, recorded: alreadyDisbursed }));
      } else if (approved === null || approved === 0) {
        issues.push(error('disbursed', 'ledger.issue.disbursedWithoutApproval', { bank: bankName }));
      } else if (disbursedCell > approved) {
        issues.push(error('disbursed', 'ledger.issue.disbursedOverApproved', { disbursed: disbursedCell, approved }));
      } else {
        const floor = line.approvedDate ?? was?.approvedDate ?? ctx.assumedDate;
        const lastTranche = was?.tranches.map((t) => t.date).sort().pop() ?? floor;
        const date = [ctx.assumedDate, floor, lastTranche].sort().pop()!;
        line.disbursed = disbursedCell;
        line.disbursedDate = date > ctx.today ? ctx.today : date;
        if (ctx.closedThrough !== null && line.disbursedDate.slice(0, 7) <= ctx.closedThrough) {
          issues.push(error('disbursed', 'errors.month.closedPeriod', { date: line.disbursedDate, month: line.disbursedDate.slice(0, 7), closed: ctx.closedThrough }));
        }
        issues.push(warning('disbursed', 'ledger.issue.trancheAssumed', { amount: disbursedCell - alreadyDisbursed, date: line.disbursedDate }));
        if (was) changes.push({ field: `line.${bankName}.disbursed`, before: alreadyDisbursed, after: disbursedCell });
      }
    }
    if (approved !== null && approved < (disbursedCell ?? alreadyDisbursed)) {
      issues.push(error('approved', 'ledger.issue.approvedBelowDisbursed', { approved, disbursed: disbursedCell ?? alreadyDisbursed }));
    }
    if (!was) changes.push({ field: `line.${bankName}`, before: null, after: requested ?? 0 });
    const changed = !was || line.requested !== null || line.approved !== null || line.disbursed !== null;
    if (changed) lines.push(line);
    const sim = simulated.find((s) => s.bankId === r.bankId);
    const next = { bankId: r.bankId!, requested: line.requested ?? was?.requested ?? 0, approved, disbursed: line.disbursed ?? alreadyDisbursed };
    if (sim) Object.assign(sim, next);
    else simulated.push(next);
  }

  // Difficulties: each line of 存在问题 not already open on the project becomes a blocker.
  const openDescriptions = new Set((current?.blockers ?? []).filter((b) => b.resolvedAt === null).map((b) => compactText(b.description)));
  const problemText = rows.filter((r) => !r.row.continued.has('problems')).map((r) => r.text.problems ?? '').filter(Boolean).join('\n');
  const party = tidyText(firstText(rows, 'responsibleUnit')) || current?.responsibleUnit || ownerName || current?.owner.name || '项目业主';
  const blockers: { tag: BlockerTag; description: string; party: string }[] = [];
  for (const { raw, problem } of splitProblems(problemText)) {
    const description = problem.slice(0, TEXT_LIMITS.description);
    if (openDescriptions.has(compactText(raw)) || openDescriptions.has(compactText(description))) continue;
    if (blockers.some((b) => b.description === description)) continue;
    blockers.push({ tag: resolver.blockerTag(description), description, party: party.slice(0, TEXT_LIMITS.party) });
    changes.push({ field: 'blocker', before: null, after: description });
  }

  // The stage: the ledger's word, else what its figures show (a new project), through the board's gates.
  const sums = simulated.reduce(
    (s, l) => ({ requested: s.requested + l.requested, approved: s.approved + (l.approved ?? 0), disbursed: s.disbursed + l.disbursed }),
    { requested: 0, approved: 0, disbursed: 0 },
  );
  let stage: StageId | null = null;
  let flag: OffFlowFlag | null | undefined;
  if (stageWord) {
    stage = stageWord.stage ?? current?.stage ?? inferredStage(sums.approved, sums.disbursed, simulated.length > 0, needTotal);
    flag = stageWord.flag;
  } else if (!current) {
    stage = inferredStage(sums.approved, sums.disbursed, simulated.length > 0, needTotal);
    flag = null;
  }
  if (stage !== null) {
    const from: StageId = current?.stage ?? 'pipeline';
    const gateProject = {
      stage: from,
      flag: null,
      needTotal,
      leadBankId: fields.leadBankId ?? current?.leadBankId ?? null,
      clearance: { matched: sums.requested, approved: sums.approved, disbursed: sums.disbursed },
    } as unknown as Project;
    const refusal = stage === from ? null : checkStageGate(gateProject, stage);
    if (refusal) issues.push(error('stage', refusal.messageKey, { ...refusal.params, value: stageText || stage }));
  }
  if (current && stage === current.stage) stage = null;
  if (current && flag !== undefined && flag === current.flag) flag = undefined;
  if (current && stage !== null) changes.push({ field: 'stage', before: current.stage, after: stage });
  if (current && flag !== undefined) changes.push({ field: 'flag', before: current.flag, after: flag });

  if (lineRows.length > LEDGER_MAX_LINES) issues.push(error('bank', 'ledger.issue.tooManyBanks', { count: lineRows.length, max: LEDGER_MAX_LINES }));
  if (blockers.length > LEDGER_MAX_BLOCKERS) issues.push(error('problems', 'ledger.issue.tooManyProblems', { count: blockers.length, max: LEDGER_MAX_BLOCKERS }));
  if (rowNumbers.length > LEDGER_MAX_ROWS) issues.push(error('name', 'ledger.issue.tooManyRows', { count: rowNumbers.length, max: LEDGER_MAX_ROWS }));
  const hasError = issues.some((issue) => issue.severity === 'error');
  const outcome: ProjectOutcome = hasError ? 'error' : !current ? 'create' : changes.length === 0 ? 'unchanged' : 'update';
  const projectFigures: ProjectFigures = {
    totalInvestment: figures.totalInvestment ?? 0,
    needTotal: figures.needTotal ?? 0,
    needThisYear: figures.needThisYear ?? 0,
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
    // The command's own validation, so that the preview refuses what applying would refuse.
    try {
      parseCommandPayload('ledger.importProject', command);
    } catch (refusal) {
      if (!(refusal instanceof DomainError)) throw refusal;
      const fieldErrors = refusal.fieldErrors.length > 0 ? refusal.fieldErrors : [{ path: '', messageKey: refusal.messageKey, params: refusal.params }];
      for (const fieldError of fieldErrors) {
        issues.push(error(fieldOfPath(fieldError.path), fieldError.messageKey, { ...(fieldError.params ?? {}), path: fieldError.path }));
      }
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
    figures: projectFigures,
    command,
  };
}

/** The ledger field a payload path speaks of (fields.owner.name → ownerName), for the row's reason. */
function fieldOfPath(path: string): LedgerField | null {
  const [head, second, third] = path.split('.');
  if (head === 'fields') {
    if (second === 'owner') return third === 'creditCode' ? 'creditCode' : third === 'type' ? 'ownerType' : 'ownerName';
    if (second === 'leadBankId') return 'bank';
    return (second as LedgerField | undefined) ?? null;
  }
  if (head === 'lines') return third === 'approvedDate' ? 'approvedDate' : third === 'disbursed' || third === 'disbursedDate' ? 'disbursed' : third === 'approved' ? 'approved' : third === 'requested' ? 'requested' : 'bank';
  if (head === 'blockers') return 'problems';
  if (head === 'stage' || head === 'flag') return 'stage';
  return null;
}

function unitsOf(header: LedgerHeader, mapping: ColumnMapping): Partial<Record<AmountField, LedgerUnit>> {
  const units: Partial<Record<AmountField, LedgerUnit>> = {};
  for (const [field, columns] of columnsByField(mapping)) {
    const column = header.columns.find((c) => c.index === columns[0]);
    if (column?.unit && (AMOUNT_FIELDS as readonly string[]).includes(field)) units[field as AmountField] = column.unit;
  }
  return units;
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
  if (!mapped.has('name')) mappingIssues.push(error('name', 'ledger.mapping.nameMissing'));
  for (const [field, columns] of byField) {
    if (columns.length > 1) mappingIssues.push(error(field, 'ledger.mapping.fieldTwice', { field, columns: columns.length }));
  }

  const workspaceDistricts = [...new Set(workspace.projects.map((doc) => doc.data.district))];
  const resolver = buildResolver(vocabulary, workspace.banks, workspaceDistricts);
  const units = unitsOf(header, mapping);
  const linesByProject = new Map<string, ExistingLine[]>();
  for (const doc of workspace.lines) {
    linesByProject.set(doc.data.projectId, [...(linesByProject.get(doc.data.projectId) ?? []), { doc, disbursed: lineDisbursed(doc.data) }]);
  }
  // A date the ledger does not give (an approval's, a catch-up tranche's) is the end of the month it
  // is as of, or the first day after the latest closed month when that month is closed, never after today.
  const closedThrough = workspace.closedThrough ?? null;
  const asOfEnd = sorted.asOfMonth ? endOfMonth(sorted.asOfMonth) : options.today;
  const firstOpenDay = closedThrough ? `${addMonths(closedThrough, 1)}-01` : null;
  const assumedBase = firstOpenDay && firstOpenDay > asOfEnd ? firstOpenDay : asOfEnd;
  const ctx: GroupContext = {
    resolver,
    mapped,
    matcher: buildMatcher(workspace.projects),
    linesByProject,
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
      orphanIssues.set(row.rowNumber, [...parsed.issues, error('name', 'ledger.issue.nameMissing')]);
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

  const totals: TotalsComparison[] = [];
  const totalsRow = sorted.totals;
  for (const field of AMOUNT_FIELDS) {
    if (!mapped.has(field)) continue;
    let ledger: Yuan | null = null;
    if (totalsRow && field in totalsRow.cells) {
      const parsed = parseAmount((totalsRow.cells[field] ?? null) as CellScalar, units[field] ?? unit);
      ledger = parsed.ok ? parsed.yuan : null;
    }
    const sum = (list: readonly PreviewProject[]) => list.reduce((s, p) => s + p.figures[field], 0);
    const rowsSum = sum(projects);
    const tolerance = LEDGER_UNITS[units[field] ?? unit] * 0.005;
    totals.push({
      field,
      ledger,
      rows: rowsSum,
      importable: sum(projects.filter((p) => p.outcome !== 'error')),
      agrees: ledger === null ? null : Math.abs(ledger - rowsSum) <= tolerance,
    });
  }

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
    totals,
    totalsRowNumber: totalsRow?.rowNumber ?? null,
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
