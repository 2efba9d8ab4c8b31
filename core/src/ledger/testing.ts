/**
 * Hand-made ledgers for the tests, the bench and the browser test: every quirk of the ledgers
 * bureaus keep (merged title, unit line, two-row merged header, 序号, sections per district,
 * 小计 and 合计 rows, blank rows, a signature line, amounts as numbers and as text with units,
 * full-width digits, dashes, dates in four spellings, bank abbreviations, the bureau's stage
 * words, free-text problems, one row per project or one per bank). Not exported from the package.
 */
import type { Workbook } from 'exceljs';
import { creditCodeCheck, orgCodeCheck } from '../creditCode';
import { SAMPLE_BANKS, SAMPLE_DISTRICTS } from '../sample';
import { MemoryDocumentStore } from '../store/memoryDocumentStore';
import type { Bank } from '../types';
import type { DocumentReader } from '../store/documentStore';
import type { IsoDate } from '../types';
import { readLedgerWorkspace } from './apply';
import type { LedgerPreview } from './preview';
import { pickLedgerGrid, previewLedger } from './preview';
import { loadExcelJs, readLedgerFile } from './readFile';
import type { LedgerVocabulary } from './vocabulary';
import { DEFAULT_VOCABULARY } from './vocabulary';

export function creditCodeFor(division: string, orgBody: string): string {
  const first17 = `91${division}${orgBody}${orgCodeCheck(orgBody)}`;
  return first17 + creditCodeCheck(first17);
}

export const ZHAOYANG_CODE = creditCodeFor('530602', '12345678');
export const LUDIAN_CODE = creditCodeFor('530621', '87654321');

export const LEDGER_VOCABULARY: LedgerVocabulary = {
  ...DEFAULT_VOCABULARY,
  knownDistricts: SAMPLE_DISTRICTS.map((d) => d.name),
};

export const LEDGER_BANKS: readonly Bank[] = SAMPLE_BANKS;

export type FixtureCell = string | number | Date | null;

const HEADER_TOP = ['序号', '项目名称', '项目业主', '统一社会信用代码', '所属县区', '行业', '总投资', '融资需求', null, '牵头行', '审批金额', '审批时间', '已投放', '推进阶段', '存在问题', '责任单位', '责任人', '预计投放时间'];
const HEADER_CHILD = [null, null, null, null, null, null, null, '合计', '其中：本年', null, null, null, null, null, null, null, null, null];
export const LEDGER_WIDTH = HEADER_TOP.length;

/**
 * The quirky ledger, in 万元. Projects:
 * - 昭阳区城市更新项目 (one row; 2.6亿 total investment as text; 2026.03 approval; 部分投放; two problems)
 * - 昭阳区污水处理厂提标改造 (two rows, one per bank, project cells merged; full-width digits; an Excel date)
 * - 鲁甸县文旅康养项目 (dash for none; 尽调中; 2026年6月15日 expected)
 * - 鲁甸县农村供水保障工程 (亿元 in text; 已审批未投放; 2026-6 approval month)
 */
export const QUIRKY_ROWS: FixtureCell[][] = [
  ['昭通市重点项目融资台账（截至2026年10月末）'],
  ['填报单位：昭通市财政局　　　　单位：万元'],
  HEADER_TOP,
  HEADER_CHILD,
  ['一、昭阳区'],
  [1, '昭阳区城市更新项目', '昭阳城投集团', ZHAOYANG_CODE, '昭阳区', '城市建设', '2.6亿', 20000, 5000, '工行', 15000, '2026.03', 5000, '部分投放', '1、征拆进度滞后\n2、资本金未到位', '市住建局', '张伟', '2026-06'],
  [2, '昭阳区污水处理厂提标改造', '昭阳水务公司', null, '昭阳', '水务', '３，０００万元', 2400, 800, '国开行', 1200, new Date(Date.UTC(2026, 4, 20)), 0, '已审批未投放', null, '市水务局', '李娜', '2026年12月'],
  [null, null, null, null, null, null, null, null, null, '农发行', 1000, new Date(Date.UTC(2026, 5, 2)), null, null, null, null, null, null],
  [null, '小计', null, null, null, null, 29000, 22400, 5800, null, 17200, null, 5000, null, null, null, null, null],
  ['二、鲁甸县'],
  [3, '鲁甸县文旅康养项目', '鲁甸文旅公司', LUDIAN_CODE, '鲁甸县', '文旅', '—', 8000, '-', '邮储', '-', '-', '—', '尽调中', '用地手续未办结', '县文旅局', '王强', '2026年6月15日'],
  [],
  [4, '鲁甸县农村供水保障工程', '鲁甸水投公司', null, '鲁甸县', '水务', '1.2亿元', '0.5亿', 3000, '农行', 4000, '2026-6', '', '已审批待投放', null, '县水务局', '赵敏', '2026.11'],
  [null, '小计', null, null, null, null, 12000, 13000, 3000, null, 4000, null, 0, null, null, null, null, null],
  [null, '合计', null, null, null, null, 41000, 35400, 8800, null, 21200, null, 5000, null, null, null, null, null],
  [],
  ['填表人：刘洋　　　　联系电话：0870-2123456'],
];

