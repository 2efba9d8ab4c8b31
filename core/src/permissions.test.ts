import { describe, expect, it } from 'vitest';
import { COMMAND_NAMES } from './commands/contract';
import type { CommandName } from './commands/contract';
import { DomainError } from './errors';
import { COMMAND_PERMISSIONS, LINE_COMMANDS, assertCanRun, assertLineAccess, canAccessLine, canRun, canRunOnLine, isSystemActor, STALL_SCAN_ACTOR } from './permissions';
import type { Actor } from './types';

const admin: Actor = { uid: 'a', name: '管理员', role: 'admin', bankId: null };
const staff: Actor = { uid: 's', name: '局工作人员', role: 'staff', bankId: null };
const icbcLiaison: Actor = { uid: 'l', name: '工行联络员', role: 'liaison', bankId: 'icbc' };
const bankless: Actor = { uid: 'l2', name: '未绑定', role: 'liaison', bankId: null };
const viewer: Actor = { uid: 'v', name: '领导', role: 'viewer', bankId: null };

const ADMIN_ONLY: CommandName[] = ['rules.setStageLimits', 'targets.set', 'bank.upsert', 'member.upsert', 'stall.scan', 'month.reopen', 'notify.setChannels', 'scorecard.setWeights'];
const PARTY_STEPS: CommandName[] = ['assignment.acknowledge', 'assignment.report', 'assignment.requestClose'];
const LIAISON: CommandName[] = ['line.recordApproval', 'line.recordContract', 'line.addTranche', 'line.setNote', ...PARTY_STEPS, 'reporting.submit'];
const unitContact: Actor = { uid: 'c', name: '自然资源局联系人', role: 'unit', bankId: null, unit: '市自然资源局' };

describe('command permissions', () => {
  it('covers every command', () => {
    expect(Object.keys(COMMAND_PERMISSIONS).sort()).toEqual([...COMMAND_NAMES].sort());
    for (const name of LINE_COMMANDS) expect(COMMAND_NAMES).toContain(name);
  });

  it('lets admin run everything and viewers nothing', () => {
    for (const name of COMMAND_NAMES) {
      expect(canRun(admin, name)).toBe(true);
      expect(canRun(viewer, name)).toBe(false);
    }
  });

  it('lets staff run everything but the admin settings', () => {
    for (const name of COMMAND_NAMES) expect(canRun(staff, name)).toBe(!ADMIN_ONLY.includes(name));
    expect(canRun(staff, 'line.add')).toBe(true);
    expect(canRun(staff, 'line.addTranche')).toBe(true);
    expect(canRun(staff, 'month.close')).toBe(true);
  });

  it('lets a liaison only record the bank side of a line', () => {
    for (const name of COMMAND_NAMES) expect(canRun(icbcLiaison, name)).toBe(LIAISON.includes(name));
    for (const name of COMMAND_NAMES) expect(canRun(bankless, name)).toBe(false);
  });

  it('lets a unit contact take only the party steps of the 督办 loop (the handler checks the unit)', () => {
    for (const name of COMMAND_NAMES) expect(canRun(unitContact, name)).toBe(PARTY_STEPS.includes(name));
  });

  it('refuses with permission-denied and names the role', () => {
    expect(() => assertCanRun(staff, 'project.move')).not.toThrow();
    try {
      assertCanRun(viewer, 'project.move');
      throw new Error('should refuse');
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).code).toBe('permission-denied');
      expect((error as DomainError).messageKey).toBe('errors.permission.role');
      expect((error as DomainError).params).toEqual({ role: 'viewer', command: 'project.move' });
    }
    expect(canRun(admin, 'no.such' as CommandName)).toBe(false);
  });

  it('keeps a liaison to their own bank lines', () => {
    expect(canAccessLine(icbcLiaison, { bankId: 'icbc' })).toBe(true);
    expect(canAccessLine(icbcLiaison, { bankId: 'ceb' })).toBe(false);
    expect(canAccessLine(bankless, { bankId: 'icbc' })).toBe(false);
    expect(canAccessLine(staff, { bankId: 'ceb' })).toBe(true);
    expect(() => assertLineAccess(icbcLiaison, { bankId: 'icbc' })).not.toThrow();
    try {
      assertLineAccess(icbcLiaison, { bankId: 'ceb' });
      throw new Error('should refuse');
    } catch (error) {
      expect((error as DomainError).code).toBe('permission-denied');
      expect((error as DomainError).messageKey).toBe('errors.permission.otherBank');
      expect(JSON.stringify((error as DomainError).params ?? {})).not.toContain('ceb');
    }
    // A stored line of another bank is refused as if it did not exist, without naming the bank.
    expect(() => assertLineAccess(icbcLiaison, { id: 'l9', bankId: 'ceb' })).toThrow(
      expect.objectContaining({ code: 'not-found', messageKey: 'errors.notFound.line', params: { id: 'l9' } }),
    );
    expect(canRunOnLine(icbcLiaison, 'line.addTranche', { bankId: 'icbc' })).toBe(true);
    expect(canRunOnLine(icbcLiaison, 'line.addTranche', { bankId: 'ceb' })).toBe(false);
    expect(canRunOnLine(icbcLiaison, 'line.add', { bankId: 'icbc' })).toBe(false);
    expect(canRunOnLine(viewer, 'line.setNote', { bankId: 'icbc' })).toBe(false);
  });
});

describe('the stall scan actor', () => {
  it('may run the stall scan and is recognised as a system actor, unlike a person', () => {
    expect(canRun(STALL_SCAN_ACTOR, 'stall.scan')).toBe(true);
    expect(isSystemActor(STALL_SCAN_ACTOR)).toBe(true);
    expect(isSystemActor({ uid: 'u-admin' })).toBe(false);
  });
});
