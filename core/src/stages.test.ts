import { describe, expect, it } from 'vitest';
import { emptyClearance } from './defaults';
import { PREREQ_KEYS, STAGE_IDS } from './types';
import type { StageId } from './types';
import {
  PREREQUISITE_GROUPS,
  STAGES,
  checkStageGate,
  isStageId,
  nextStage,
  prerequisitesToEnter,
  previousStage,
  stageIndex,
  stageOpenedBy,
} from './stages';
import { makeProject } from './testing/ruleFixtures';

describe('stages', () => {
  it('lists the seven columns in order', () => {
    expect(STAGES.map((s) => s.id)).toEqual([...STAGE_IDS]);
    expect(STAGES.map((s) => s.index)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(stageIndex('approved')).toBe(4);
    expect(nextStage('pipeline')).toBe('matched');
    expect(nextStage('disbursed')).toBeNull();
    expect(previousStage('pipeline')).toBeNull();
    expect(previousStage('matched')).toBe('pipeline');
    expect(isStageId('approval')).toBe(true);
    expect(isStageId('archived')).toBe(false);
    expect(() => stageIndex('nope' as StageId)).toThrow(/errors.stage.unknown/);
  });

  it('groups every prerequisite exactly once', () => {
    const all = [...PREREQUISITE_GROUPS.diligence, ...PREREQUISITE_GROUPS.approval, ...PREREQUISITE_GROUPS.disburse];
    expect([...all].sort()).toEqual([...PREREQ_KEYS].sort());
    for (const key of PREREQUISITE_GROUPS.approval) expect(stageOpenedBy(key)).toBe('approval');
    expect(stageOpenedBy('businessLicence')).toBe('diligence');
    expect(stageOpenedBy('supervisedAccount')).toBe('disbursing');
  });

  it('names the prerequisites to enter each stage', () => {
    expect(prerequisitesToEnter('diligence')).toEqual(PREREQUISITE_GROUPS.diligence);
    expect(prerequisitesToEnter('approval')).toEqual(PREREQUISITE_GROUPS.approval);
    expect(prerequisitesToEnter('disbursing')).toEqual(PREREQUISITE_GROUPS.disburse);
    for (const stage of ['pipeline', 'matched', 'approved', 'disbursed'] as const) expect(prerequisitesToEnter(stage)).toEqual([]);
    prerequisitesToEnter('diligence').push('land');
    expect(PREREQUISITE_GROUPS.diligence).not.toContain('land');
  });
});

function withMoney(money: Partial<ReturnType<typeof emptyClearance>>) {
  return { ...emptyClearance(), ...money };
}

describe('checkStageGate', () => {
  it('lets a project reorder in its column and move backwards freely', () => {
    const p = makeProject({ stage: 'approved', leadBankId: null, needTotal: 0 });
    expect(checkStageGate(p, 'approved')).toBeNull();
    expect(checkStageGate(p, 'pipeline')).toBeNull();
    expect(checkStageGate(p, 'matched')).toBeNull();
  });

  it('needs quantified demand and a lead bank to enter 推介对接', () => {
    expect(checkStageGate(makeProject({ needTotal: 0 }), 'matched')?.messageKey).toBe('errors.gate.needMissing');
    const error = checkStageGate(makeProject({ leadBankId: null }), 'matched');
    expect(error?.code).toBe('failed-precondition');
    expect(error?.messageKey).toBe('errors.gate.leadBankMissing');
    expect(error?.params.stage).toBe('matched');
    expect(checkStageGate(makeProject(), 'matched')).toBeNull();
  });

  it('needs a loan line to enter due diligence and approval', () => {
    const p = makeProject({ stage: 'matched' });
    expect(checkStageGate(p, 'diligence')?.messageKey).toBe('errors.gate.loanLineMissing');
    const withLine = makeProject({ stage: 'matched', clearance: withMoney({ matched: 1 }) });
    expect(checkStageGate(withLine, 'diligence')).toBeNull();
    expect(checkStageGate(withLine, 'approval')).toBeNull();
  });

  it('needs an approved amount to enter 已审批待投放', () => {
    const p = makeProject({ stage: 'approval', clearance: withMoney({ matched: 10 }) });
    expect(checkStageGate(p, 'approved')?.messageKey).toBe('errors.gate.approvedAmountMissing');
    expect(checkStageGate({ ...p, clearance: withMoney({ matched: 10, approved: 10 }) }, 'approved')).toBeNull();
  });

  it('needs a tranche to enter 投放中 and everything drawn to enter 已投放', () => {
    const approved = makeProject({ stage: 'approved', clearance: withMoney({ matched: 10, approved: 200_000 }) });
    expect(checkStageGate(approved, 'disbursing')?.messageKey).toBe('errors.gate.trancheMissing');
    const partly = { ...approved, clearance: withMoney({ matched: 10, approved: 200_000, disbursed: 50_000 }) };
    expect(checkStageGate(partly, 'disbursing')).toBeNull();
    const notAll = checkStageGate({ ...partly, stage: 'disbursing' }, 'disbursed');
    expect(notAll?.messageKey).toBe('errors.gate.notFullyDisbursed');
    expect(notAll?.params.remaining).toBe(150_000); // yuan: the web says it in the reader's language
    const all = { ...partly, stage: 'disbursing' as const, clearance: withMoney({ matched: 10, approved: 200_000, disbursed: 200_000 }) };
    expect(checkStageGate(all, 'disbursed')).toBeNull();
    expect(checkStageGate({ ...all, clearance: withMoney({}) }, 'disbursed')?.messageKey).toBe('errors.gate.notFullyDisbursed');
  });

  it('checks every gate it skips over', () => {
    const p = makeProject({ leadBankId: null, clearance: withMoney({ matched: 1, approved: 1 }) });
    expect(checkStageGate(p, 'approved')?.messageKey).toBe('errors.gate.leadBankMissing');
    const noApproval = makeProject({ clearance: withMoney({ matched: 1 }) });
    expect(checkStageGate(noApproval, 'disbursed')?.messageKey).toBe('errors.gate.approvedAmountMissing');
    const done = makeProject({ clearance: withMoney({ matched: 1, approved: 5, disbursed: 5 }) });
    expect(checkStageGate(done, 'disbursed')).toBeNull();
  });

  it('does not move off-flow projects between columns', () => {
    const p = makeProject({ stage: 'matched', flag: 'suspended' });
    const error = checkStageGate(p, 'pipeline');
    expect(error?.messageKey).toBe('errors.gate.offFlow');
    expect(error?.params.flag).toBe('suspended');
    expect(checkStageGate(p, 'matched')).toBeNull();
  });

  it('refuses an unknown stage as a bad argument', () => {
    expect(checkStageGate(makeProject(), 'archive' as StageId)?.code).toBe('invalid-argument');
  });
});
