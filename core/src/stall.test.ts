import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_STALL_RULES, defaultStallRules } from './defaults';
import { digestLine } from './lineDigest';
import { evaluateStall, isActiveLine, stallFlagLevel } from './stall';
import type { Assignment, Blocker, LineDigest, LoanLine, Project, StageId, StallFlag, StallRules } from './types';
import { STAGE_IDS } from './types';
import { T0, makeLine, makeProject, tranche } from './testing/ruleFixtures';

const NOW = new Date('2026-04-01T04:00:00.000Z'); // 2026-04-01 12:00 in Shanghai
const RULES = DEFAULT_STALL_RULES;

function blocker(overrides: Partial<Blocker> = {}): Blocker {
  return {
    id: 'b1',
    tag: 'equity',
    description: '资本金未到位',
    party: '区财政局',
    dueDate: null,
    openedAt: T0,
    openedBy: 'u1',
    resolvedAt: null,
    resolution: null,
    ...overrides,
  };
}

function assignment(overrides: Partial<Assignment> = {}): Assignment {
  return { id: 'a1', month: '2026-03', what: '协调用地指标', who: '市自然资源局', dueDate: '2026-03-20', createdAt: T0, doneAt: null, ...overrides };
}

/** A project that trips no rule at NOW. */
function quietProject(overrides: Partial<Project> = {}): Project {
  return makeProject({ stage: 'matched', stageEnteredAt: '2026-03-01T02:00:00.000Z', ...overrides });
}

function rulesOf(flags: StallFlag[]) {
  return flags.map((f) => f.rule);
}