/** Row numbers in the sheet (1-based) of the fixture's kinds of row. */
export const QUIRKY_ROW_NUMBERS = {
  title: 1,
  unit: 2,
  header: [3, 4],
  sections: [5, 10],
  data: [6, 7, 8, 11, 13],
  subtotals: [9, 14],
  total: 15,
  blank: [12, 16],
  signature: 17,
};

/** The fixture as an exceljs workbook, with the merges a real ledger has. */
export async function buildFixtureWorkbook(rows: readonly FixtureCell[][] = QUIRKY_ROWS, options: { mergeProjects?: boolean } = {}): Promise<Workbook> {
  const ExcelJS = await loadExcelJs();
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('台账');
  rows.forEach((row, r) => {
    row.forEach((value, c) => {
      if (value !== null) sheet.getCell(r + 1, c + 1).value = value;
    });
  });
  const last = LEDGER_WIDTH;
  sheet.mergeCells(1, 1, 1, last);
  sheet.mergeCells(2, 1, 2, last);
  // 融资需求 over its two children; the other headers cover both rows.
  sheet.mergeCells(3, 8, 3, 9);
  for (let c = 1; c <= last; c++) if (c !== 8 && c !== 9) sheet.mergeCells(3, c, 4, c);
  rows.forEach((row, r) => {
    const text = typeof row[0] === 'string' ? row[0] : '';
    if (row.length === 1 && /^[一二三四五六七八九十]+、|^填表人/.test(text)) {
      if (text.startsWith('填表人')) return;
      sheet.mergeCells(r + 1, 1, r + 1, last);
    }
  });
  if (options.mergeProjects ?? true) {
    // The two-bank project: its project cells merged over both rows.
    for (const c of [1, 2, 3, 4, 5, 6, 7, 8, 9, 14, 15, 16, 17, 18]) sheet.mergeCells(7, c, 8, c);
  }
  return workbook;
}

export async function fixtureBytes(rows: readonly FixtureCell[][] = QUIRKY_ROWS, options: { mergeProjects?: boolean } = {}): Promise<Uint8Array> {
  const workbook = await buildFixtureWorkbook(rows, options);
  const buffer = await workbook.xlsx.writeBuffer();
  return new Uint8Array(buffer as ArrayBuffer);
}

