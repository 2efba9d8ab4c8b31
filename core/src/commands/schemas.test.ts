import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors';
import { MAX_YUAN } from '../money';
import type { FieldError } from '../errors';
import { COMMAND_NAMES } from './contract';
import type { CommandName } from './contract';
import { COMMAND_SCHEMAS, parseCommandPayload, TEXT_LIMITS } from './schemas';

function refusal(name: CommandName, payload: unknown): DomainError {
  try {
    parseCommandPayload(name, payload);
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    const domainError = error as DomainError;
    expect(domainError.code).toBe('invalid-argument');
    expect(domainError.messageKey).toBe('errors.validation');
    return domainError;
  }
  throw new Error(`payload was accepted: ${JSON.stringify(payload)}`);
}

function fieldErrors(name: CommandName, payload: unknown): FieldError[] {
  return refusal(name, payload).fieldErrors;
}

const minimalProject = {
  name: ' 城南污水处理厂 ',
  owner: { name: '城投集团', type: 'platform' },
  district: '城南区',
  sector: '水务',
  source: 'matchmaking',
  buildStatus: 'new',
  needTotal: 300_000_000,
};

const approval = { lineId: 'l1', expectedVersion: 3, approved: 100_000_000, approvedDate: '2026-02-01' };

describe('command schemas', () => {
  it('has a schema for every command', () => {
    expect(Object.keys(COMMAND_SCHEMAS).sort()).toEqual([...COMMAND_NAMES].sort());
  });

  it('accepts a minimal project, trims text and fills the defaults', () => {
    expect(parseCommandPayload('project.create', minimalProject)).toEqual({
      ...minimalProject,
      name: '城南污水处理厂',
      owner: { name: '城投集团', type: 'platform', creditCode: null },
      totalInvestment: 0,
      equityRequired: 0,
      equityPaid: 0,
      needThisYear: 0,
      leadBankId: null,
      responsibleUnit: '',
      responsiblePerson: '',
      stage: 'pipeline',
      expectedMonth: null,
      actionPlan: '',
    });
  });

  it('says which fields are missing, including nested ones, and which are blank', () => {
    const { name: _name, owner: _owner, ...rest } = minimalProject;
    expect(fieldErrors('project.create', { ...rest, owner: { type: 'soe' }, district: '   ' })).toEqual([
      { path: 'name', messageKey: 'errors.field.required' },
      { path: 'owner.name', messageKey: 'errors.field.required' },
      { path: 'district', messageKey: 'errors.field.required' },
    ]);
  });

  it('refuses text over its limit with the limit', () => {
    expect(fieldErrors('project.create', { ...minimalProject, name: '项'.repeat(TEXT_LIMITS.name + 1) })).toEqual([
      { path: 'name', messageKey: 'errors.field.tooLong', params: { max: TEXT_LIMITS.name } },
    ]);
    expect(parseCommandPayload('project.create', { ...minimalProject, name: ` ${'项'.repeat(TEXT_LIMITS.name)} ` }).name).toHaveLength(
      TEXT_LIMITS.name,
    );
  });

  it('takes money as integer yuan, never negative, fractional, NaN or text', () => {
    const key = (approved: unknown) => fieldErrors('line.recordApproval', { ...approval, approved })[0]?.messageKey;
    expect(key(-1)).toBe('errors.money.negative');
    expect(key(1.5)).toBe('errors.money.notInteger');
    expect(key(-1.5)).toBe('errors.money.negative');
    expect(fieldErrors('line.recordApproval', { ...approval, approved: -1.5 })).toHaveLength(1);
    expect(key(1e18)).toBe('errors.money.tooLarge');
    expect(key(Number.NaN)).toBe('errors.money.invalid');
    expect(key(Number.POSITIVE_INFINITY)).toBe('errors.money.invalid');
    expect(key('2600')).toBe('errors.money.invalid');
    expect(key(null)).toBe('errors.money.invalid');
    expect(fieldErrors('line.recordApproval', { ...approval, approved: 2e15 })[0]).toMatchObject({
      messageKey: 'errors.money.tooLarge',
      params: { maxAmount: MAX_YUAN },
    });
    expect(parseCommandPayload('line.recordApproval', { ...approval, approved: 0 }).approved).toBe(0);
  });

  it('needs a tranche or a contract of more than zero', () => {
    const tranche = { lineId: 'l1', expectedVersion: 1, date: '2026-02-01', amount: 0 };
    expect(fieldErrors('line.addTranche', tranche)).toEqual([{ path: 'amount', messageKey: 'errors.money.zero' }]);
    expect(fieldErrors('line.recordContract', { lineId: 'l1', expectedVersion: 1, contractDate: '2026-02-01', contracted: 0 })).toEqual([
      { path: 'contracted', messageKey: 'errors.money.zero' },
    ]);
  });

  it('checks calendar days and months', () => {
    const dateKey = (approvedDate: unknown) => fieldErrors('line.recordApproval', { ...approval, approvedDate })[0]?.messageKey;
    expect(dateKey('2026-02-30')).toBe('errors.date.invalid');
    expect(dateKey('2026/02/01')).toBe('errors.date.invalid');
    expect(dateKey(20260201)).toBe('errors.date.invalid');
    expect(parseCommandPayload('line.recordApproval', { ...approval, approvedDate: '2024-02-29' }).approvedDate).toBe('2024-02-29');
    const reschedule = { projectId: 'p1', expectedVersion: 1 };
    expect(fieldErrors('project.reschedule', { ...reschedule, expectedMonth: '2026-13' })).toEqual([
      { path: 'expectedMonth', messageKey: 'errors.month.invalid' },
    ]);
    expect(parseCommandPayload('project.reschedule', { ...reschedule, expectedMonth: null }).expectedMonth).toBeNull();
  });

  it('names an unknown stage and an unknown enum value', () => {
    const move = { projectId: 'p1', expectedVersion: 1, before: null, after: null };
    expect(fieldErrors('project.move', { ...move, toStage: 'launched' })).toEqual([
      { path: 'toStage', messageKey: 'errors.stage.unknown' },
    ]);
    expect(fieldErrors('line.add', { projectId: 'p1', bankId: 'b1', product: 'mortgage', requested: 1 })).toEqual([
      { path: 'product', messageKey: 'errors.field.invalid' },
    ]);
  });

  it('refuses unknown keys, so a typo never silently does nothing', () => {
    expect(fieldErrors('project.setActionPlan', { projectId: 'p1', expectedVersion: 1, actionPlan: 'x', actoinPlan: 'y' })).toEqual([
      { path: 'actoinPlan', messageKey: 'errors.field.unknown' },
    ]);
    expect(fieldErrors('project.update', { projectId: 'p1', expectedVersion: 1, changes: { stage: 'approved' } })).toEqual([
      { path: 'changes.stage', messageKey: 'errors.field.unknown' },
    ]);
  });

  it('needs at least one change in an update', () => {
    expect(fieldErrors('project.update', { projectId: 'p1', expectedVersion: 1, changes: {} })).toEqual([
      { path: 'changes', messageKey: 'errors.project.noChanges' },
    ]);
  });

  it('checks credit codes (format and check characters), upper-cases them; blank means none', () => {
    const withCode = (creditCode: unknown) => ({ ...minimalProject, owner: { ...minimalProject.owner, creditCode } });
    expect(parseCommandPayload('project.create', withCode(' 91530100ma6k4x2f3l ')).owner.creditCode).toBe('91530100MA6K4X2F3L');
    expect(parseCommandPayload('project.create', withCode('  ')).owner.creditCode).toBeNull();
    expect(fieldErrors('project.create', withCode('91530100MA6K4X2F3P'))).toEqual([
      { path: 'owner.creditCode', messageKey: 'errors.creditCode.invalid' },
    ]);
    expect(fieldErrors('project.create', withCode('9153010OMA6K4X2F3'))).toEqual([
      { path: 'owner.creditCode', messageKey: 'errors.creditCode.invalid' },
    ]);
  });

  it('asks for a reason when a project goes off the flow, not when it comes back', () => {
    const base = { projectId: 'p1', expectedVersion: 2 };
    expect(fieldErrors('project.setFlag', { ...base, flag: 'suspended', reason: ' ' })).toEqual([
      { path: 'reason', messageKey: 'errors.flag.reasonRequired' },
    ]);
    expect(parseCommandPayload('project.setFlag', { ...base, flag: null })).toEqual({ ...base, flag: null, reason: '' });
  });

  it('keeps the approved-not-disbursed alarm after the warning', () => {
    const rules = {
      stageLimitDays: { pipeline: 180, matched: 90, diligence: 90, approval: 90, approved: null, disbursing: 180, disbursed: null },
      approvedWarnDays: 90,
      approvedAlarmDays: 60,
      bankSilenceDays: 30,
    };
    expect(fieldErrors('rules.setStageLimits', rules)).toEqual([{ path: 'approvedAlarmDays', messageKey: 'errors.rules.alarmBeforeWarn' }]);
    expect(parseCommandPayload('rules.setStageLimits', { ...rules, approvedWarnDays: 60, approvedAlarmDays: 90 }).expectedVersion).toBeNull();
    expect(fieldErrors('rules.setStageLimits', { ...rules, stageLimitDays: { ...rules.stageLimitDays, matched: 0 } })[0]).toMatchObject({
      path: 'stageLimitDays.matched',
      messageKey: 'errors.field.tooSmall',
    });
  });

  it('needs a bank for a liaison and checks e-mail addresses', () => {
    const member = { uid: 'u9', name: '李四', role: 'liaison', email: 'li@example.cn' };
    expect(fieldErrors('member.upsert', member)).toEqual([{ path: 'bankId', messageKey: 'errors.field.required' }]);
    expect(fieldErrors('member.upsert', { ...member, bankId: 'icbc', email: 'not-an-address' })).toEqual([
      { path: 'email', messageKey: 'errors.email.invalid' },
    ]);
    expect(parseCommandPayload('member.upsert', { ...member, bankId: 'icbc' })).toMatchObject({ disabled: false, expectedVersion: null });
  });

  it("stores a unit contact's unit without inner spaces, as parties are compared", () => {
    const contact = { uid: 'u10', name: '赵六', role: 'unit', email: 'zhao@example.cn' };
    expect(parseCommandPayload('member.upsert', { ...contact, unit: '市 住建局\u3000' })).toMatchObject({ unit: '市住建局' });
    expect(parseCommandPayload('member.upsert', { ...contact, unit: '市住建局' })).toMatchObject({ unit: '市住建局' });
  });

  it('refuses an empty payload for every command but the stall scan, naming required fields', () => {
    for (const name of COMMAND_NAMES) {
      if (name === 'stall.scan') continue;
      const errors = fieldErrors(name, undefined);
      expect(errors.length, name).toBeGreaterThan(0);
      expect(errors.some((e) => e.messageKey === 'errors.field.required'), name).toBe(true);
    }
    expect(parseCommandPayload('stall.scan', undefined)).toEqual({ scope: 'due', limit: 400 });
  });

  it('refuses a payload that is not an object', () => {
    expect(fieldErrors('blocker.add', 'text')).toEqual([{ path: '', messageKey: 'errors.field.invalid' }]);
    expect(fieldErrors('blocker.add', [1])).toEqual([{ path: '', messageKey: 'errors.field.invalid' }]);
  });

  it('refuses ids with a slash (they would address another document)', () => {
    expect(fieldErrors('line.setNote', { lineId: 'a/b', expectedVersion: 1, note: '' })).toEqual([
      { path: 'lineId', messageKey: 'errors.id.invalid' },
    ]);
  });

  it('refuses versions that are not positive integers', () => {
    expect(fieldErrors('project.setActionPlan', { projectId: 'p1', expectedVersion: 0, actionPlan: '' })).toEqual([
      { path: 'expectedVersion', messageKey: 'errors.field.invalid' },
    ]);
  });
});
