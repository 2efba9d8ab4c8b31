/**
 * Finding the header of a ledger (one row, or two with merged cells: 融资需求 over 合计 / 其中：本年)
 * and mapping its columns to project fields from the Chinese header words. A person can correct
 * the mapping; a saved mapping is keyed by the header's signature so it is offered next time.
 */
import type { CellGrid } from './grid';
import { cellAt, gridWidth } from './grid';
import type { LedgerUnit } from './values';
import { cellDisplayText, compactText, unitInText } from './values';

export const LEDGER_FIELDS = [
  'index',
  'name',
  'ownerName',
  'creditCode',
  'ownerType',
  'district',
  'sector',
  'buildStatus',
  'totalInvestment',
  'needTotal',
  'needThisYear',
  'bank',
  'requested',
  'approved',
  'approvedDate',
  'disbursed',
  'stage',
  'problems',
  'responsibleUnit',
  'responsiblePerson',
  'expectedMonth',
] as const;
export type LedgerField = (typeof LEDGER_FIELDS)[number];

export const AMOUNT_FIELDS = ['totalInvestment', 'needTotal', 'needThisYear', 'requested', 'approved', 'disbursed'] as const satisfies readonly LedgerField[];
export type AmountField = (typeof AMOUNT_FIELDS)[number];

export function isAmountField(field: LedgerField | null): field is AmountField {
  return field !== null && (AMOUNT_FIELDS as readonly string[]).includes(field);
}

/**
 * Header words per field, most specific first: the first rule whose pattern matches a column's
 * header text (parent and child joined) maps it. Words that name a figure the board derives
 * (已审批待投放, 本月投放, 投放率) map to nothing.
 */
const HEADER_RULES: readonly [RegExp, LedgerField | null][] = [
  [/^(序号|编号|序)$/, 'index'],
  [/信用代码|社会信用/, 'creditCode'],
  [/(业主|企业|主体)(性质|类型)/, 'ownerType'],
  [/项目业主|业主单位|^业主$|建设单位|实施主体|借款(主体|人)|融资主体/, 'ownerName'],
  [/项目名称|^项目$/, 'name'],
  [/县区|县\(市、?区\)|县市区|所属地区|^地区$|区县/, 'district'],
  [/行业|领域|类别/, 'sector'],
  [/建设(性质|状态|阶段)/, 'buildStatus'],
  [/总投资/, 'totalInvestment'],
  [/待投放|本月|当月|投放率|审批率|落地率|缺口/, null],
  [/融资需求.*(本年|当年|年度)|(本年|当年|年度).*(融资需求|需求)/, 'needThisYear'],
  [/融资需求/, 'needTotal'],
  [/牵头行|牵头银行|对接银行|合作银行|金融机构|贷款银行|^银行$|主办行/, 'bank'],
  [/申请金额|对接金额|拟贷|申贷/, 'requested'],
  [/审批(时间|日期)|批复(时间|日期)/, 'approvedDate'],
  [/审批金额|审批额度|批复金额|已审批|授信金额/, 'approved'],
  [/预计投放|计划投放(时间|月)/, 'expectedMonth'],
  [/已投放|累计投放|投放金额|已放款|累计放款/, 'disbursed'],
  [/推进阶段|所处阶段|进展阶段|推进情况|项目进展|^阶段$|进度/, 'stage'],
  [/存在(的)?问题|困难问题|^问题$|困难/, 'problems'],
  [/责任单位|牵头单位|包保单位/, 'responsibleUnit'],
  [/责任人|联系人|包保领导/, 'responsiblePerson'],
];

/** The field a header text names, or null. */
export function fieldOfHeader(header: string): LedgerField | null {
  const text = compactText(header).replace(/[(（][^)）]*元[)）]/g, '').replace(/[：:]/g, '');
  for (const [pattern, field] of HEADER_RULES) if (pattern.test(text)) return field;
  return null;
}

export interface LedgerColumn {
  index: number;
  /** The header as a person reads it: 融资需求 / 其中：本年. */
  header: string;
  /** What the header words say. */
  detected: LedgerField | null;
  /** The unit a header names for its own column, e.g. 总投资（亿元）. */
  unit: LedgerUnit | null;
}

export interface LedgerHeader {
  /** 0-based rows of the header (one or two). */
  firstRow: number;
  lastRow: number;
  columns: LedgerColumn[];
  /** The header words joined: saved mappings are found again by it. */
  signature: string;
}

