import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { workbookToBuffer } from '../meeting/workbook';
import { bankScorecard, DEFAULT_SCORECARD_WEIGHTS } from './bankScorecard';
import { buildScorecardWorkbook, SCORECARD_SHEET_NAME, scorecardFileName, scorecardTitle } from './bankScorecardWorkbook';

const M = 1_000_000;
const card = bankScorecard({
  quarter: '2026-Q3',
  banks: [
    { id: 'icbc', name: '工商银行', agreementAmount: 1000 * M },
    { id: 'ccb', name: '建设银行', agreementAmount: 0 },
  ],
  lines: [
    { bankId: 'icbc', approved: 300 * M, approvedDate: '2026-07-15', tranches: [{ id: 't1', date: '2026-08-01', amount: 123_456_789, recordedAt: '2026-08-01T02:00:00.000Z', recordedBy: 'u' }] },
    { bankId: 'ccb', approved: 150 * M, approvedDate: '2026-09-30', tranches: [] },
  ],
  rounds: [],
  assignments: [{ who: '建设银行', dueDate: '2026-08-10', doneAt: '2026-08-09T02:00:00.000Z' }],
  weights: { ...DEFAULT_SCORECARD_WEIGHTS },
  now: new Date('2026-10-20T02:00:00.000Z'),
});

describe('the scorecard workbook', () => {
  it('writes the title, the header with the weights, a row per bank in rank order and the 合计 row', async () => {
    const bytes = await workbookToBuffer(await buildScorecardWorkbook(card, { cityName: '昭通市' }));
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(bytes as unknown as ArrayBuffer);
    const sheet = book.getWorksheet(SCORECARD_SHEET_NAME)!;
    expect(sheet.getCell('A1').value).toBe('昭通市银行机构支持重点项目融资季度考核表（2026年第三季度）');
    expect(scorecardTitle('2026-Q1')).toBe('银行机构支持重点项目融资季度考核表（2026年第一季度）');
    expect(scorecardFileName('2026-Q3', '昭通市')).toBe('昭通市银行季度考核-2026-Q3.xlsx');
    expect(sheet.getCell('A2').value).toBe('银行季度考核\u3000\u3000单位：万元、分');
    expect(sheet.getCell('B3').value).toBe('银行');
    expect(sheet.getCell('B3').font?.bold).toBe(true);
    expect(sheet.getCell('B3').fill).toMatchObject({ type: 'pattern', fgColor: { argb: 'FFDDEBF7' } });
    expect(sheet.getCell('L3').value).toBe('审批得分（25%）');
    expect(sheet.getCell('Q3').value).toBe('综合得分');
    const [first, second] = card.rows;
    expect(sheet.getCell('A4').value).toBe(1);
    expect(sheet.getCell('B4').value).toBe(first!.name);
    expect(sheet.getCell('B5').value).toBe(second!.name);
    expect(sheet.getCell('B4').value).toBe('工商银行');
    // 万元, exact to the yuan, shown with two decimals.
    expect(sheet.getCell('D4').value).toBe(12_345.6789);
    expect(sheet.getCell('D4').numFmt).toBe('#,##0.00');
    expect(sheet.getCell('G4').value).toBeCloseTo(0.123456789, 9);
    expect(sheet.getCell('G4').numFmt).toBe('0.0%');
    expect(sheet.getCell('G5').value).toBeNull();
    expect(sheet.getCell('J5').value).toBe('1/1');
    expect(sheet.getCell('H4').value).toBe('—');
    // icbc (100·25 + 100·30 + 12.35·20) / 75 = 76.6 (no round, no assignment); ccb (50·25 + 0·30 + 100·10) / 65 = 34.6.
    expect(sheet.getCell('Q4').value).toBe(76.6);
    expect(sheet.getCell('Q5').value).toBe(34.6);
    expect(sheet.getCell('Q4').numFmt).toBe('0.0');
    expect(sheet.getCell('B6').value).toBe('合计');
    expect(sheet.getCell('C6').value).toBe(45_000);
    expect(sheet.getCell('C6').font?.bold).toBe(true);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 3 });
  });
});
