/**
 * The editable fields of a project as the details form holds them, and the comparison that turns
 * an edit into the commands it needs (field update, reschedule, off-flow flag).
 */
import type { BuildStatus, IsoMonth, OffFlowFlag, OwnerType, Project, ProjectSource, Yuan } from '@clearway/core';

export interface ProjectDetailsValues {
  name: string;
  owner: { name: string; creditCode: string; type: OwnerType };
  district: string;
  sector: string;
  source: ProjectSource;
  buildStatus: BuildStatus;
  totalInvestment: Yuan | null;
  equityRequired: Yuan | null;
  equityPaid: Yuan | null;
  needTotal: Yuan | null;
  needThisYear: Yuan | null;
  leadBankId: string | null;
  responsibleUnit: string;
  responsiblePerson: string;
  expectedMonth: IsoMonth | null;
  flag: OffFlowFlag | null;
  flagReason: string;
}

export const MONEY_FIELDS = ['totalInvestment', 'equityRequired', 'equityPaid', 'needTotal', 'needThisYear'] as const;

export function detailsOf(project: Project): ProjectDetailsValues {
  return {
    name: project.name,
    owner: { name: project.owner.name, creditCode: project.owner.creditCode ?? '', type: project.owner.type },
    district: project.district,
    sector: project.sector,
    source: project.source,
    buildStatus: project.buildStatus,
    totalInvestment: project.totalInvestment,
    equityRequired: project.equityRequired,
    equityPaid: project.equityPaid,
    needTotal: project.needTotal,
    needThisYear: project.needThisYear,
    leadBankId: project.leadBankId,
    responsibleUnit: project.responsibleUnit,
    responsiblePerson: project.responsiblePerson,
    expectedMonth: project.expectedMonth,
    flag: project.flag,
    flagReason: '',
  };
}

/** The plain project fields a `project.update` may change. */
export type ProjectFieldPatch = Partial<
  Pick<
    Project,
    | 'name'
    | 'owner'
    | 'district'
    | 'sector'
    | 'source'
    | 'buildStatus'
    | 'totalInvestment'
    | 'equityRequired'
    | 'equityPaid'
    | 'needTotal'
    | 'needThisYear'
    | 'leadBankId'
    | 'responsibleUnit'
    | 'responsiblePerson'
  >
>;

export interface ProjectDetailsChanges {
  patch: ProjectFieldPatch;
  /** Set when the expected milestone month changed (undefined = unchanged). */
  expectedMonth?: IsoMonth | null;
  /** Set when the off-flow flag changed. */
  flag?: { flag: OffFlowFlag | null; reason: string };
}

export function diffDetails(project: Project, values: ProjectDetailsValues): ProjectDetailsChanges {
  const patch: ProjectFieldPatch = {};
  const trimmed = (text: string) => text.trim();
  if (trimmed(values.name) !== project.name) patch.name = trimmed(values.name);
  const owner = {
    name: trimmed(values.owner.name),
    creditCode: trimmed(values.owner.creditCode).toUpperCase() || null,
    type: values.owner.type,
  };
  if (owner.name !== project.owner.name || owner.creditCode !== project.owner.creditCode || owner.type !== project.owner.type) {
    patch.owner = owner;
  }
  for (const key of ['district', 'sector', 'responsibleUnit', 'responsiblePerson'] as const) {
    if (trimmed(values[key]) !== project[key]) patch[key] = trimmed(values[key]);
  }
  if (values.source !== project.source) patch.source = values.source;
  if (values.buildStatus !== project.buildStatus) patch.buildStatus = values.buildStatus;
  for (const key of MONEY_FIELDS) {
    const value = values[key];
    if (value !== null && value !== project[key]) patch[key] = value;
  }
  if (values.leadBankId !== project.leadBankId) patch.leadBankId = values.leadBankId;
  const changes: ProjectDetailsChanges = { patch };
  if (values.expectedMonth !== project.expectedMonth) changes.expectedMonth = values.expectedMonth;
  if (values.flag !== project.flag) changes.flag = { flag: values.flag, reason: trimmed(values.flagReason) };
  return changes;
}

export function hasChanges(changes: ProjectDetailsChanges): boolean {
  return Object.keys(changes.patch).length > 0 || 'expectedMonth' in changes || 'flag' in changes;
}
