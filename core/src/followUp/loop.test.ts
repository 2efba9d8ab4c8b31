import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Assignment, AssignmentStep, Member } from '../types';
import { assignmentLight, assignmentState, behindPaceReason, blockerLight, LOOP_STEPS, namesActor, onBehalfOf, onBehalfSteps, stepRefusal } from './loop';

const step = (at: string, text = '进展'): AssignmentStep => ({ at, by: 'u', byName: '某人', text });
// 2026-03-01 10:00 Shanghai; due 2026-03-31.
const base: Assignment = {
  id: 'a1', month: '2026-02', what: '协调用地', who: '市自然资源局', dueDate: '2026-03-31',
  createdAt: '2026-03-01T02:00:00.000Z', doneAt: null,
};
const at = (day: string) => new Date(`${day}T04:00:00.000Z`);
const banks = [{ id: 'icbc', name: '工商银行' }];

describe('the assignment lights on a fake clock', () => {
  it('is green when freshly assigned, yellow when not acknowledged after three days', () => {
    expect(assignmentLight(base, at('2026-03-02'))).toBe('green');
    expect(assignmentLight(base, at('2026-03-04'))).toBe('green');
    expect(assignmentLight(base, at('2026-03-05'))).toBe('yellow');
    expect(behindPaceReason(base, at('2026-03-05'))).toBe('notAcknowledged');
  });
  it('is yellow at half time with no report, green again once reported', () => {
    const acked = { ...base, acknowledged: step('2026-03-02T02:00:00.000Z') };
    expect(assignmentLight(acked, at('2026-03-10'))).toBe('green');
    expect(behindPaceReason(acked, at('2026-03-16'))).toBe('noReport');
    const reported = { ...acked, reports: [step('2026-03-15T02:00:00.000Z')] };
    expect(assignmentLight(reported, at('2026-03-16'))).toBe('green');
  });
  it('is yellow when the latest report is older than fourteen days', () => {
    const a = { ...base, dueDate: '2026-06-30', acknowledged: step('2026-03-02T02:00:00.000Z'), reports: [step('2026-03-03T02:00:00.000Z')] };
    expect(assignmentLight(a, at('2026-03-17'))).toBe('green');
    expect(behindPaceReason(a, at('2026-03-18'))).toBe('reportMissing');
  });
  it('is blue within three days of the due date, red once it has passed', () => {
    const a = { ...base, acknowledged: step('2026-03-02T02:00:00.000Z'), reports: [step('2026-03-27T02:00:00.000Z')] };
    expect(assignmentLight(a, at('2026-03-28'))).toBe('green');
    expect(assignmentLight(a, at('2026-03-29'))).toBe('blue');
    expect(assignmentLight(a, at('2026-03-31'))).toBe('blue');
    expect(assignmentLight(a, at('2026-04-01'))).toBe('red');
  });
  it('a close requested on time is the bureau turn (green), a closed item has no light', () => {
    const requested = { ...base, acknowledged: step('2026-03-02T02:00:00.000Z'), closeRequest: step('2026-03-30T02:00:00.000Z') };
    expect(assignmentState(requested)).toBe('closeRequested');
    expect(assignmentLight(requested, at('2026-04-05'))).toBe('green');
    expect(assignmentLight({ ...requested, closeRequest: step('2026-04-02T02:00:00.000Z') }, at('2026-04-05'))).toBe('red');
    expect(assignmentLight({ ...requested, doneAt: '2026-04-01T02:00:00.000Z' }, at('2026-05-01'))).toBe('none');
  });
  it('red is exactly "past the due date" for any open item on any day', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 120 }), fc.boolean(), (offset, acked) => {
        const now = new Date(Date.parse('2026-03-01T04:00:00.000Z') + offset * 86_400_000);
        const a = acked ? { ...base, acknowledged: step('2026-03-02T02:00:00.000Z') } : base;
        expect(assignmentLight(a, now) === 'red').toBe(offset > 30);
      }),
    );
  });
  it('a blocker is red overdue, blue due soon, none resolved', () => {
    const b = { dueDate: '2026-03-10', resolvedAt: null };
    expect(blockerLight(b, at('2026-03-01'))).toBe('green');
    expect(blockerLight(b, at('2026-03-08'))).toBe('blue');
    expect(blockerLight(b, at('2026-03-11'))).toBe('red');
    expect(blockerLight({ ...b, resolvedAt: 'x' }, at('2026-03-11'))).toBe('none');
  });
});

const member = (uid: string, role: Member['role'], extra: Partial<Member> = {}): Member => ({
  uid, name: uid, email: null, role, bankId: null, disabled: false, ...extra,
});
const unit = member('自然资源局联系人', 'unit', { unit: '市自然资源局' });
const otherUnit = member('住建局联系人', 'unit', { unit: '市住建局' });
const staff = member('王科长', 'staff');
const liaison = member('工行小李', 'liaison', { bankId: 'icbc' });
const viewer = member('观察员', 'viewer');

