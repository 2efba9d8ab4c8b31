/**
 * The stage a project lands on: the ledger's word, else (a new project) what its figures show,
 * through the board's own gates with the lines as they would stand after the import.
 */
import { checkStageGate } from '../stages';
import type { OffFlowFlag, Project, StageId, Yuan } from '../types';
import type { SimulatedLine } from './loanLines';
import type { ImportFields } from './projectFields';
import type { FieldChange, RowIssue } from './previewTypes';
import { rowError } from './previewTypes';
import type { ProjectIdentity } from './projectIdentity';

/** The stage a ledger's figures show when it names none. */
function inferredStage(approved: Yuan, disbursed: Yuan, hasBank: boolean, need: Yuan): StageId {
  if (approved > 0 && disbursed >= approved) return 'disbursed';
  if (disbursed > 0) return 'disbursing';
  if (approved > 0) return 'approved';
  if (hasBank && need > 0) return 'matched';
  return 'pipeline';
}

export interface StageDraft {
  /** The stage to set; null keeps the project's. */
  stage: StageId | null;
  /** The flag to set (null clears it); undefined keeps it. */
  flag: OffFlowFlag | null | undefined;
}

export function draftStage(
  identity: ProjectIdentity,
  fields: ImportFields,
  simulated: readonly SimulatedLine[],
  needTotal: Yuan,
  issues: RowIssue[],
  changes: FieldChange[],
): StageDraft {
  const { current, stageWord, stageText } = identity;
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
    if (refusal) issues.push(rowError('stage', refusal.messageKey, { ...refusal.params, value: stageText || stage }));
  }
  if (current && stage === current.stage) stage = null;
  if (current && flag !== undefined && flag === current.flag) flag = undefined;
  if (current && stage !== null) changes.push({ field: 'stage', before: current.stage, after: stage });
  if (current && flag !== undefined) changes.push({ field: 'flag', before: current.flag, after: flag });
  return { stage, flag };
}
