/**
 * Who a ledger's project is, from its rows (they share one name): its name, owner and credit
 * code, its district, its bank rows, the stage word it uses, and the existing project it matches.
 * Every reason it cannot be told apart or placed is added to the project's issues.
 */
import { isValidCreditCode } from '../creditCode';
import type { StoredDoc } from '../store/documentStore';
import type { IsoDate, IsoMonth, OffFlowFlag, Project, StageId } from '../types';
import { TEXT_LIMITS } from '../commands/schemas';
import type { LedgerField } from './columns';
import type { ExistingLine, Matcher, ProjectMatch } from './matching';
import type { ParsedRow } from './parsedRow';
import { firstText } from './parsedRow';
import type { RowIssue } from './previewTypes';
import { rowError } from './previewTypes';
import { tidyText } from './values';
import type { Resolver } from './vocabulary';

/** What every project of one preview is read against. */
export interface DraftContext {
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

export interface ProjectIdentity {
  name: string;
  rowNumbers: number[];
  ownerName: string;
  creditCode: string | null;
  /** The workspace's district the ledger's word names; null when it names none or an unknown one. */
  district: string | null;
  /** The rows that name a bank: one loan line each. */
  lineRows: ParsedRow[];
  /** The first row of each bank (a second row of the same bank is an error). */
  seenBanks: Map<string, number>;
  stageText: string;
  stageWord: { stage: StageId | null; flag: OffFlowFlag | null } | null;
  match: ProjectMatch;
  existing: StoredDoc<Project> | null;
  current: Project | null;
}

function tooLong(field: LedgerField, value: string, max: number): RowIssue | null {
  return value.length > max ? rowError(field, 'ledger.issue.tooLong', { max, value: value.slice(0, 20) }) : null;
}

export function identifyProject(rows: readonly ParsedRow[], ctx: DraftContext, issues: RowIssue[]): ProjectIdentity {
  const { resolver } = ctx;
  const name = tidyText(firstText(rows, 'name'));
  const rowNumbers = rows.map((r) => r.row.rowNumber);

  const ownerName = firstText(rows, 'ownerName');
  const creditCodeText = firstText(rows, 'creditCode').toUpperCase();
  const creditCode = creditCodeText && !/^[-—/无]+$/.test(creditCodeText) ? creditCodeText : null;
  if (creditCode && !isValidCreditCode(creditCode)) issues.push(rowError('creditCode', 'ledger.issue.creditCodeInvalid', { value: creditCode }));

  const districtTexts = [...new Set(rows.map((r) => r.text.district || '').filter(Boolean))];
  const districtText = districtTexts[0] ?? rows[0]!.row.section ?? '';
  if (districtTexts.length > 1) issues.push(rowError('district', 'ledger.issue.duplicateName', { name, rows: rowNumbers.join('、') }));
  let district: string | null = null;
  if (districtText) {
    district = resolver.district(districtText);
    if (!district) issues.push(rowError('district', 'ledger.issue.districtUnknown', { value: districtText }));
  }

  // Lines: one per bank row; a row without a bank only carries project figures.
  const lineRows = rows.filter((r) => r.bankId !== null);
  const seenBanks = new Map<string, number>();
  for (const r of lineRows) {
    const earlier = seenBanks.get(r.bankId!);
    if (earlier !== undefined) issues.push(rowError('bank', 'ledger.issue.duplicateRow', { name, row: earlier, bank: r.text.bank ?? '' }));
    else seenBanks.set(r.bankId!, r.row.rowNumber);
  }
  if (rows.length > 1 && lineRows.length < rows.length && !rows.some((r) => r.text.bank)) {
    issues.push(rowError('name', 'ledger.issue.duplicateName', { name, rows: rowNumbers.join('、') }));
  }

  const stageText = firstText(rows, 'stage');
  let stageWord: ProjectIdentity['stageWord'] = null;
  if (stageText) {
    stageWord = resolver.stage(stageText);
    if (!stageWord) issues.push(rowError('stage', 'ledger.issue.stageUnknown', { value: stageText }));
  }

  const match = name ? ctx.matcher.match(name, creditCode) : null;
  if (match && 'ambiguous' in match) issues.push(rowError('name', 'ledger.issue.ambiguousMatch', { name }));
  const existing = match && 'doc' in match ? match.doc : null;
  const current = existing?.data ?? null;

  if (!name) issues.push(rowError('name', 'ledger.issue.nameMissing'));
  if (!current) {
    if (!ownerName) issues.push(rowError('ownerName', 'ledger.issue.ownerMissing'));
    if (!district && !districtText) issues.push(rowError('district', 'ledger.issue.districtMissing'));
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
  return { name, rowNumbers, ownerName, creditCode, district, lineRows, seenBanks, stageText, stageWord, match, existing, current };
}
