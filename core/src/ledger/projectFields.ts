/**
 * The project's own fields as the ledger says them, only for the columns the sheet has: for a new
 * project every field (with defaults the board accepts), for an existing one only those that
 * differ, each difference shown as a change.
 */
import type { BuildStatus, IsoMonth, OwnerType, Yuan } from '../types';
import { deepEqual } from '../store/query';
import type { ParsedRow } from './parsedRow';
import { firstText, projectAmount } from './parsedRow';
import type { LedgerImportInput } from './payload';
import type { FieldChange, RowIssue } from './previewTypes';
import { rowError } from './previewTypes';
import type { DraftContext, ProjectIdentity } from './projectIdentity';
import { tidyText } from './values';

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
export const PROJECT_FIELDS = ['totalInvestment', 'needTotal', 'needThisYear'] as const;

export type ImportFields = NonNullable<LedgerImportInput['fields']>;
export type ProjectAmounts = Record<(typeof PROJECT_FIELDS)[number], Yuan | null>;

function wordOf<T>(text: string, words: readonly [RegExp, T][]): T | null {
  for (const [pattern, value] of words) if (pattern.test(text)) return value;
  return null;
}

export interface FieldsDraft {
  fields: ImportFields;
  /** The project figures the ledger gives (null: the sheet leaves them empty). */
  amounts: ProjectAmounts;
  /** 融资需求 after the import: the ledger's, else the project's. */
  needTotal: Yuan;
}

export function draftFields(rows: readonly ParsedRow[], identity: ProjectIdentity, ctx: DraftContext, issues: RowIssue[], changes: FieldChange[]): FieldsDraft {
  const { mapped } = ctx;
  const { name, ownerName, creditCode, district, current, lineRows } = identity;
  const amounts = {} as ProjectAmounts;
  for (const field of PROJECT_FIELDS) amounts[field] = projectAmount(rows, field);

  const fields: ImportFields = {};
  const setField = <K extends keyof ImportFields>(field: K, value: NonNullable<ImportFields[K]>, before: unknown, show: (v: unknown) => string | number | null = (v) => (v as string | number | null) ?? null) => {
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
    const value = amounts[field];
    if (value !== null || !current) setField(field, value ?? 0, current?.[field]);
  }
  const needTotal = fields.needTotal ?? current?.needTotal ?? 0;
  const needThisYear = fields.needThisYear ?? current?.needThisYear ?? 0;
  if (needThisYear > needTotal) issues.push(rowError('needThisYear', 'ledger.issue.needThisYearOverTotal', { needThisYear, needTotal }));
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
  return { fields, amounts, needTotal };
}
