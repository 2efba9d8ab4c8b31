import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compareByRank, neighbourRanks, rankBetween, ranksForAppend } from './rank';
import type { Ranked } from './rank';
import { DomainError } from './errors';

function expectRankError(fn: () => unknown): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('invalid-argument');
    expect((error as DomainError).messageKey).toBe('errors.rank.invalid');
    return;
  }
  throw new Error('expected errors.rank.invalid');
}

describe('rankBetween', () => {
  it('makes keys strictly between the bounds', () => {
    const first = rankBetween(null, null);
    const after = rankBetween(first, null);
    const before = rankBetween(null, first);
    const middle = rankBetween(first, after);
    expect(before < first && first < middle && middle < after).toBe(true);
  });

  it('refuses inverted, equal and malformed bounds', () => {
    const a = rankBetween(null, null);
    const b = rankBetween(a, null);
    expectRankError(() => rankBetween(b, a));
    expectRankError(() => rankBetween(a, a));
    expectRankError(() => rankBetween('', null));
    expectRankError(() => rankBetween('a0', 'zzzz!'));
    expectRankError(() => rankBetween('not a key', null));
    expectRankError(() => rankBetween(42 as unknown as string, null));
  });
});

describe('compareByRank', () => {
  it('orders by rank with plain code-unit comparison, then by id', () => {
    expect(compareByRank({ rank: 'a0', id: 'z' }, { rank: 'a1', id: 'a' })).toBeLessThan(0);
    expect(compareByRank({ rank: 'Zz', id: 'a' }, { rank: 'a0', id: 'a' })).toBeLessThan(0);
    expect(compareByRank({ rank: 'a0', id: 'b' }, { rank: 'a0', id: 'a' })).toBeGreaterThan(0);
    expect(compareByRank({ rank: 'a0', id: 'a' }, { rank: 'a0', id: 'a' })).toBe(0);
  });
});

describe('ranksForAppend', () => {
  it('appends n increasing keys after the last one', () => {
    const keys = ranksForAppend('a5', 4);
    expect(keys).toHaveLength(4);
    expect(['a5', ...keys]).toEqual([...['a5', ...keys]].sort());
    expect(new Set(keys).size).toBe(4);
    expect(ranksForAppend(null, 0)).toEqual([]);
    expectRankError(() => ranksForAppend(null, -1));
  });
});

describe('neighbourRanks', () => {
  const column: Ranked[] = [
    { id: 'p1', rank: 'a0' },
    { id: 'p2', rank: 'a1' },
    { id: 'p3', rank: 'a2' },
  ];

  it('gives the neighbours of the drop position, ignoring the moving card', () => {
    expect(neighbourRanks(column, 'x', 0)).toEqual({ before: null, after: 'a0' });
    expect(neighbourRanks(column, 'x', 1)).toEqual({ before: 'a0', after: 'a1' });
    expect(neighbourRanks(column, 'x', 3)).toEqual({ before: 'a2', after: null });
    expect(neighbourRanks(column, 'p1', 1)).toEqual({ before: 'a1', after: 'a2' });
    expect(neighbourRanks(column, 'p3', 0)).toEqual({ before: null, after: 'a0' });
    expect(neighbourRanks([], 'x', 0)).toEqual({ before: null, after: null });
  });

  it('clamps out-of-range indexes', () => {
    expect(neighbourRanks(column, 'x', -4)).toEqual({ before: null, after: 'a0' });
    expect(neighbourRanks(column, 'x', 99)).toEqual({ before: 'a2', after: null });
  });

  it('lands after a tied group, where a key between the ties cannot exist', () => {
    const tied: Ranked[] = [
      { id: 'p1', rank: 'a0' },
      { id: 'p2', rank: 'a1' },
      { id: 'p3', rank: 'a1' },
      { id: 'p4', rank: 'a2' },
    ];
    expect(neighbourRanks(tied, 'x', 2)).toEqual({ before: 'a1', after: 'a2' });
    expect(neighbourRanks(tied.slice(0, 3), 'x', 2)).toEqual({ before: 'a1', after: null });
  });
});

type Op = { index: number; concurrent: boolean };

function ids(list: Ranked[]): string[] {
  return list.map((card) => card.id);
}

describe('rank properties', () => {
  it('any sequence of inserts lands each card where it was dropped, in a strict total order', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 1000 }), { minLength: 1, maxLength: 80 }), (positions) => {
        let column: Ranked[] = [];
        positions.forEach((pos, n) => {
          const index = pos % (column.length + 1);
          const { before, after } = neighbourRanks(column, `c${n}`, index);
          const card = { id: `c${n}`, rank: rankBetween(before, after) };
          const expected = [...column.slice(0, index), card, ...column.slice(index)];
          column = [...column, card].sort(compareByRank);
          expect(ids(column)).toEqual(ids(expected));
        });
        for (let i = 1; i < column.length; i += 1) {
          expect(compareByRank(column[i - 1]!, column[i]!)).toBeLessThan(0);
          expect(column[i - 1]!.rank < column[i]!.rank).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('concurrent inserts into the same gap still give one total order and never block later moves', () => {
    const ops = fc.array(fc.record({ index: fc.nat({ max: 1000 }), concurrent: fc.boolean() }), { minLength: 1, maxLength: 60 });
    fc.assert(
      fc.property(ops, (operations: Op[]) => {
        let column: Ranked[] = [];
        operations.forEach((op, n) => {
          const index = op.index % (column.length + 1);
          const { before, after } = neighbourRanks(column, `c${n}`, index);
          const rank = rankBetween(before, after);
          // Two clients computed the same key from the same view of the column.
          const added = op.concurrent ? [{ id: `c${n}a`, rank }, { id: `c${n}b`, rank }] : [{ id: `c${n}`, rank }];
          column = [...column, ...added].sort(compareByRank);
        });
        const shuffledSort = [...column].reverse().sort(compareByRank);
        expect(ids(shuffledSort)).toEqual(ids(column));
        for (let i = 1; i < column.length; i += 1) expect(compareByRank(column[i - 1]!, column[i]!)).toBeLessThan(0);
      }),
      { numRuns: 300 },
    );
  });

  it('moving an existing card keeps the others in their relative order', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 30 }), fc.nat(), fc.nat(), (size, from, to) => {
        const column: Ranked[] = ranksForAppend(null, size).map((rank, i) => ({ id: `c${i}`, rank }));
        const moving = column[from % size]!;
        const index = to % size;
        const { before, after } = neighbourRanks(column, moving.id, index);
        const moved = { ...moving, rank: rankBetween(before, after) };
        const result = [...column.filter((c) => c.id !== moving.id), moved].sort(compareByRank);
        const others = column.filter((c) => c.id !== moving.id);
        expect(ids(result)).toEqual(ids([...others.slice(0, index), moved, ...others.slice(index)]));
      }),
    );
  });
});
