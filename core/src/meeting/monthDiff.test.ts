import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { diffMonths, isDiffEmpty } from './monthDiff';
import { buildMonthSnapshot } from './snapshot';
import { WAN, makeBank, makeBlocker, makeLine, makeProject, makeTranche } from './testing';
import { BLOCKER_TAGS, OFF_FLOW_FLAGS, STAGE_IDS } from '../types';
import type { LoanLine, Project } from '../types';

const banks = [makeBank('icbc', '工商银行'), makeBank('ceb', '光大银行')];
const stalledBy = (rule: 'stageLimit' | 'blockerOverdue') => ({
  stalled: true,
  flags: [{ rule, since: '2026-05-20T00:00:00.000Z', params: { days: 10 } }],
  evaluatedAt: '2026-05-31T00:00:00.000Z',
  nextCheckAt: null,
});

function april(): { projects: Project[]; lines: LoanLine[] } {
  return {
    projects: [
      makeProject({ id: 'move', stage: 'approval', needTotal: 1_000 * WAN }),
      makeProject({ id: 'back', stage: 'diligence' }),
      makeProject({
        id: 'fix',
        stage: 'approved',
        stall: stalledBy('blockerOverdue'),
        blockers: [makeBlocker({ id: 'fb1' }), makeBlocker({ id: 'fb2' })],
      }),
      makeProject({ id: 'calm', stage: 'matched' }),
      makeProject({ id: 'gone', stage: 'pipeline' }),
    ],
    lines: [
      makeLine({ id: 'lf', projectId: 'fix', bankId: 'icbc', approved: 800 * WAN, approvedDate: '2026-02-01', tranches: [makeTranche('t1', '2026-04-03', 100 * WAN)] }),
    ],
  };
}

function may(): { projects: Project[]; lines: LoanLine[] } {
  const { projects, lines } = april();
  const byId = new Map(projects.map((p) => [p.id, p]));
  byId.get('move')!.stage = 'approved';
  byId.get('back')!.stage = 'matched';
  const fix = byId.get('fix')!;
  fix.stall = { stalled: false, flags: [], evaluatedAt: '2026-05-31T00:00:00.000Z', nextCheckAt: null };
  fix.blockers[0]!.resolvedAt = '2026-05-12T00:00:00.000Z';
  byId.get('calm')!.stall = stalledBy('stageLimit');
  byId.get('calm')!.blockers.push(makeBlocker({ id: 'cb1', openedAt: '2026-05-03T00:00:00.000Z', tag: 'bank' }));
  byId.get('calm')!.flag = 'suspended';
  const kept = projects.filter((p) => p.id !== 'gone');
  kept.push(makeProject({ id: 'fresh', stage: 'pipeline', needTotal: 300 * WAN, createdAt: '2026-05-05T00:00:00.000Z' }));
  lines[0]!.tranches.push(makeTranche('t2', '2026-05-20', 200 * WAN));
  lines.push(makeLine({ id: 'lm', projectId: 'move', bankId: 'ceb', approved: 900 * WAN, approvedDate: '2026-05-08' }));
  return { projects: kept, lines };
}

describe('diffMonths', () => {
  const aprilSnapshot = (() => {
    const { projects, lines } = april();
    return buildMonthSnapshot('2026-04', projects, lines, banks, new Date('2026-05-02T00:00:00Z'));
  })();
  const maySnapshot = (() => {
    const { projects, lines } = may();
    return buildMonthSnapshot('2026-05', projects, lines, banks, new Date('2026-06-02T00:00:00Z'));
  })();

  it('lists what moved, was approved, disbursed, stalled, resolved, appeared and went', () => {
    const diff = diffMonths(aprilSnapshot, maySnapshot);
    expect(diff.fromMonth).toBe('2026-04');
    expect(diff.toMonth).toBe('2026-05');
    expect(diff.moved).toEqual([
      { projectId: 'back', name: '项目back', from: 'diligence', to: 'matched', forward: false },
      { projectId: 'move', name: '项目move', from: 'approval', to: 'approved', forward: true },
    ]);
    expect(diff.flagChanged).toEqual([{ projectId: 'calm', name: '项目calm', from: null, to: 'suspended' }]);
    expect(diff.newlyApproved).toEqual([{ projectId: 'move', name: '项目move', amount: 900 * WAN }]);
    expect(diff.disbursed).toEqual([{ projectId: 'fix', name: '项目fix', amount: 200 * WAN }]);
    expect(diff.newlyStalled).toEqual([{ projectId: 'calm', name: '项目calm', reasons: maySnapshot.projects.find((p) => p.id === 'calm')!.stallFlags }]);
    expect(diff.resolved).toHaveLength(1);
    expect(diff.resolved[0]).toMatchObject({ projectId: 'fix', noLongerStalled: true });
    expect(diff.resolved[0]!.blockers.map((b) => b.id)).toEqual(['fb1']);
    expect(diff.newBlockers.map((n) => [n.projectId, n.blockers.map((b) => b.id)])).toEqual([['calm', ['cb1']]]);
    expect(diff.newProjects).toEqual([{ projectId: 'fresh', name: '项目fresh', stage: 'pipeline', need: 300 * WAN }]);
    expect(diff.removedProjects).toEqual([{ projectId: 'gone', name: '项目gone' }]);
    expect(diff.banks).toEqual([
      { bankId: 'ceb', name: '光大银行', approved: 900 * WAN, contracted: 0, disbursed: 0 },
      { bankId: 'icbc', name: '工商银行', approved: 0, contracted: 0, disbursed: 200 * WAN },
    ]);
    expect(diff.totals.delta).toMatchObject({
      projectCount: 0,
      offFlowCount: 1,
      stalledCount: 0,
      openBlockerCount: 0,
      need: 300 * WAN,
      approved: 900 * WAN,
      disbursed: 200 * WAN,
      disbursedInMonth: 100 * WAN,
    });
    expect(isDiffEmpty(diff)).toBe(false);
  });

  it('treats every project as new when there is no previous month', () => {
    const diff = diffMonths(null, aprilSnapshot);
    expect(diff.fromMonth).toBeNull();
    expect(diff.newProjects.map((p) => p.projectId)).toEqual(['back', 'calm', 'fix', 'gone', 'move']);
    expect(diff.moved).toEqual([]);
    expect(diff.totals.delta.approved).toBe(aprilSnapshot.totals.approved);
  });
});

