import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { activities, ADMIN, refused, run, STAFF, workspace } from '../commands/testing';
import type { ReportingRound } from '../followUp/reporting';
import type { Assignment, LoanLine } from '../types';
import {
  addQuarters,
  bankScorecard,
  bankScorecardForBank,
  DEFAULT_SCORECARD_WEIGHTS,
  isIsoQuarter,
  quarterMonths,
  quarterOf,
  SCORECARD_WEIGHTS_DOC_ID,
  scorecardAudienceOf,
  scorecardWeightsOf,
  type ScorecardInput,
} from './bankScorecard';

const M = 1_000_000; // 100万元, in yuan
const NOW = new Date('2026-10-20T02:00:00.000Z');

const banks = [
  { id: 'icbc', name: '工商银行', agreementAmount: 1000 * M },
  { id: 'ccb', name: '建设银行', agreementAmount: 0 },
  { id: 'ceb', name: '光大银行', agreementAmount: 200 * M },
];

function line(bankId: string, approved: number | null, approvedDate: string | null, tranches: [string, number][]): Pick<LoanLine, 'bankId' | 'approved' | 'approvedDate' | 'tranches'> {
  return {
    bankId,
    approved,
    approvedDate,
    tranches: tranches.map(([date, amount], i) => ({ id: `t${i}`, date, amount, recordedAt: `${date}T02:00:00.000Z`, recordedBy: 'u' })),
  };
}

const lines = [
  line('icbc', 300 * M, '2026-07-15', [['2026-06-30', 100 * M], ['2026-08-01', 50 * M], ['2026-10-02', 70 * M]]),
  line('icbc', 100 * M, '2026-06-30', []),
  line('ccb', 150 * M, '2026-09-30', [['2026-09-30', 100 * M]]),
  line('ceb', null, null, [['2026-07-01', 20 * M]]),
];

function round(month: string, deadline: string, submitted: Record<string, string>): ReportingRound {
  return {
    month,
    deadline,
    openedAt: `${month}-28T02:00:00.000Z`,
    openedBy: 'u-staff',
    bankIds: ['icbc', 'ccb', 'ceb'],
    submissions: Object.fromEntries(Object.entries(submitted).map(([bankId, at]) => [bankId, { at, by: 'u', byName: '联络员', noChange: true, note: '' }])),
    chases: [],
  };
}

const rounds = [
  // 23:30 in Shanghai on the deadline is on time; 00:30 the next day is late.
  round('2026-07', '2026-08-07', { icbc: '2026-08-07T15:30:00.000Z', ccb: '2026-08-07T16:30:00.000Z' }),
  round('2026-08', '2026-09-07', { icbc: '2026-09-01T02:00:00.000Z', ccb: '2026-09-02T02:00:00.000Z', ceb: '2026-09-07T02:00:00.000Z' }),
  round('2026-09', '2026-10-12', { icbc: '2026-10-09T02:00:00.000Z', ceb: '2026-10-15T02:00:00.000Z' }),
  // Not the quarter's months: left out.
  round('2026-06', '2026-07-07', {}),
  round('2026-10', '2026-11-06', {}),
];

function assignment(who: string, dueDate: string, doneAt: string | null): Pick<Assignment, 'who' | 'dueDate' | 'doneAt'> {
  return { who, dueDate, doneAt };
}

const assignments = [
  assignment('工商银行城南支行', '2026-08-15', '2026-08-14T10:00:00.000Z'),
  assignment('工商银行', '2026-09-10', '2026-09-12T02:00:00.000Z'),
  assignment('市住建局、建设银行', '2026-07-20', null),
  // 23:59 in Shanghai on the due day.
  assignment('建 设 银 行', '2026-09-30', '2026-09-30T15:59:00.000Z'),
  assignment('光大银行', '2026-10-05', null),
];

const input: ScorecardInput = { quarter: '2026-Q3', banks, lines, rounds, assignments, weights: { ...DEFAULT_SCORECARD_WEIGHTS }, now: NOW };

describe('quarters', () => {
  it('follow the Asia/Shanghai calendar', () => {
    expect(quarterOf(new Date('2026-09-30T16:30:00.000Z'))).toBe('2026-Q4'); // 00:30 on 1 October in Shanghai
    expect(quarterOf(new Date('2026-09-30T15:30:00.000Z'))).toBe('2026-Q3');
    expect(quarterMonths('2026-Q4')).toEqual(['2026-10', '2026-11', '2026-12']);
    expect(addQuarters('2026-Q1', -1)).toBe('2025-Q4');
    expect(addQuarters('2026-Q4', 1)).toBe('2027-Q1');
    expect(isIsoQuarter('2026-Q5')).toBe(false);
    expect(isIsoQuarter('2026-Q2')).toBe(true);
  });
});

