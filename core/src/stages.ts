/**
 * The seven board columns of DOMAIN.md, the prerequisites 要件 that open a stage, and the move gates.
 *
 * Gates are hard facts without which a column would be a lie (no lead bank in 推介对接, no approved
 * amount in 已审批待投放, …). Prerequisites are not gates: a missing document marks the project
 * "blocked" in its clearance, but the board still records what the bank actually did.
 */
import { DomainError } from './errors';
import { STAGE_IDS } from './types';
import type { ClearanceSummary, PrereqKey, Project, StageId } from './types';

/** What the stage gates read of a project: a board card carries exactly this much. */
export type StageGateSubject = Pick<Project, 'stage' | 'flag' | 'needTotal' | 'leadBankId'> & {
  clearance: Pick<ClearanceSummary, 'matched' | 'approved' | 'disbursed'>;
};

export const STAGES: readonly { id: StageId; index: number }[] = STAGE_IDS.map((id, index) => ({ id, index }));

export function isStageId(value: unknown): value is StageId {
  return typeof value === 'string' && (STAGE_IDS as readonly string[]).includes(value);
}

export function stageIndex(id: StageId): number {
  // A scan of seven short strings beats a Map's hashing here (every derivation asks, often twice).
  let index = -1;
  for (let i = 0; i < STAGE_IDS.length; i += 1) {
    if (STAGE_IDS[i] === id) {
      index = i;
      break;
    }
  }
  if (index < 0) throw new DomainError('invalid-argument', 'errors.stage.unknown', { stage: String(id) });
  return index;
}

export function nextStage(id: StageId): StageId | null {
  return STAGE_IDS[stageIndex(id) + 1] ?? null;
}

export function previousStage(id: StageId): StageId | null {
  const index = stageIndex(id);
  return index === 0 ? null : (STAGE_IDS[index - 1] ?? null);
}

export const PREREQUISITE_GROUPS: {
  readonly diligence: readonly PrereqKey[];
  readonly approval: readonly PrereqKey[];
  readonly disburse: readonly PrereqKey[];
} = {
  diligence: ['businessLicence', 'auditReport', 'creditRecord', 'projectRegistration'],
  approval: ['feasibility', 'land', 'planning', 'environment', 'energy', 'equityPlan', 'guaranteePlan'],
  disburse: ['constructionPermit', 'equityPaidIn', 'contractSigned', 'collateralRegistered', 'supervisedAccount'],
};

/** The prerequisites that must be obtained before a project enters `stage`. */
export function prerequisitesToEnter(stage: StageId): PrereqKey[] {
  switch (stage) {
    case 'diligence':
      return [...PREREQUISITE_GROUPS.diligence];
    case 'approval':
      return [...PREREQUISITE_GROUPS.approval];
    case 'disbursing':
      return [...PREREQUISITE_GROUPS.disburse];
    default:
      return [];
  }
}

/** The stage whose entry a prerequisite gates (for grouping the checklist). */
export function stageOpenedBy(key: PrereqKey): StageId {
  if (PREREQUISITE_GROUPS.diligence.includes(key)) return 'diligence';
  if (PREREQUISITE_GROUPS.approval.includes(key)) return 'approval';
  return 'disbursing';
}

function gate(messageKey: string, toStage: StageId, params: Record<string, string | number> = {}): DomainError {
  return new DomainError('failed-precondition', messageKey, { stage: toStage, ...params });
}

/** What entering `stage` requires, read from the project's denormalised clearance and lead bank. */
function entryGate(project: StageGateSubject, stage: StageId): DomainError | null {
  const money = project.clearance;
  switch (stage) {
    case 'matched':
      if (!(project.needTotal > 0)) return gate('errors.gate.needMissing', stage);
      if (!project.leadBankId) return gate('errors.gate.leadBankMissing', stage);
      return null;
    case 'diligence':
    case 'approval':
      return money.matched > 0 ? null : gate('errors.gate.loanLineMissing', stage);
    case 'approved':
      return money.approved > 0 ? null : gate('errors.gate.approvedAmountMissing', stage);
    case 'disbursing':
      return money.disbursed > 0 ? null : gate('errors.gate.trancheMissing', stage);
    case 'disbursed':
      return money.approved > 0 && money.disbursed >= money.approved
        ? null
        : gate('errors.gate.notFullyDisbursed', stage, {
            remaining: Math.max(0, money.approved - money.disbursed),
          });
    default:
      return null;
  }
}

/**
 * Why `project` may not move to `toStage`, or null when it may. Moving backwards (or staying in
 * the column to reorder) is always allowed; moving forwards checks every stage it enters, so
 * skipping columns cannot skip their gates. Flagged (off-flow) projects cannot change column.
 */
export function checkStageGate(project: StageGateSubject, toStage: StageId): DomainError | null {
  if (!isStageId(toStage)) return new DomainError('invalid-argument', 'errors.stage.unknown', { stage: String(toStage) });
  const from = stageIndex(project.stage);
  const to = stageIndex(toStage);
  if (to === from) return null;
  if (project.flag) return gate('errors.gate.offFlow', toStage, { flag: project.flag });
  for (let i = from + 1; i <= to; i += 1) {
    const failure = entryGate(project, STAGE_IDS[i] as StageId);
    if (failure) return failure;
  }
  return null;
}