/** RFC 4180 text of rows (quotes doubled, cells with commas, quotes or line breaks quoted). */
export function csvOf(rows: readonly (readonly FixtureCell[])[]): string {
  const cell = (value: FixtureCell) => {
    if (value === null) return '';
    const text = value instanceof Date ? value.toISOString().slice(0, 10) : String(value);
    return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return rows.map((row) => row.map(cell).join(',')).join('\r\n');
}

/**
 * A GB18030 CSV (as Excel saves "CSV" on a Chinese Windows), bytes made with Python's gb18030
 * codec: 序号,项目名称,项目业主,所属县区,融资需求,牵头行,推进阶段,存在问题 and one project row,
 * 鲁甸县文旅康养项目 of 鲁甸文旅公司 in 鲁甸县, "3,000万元", 农行, 尽调中, "用地手续未办结".
 */
export const GB18030_CSV_HEX =
  'd0f2bac52ccfeec4bfc3fbb3c62ccfeec4bfd2b5d6f72ccbf9caf4cfd8c7f82cc8dad7cad0e8c7f32cc7a3cdb7d0d02ccdc6bdf8bdd7b6ce2cb4e6d4dacecacce20a312cc2b3b5e9cfd8cec4c2c3bfb5d1f8cfeec4bf2cc2b3b5e9cec4c2c3b9abcbbe2cc2b3b5e9cfd82c22332c303030cdf2d4aa222cc5a9d0d02cbea1b5f7d6d02c22d3c3b5d8cad6d0f8ceb4b0ecbde1220a';

export function hexBytes(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

/** A store with the sample banks and nothing else. */
export async function storeWithBanks(): Promise<MemoryDocumentStore> {
  const store = new MemoryDocumentStore();
  await store.runTransaction(async (tx) => {
    for (const bank of LEDGER_BANKS) tx.create('banks', bank.id, bank);
  });
  return store;
}

/**
 * A large generated ledger (for the bench): `projects` projects over the sample districts, every
 * fifth with two bank rows, sections and subtotals per district, a 合计 row.
 */
export function largeLedgerRows(projects: number): FixtureCell[][] {
  const banks = ['工行', '农行', '中行', '建行', '国开行', '农发行', '邮储', '光大', '富滇'];
  const stages = ['储备', '对接中', '尽调中', '审批中', '已审批未投放', '部分投放'];
  const rows: FixtureCell[][] = [['昭通市重点项目融资台账（截至2026年10月末）'], ['单位：万元'], HEADER_TOP, HEADER_CHILD];
  const perDistrict = Math.ceil(projects / SAMPLE_DISTRICTS.length);
  let n = 0;
  SAMPLE_DISTRICTS.forEach((district, d) => {
    if (n >= projects) return;
    rows.push([`${['一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '十一'][d]}、${district.name}`]);
    for (let i = 0; i < perDistrict && n < projects; i++, n++) {
      const stage = stages[n % stages.length]!;
      const approved = ['已审批未投放', '部分投放'].includes(stage) ? 1000 + (n % 7) * 100 : null;
      const disbursed = stage === '部分投放' ? 500 : null;
      rows.push([n + 1, `${district.short}重点项目${n + 1}号`, `${district.short}城投公司`, null, district.name, '城市建设', 10000 + n, 5000 + (n % 50) * 10, 1000, banks[n % banks.length]!, approved, approved ? '2026.03' : null, disbursed, stage, n % 4 === 0 ? '资本金未到位' : null, '市发改委', '张伟', '2026-12']);
      if (n % 5 === 0 && approved === null) {
        rows.push([null, `${district.short}重点项目${n + 1}号`, null, null, null, null, null, null, null, banks[(n + 1) % banks.length]!, null, null, null, null, null, null, null, null]);
      }
    }
  });
  rows.push([null, '合计']);
  rows.push(['填表人：刘洋　联系电话：0870-2123456']);
  return rows;
}

/**
 * The quirky ledger with every project's name marked, for a workspace (the seeded sample of a
 * team server or of the emulators) whose own projects must not be matched.
 */
export function markedQuirkyRows(mark: string): FixtureCell[][] {
  return QUIRKY_ROWS.map((row, r) =>
    QUIRKY_ROW_NUMBERS.data.includes(r + 1) && typeof row[1] === 'string' ? row.map((value, c) => (c === 1 ? `${String(value)}${mark}` : value)) : row,
  );
}

const WAN = 10_000;

/** What importing the quirky ledger writes, by project name: the project's fields, its difficulties, its lines' approvals. */
export const QUIRKY_IMPORTED: Record<string, { project: Record<string, unknown>; blockers: string[]; approvedByBank: Record<string, number | null> }> = {
  昭阳区城市更新项目: {
    project: { stage: 'disbursing', district: '昭阳区', leadBankId: 'icbc', bankIds: ['icbc'], totalInvestment: 26_000 * WAN, needTotal: 20_000 * WAN, needThisYear: 5_000 * WAN, clearance: { approved: 15_000 * WAN, disbursed: 5_000 * WAN } },
    blockers: ['征拆进度滞后', '资本金未到位'],
    approvedByBank: { icbc: 15_000 * WAN },
  },
  昭阳区污水处理厂提标改造: {
    project: { stage: 'approved', district: '昭阳区', leadBankId: 'cdb', bankIds: ['adbc', 'cdb'], totalInvestment: 3_000 * WAN, needTotal: 2_400 * WAN, clearance: { approved: 2_200 * WAN, disbursed: 0 } },
    blockers: [],
    approvedByBank: { adbc: 1_000 * WAN, cdb: 1_200 * WAN },
  },
  鲁甸县文旅康养项目: {
    project: { stage: 'diligence', district: '鲁甸县', leadBankId: 'psbc', bankIds: ['psbc'], totalInvestment: 0, needTotal: 8_000 * WAN, clearance: { approved: 0, disbursed: 0 } },
    blockers: ['用地手续未办结'],
    approvedByBank: { psbc: null },
  },
  鲁甸县农村供水保障工程: {
    project: { stage: 'approved', district: '鲁甸县', leadBankId: 'abc', bankIds: ['abc'], totalInvestment: 12_000 * WAN, needTotal: 5_000 * WAN, needThisYear: 3_000 * WAN, clearance: { approved: 4_000 * WAN, disbursed: 0 } },
    blockers: [],
    approvedByBank: { abc: 4_000 * WAN },
  },
};

/** The preview a person gets of the marked quirky ledger (.xlsx) against what `reader` holds. */
export async function previewMarkedQuirky(reader: DocumentReader, options: { mark: string; importId: string; fileName: string; today: IsoDate }): Promise<LedgerPreview> {
  const picked = pickLedgerGrid(await readLedgerFile(options.fileName, await fixtureBytes(markedQuirkyRows(options.mark))));
  if (!picked) throw new Error('no ledger found in the fixture');
  return previewLedger(picked.grid, picked.header, await readLedgerWorkspace(reader), { today: options.today, importId: options.importId, vocabulary: LEDGER_VOCABULARY });
}
