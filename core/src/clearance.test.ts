import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { computeClearance, lineAwaiting } from './clearance';
import { digestLine, lineDisbursed } from './lineDigest';
import { emptyPrerequisites } from './defaults';
import { PREREQUISITE_GROUPS } from './stages';
import type { Blocker, LoanLine, Prerequisite, PrereqKey, Project } from './types';
import { LINE_STATUSES } from './types';
import { T0, makeLine, makeProject, tranche } from './testing/ruleFixtures';

const NOW = new Date('2026-04-01T04:00:00.000Z'); // 2026-04-01 12:00 in Shanghai

function blocker(id: string, overrides: Partial<Blocker> = {}): Blocker {
  return {
    id,
    tag: 'permits',
    description: '用地手续未办结',
    party: '市自然资源局',
    dueDate: null,
    openedAt: T0,
    openedBy: 'u1',
    resolvedAt: null,
    resolution: null,
    ...overrides,
  };
}

function prereqsDone(keys: readonly PrereqKey[]): Record<PrereqKey, Prerequisite> {
  const prereqs = emptyPrerequisites();
  for (const key of keys) prereqs[key] = { status: 'done', docNo: 'X-1', date: '2026-01-01' };
  return prereqs;
}

describe('computeClearance money', () => {
  const lines: LoanLine[] = [
    makeLine({
      id: 'l1',
      requested: 200_000_000,
      approved: 150_000_000,
      approvedDate: '2026-02-10',
      contracted: 150_000_000,
      status: 'disbursing',
      tranches: [tranche(50_000_000), tranche(30_000_000, '2026-03-01')],
    }),
    makeLine({ id: 'l2', bankId: 'ceb', requested: 100_000_000, approved: 80_000_000, approvedDate: '2026-03-01', status: 'approved' }),
    makeLine({ id: 'l3', bankId: 'hxb', requested: 60_000_000, status: 'declined', approved: 10, tranches: [tranche(10)] }),
    makeLine({ id: 'l4', bankId: 'boc', requested: 40_000_000, status: 'applying' }),
  ];
  const c = computeClearance(makeProject({ stage: 'disbursing', needTotal: 300_000_000 }), lines.map(digestLine), NOW);

  it('sums the lines, ignoring declined ones except in requested', () => {
    expect(c.need).toBe(300_000_000);
    expect(c.requested).toBe(400_000_000);
    expect(c.matched).toBe(340_000_000);
    expect(c.approved).toBe(230_000_000);
    expect(c.contracted).toBe(150_000_000);
    expect(c.disbursed).toBe(80_000_000);
  });

  it('computes the three rates', () => {
    expect(c.approvalRate).toBeCloseTo(230 / 300);
    expect(c.disbursementRate).toBeCloseTo(80 / 230);
    expect(c.landingRate).toBeCloseTo(80 / 300);
  });

  it('counts approved-not-disbursed per line, from the earliest waiting approval', () => {
    expect(c.approvedNotDisbursed).toBe(70_000_000 + 80_000_000);
    expect(c.approvedNotDisbursedDays).toBe(daysFrom('2026-02-10'));
  });

  it('has no rates and no wait without need or approvals', () => {
    const empty = computeClearance(makeProject({ needTotal: 0 }), [], NOW);
    expect(empty.approvalRate).toBeNull();
    expect(empty.disbursementRate).toBeNull();
    expect(empty.landingRate).toBeNull();
    expect(empty.approvedNotDisbursed).toBe(0);
    expect(empty.approvedNotDisbursedDays).toBeNull();
  });

  it('stops counting days for a line once it is fully drawn', () => {
    const drawn = makeLine({ id: 'a', approved: 100, approvedDate: '2026-01-01', tranches: [tranche(60), tranche(40)], status: 'disbursed' });
    const waiting = makeLine({ id: 'b', approved: 100, approvedDate: '2026-03-20', status: 'approved' });
    const result = computeClearance(makeProject({ stage: 'disbursing' }), [drawn, waiting].map(digestLine), NOW);
    expect(result.approvedNotDisbursed).toBe(100);
    expect(result.approvedNotDisbursedDays).toBe(12);
    expect(lineDisbursed(drawn)).toBe(100);
    expect(lineAwaiting(digestLine(drawn))).toBe(0);
  });
});

function daysFrom(day: string): number {
  return Math.round((Date.parse('2026-04-01') - Date.parse(day)) / 86_400_000);
}