const day = fc
  .record({ m: fc.integer({ min: 1, max: 6 }), d: fc.integer({ min: 1, max: 28 }) })
  .map(({ m, d }) => `2026-0${m}-${String(d).padStart(2, '0')}`);

const workspaceArb = fc
  .array(
    fc.record({
      stage: fc.constantFrom(...STAGE_IDS),
      flag: fc.option(fc.constantFrom(...OFF_FLOW_FLAGS), { nil: null }),
      need: fc.integer({ min: 0, max: 10_000 }),
      stalled: fc.boolean(),
      blockers: fc.array(fc.record({ tag: fc.constantFrom(...BLOCKER_TAGS), opened: day, resolved: fc.option(day, { nil: null }) }), { maxLength: 3 }),
      lines: fc.array(
        fc.record({
          bankId: fc.constantFrom('icbc', 'ceb'),
          approved: fc.option(fc.integer({ min: 0, max: 5_000 }), { nil: null }),
          approvedDate: day,
          tranches: fc.array(fc.record({ date: day, amount: fc.integer({ min: 1, max: 1_000 }) }), { maxLength: 3 }),
        }),
        { maxLength: 3 },
      ),
    }),
    { maxLength: 12 },
  )
  .map((specs) => {
    const projects: Project[] = [];
    const lines: LoanLine[] = [];
    specs.forEach((spec, i) => {
      const id = `p${i}`;
      projects.push(
        makeProject({
          id,
          stage: spec.stage,
          flag: spec.flag,
          needTotal: spec.need * WAN,
          stall: spec.stalled ? stalledBy('stageLimit') : { stalled: false, flags: [], evaluatedAt: '2026-05-31T00:00:00.000Z', nextCheckAt: null },
          blockers: spec.blockers.map((b, j) =>
            makeBlocker({ id: `${id}b${j}`, tag: b.tag, openedAt: `${b.opened}T01:00:00.000Z`, resolvedAt: b.resolved && `${b.resolved}T09:00:00.000Z` }),
          ),
        }),
      );
      spec.lines.forEach((line, j) => {
        lines.push(
          makeLine({
            id: `${id}l${j}`,
            projectId: id,
            bankId: line.bankId,
            approved: line.approved === null ? null : line.approved * WAN,
            approvedDate: line.approved === null ? null : line.approvedDate,
            tranches: line.tranches.map((t, k) => makeTranche(`t${k}`, t.date, t.amount * WAN)),
          }),
        );
      });
    });
    return { projects, lines };
  });

describe('diffMonths properties', () => {
  it('finds nothing between a snapshot and itself', () => {
    fc.assert(
      fc.property(workspaceArb, fc.constantFrom('2026-03', '2026-04', '2026-05'), ({ projects, lines }, month) => {
        const snapshot = buildMonthSnapshot(month, projects, lines, banks, new Date('2026-06-15T00:00:00Z'));
        const diff = diffMonths(snapshot, structuredClone(snapshot));
        expect(isDiffEmpty(diff)).toBe(true);
        expect(Object.values(diff.totals.delta).every((v) => v === 0)).toBe(true);
      }),
    );
  }, 30_000);

  it('accounts for every yuan disbursed between two months of the same workspace', () => {
    fc.assert(
      fc.property(workspaceArb, ({ projects, lines }) => {
        const april = buildMonthSnapshot('2026-04', projects, lines, banks, new Date('2026-06-15T00:00:00Z'));
        const may = buildMonthSnapshot('2026-05', projects, lines, banks, new Date('2026-06-15T00:00:00Z'));
        const diff = diffMonths(april, may);
        const disbursed = diff.disbursed.reduce((sum, d) => sum + d.amount, 0);
        expect(disbursed).toBe(diff.totals.delta.disbursed);
        expect(disbursed).toBe(may.totals.disbursedInMonth);
        const approved = diff.newlyApproved.reduce((sum, d) => sum + d.amount, 0);
        expect(approved).toBe(diff.totals.delta.approved);
      }),
    );
  }, 30_000);
});
