import { describe, expect, it } from 'vitest';
import { digestLine, digestLines, lineDisbursed } from './lineDigest';
import { makeLine, tranche } from './testing/ruleFixtures';

describe('digestLine', () => {
  it('keeps what clearance and stall read, with the tranches summed and their first and last dates', () => {
    const line = makeLine({
      id: 'l9',
      bankId: 'ceb',
      product: 'bond',
      requested: 500,
      approved: 400,
      approvedDate: '2026-01-10',
      contracted: 300,
      contractDate: '2026-01-20',
      status: 'disbursing',
      // Out of order on purpose: the dates are the earliest and the latest, not the first and last stored.
      tranches: [tranche(50, '2026-03-01'), tranche(100, '2026-02-01'), tranche(25, '2026-02-15')],
      note: 'not in the digest',
      updatedAt: '2026-03-01T02:00:00.000Z',
    });
    expect(digestLine(line)).toEqual({
      id: 'l9',
      bankId: 'ceb',
      product: 'bond',
      status: 'disbursing',
      requested: 500,
      approved: 400,
      approvedDate: '2026-01-10',
      contracted: 300,
      contractDate: '2026-01-20',
      disbursed: 175,
      trancheCount: 3,
      firstTrancheDate: '2026-02-01',
      lastTrancheDate: '2026-03-01',
      updatedAt: '2026-03-01T02:00:00.000Z',
    });
    expect(lineDisbursed(line)).toBe(175);
  });

  it('has no tranche dates before the first drawdown', () => {
    expect(digestLine(makeLine())).toMatchObject({ disbursed: 0, trancheCount: 0, firstTrancheDate: null, lastTrancheDate: null });
  });
});

describe('digestLines', () => {
  it('digests full lines, copies digests, and orders both by line id', () => {
    const b = makeLine({ id: 'b', tranches: [tranche(10)] });
    const a = digestLine(makeLine({ id: 'a' }));
    const digests = digestLines([b, a]);
    expect(digests).toEqual([a, digestLine(b)]);
    expect(digests[0]).not.toBe(a);
    expect(digestLines(digests)).toEqual(digests);
  });
});
