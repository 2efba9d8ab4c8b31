import { describe, expect, it } from 'vitest';
import { DEFAULT_STALL_RULES, defaultStallRules, emptyClearance, emptyPrerequisites, emptyStall } from './defaults';
import { PREREQ_KEYS, STAGE_IDS } from './types';

describe('defaults', () => {
  it('sets a limit or an explicit null for every stage, and the 60/90 approved pair', () => {
    expect(Object.keys(DEFAULT_STALL_RULES.stageLimitDays).sort()).toEqual([...STAGE_IDS].sort());
    expect(DEFAULT_STALL_RULES.approvedWarnDays).toBe(60);
    expect(DEFAULT_STALL_RULES.approvedAlarmDays).toBe(90);
    expect(DEFAULT_STALL_RULES.stageLimitDays.disbursed).toBeNull();
    expect(DEFAULT_STALL_RULES.bankSilenceDays).toBeGreaterThan(0);
  });

  it('protects the shared defaults and hands out editable copies', () => {
    expect(() => {
      (DEFAULT_STALL_RULES.stageLimitDays as Record<string, number | null>).matched = 1;
    }).toThrow(TypeError);
    const copy = defaultStallRules();
    copy.stageLimitDays.matched = 1;
    copy.bankSilenceDays = 2;
    expect(DEFAULT_STALL_RULES.stageLimitDays.matched).toBe(90);
    expect(DEFAULT_STALL_RULES.bankSilenceDays).toBe(30);
  });

  it('starts every prerequisite as todo, each its own object', () => {
    const prereqs = emptyPrerequisites();
    expect(Object.keys(prereqs).sort()).toEqual([...PREREQ_KEYS].sort());
    expect(prereqs.land).toEqual({ status: 'todo', docNo: null, date: null });
    prereqs.land.status = 'done';
    expect(prereqs.planning.status).toBe('todo');
  });

  it('gives empty summaries', () => {
    expect(emptyClearance()).toMatchObject({ need: 0, status: 'cleared', blockedBy: [], openBlockers: [] });
    expect(emptyClearance()).not.toBe(emptyClearance());
    expect(emptyStall('2026-01-01T00:00:00.000Z')).toEqual({
      stalled: false,
      flags: [],
      evaluatedAt: '2026-01-01T00:00:00.000Z',
      nextCheckAt: null,
    });
  });
});