describe('evaluateStall', () => {
  it('finds nothing on a fresh project', () => {
    const s = evaluateStall(quietProject(), [], NOW, RULES);
    expect(s).toEqual({
      stalled: false,
      flags: [],
      evaluatedAt: NOW.toISOString(),
      nextCheckAt: '2026-05-30T16:00:00.000Z', // 2026-03-01 + 90 days, the first day over the limit
    });
  });

  describe('stage limit', () => {
    it('fires only once the days in the column go over the limit', () => {
      const atLimit = evaluateStall(quietProject({ stageEnteredAt: '2026-01-01T02:00:00.000Z' }), [], NOW, RULES);
      expect(atLimit.flags).toEqual([]);
      expect(atLimit.nextCheckAt).toBe('2026-04-01T16:00:00.000Z');

      const over = evaluateStall(quietProject({ stageEnteredAt: '2025-12-31T02:00:00.000Z' }), [], NOW, RULES);
      expect(over.stalled).toBe(true);
      expect(over.flags).toEqual([
        {
          rule: 'stageLimit',
          since: '2026-03-31T16:00:00.000Z',
          params: { basis: 'stage', stage: 'matched', days: 91, limit: 90, level: 'alarm' },
        },
      ]);
    });

    it('counts Shanghai days: 01:00 on Jan 1st in Shanghai is still Dec 31st in UTC', () => {
      const s = evaluateStall(quietProject({ stageEnteredAt: '2025-12-31T17:00:00.000Z' }), [], NOW, RULES);
      expect(s.flags).toEqual([]);
    });

    it('skips stages without a limit and honours admin limits', () => {
      const rules: StallRules = defaultStallRules();
      rules.stageLimitDays.matched = null;
      expect(evaluateStall(quietProject({ stageEnteredAt: '2020-01-01T00:00:00Z' }), [], NOW, rules).flags).toEqual([]);
      rules.stageLimitDays.matched = 5;
      expect(rulesOf(evaluateStall(quietProject({ stageEnteredAt: '2026-03-20T00:00:00Z' }), [], NOW, rules).flags)).toEqual([
        'stageLimit',
      ]);
    });
  });

  describe('approved, not disbursed', () => {
    const approvedOn = (day: string, extra: Partial<LoanLine> = {}) =>
      digestLine(makeLine({ approved: 100_000_000, approvedDate: day, status: 'approved', updatedAt: NOW.toISOString(), ...extra }));
    const waiting = (lines: LineDigest[], stage: StageId = 'approved') =>
      evaluateStall(quietProject({ stage, stageEnteredAt: '2026-03-30T00:00:00Z' }), lines, NOW, RULES);

    it('is silent before the warning threshold and says when it will warn', () => {
      const s = waiting([approvedOn('2026-03-01')]);
      expect(s.flags).toEqual([]);
      expect(s.nextCheckAt).toBe('2026-04-30T16:00:00.000Z'); // day 61 after 2026-03-01
    });

    it('warns (badge only) after 60 days and says when it will alarm', () => {
      const s = waiting([approvedOn('2026-01-20')]);
      expect(s.stalled).toBe(false);
      expect(s.flags).toEqual([
        {
          rule: 'stageLimit',
          since: '2026-03-21T16:00:00.000Z',
          params: { basis: 'approvedNotDisbursed', days: 71, limit: 60, warnDays: 60, alarmDays: 90, amount: 100_000_000, level: 'warn' },
        },
      ]);
      expect(stallFlagLevel(s.flags[0]!)).toBe('warn');
      expect(s.nextCheckAt).toBe('2026-04-20T16:00:00.000Z');
    });

    it('stalls after 90 days with a single alarm flag', () => {
      const s = waiting([approvedOn('2025-12-01'), approvedOn('2026-03-01', { id: 'l2', bankId: 'ceb' })]);
      expect(s.stalled).toBe(true);
      expect(s.flags).toHaveLength(1);
      expect(s.flags[0]).toMatchObject({
        rule: 'stageLimit',
        since: '2026-03-01T16:00:00.000Z', // day 91 after 2025-12-01 is 2026-03-02
        params: { basis: 'approvedNotDisbursed', days: 121, limit: 90, level: 'alarm', amount: 200_000_000 },
      });
      expect(stallFlagLevel(s.flags[0]!)).toBe('alarm');
    });

    it('stops once the first drawdown happens', () => {
      const drawn = approvedOn('2025-12-01', { tranches: [tranche(1_000_000)], status: 'disbursing' });
      expect(waiting([drawn, approvedOn('2025-12-01', { id: 'l2' })]).flags).toEqual([]);
      expect(waiting([approvedOn('2025-12-01')], 'disbursing').flags.some((f) => f.params.basis === 'approvedNotDisbursed')).toBe(false);
    });

    it('counts an approval the board has not caught up with yet', () => {
      expect(waiting([approvedOn('2025-12-01')], 'approval').stalled).toBe(true);
    });

    it('falls back to the day the card entered the column when no approval date was recorded', () => {
      const project = quietProject({ stage: 'approved', stageEnteredAt: '2025-12-01T00:00:00Z' });
      const s = evaluateStall(project, [approvedOn('x', { approvedDate: null })], NOW, RULES);
      expect(s.flags[0]?.params).toMatchObject({ basis: 'approvedNotDisbursed', level: 'alarm' });
    });

    it('ignores declined lines and lines without an approved amount', () => {
      expect(waiting([approvedOn('2025-12-01', { status: 'declined' }), digestLine(makeLine())]).flags).toEqual([]);
    });
  });

  describe('milestone month', () => {
    it('fires when the expected month ended before the first disbursement', () => {
      const s = evaluateStall(quietProject({ stage: 'approved', expectedMonth: '2026-03' }), [], NOW, RULES);
      expect(s.flags).toEqual([{ rule: 'milestonePassed', since: '2026-03-31T16:00:00.000Z', params: { month: '2026-03', level: 'alarm' } }]);
      expect(s.stalled).toBe(true);
    });

    it('waits until the month is over', () => {
      const s = evaluateStall(quietProject({ expectedMonth: '2026-04' }), [], NOW, RULES);
      expect(s.flags).toEqual([]);
      expect(s.nextCheckAt).toBe('2026-04-30T16:00:00.000Z');
    });

    it('is met once disbursing', () => {
      const p = quietProject({ stage: 'disbursing', expectedMonth: '2025-01' });
      expect(rulesOf(evaluateStall(p, [], NOW, RULES).flags)).not.toContain('milestonePassed');
    });
  });

  describe('bank silence', () => {
    const active = (overrides: Partial<LoanLine>) =>
      digestLine(makeLine({ approved: 100_000_000, approvedDate: '2026-03-25', status: 'contracted', contracted: 100_000_000, ...overrides }));

    it('flags a bank whose active lines have not moved for too long', () => {
      const s = evaluateStall(quietProject({ stage: 'approved' }), [active({ updatedAt: '2026-02-15T02:00:00.000Z' })], NOW, RULES);
      expect(s.flags).toEqual([
        { rule: 'bankSilent', since: '2026-03-17T16:00:00.000Z', params: { bankId: 'icbc', days: 45, limit: 30, level: 'alarm' } },
      ]);
    });

    it('hears a bank through any of its active lines', () => {
      const lines = [active({ updatedAt: '2026-01-01T00:00:00Z' }), active({ id: 'l2', updatedAt: '2026-03-30T00:00:00Z' })];
      const s = evaluateStall(quietProject({ stage: 'approved' }), lines, NOW, RULES);
      expect(rulesOf(s.flags)).not.toContain('bankSilent');
      expect(s.nextCheckAt).toBe('2026-04-29T16:00:00.000Z');
    });

    it('flags each silent bank once', () => {
      const lines = [
        active({ bankId: 'ceb', updatedAt: '2026-01-01T00:00:00Z' }),
        active({ id: 'l2', bankId: 'icbc', updatedAt: '2026-01-02T00:00:00Z' }),
        active({ id: 'l3', bankId: 'icbc', updatedAt: '2026-01-03T00:00:00Z' }),
      ];
      const s = evaluateStall(quietProject({ stage: 'approved' }), lines, NOW, RULES);
      expect(s.flags.filter((f) => f.rule === 'bankSilent').map((f) => f.params.bankId)).toEqual(['ceb', 'icbc']);
    });

    it('does not expect news on applying, declined or fully drawn lines', () => {
      const old = '2025-01-01T00:00:00Z';
      expect(isActiveLine(digestLine(makeLine({ status: 'applying', updatedAt: old })))).toBe(false);
      expect(isActiveLine(active({ status: 'declined' }))).toBe(false);
      expect(isActiveLine(active({ tranches: [tranche(100_000_000)], status: 'disbursing' }))).toBe(false);
      expect(isActiveLine(active({ tranches: [tranche(10)], status: 'disbursing' }))).toBe(true);
      const lines = [digestLine(makeLine({ status: 'applying', updatedAt: old })), active({ id: 'l2', tranches: [tranche(100_000_000)], updatedAt: old })];
      expect(rulesOf(evaluateStall(quietProject(), lines, NOW, RULES).flags)).not.toContain('bankSilent');
    });
  });

  describe('overdue blockers and assignments', () => {
    it('flags an open blocker from the day after its due date', () => {
      const s = evaluateStall(quietProject({ blockers: [blocker({ dueDate: '2026-03-31' })] }), [], NOW, RULES);
      expect(s.flags).toEqual([
        {
          rule: 'blockerOverdue',
          since: '2026-03-31T16:00:00.000Z',
          params: { blockerId: 'b1', tag: 'equity', party: '区财政局', dueDate: '2026-03-31', days: 1, level: 'alarm' },
        },
      ]);
    });

    it('is not overdue on its due date, and resolved or undated blockers never are', () => {
      const dueToday = evaluateStall(quietProject({ blockers: [blocker({ dueDate: '2026-04-01' })] }), [], NOW, RULES);
      expect(dueToday.flags).toEqual([]);
      expect(dueToday.nextCheckAt).toBe('2026-04-01T16:00:00.000Z');
      const blockers = [blocker({ dueDate: '2026-01-01', resolvedAt: T0 }), blocker({ id: 'b2', dueDate: null })];
      expect(evaluateStall(quietProject({ blockers }), [], NOW, RULES).flags).toEqual([]);
    });

    it('flags an assignment not done by its due date', () => {
      const s = evaluateStall(quietProject({ assignments: [assignment(), assignment({ id: 'a2', doneAt: T0 })] }), [], NOW, RULES);
      expect(s.flags).toEqual([
        {
          rule: 'assignmentOverdue',
          since: '2026-03-20T16:00:00.000Z',
          params: { assignmentId: 'a1', who: '市自然资源局', dueDate: '2026-03-20', days: 12, level: 'alarm' },
        },
      ]);
    });
  });

  it('reports every signal at once, in rule order', () => {
    const project = quietProject({
      stage: 'approved',
      stageEnteredAt: '2025-06-01T00:00:00Z',
      expectedMonth: '2026-01',
      blockers: [blocker({ dueDate: '2026-02-01' })],
      assignments: [assignment()],
    });
    const lines = [digestLine(makeLine({ approved: 5, approvedDate: '2025-06-01', status: 'approved', updatedAt: '2025-06-01T00:00:00Z' }))];
    const rules = defaultStallRules();
    rules.stageLimitDays.approved = 120;
    const s = evaluateStall(project, lines, NOW, rules);
    expect(rulesOf(s.flags)).toEqual(['stageLimit', 'stageLimit', 'milestonePassed', 'bankSilent', 'blockerOverdue', 'assignmentOverdue']);
    expect(s.stalled).toBe(true);
    expect(s.nextCheckAt).toBeNull();
  });

  it('never stalls off-flow or fully disbursed projects', () => {
    const stuck = {
      stageEnteredAt: '2020-01-01T00:00:00Z',
      expectedMonth: '2020-01',
      blockers: [blocker({ dueDate: '2020-01-01' })],
    };
    for (const p of [quietProject({ ...stuck, flag: 'suspended' }), quietProject({ ...stuck, stage: 'disbursed' })]) {
      expect(evaluateStall(p, [], NOW, RULES)).toEqual({ stalled: false, flags: [], evaluatedAt: NOW.toISOString(), nextCheckAt: null });
    }
  });
});