describe('computeClearance status', () => {
  it('is cleared when the next column has no missing documents and nothing is open', () => {
    const c = computeClearance(makeProject({ stage: 'pipeline' }), [], NOW);
    expect(c.nextStage).toBe('matched');
    expect(c.prerequisitesForNext).toEqual([]);
    expect(c.prerequisitesCleared).toBe(true);
    expect(c.status).toBe('cleared');
    expect(c.blockedBy).toEqual([]);
  });

  it('is blocked by each missing prerequisite of the next column', () => {
    const prerequisites = prereqsDone(['businessLicence', 'auditReport']);
    prerequisites.creditRecord = { status: 'inProgress', docNo: null, date: null };
    const c = computeClearance(makeProject({ stage: 'matched', prerequisites }), [], NOW);
    expect(c.nextStage).toBe('diligence');
    expect(c.prerequisitesForNext.map((p) => p.key)).toEqual(PREREQUISITE_GROUPS.diligence);
    expect(c.prerequisitesCleared).toBe(false);
    expect(c.status).toBe('blocked');
    expect(c.blockedBy).toEqual([
      { kind: 'prerequisite', key: 'creditRecord', status: 'inProgress' },
      { kind: 'prerequisite', key: 'projectRegistration', status: 'todo' },
    ]);
    const cleared = computeClearance(makeProject({ stage: 'matched', prerequisites: prereqsDone(PREREQUISITE_GROUPS.diligence) }), [], NOW);
    expect(cleared.status).toBe('cleared');
  });

  it('uses the disburse group while waiting for the first drawdown', () => {
    const c = computeClearance(makeProject({ stage: 'approved', prerequisites: prereqsDone(PREREQUISITE_GROUPS.disburse) }), [], NOW);
    expect(c.nextStage).toBe('disbursing');
    expect(c.prerequisitesForNext.every((p) => p.status === 'done')).toBe(true);
    expect(c.status).toBe('cleared');
  });

  it('is blocked by open blockers, not by resolved ones', () => {
    const project = makeProject({
      stage: 'pipeline',
      blockers: [blocker('b1'), blocker('b2', { resolvedAt: T0, resolution: '已办结' }), blocker('b3', { tag: 'bank', party: '工商银行' })],
    });
    const c = computeClearance(project, [], NOW);
    expect(c.openBlockers).toEqual([
      { id: 'b1', tag: 'permits', party: '市自然资源局' },
      { id: 'b3', tag: 'bank', party: '工商银行' },
    ]);
    expect(c.status).toBe('blocked');
    expect(c.blockedBy).toEqual([
      { kind: 'blocker', blockerId: 'b1', tag: 'permits', party: '市自然资源局' },
      { kind: 'blocker', blockerId: 'b3', tag: 'bank', party: '工商银行' },
    ]);
  });

  it('is done when fully disbursed and offFlow when flagged, whatever else is open', () => {
    const open = [blocker('b1')];
    expect(computeClearance(makeProject({ stage: 'disbursed', blockers: open }), [], NOW)).toMatchObject({
      status: 'done',
      blockedBy: [],
      nextStage: null,
    });
    const flagged = computeClearance(makeProject({ stage: 'matched', flag: 'withdrawn', blockers: open }), [], NOW);
    expect(flagged.status).toBe('offFlow');
    expect(flagged.blockedBy).toEqual([]);
    expect(flagged.openBlockers).toHaveLength(1);
  });

  it('never reports stalled by itself', () => {
    const c = computeClearance(makeProject({ stage: 'approval', stageEnteredAt: '2020-01-01T00:00:00Z' }), [], NOW);
    expect(c.status).toBe('cleared');
  });
});

const lineArb: fc.Arbitrary<LoanLine> = fc
  .record({
    requested: fc.integer({ min: 0, max: 10_000_000_000 }),
    approved: fc.option(fc.integer({ min: 0, max: 10_000_000_000 })),
    drawnShare: fc.array(fc.integer({ min: 1, max: 100 }), { maxLength: 4 }),
    status: fc.constantFrom(...LINE_STATUSES),
    approvedDay: fc.integer({ min: 0, max: 300 }),
  })
  .map(({ requested, approved, drawnShare, status, approvedDay }, ) => {
    // Tranches never exceed the approval, as the commands guarantee.
    let left = approved ?? 0;
    const tranches = drawnShare.map((share, i) => {
      const amount = Math.min(left, Math.floor(((approved ?? 0) * share) / 400));
      left -= amount;
      return tranche(amount, '2026-03-01', `t${i}`);
    });
    const approvedDate = approved === null ? null : new Date(Date.UTC(2025, 5, 1) + approvedDay * 86_400_000).toISOString().slice(0, 10);
    return makeLine({ requested, approved, approvedDate, status, tranches });
  });

describe('clearance properties', () => {
  it('keeps the money consistent for any set of lines', () => {
    fc.assert(
      fc.property(fc.array(lineArb, { maxLength: 8 }), fc.integer({ min: 0, max: 10_000_000_000 }), (lines, need) => {
        const project: Project = makeProject({ stage: 'disbursing', needTotal: need });
        const c = computeClearance(project, lines.map(digestLine), NOW);
        expect(c.matched).toBeLessThanOrEqual(c.requested);
        expect(c.disbursed).toBeLessThanOrEqual(c.approved);
        expect(c.approvedNotDisbursed).toBe(c.approved - c.disbursed);
        expect(c.approvedNotDisbursed === 0).toBe(c.approvedNotDisbursedDays === null);
        if (c.disbursementRate !== null) expect(c.disbursementRate).toBeLessThanOrEqual(1);
        for (const value of [c.approvalRate, c.disbursementRate, c.landingRate]) {
          if (value !== null) expect(Number.isFinite(value)).toBe(true);
        }
        expect(c.status === 'blocked').toBe(c.blockedBy.length > 0);
      }),
    );
  });
});