describe('who may take each step of the loop', () => {
  it('a party names a liaison by bank, a unit contact by unit, anyone by name', () => {
    expect(namesActor('工商银行城南支行', liaison, banks)).toBe(true);
    expect(namesActor('建设银行', liaison, banks)).toBe(false);
    expect(namesActor('市 自然资源局', unit, banks)).toBe(true);
    expect(namesActor('王科长', staff, banks)).toBe(true);
  });
  it('the unit acknowledges, reports and requests close; staff close or return', () => {
    const ctx = { members: [unit, staff], banks };
    expect(stepRefusal(unit, 'acknowledge', base, ctx)).toBeNull();
    expect(stepRefusal(otherUnit, 'acknowledge', base, ctx)).toMatchObject({ messageKey: 'errors.assignment.notYourParty' });
    expect(stepRefusal(staff, 'acknowledge', base, ctx)).toMatchObject({ messageKey: 'errors.assignment.partyActs' });
    expect(stepRefusal(staff, 'acknowledge', base, { members: [staff], banks })).toBeNull();
    const requested = { ...base, acknowledged: step('2026-03-02T02:00:00.000Z'), closeRequest: step('2026-03-03T02:00:00.000Z') };
    expect(stepRefusal(unit, 'close', requested, ctx)).toMatchObject({ messageKey: 'errors.permission.role' });
    expect(stepRefusal(staff, 'close', requested, ctx)).toBeNull();
    expect(stepRefusal(staff, 'return', requested, ctx)).toBeNull();
    expect(stepRefusal(staff, 'close', base, ctx)).toMatchObject({ messageKey: 'errors.assignment.wrongState' });
  });
  it('a viewer may take no step, on any assignment in any state', () => {
    fc.assert(
      fc.property(fc.constantFrom(...LOOP_STEPS), fc.boolean(), fc.boolean(), (s, acked, requested) => {
        const a = { ...base, acknowledged: acked ? step('2026-03-02T02:00:00.000Z') : null, closeRequest: requested ? step('2026-03-03T02:00:00.000Z') : null };
        expect(stepRefusal(viewer, s, a, { members: [], banks })).not.toBeNull();
      }),
    );
  });
  it('each step starts only from its states', () => {
    fc.assert(
      fc.property(fc.constantFrom(...LOOP_STEPS), fc.constantFrom('assigned', 'acknowledged', 'closeRequested', 'closed'), (s, state) => {
        const a: Assignment = {
          ...base,
          acknowledged: state === 'assigned' ? null : step('2026-03-02T02:00:00.000Z'),
          closeRequest: state === 'closeRequested' || state === 'closed' ? step('2026-03-03T02:00:00.000Z') : null,
          doneAt: state === 'closed' ? '2026-03-04T02:00:00.000Z' : null,
        };
        const allowed = { acknowledge: ['assigned'], report: ['acknowledged'], requestClose: ['acknowledged'], close: ['closeRequested'], return: ['closeRequested'] }[s];
        expect(stepRefusal(staff, s, a, { members: [], banks }) === null).toBe(allowed.includes(state));
      }),
    );
  });
});

describe('代为登记: staff record the steps of a party with no member', () => {
  const staff = { name: '王科长', role: 'staff' as const, bankId: null };
  const admin = { name: '李处长', role: 'admin' as const, bankId: null };
  const liaison = { name: '赵经理', role: 'liaison' as const, bankId: 'icbc' };
  const unit = { name: '刘明', role: 'unit' as const, bankId: null, unit: '市自然资源局' };
  const acked = { ...base, acknowledged: step('2026-03-02T02:00:00.000Z') };
  it('names the party for a bureau member on a party step, nobody on the bureau steps or the party itself', () => {
    expect(onBehalfOf(staff, 'acknowledge', base, banks)).toBe('市自然资源局');
    expect(onBehalfOf(admin, 'report', base, banks)).toBe('市自然资源局');
    expect(onBehalfOf(staff, 'close', base, banks)).toBeNull();
    expect(onBehalfOf(staff, 'return', base, banks)).toBeNull();
    expect(onBehalfOf(unit, 'acknowledge', base, banks)).toBeNull();
    expect(onBehalfOf(liaison, 'acknowledge', { who: '工商银行' }, banks)).toBeNull();
    // Staff named by their own name act for themselves.
    expect(onBehalfOf(staff, 'acknowledge', { who: '王科长' }, banks)).toBeNull();
  });
  it('offers staff the party steps of the current state, none when a member speaks for the party', () => {
    expect(onBehalfSteps(staff, base, banks, false)).toEqual(['acknowledge']);
    expect(onBehalfSteps(staff, acked, banks, null)).toEqual(['report', 'requestClose']);
    expect(onBehalfSteps(staff, acked, banks, true)).toEqual([]);
    expect(onBehalfSteps(staff, { ...acked, closeRequest: step('2026-03-03T02:00:00.000Z') }, banks, false)).toEqual([]);
    expect(onBehalfSteps(staff, { ...acked, doneAt: '2026-03-04T02:00:00.000Z' }, banks, false)).toEqual([]);
    expect(onBehalfSteps(liaison, base, banks, false)).toEqual([]);
    expect(onBehalfSteps(unit, base, banks, false)).toEqual([]);
    expect(onBehalfSteps({ ...staff, role: 'viewer' as const }, base, banks, false)).toEqual([]);
  });
  it('property: every step offered is one stepRefusal allows when no member speaks for the party', () => {
    fc.assert(
      fc.property(fc.constantFrom(staff, admin), fc.boolean(), fc.boolean(), fc.boolean(), (actor, ack, req, done) => {
        const a: Assignment = {
          ...base,
          acknowledged: ack ? step('2026-03-02T02:00:00.000Z') : null,
          closeRequest: ack && req ? step('2026-03-03T02:00:00.000Z') : null,
          doneAt: ack && req && done ? '2026-03-04T02:00:00.000Z' : null,
        };
        const offered = onBehalfSteps(actor, a, banks, false);
        for (const s of ['acknowledge', 'report', 'requestClose'] as const) {
          expect(offered.includes(s)).toBe(stepRefusal(actor, s, a, { members: [], banks }) === null);
        }
      }),
    );
  });
});