const DAY = 86_400_000;
const BASE = Date.parse('2026-01-01T00:00:00Z');
const instant = fc.integer({ min: -400, max: 400 }).chain((d) => fc.integer({ min: 0, max: DAY - 1 }).map((ms) => BASE + d * DAY + ms));
const isoDay = fc.integer({ min: -400, max: 400 }).map((d) => new Date(BASE + d * DAY).toISOString().slice(0, 10));

const scenario = fc.record({
  stage: fc.constantFrom(...STAGE_IDS),
  enteredAt: instant,
  expectedMonth: fc.option(fc.integer({ min: -14, max: 14 }).map((m) => new Date(Date.UTC(2026, m, 1)).toISOString().slice(0, 7))),
  blockerDue: fc.option(isoDay),
  assignmentDue: isoDay,
  line: fc.option(
    fc.record({
      approvedDate: isoDay,
      updatedAt: instant,
      drawn: fc.boolean(),
      status: fc.constantFrom('applying', 'approved', 'contracted', 'disbursing', 'declined' as const),
    }),
  ),
  limits: fc.record({ stage: fc.option(fc.integer({ min: 0, max: 200 })), warn: fc.integer({ min: 0, max: 120 }), extra: fc.integer({ min: 0, max: 120 }), silence: fc.integer({ min: 0, max: 90 }) }),
  now: instant,
});