describe('bankScorecard', () => {
  const card = bankScorecard(input);
  const row = (bankId: string) => card.rows.find((r) => r.bankId === bankId)!;

  it('adds up each bank’s approvals and disbursements of the quarter, and what it lent to date', () => {
    expect(row('icbc')).toMatchObject({ approvals: 300 * M, disbursements: 50 * M, disbursedToDate: 150 * M, fulfilment: 0.15 });
    expect(row('ccb')).toMatchObject({ approvals: 150 * M, disbursements: 100 * M, disbursedToDate: 100 * M, fulfilment: null });
    expect(row('ceb')).toMatchObject({ approvals: 0, disbursements: 20 * M, disbursedToDate: 20 * M, fulfilment: 0.1 });
  });

  it('counts the rounds reported by the deadline and the assignments closed by their due day', () => {
    expect(row('icbc').reporting).toEqual({ done: 3, of: 3 });
    expect(row('ccb').reporting).toEqual({ done: 1, of: 3 });
    expect(row('ceb').reporting).toEqual({ done: 1, of: 3 });
    expect(row('icbc').followUp).toEqual({ done: 1, of: 2 });
    expect(row('ccb').followUp).toEqual({ done: 1, of: 2 });
    expect(row('ceb').followUp).toEqual({ done: 0, of: 0 });
  });

  it('scores each criterion and weights the total over the criteria a bank is scored on', () => {
    expect(row('icbc').scores).toEqual({ approvals: 100, disbursements: 50, fulfilment: 15, reporting: 100, followUp: 50 });
    expect(row('ccb').scores).toEqual({ approvals: 50, disbursements: 100, fulfilment: null, reporting: 33.3, followUp: 50 });
    expect(row('ceb').scores).toEqual({ approvals: 0, disbursements: 20, fulfilment: 10, reporting: 33.3, followUp: null });
    // (100·25 + 50·30 + 15·20 + 100·15 + 50·10) / 100
    expect(row('icbc').total).toBe(63);
    // (50·25 + 100·30 + 33.33·15 + 50·10) / 80 = 65.625
    expect(row('ccb').total).toBe(65.6);
    // (0·25 + 20·30 + 10·20 + 33.33·15) / 90 = 14.44
    expect(row('ceb').total).toBe(14.4);
  });

  it('ranks by the total and adds a total row', () => {
    expect(card.rows.map((r) => [r.bankId, r.rank])).toEqual([['ccb', 1], ['icbc', 2], ['ceb', 3]]);
    expect(card.total).toEqual({
      bankCount: 3,
      approvals: 450 * M,
      disbursements: 170 * M,
      disbursedToDate: 270 * M,
      agreementAmount: 1200 * M,
      // Only the banks with an agreement: (150 + 20) / (1000 + 200).
      fulfilment: 170 / 1200,
      reporting: { done: 5, of: 9 },
      followUp: { done: 2, of: 4 },
      // The city's rates are over every bank's rounds and assignments, not a mean of the banks' rates.
      reportingRate: 5 / 9,
      followUpRate: 2 / 4,
    });
  });

  it('gives no total rate where nothing counts (0 of 0 is not 0%)', () => {
    const quiet = bankScorecard({ ...input, rounds: [], assignments: [] });
    expect(quiet.total.reporting).toEqual({ done: 0, of: 0 });
    expect(quiet.total.reportingRate).toBeNull();
    expect(quiet.total.followUpRate).toBeNull();
  });

  it('leaves out a bank with no line and no agreement', () => {
    const withIdle = bankScorecard({ ...input, banks: [...banks, { id: 'picc', name: '人保财险', agreementAmount: 0 }] });
    expect(withIdle.rows.map((r) => r.bankId)).toEqual(['ccb', 'icbc', 'ceb']);
    expect(withIdle.total.bankCount).toBe(3);
  });

  it('moves the ranks with the weights', () => {
    const moneyOnly = bankScorecard({ ...input, weights: { approvals: 50, disbursements: 50, fulfilment: 0, reporting: 0, followUp: 0 } });
    // icbc (100 + 50) / 2 = 75, ccb (50 + 100) / 2 = 75, ceb 10: a shared first place (by name), then third.
    expect(moneyOnly.rows.map((r) => [r.bankId, r.total, r.rank])).toEqual([['icbc', 75, 1], ['ccb', 75, 1], ['ceb', 10, 3]]);
    const fulfilmentOnly = bankScorecard({ ...input, weights: { approvals: 0, disbursements: 0, fulfilment: 100, reporting: 0, followUp: 0 } });
    // A bank without an agreement has nothing to be scored on: no total, no rank, last.
    expect(fulfilmentOnly.rows.map((r) => [r.bankId, r.total, r.rank])).toEqual([['icbc', 15, 1], ['ceb', 10, 2], ['ccb', null, null]]);
  });

  it('does not count a round or an assignment that is not due yet', () => {
    const midQuarter = new Date('2026-09-05T02:00:00.000Z');
    const asOfThen = [round('2026-07', '2026-08-07', { icbc: '2026-08-07T15:30:00.000Z' }), round('2026-08', '2026-09-07', {})];
    const early = bankScorecard({ ...input, rounds: asOfThen, assignments: assignments.map((a) => (a.dueDate === '2026-09-10' ? { ...a, doneAt: null } : a)), now: midQuarter });
    const icbc = early.rows.find((r) => r.bankId === 'icbc')!;
    // The August round's deadline (7 September) has not come: only July counts.
    expect(icbc.reporting).toEqual({ done: 1, of: 1 });
    // Due on 10 September, not closed yet: not counted.
    expect(icbc.followUp).toEqual({ done: 1, of: 1 });
    expect(early.rows.find((r) => r.bankId === 'ceb')!.reporting).toEqual({ done: 0, of: 1 });
  });

  it('gives a liaison only their own bank’s figures, no score and no rank', () => {
    const own = bankScorecardForBank({ ...input, lines: lines.filter((l) => l.bankId === 'ceb') }, 'ceb');
    expect(own).toEqual({
      bankId: 'ceb',
      name: '光大银行',
      approvals: 0,
      disbursements: 20 * M,
      disbursedToDate: 20 * M,
      agreementAmount: 200 * M,
      fulfilment: 0.1,
      reporting: { done: 1, of: 3 },
      followUp: { done: 0, of: 0 },
    });
    expect(own).not.toHaveProperty('rank');
    expect(bankScorecardForBank(input, null)).toBeNull();
  });

  it('keeps every score within 0–100, ranks consistent, and the total row the sum of the rows (property)', () => {
    const day = fc.integer({ min: 0, max: 400 }).map((n) => new Date(Date.UTC(2026, 3, 1) + n * 86_400_000).toISOString().slice(0, 10));
    const bankIds = ['a', 'b', 'c', 'd'];
    const arbLine = fc.record({
      bankId: fc.constantFrom(...bankIds),
      approved: fc.option(fc.integer({ min: 0, max: 500 * M }), { nil: null }),
      approvedDate: fc.option(day, { nil: null }),
      tranches: fc.array(fc.tuple(day, fc.integer({ min: 1, max: 100 * M })), { maxLength: 4 }),
    });
    const arbWeights = fc
      .tuple(fc.nat({ max: 100 }), fc.nat({ max: 100 }), fc.nat({ max: 100 }), fc.nat({ max: 100 }))
      .map((cuts) => {
        const [a, b, c, d] = [...cuts].sort((x, y) => x - y) as [number, number, number, number];
        return { approvals: a, disbursements: b - a, fulfilment: c - b, reporting: d - c, followUp: 100 - d };
      });
    fc.assert(
      fc.property(
        fc.array(arbLine, { maxLength: 12 }),
        fc.array(fc.integer({ min: 0, max: 300 * M }), { minLength: 4, maxLength: 4 }),
        arbWeights,
        fc.array(fc.tuple(fc.constantFrom('甲银行', '乙银行', '丙银行'), day, fc.option(day, { nil: null })), { maxLength: 6 }),
        (rawLines, agreements, weights, rawAssignments) => {
          const names = ['甲银行', '乙银行', '丙银行', '丁银行'];
          const theBanks = bankIds.map((bankId, i) => ({ id: bankId, name: names[i]!, agreementAmount: agreements[i]! }));
          const theLines = rawLines.map((l) => line(l.bankId, l.approved, l.approvedDate, l.tranches));
          const theAssignments = rawAssignments.map(([who, due, done]) => assignment(who, due, done === null ? null : `${done}T02:00:00.000Z`));
          const arg: ScorecardInput = { quarter: '2026-Q3', banks: theBanks, lines: theLines, rounds, assignments: theAssignments, weights, now: NOW };
          const card = bankScorecard(arg);
          for (const r of card.rows) {
            for (const score of Object.values(r.scores)) {
              if (score === null) continue;
              expect(score).toBeGreaterThanOrEqual(0);
              expect(score).toBeLessThanOrEqual(100);
            }
            if (r.total !== null) {
              expect(r.total).toBeGreaterThanOrEqual(0);
              expect(r.total).toBeLessThanOrEqual(100);
              expect(r.rank).toBe(1 + card.rows.filter((o) => o.total !== null && o.total > r.total!).length);
            } else expect(r.rank).toBeNull();
          }
          expect(card.total.approvals).toBe(card.rows.reduce((s, r) => s + r.approvals, 0));
          expect(card.total.disbursements).toBe(card.rows.reduce((s, r) => s + r.disbursements, 0));
          const reported = card.rows.reduce((s, r) => ({ done: s.done + r.reporting.done, of: s.of + r.reporting.of }), { done: 0, of: 0 });
          expect(card.total.reportingRate).toBe(reported.of === 0 ? null : reported.done / reported.of);
          // The banks' order in the input changes nothing.
          expect(bankScorecard({ ...arg, banks: [...theBanks].reverse() })).toEqual(card);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('scorecard.setWeights', () => {
  const weights = { approvals: 20, disbursements: 40, fulfilment: 20, reporting: 10, followUp: 10 };

  it('stores the admin’s weights at the version seen, and the scorecard reads them', async () => {
    const store = await workspace();
    await run(store, ADMIN, 'scorecard.setWeights', { expectedVersion: null, weights });
    const saved = await store.get('settings', SCORECARD_WEIGHTS_DOC_ID);
    expect(saved).toMatchObject({ version: 1, data: weights });
    expect(scorecardWeightsOf(saved?.data)).toEqual(weights);
    await run(store, ADMIN, 'scorecard.setWeights', { expectedVersion: 1, weights: { ...weights, approvals: 30, disbursements: 30 } });
    expect((await store.get('settings', SCORECARD_WEIGHTS_DOC_ID))?.version).toBe(2);
    const records = (await activities(store)).filter((a) => a.command === 'scorecard.setWeights');
    expect(records).toHaveLength(2);
    expect(records.some((a) => JSON.stringify(a.after).includes('"approvals":30'))).toBe(true);
  });

  it('refuses staff, weights that do not add up to 100, and a stale version; none writes anything', async () => {
    const store = await workspace();
    expect((await refused(store, STAFF, 'scorecard.setWeights', { expectedVersion: null, weights })).code).toBe('permission-denied');
    const sum = await refused(store, ADMIN, 'scorecard.setWeights', { expectedVersion: null, weights: { ...weights, followUp: 11 } });
    expect(sum.fieldErrors).toEqual([{ path: 'weights.weights', messageKey: 'errors.scorecard.weightsSum' }]);
    const negative = await refused(store, ADMIN, 'scorecard.setWeights', { expectedVersion: null, weights: { ...weights, approvals: -20, disbursements: 80 } });
    expect(negative.fieldErrors?.[0]?.path).toBe('weights.approvals');
    await run(store, ADMIN, 'scorecard.setWeights', { expectedVersion: null, weights });
    expect((await refused(store, ADMIN, 'scorecard.setWeights', { expectedVersion: null, weights })).code).toBe('failed-precondition');
  });

  it('falls back to the default weights when none are stored', () => {
    expect(scorecardWeightsOf(undefined)).toEqual(DEFAULT_SCORECARD_WEIGHTS);
    expect(scorecardWeightsOf({ approvals: 100 })).toEqual(DEFAULT_SCORECARD_WEIGHTS);
  });
});

describe('scorecardAudienceOf', () => {
  it('follows the read policy: the bureau sees every bank ranked, a liaison its own bank, anyone else nothing', () => {
    expect(scorecardAudienceOf({ role: 'admin', bankId: null })).toEqual({ kind: 'ranked' });
    expect(scorecardAudienceOf({ role: 'staff', bankId: null })).toEqual({ kind: 'ranked' });
    expect(scorecardAudienceOf({ role: 'viewer', bankId: null })).toEqual({ kind: 'ranked' });
    expect(scorecardAudienceOf({ role: 'liaison', bankId: 'icbc' })).toEqual({ kind: 'ownBank', bankId: 'icbc' });
    expect(scorecardAudienceOf({ role: 'unit', bankId: null })).toEqual({ kind: 'none' });
    expect(scorecardAudienceOf(null)).toEqual({ kind: 'none' });
  });
});
