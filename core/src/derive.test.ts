import { describe, expect, it } from 'vitest';
import { DEFAULT_STALL_RULES } from './defaults';
import { deriveProject } from './derive';
import { computeClearance } from './clearance';
import { digestLine } from './lineDigest';
import { evaluateStall } from './stall';
import type { Blocker, Project } from './types';
import { T0, makeLine, makeProject, tranche } from './testing/ruleFixtures';

const NOW = new Date('2026-04-01T04:00:00.000Z');

const openBlocker: Blocker = {
  id: 'b1',
  tag: 'bank',
  description: '上级行审批',
  party: '工商银行',
  dueDate: null,
  openedAt: T0,
  openedBy: 'u1',
  resolvedAt: null,
  resolution: null,
};

describe('deriveProject', () => {
  const lines = [
    makeLine({ id: 'l1', bankId: 'icbc', approved: 100, approvedDate: '2026-03-20', status: 'disbursing', tranches: [tranche(40)], updatedAt: '2026-03-25T00:00:00.000Z' }),
    makeLine({ id: 'l2', bankId: 'ceb', status: 'declined', updatedAt: '2026-03-28T10:00:00+08:00' }),
    makeLine({ id: 'l3', bankId: 'icbc', updatedAt: '2026-03-01T00:00:00.000Z' }),
  ];

  it('recomputes every denormalised field and leaves the rest alone', () => {
    const project = makeProject({ stage: 'disbursing', stageEnteredAt: '2026-03-25T00:00:00Z', bankIds: ['old'], lastBankUpdateAt: null });
    const derived = deriveProject(project, lines, DEFAULT_STALL_RULES, NOW);
    expect(derived).not.toBe(project);
    expect(project.bankIds).toEqual(['old']);
    expect(derived.bankIds).toEqual(['ceb', 'icbc']);
    expect(derived.lastBankUpdateAt).toBe('2026-03-28T10:00:00+08:00');
    expect(derived.lines).toEqual(lines.map(digestLine));
    expect(derived.clearance).toEqual(computeClearance(project, lines.map(digestLine), NOW));
    expect(derived.stall).toEqual(evaluateStall(project, lines.map(digestLine), NOW, DEFAULT_STALL_RULES));
    const { clearance: _c, stall: _s, bankIds: _b, lastBankUpdateAt: _l, lines: _d, ...rest } = derived;
    const { clearance: _c2, stall: _s2, bankIds: _b2, lastBankUpdateAt: _l2, lines: _d2, ...restBefore } = project;
    expect(rest).toEqual(restBefore);
  });

  it('derives from the digest the project carries when no lines are given', () => {
    const fromLines = deriveProject(makeProject({ stage: 'disbursing', stageEnteredAt: '2026-03-25T00:00:00Z' }), lines, DEFAULT_STALL_RULES, NOW);
    // The same project after a change that does not touch its lines (say a new action plan).
    const fromDigest = deriveProject({ ...fromLines, actionPlan: '一项一策' }, undefined, DEFAULT_STALL_RULES, NOW);
    expect(fromDigest).toEqual({ ...fromLines, actionPlan: '一项一策' });
    expect(deriveProject(fromLines, lines.map(digestLine), DEFAULT_STALL_RULES, NOW)).toEqual(fromLines);
  });

  it('refuses to derive a project that carries no digest from nothing', () => {
    const { lines: _lines, ...legacy } = makeProject();
    expect(() => deriveProject(legacy as Project, undefined, DEFAULT_STALL_RULES, NOW)).toThrow(/no line digest/);
    expect(deriveProject(legacy as Project, [], DEFAULT_STALL_RULES, NOW).lines).toEqual([]);
  });

  it('has no banks and no bank update without lines', () => {
    const derived = deriveProject(makeProject({ bankIds: ['x'], lastBankUpdateAt: T0 }), [], DEFAULT_STALL_RULES, NOW);
    expect(derived.bankIds).toEqual([]);
    expect(derived.lastBankUpdateAt).toBeNull();
  });

  it('turns a cleared but stalled project into stalled', () => {
    const stuck = makeProject({ stage: 'pipeline', stageEnteredAt: '2025-01-01T00:00:00Z' });
    const derived = deriveProject(stuck, [], DEFAULT_STALL_RULES, NOW);
    expect(derived.stall.stalled).toBe(true);
    expect(derived.clearance.status).toBe('stalled');
  });

  it('keeps blocked ahead of stalled, and a warning alone does not stall', () => {
    const stuckAndBlocked = makeProject({ stage: 'pipeline', stageEnteredAt: '2025-01-01T00:00:00Z', blockers: [openBlocker] });
    const blocked = deriveProject(stuckAndBlocked, [], DEFAULT_STALL_RULES, NOW);
    expect(blocked.stall.stalled).toBe(true);
    expect(blocked.clearance.status).toBe('blocked');

    const warned = makeProject({ stage: 'approval', stageEnteredAt: '2026-03-25T00:00:00Z' });
    const line = makeLine({ approved: 100, approvedDate: '2026-01-20', status: 'approved', updatedAt: NOW.toISOString() });
    const derived = deriveProject(warned, [line], DEFAULT_STALL_RULES, NOW);
    expect(derived.stall.flags.map((f) => f.params.level)).toEqual(['warn']);
    expect(derived.clearance.status).toBe('cleared');
  });

  it('never marks done or off-flow projects stalled', () => {
    const old = { stageEnteredAt: '2020-01-01T00:00:00Z', expectedMonth: '2020-01' };
    expect(deriveProject(makeProject({ ...old, stage: 'disbursed' }), [], DEFAULT_STALL_RULES, NOW).clearance.status).toBe('done');
    expect(deriveProject(makeProject({ ...old, flag: 'rejected' }), [], DEFAULT_STALL_RULES, NOW).clearance.status).toBe('offFlow');
  });
});
