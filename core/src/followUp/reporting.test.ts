import { describe, expect, it } from 'vitest';
import { bankReportState, defaultReportingDeadline, lateBanks, reportingRoundTable } from './reporting';
import type { ReportingRound } from './reporting';

describe('the monthly reporting round', () => {
  it('defaults the deadline to the 5th working day after the month ends (weekends skipped)', () => {
    // 2026-11-30 is a Monday: Dec 1 Tue … Dec 7 Mon is the 5th working day.
    expect(defaultReportingDeadline('2026-11')).toBe('2026-12-07');
    // 2026-02-28 is a Saturday: Mar 2 Mon … Mar 6 Fri.
    expect(defaultReportingDeadline('2026-02')).toBe('2026-03-06');
    expect(defaultReportingDeadline('2026-12')).toBe('2027-01-07');
  });
  it('says 已报 / 逾期已报 / 未报 / 逾期未报 per bank', () => {
    const round: ReportingRound = {
      month: '2026-11', deadline: '2026-12-07', openedAt: '2026-12-01T01:00:00.000Z', openedBy: 's',
      bankIds: ['a', 'b', 'c'],
      submissions: {
        a: { at: '2026-12-03T01:00:00.000Z', by: 'la', byName: 'A', noChange: true, note: '' },
        b: { at: '2026-12-08T01:00:00.000Z', by: 'lb', byName: 'B', noChange: false, note: '新增投放' },
      },
      chases: [{ at: '2026-12-08T01:00:00.000Z', by: 's', bankIds: ['c'] }],
    };
    expect(bankReportState(round, 'c', new Date('2026-12-07T10:00:00.000Z'))).toBe('pending');
    const now = new Date('2026-12-08T04:00:00.000Z');
    expect(reportingRoundTable(round, [{ id: 'a', name: '甲银行' }], now).map((r) => [r.bankName, r.state, r.chased])).toEqual([
      ['甲银行', 'reported', 0], ['b', 'late', 0], ['c', 'overdue', 1],
    ]);
    expect(lateBanks(round, now)).toEqual(['c']);
  });
});
