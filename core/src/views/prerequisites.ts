/**
 * The prerequisites checklist 要件 as the drawer shows it: one group per stage a group opens (尽调,
 * 审批, 投放), in that order, each with how many of its documents are obtained, and the group that
 * gates the project's next stage marked.
 */
import { PREREQUISITE_GROUPS, nextStage, stageOpenedBy } from '../stages';
import type { PrereqKey, Prerequisite, StageId } from '../types';

export type PrerequisiteGroupId = keyof typeof PREREQUISITE_GROUPS;

export interface PrerequisiteGroupView {
  id: PrerequisiteGroupId;
  /** The stage the group's documents open. */
  opens: StageId;
  keys: readonly PrereqKey[];
  /** Documents obtained 已取得. */
  done: number;
  total: number;
  /** The group stands between the project and its next stage. */
  gatesNext: boolean;
}

const GROUP_ORDER: readonly PrerequisiteGroupId[] = ['diligence', 'approval', 'disburse'];

export function prerequisiteGroups(prerequisites: Record<PrereqKey, Pick<Prerequisite, 'status'>>, stage: StageId): PrerequisiteGroupView[] {
  const upcoming = nextStage(stage);
  return GROUP_ORDER.map((id) => {
    const keys = PREREQUISITE_GROUPS[id];
    const opens = stageOpenedBy(keys[0]!);
    return {
      id,
      opens,
      keys,
      done: keys.filter((key) => prerequisites[key]?.status === 'done').length,
      total: keys.length,
      gatesNext: opens === upcoming,
    };
  });
}