const HEADER_SCAN_ROWS = 30;

function rowTexts(grid: CellGrid, row: number, width: number): string[] {
  return Array.from({ length: width }, (_, c) => cellDisplayText(cellAt(grid, row, c).value));
}

function fieldsNamed(texts: readonly string[]): number {
  return new Set(texts.map(fieldOfHeader).filter((field) => field !== null && field !== 'index')).size;
}

/** Words a second header row holds under a merged parent. */
const CHILD_WORDS = /^(合计|小计|总计|其中|本年|当年|年度|金额|时间|日期|银行|名称|已投放|累计)/;

/**
 * The header: the first of the top rows that names a project and at least two other fields; a
 * second row joins it when it holds child words under a parent merged to the right, or when the
 * first row's cells are merged down into it.
 */
export function findHeader(grid: CellGrid): LedgerHeader | null {
  const width = gridWidth(grid);
  const limit = Math.min(grid.rows.length, HEADER_SCAN_ROWS);
  for (let r = 0; r < limit; r++) {
    const texts = rowTexts(grid, r, width);
    if (!texts.some((text) => fieldOfHeader(text) === 'name') || fieldsNamed(texts) < 3) continue;
    const next = r + 1 < grid.rows.length ? rowTexts(grid, r + 1, width) : [];
    const nextCells = grid.rows[r + 1] ?? [];
    const mergedDown = nextCells.some((cell) => cell.continuation && cell.value !== null);
    const hasChildren = next.some((text, c) => text !== '' && !nextCells[c]?.continuation && CHILD_WORDS.test(compactText(text)));
    const twoRows = hasChildren || (mergedDown && next.every((text, c) => text === '' || nextCells[c]?.continuation || fieldOfHeader(text) !== null));
    const lastRow = twoRows ? r + 1 : r;
    const columns: LedgerColumn[] = [];
    let parentOnLeft = '';
    for (let c = 0; c < width; c++) {
      const childCell = twoRows ? cellAt(grid, r + 1, c) : { value: null };
      const child = twoRows && !childCell.continuation ? cellDisplayText(childCell.value) : '';
      // A CSV loses the merge of 融资需求 over its children: an empty parent above a child is the one on its left.
      const parent = texts[c] || (child && parentOnLeft ? parentOnLeft : '');
      parentOnLeft = child ? parent : '';
      const header = child && child !== parent ? (parent ? `${parent} / ${child}` : child) : parent;
      if (!header) continue;
      const detected = child && child !== parent ? fieldOfChild(parent, child) : fieldOfHeader(header);
      columns.push({ index: c, header, detected, unit: unitInText(header) });
    }
    return { firstRow: r, lastRow, columns, signature: columns.map((column) => compactText(column.header)).join('|') };
  }
  return null;
}

/** 融资需求 / 合计 is the total need, 融资需求 / 其中：本年 this year's; other pairs read as one text. */
function fieldOfChild(parent: string, child: string): LedgerField | null {
  const parentField = fieldOfHeader(parent);
  const childText = compactText(child);
  if (parentField === 'needTotal' || parentField === 'needThisYear') {
    if (/本年|当年|年度/.test(childText)) return 'needThisYear';
    if (/合计|总计|总额|小计|^金额/.test(childText)) return 'needTotal';
  }
  return fieldOfHeader(`${parent}${child}`) ?? fieldOfHeader(child) ?? parentField;
}

/** Column index → field, after a person's corrections (null: not imported). */
export type ColumnMapping = Record<number, LedgerField | null>;

export function detectedMapping(header: LedgerHeader): ColumnMapping {
  const mapping: ColumnMapping = {};
  const taken = new Set<LedgerField>();
  for (const column of header.columns) {
    // Two columns naming one field: the first keeps it; the person sees the second unmapped.
    const field = column.detected && !taken.has(column.detected) ? column.detected : null;
    if (field) taken.add(field);
    mapping[column.index] = field;
  }
  return mapping;
}

/** The columns mapped to each field (a field mapped twice is a mapping issue the page shows). */
export function columnsByField(mapping: ColumnMapping): Map<LedgerField, number[]> {
  const byField = new Map<LedgerField, number[]>();
  for (const [index, field] of Object.entries(mapping)) {
    if (!field) continue;
    byField.set(field, [...(byField.get(field) ?? []), Number(index)]);
  }
  return byField;
}