type Scenario = typeof scenario extends fc.Arbitrary<infer S> ? S : never;

function build(s: Scenario): { project: Project; lines: LineDigest[]; rules: StallRules; now: Date } {
  const project = makeProject({
    stage: s.stage,
    stageEnteredAt: new Date(s.enteredAt).toISOString(),
    expectedMonth: s.expectedMonth,
    blockers: s.blockerDue ? [blocker({ dueDate: s.blockerDue })] : [],
    assignments: [assignment({ dueDate: s.assignmentDue })],
  });
  const lines = s.line
    ? [
        makeLine({
          approved: 1000,
          approvedDate: s.line.approvedDate,
          status: s.line.status,
          updatedAt: new Date(s.line.updatedAt).toISOString(),
          tranches: s.line.drawn ? [tranche(400)] : [],
        }),
      ].map(digestLine)
    : [];
  const rules = defaultStallRules();
  rules.stageLimitDays[s.stage] = s.limits.stage;
  rules.approvedWarnDays = s.limits.warn;
  rules.approvedAlarmDays = s.limits.warn + s.limits.extra;
  rules.bankSilenceDays = s.limits.silence;
  return { project, lines, rules, now: new Date(s.now) };
}

/** What a flag means for the board, without the day count that grows by itself. */
function identity(flags: StallFlag[]): string[] {
  return flags.map((f) => {
    const { days: _days, ...rest } = f.params;
    return JSON.stringify([f.rule, f.since, rest]);
  });
}

describe('stall properties', () => {
  // Each run evaluates up to four times on the Shanghai calendar: slow on a loaded machine, so the
  // test gets room beyond vitest's 5 s default (it measures correctness, not speed).
  it('nothing changes before nextCheckAt, and something does at it', { timeout: 60_000 }, () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { project, lines, rules, now } = build(s);
        const first = evaluateStall(project, lines, now, rules);
        expect(first.stalled).toBe(first.flags.some((f) => f.params.level === 'alarm'));
        for (const flag of first.flags) expect(Date.parse(flag.since)).toBeLessThanOrEqual(now.getTime());
        if (first.nextCheckAt === null) {
          const muchLater = evaluateStall(project, lines, new Date(now.getTime() + 2000 * DAY), rules);
          expect(identity(muchLater.flags)).toEqual(identity(first.flags));
          return;
        }
        const next = Date.parse(first.nextCheckAt);
        expect(next).toBeGreaterThan(now.getTime());
        const justBefore = evaluateStall(project, lines, new Date(next - 1), rules);
        expect(identity(justBefore.flags)).toEqual(identity(first.flags));
        const at = evaluateStall(project, lines, new Date(next), rules);
        expect(identity(at.flags)).not.toEqual(identity(first.flags));
      }),
      { numRuns: 300 },
    );
  });

  it('is the same whatever the order of blockers, assignments and lines', () => {
    fc.assert(
      fc.property(fc.array(isoDay, { maxLength: 5 }), instant, (dues, now) => {
        const blockers = dues.map((due, i) => blocker({ id: `b${i}`, dueDate: due }));
        const a = evaluateStall(quietProject({ blockers }), [], new Date(now), RULES);
        const b = evaluateStall(quietProject({ blockers: [...blockers].reverse() }), [], new Date(now), RULES);
        expect(identity(b.flags).sort()).toEqual(identity(a.flags).sort());
        expect(b.nextCheckAt).toBe(a.nextCheckAt);
      }),
    );
  });
});
