import { describe, expect, it } from 'vitest';
import { fieldOfHeader } from './columns';
import { asOfMonthInText, parseAmount, parseLedgerDate, unitInText } from './values';
import { buildResolver, DEFAULT_VOCABULARY } from './vocabulary';
import { LEDGER_BANKS } from './testing';

const yuan = (value: Parameters<typeof parseAmount>[0], unit: Parameters<typeof parseAmount>[1] = 'wan') => {
  const result = parseAmount(value, unit);
  return result.ok ? result.yuan : result.messageKey;
};

describe('ledger amounts', () => {
  it('reads numbers in the sheet unit, text with its own unit, full-width digits and dashes', () => {
    expect(yuan(2600)).toBe(26_000_000);
    expect(yuan(2600.25)).toBe(26_002_500);
    expect(yuan('2.6亿')).toBe(260_000_000);
    expect(yuan('3,000万元')).toBe(30_000_000);
    expect(yuan('３，０００万元')).toBe(30_000_000);
    expect(yuan('1.2亿元', 'yuan')).toBe(120_000_000);
    expect(yuan(1.5, 'yi')).toBe(150_000_000);
    expect(yuan('12,345', 'yuan')).toBe(12_345);
    for (const none of ['—', '-', '－', '无', '', '  ', null]) expect(yuan(none)).toBeNull();
  });

  it('refuses what is not an amount with a reason', () => {
    expect(yuan('约三千万')).toBe('ledger.issue.amountInvalid');
    expect(yuan(-5)).toBe('ledger.issue.amountNegative');
    expect(yuan('-5')).toBe('ledger.issue.amountNegative');
    expect(yuan('9'.repeat(20))).toBe('ledger.issue.amountTooLarge');
  });

  it('finds the unit of a sheet or a column', () => {
    expect(unitInText('填报单位：昭通市财政局　　单位：万元')).toBe('wan');
    expect(unitInText('单位:亿元')).toBe('yi');
    expect(unitInText('总投资（元）')).toBe('yuan');
    expect(unitInText('昭通市重点项目融资台账')).toBeNull();
  });
});

describe('ledger dates', () => {
  const day = (value: Parameters<typeof parseLedgerDate>[0]) => {
    const result = parseLedgerDate(value);
    return result.ok ? [result.date, result.month, result.precision] : result.messageKey;
  };

  it('reads Excel dates, serial numbers and the four spellings', () => {
    expect(day(new Date(Date.UTC(2026, 4, 20)))).toEqual(['2026-05-20', '2026-05', 'day']);
    expect(day(46_162)).toEqual(['2026-05-20', '2026-05', 'day']);
    expect(day('2026.03')).toEqual(['2026-03-01', '2026-03', 'month']);
    expect(day(2026.03)).toEqual(['2026-03-01', '2026-03', 'month']);
    expect(day('2026年6月15日')).toEqual(['2026-06-15', '2026-06', 'day']);
    expect(day('2026-6')).toEqual(['2026-06-01', '2026-06', 'month']);
    expect(day('2026/06/15')).toEqual(['2026-06-15', '2026-06', 'day']);
    expect(day('2026年12月底')).toEqual(['2026-12-01', '2026-12', 'month']);
    expect(day('—')).toEqual([null, null, null]);
  });

  it('refuses impossible dates', () => {
    expect(day('2026-02-30')).toBe('ledger.issue.dateInvalid');
    expect(day('下月')).toBe('ledger.issue.dateInvalid');
    expect(day('2026.13')).toBe('ledger.issue.dateInvalid');
  });

  it('finds the month a title is as of', () => {
    expect(asOfMonthInText('昭通市重点项目融资台账（截至2026年10月末）')).toBe('2026-10');
    expect(asOfMonthInText('台账')).toBeNull();
  });
});

describe('ledger words', () => {
  it('maps header words to fields', () => {
    expect(fieldOfHeader('项目名称')).toBe('name');
    expect(fieldOfHeader('统一社会信用代码')).toBe('creditCode');
    expect(fieldOfHeader('县区')).toBe('district');
    expect(fieldOfHeader('本年融资需求')).toBe('needThisYear');
    expect(fieldOfHeader('融资需求（万元）')).toBe('needTotal');
    expect(fieldOfHeader('对接银行')).toBe('bank');
    expect(fieldOfHeader('审批时间')).toBe('approvedDate');
    expect(fieldOfHeader('累计投放')).toBe('disbursed');
    expect(fieldOfHeader('已审批待投放')).toBeNull();
    expect(fieldOfHeader('预计投放时间')).toBe('expectedMonth');
    expect(fieldOfHeader('存在问题')).toBe('problems');
    expect(fieldOfHeader('备用列')).toBeNull();
  });

  it('resolves bank abbreviations and branch names, stage words and short district names', () => {
    const resolver = buildResolver({ ...DEFAULT_VOCABULARY, knownDistricts: ['昭阳区', '水富市'] }, LEDGER_BANKS, ['鲁甸县']);
    expect(resolver.bankId('工行')).toBe('icbc');
    expect(resolver.bankId('农发行')).toBe('adbc');
    expect(resolver.bankId('国开行')).toBe('cdb');
    expect(resolver.bankId('邮储')).toBe('psbc');
    expect(resolver.bankId('中国工商银行昭通分行')).toBe('icbc');
    expect(resolver.bankId('花旗银行')).toBeNull();
    expect(resolver.stage('已审批未投放')).toEqual({ stage: 'approved', flag: null });
    expect(resolver.stage('部分投放')).toEqual({ stage: 'disbursing', flag: null });
    expect(resolver.stage('尽调中')).toEqual({ stage: 'diligence', flag: null });
    expect(resolver.stage('已审批待投放（暂缓）')).toEqual({ stage: 'approved', flag: 'suspended' });
    expect(resolver.stage('开会研究')).toBeNull();
    expect(resolver.district('昭阳')).toBe('昭阳区');
    expect(resolver.district('鲁甸县')).toBe('鲁甸县');
    expect(resolver.district('水富')).toBe('水富市');
    expect(resolver.district('昆明市')).toBeNull();
    expect(resolver.blockerTag('资本金未到位')).toBe('equity');
    expect(resolver.blockerTag('征拆进度滞后')).toBe('government');
  });

  it('lets a person edit the synonym tables', () => {
    const resolver = buildResolver(
      { ...DEFAULT_VOCABULARY, banks: { ...DEFAULT_VOCABULARY.banks, 昭通农信: '昭通农商行' }, stages: { 放款准备: 'approved' } },
      LEDGER_BANKS,
      [],
    );
    expect(resolver.bankId('昭通农信')).toBe('ztrcb');
    expect(resolver.stage('放款准备')).toEqual({ stage: 'approved', flag: null });
    expect(resolver.stage('尽调中')).toBeNull();
  });
});

describe('ledger command limits', () => {
  it('are the command schemas’ text limits', async () => {
    const { TEXT_LIMITS } = await import('../commands/schemas');
    const { LEDGER_TEXT_LIMITS } = await import('./payload');
    for (const key of ['id', 'name', 'place', 'person', 'party', 'description'] as const) expect(LEDGER_TEXT_LIMITS[key]).toBe(TEXT_LIMITS[key]);
  });
});
