import { describe, expect, it, vi } from 'vitest';
import { executeCommand } from '../commands/execute';
import type { Actor, LoanLine, Project } from '../types';
import { applyLedgerImport, readLedgerWorkspace } from './apply';
import { detectedMapping } from './columns';
import type { CellGrid } from './grid';
import type { LedgerPreview } from './preview';
import { importCommands, pickLedgerGrid, previewLedger } from './preview';
import { readCsvLedger, readLedgerFile } from './readFile';
import type { FixtureCell } from './testing';
import { csvOf, fixtureBytes, GB18030_CSV_HEX, hexBytes, LEDGER_VOCABULARY, QUIRKY_ROW_NUMBERS, QUIRKY_ROWS, storeWithBanks, ZHAOYANG_CODE } from './testing';
import type { MemoryDocumentStore } from '../store/memoryDocumentStore';

// Reading a workbook loads exceljs (cold, the first time) and parses zip and XML: bound each test generously.
vi.setConfig({ testTimeout: 60_000 });

const STAFF: Actor = { uid: 'u-staff', name: '王丽娟', role: 'staff', bankId: null };
const NOW = new Date('2026-11-05T02:00:00.000Z');
const TODAY = '2026-11-05';
const WAN = 10_000;

async function gridOf(rows: readonly FixtureCell[][] = QUIRKY_ROWS, mergeProjects = true): Promise<CellGrid> {
  const grids = await readLedgerFile('昭通市台账.xlsx', await fixtureBytes(rows, { mergeProjects }));
  return grids[0]!;
}

async function previewOf(store: MemoryDocumentStore, grid: CellGrid, importId = 'imp-1'): Promise<LedgerPreview> {
  const picked = pickLedgerGrid([grid]);
  expect(picked).not.toBeNull();
  return previewLedger(picked!.grid, picked!.header, await readLedgerWorkspace(store), { today: TODAY, importId, vocabulary: LEDGER_VOCABULARY });
}

async function apply(store: MemoryDocumentStore, preview: LedgerPreview) {
  return applyLedgerImport(importCommands(preview), (command) => executeCommand(store, { actor: STAFF, now: NOW }, command));
}

async function projectsByName(store: MemoryDocumentStore): Promise<Map<string, Project>> {
  return new Map((await store.query<Project>('projects')).map((doc) => [doc.data.name, doc.data]));
}

describe('previewing the quirky ledger', () => {
  it('finds the two-row header and maps every column from its words', async () => {
    const preview = await previewOf(await storeWithBanks(), await gridOf());
    expect(preview.header.firstRow).toBe(2);
    expect(preview.header.lastRow).toBe(3);
    const byHeader = Object.fromEntries(preview.header.columns.map((c) => [c.header, preview.mapping[c.index]]));
    expect(byHeader).toMatchObject({
      序号: 'index',
      项目名称: 'name',
      项目业主: 'ownerName',
      统一社会信用代码: 'creditCode',
      所属县区: 'district',
      行业: 'sector',
      总投资: 'totalInvestment',
      '融资需求 / 合计': 'needTotal',
      '融资需求 / 其中：本年': 'needThisYear',
      牵头行: 'bank',
      审批金额: 'approved',
      审批时间: 'approvedDate',
      已投放: 'disbursed',
      推进阶段: 'stage',
      存在问题: 'problems',
      责任单位: 'responsibleUnit',
      责任人: 'responsiblePerson',
      预计投放时间: 'expectedMonth',
    });
    expect(preview.unit).toBe('wan');
    expect(preview.unitFound).toBe(true);
    expect(preview.asOfMonth).toBe('2026-10');
  });

  it('skips every row that is not a project, each with its reason', async () => {
    const preview = await previewOf(await storeWithBanks(), await gridOf());
    const reasons = Object.fromEntries(preview.rows.filter((r) => r.outcome === 'skipped').map((r) => [r.rowNumber, r.reason]));
    const n = QUIRKY_ROW_NUMBERS;
    expect(reasons).toEqual({
      [n.title]: 'title',
      [n.unit]: 'unit',
      [n.header[0]!]: 'header',
      [n.header[1]!]: 'header',
      [n.sections[0]!]: 'section',
      [n.sections[1]!]: 'section',
      [n.subtotals[0]!]: 'subtotal',
      [n.subtotals[1]!]: 'subtotal',
      [n.total]: 'total',
      [n.blank[0]!]: 'blank',
      [n.blank[1]!]: 'blank',
      [n.signature]: 'signature',
    });
    expect(preview.rows.filter((r) => r.outcome !== 'skipped').map((r) => r.rowNumber)).toEqual(n.data);
  });

  it('finds every project, new, with figures that agree with the ledger 合计', async () => {
    const preview = await previewOf(await storeWithBanks(), await gridOf());
    expect(preview.projects.map((p) => [p.name, p.outcome, p.stage])).toEqual([
      ['昭阳区城市更新项目', 'create', 'disbursing'],
      ['昭阳区污水处理厂提标改造', 'create', 'approved'],
      ['鲁甸县文旅康养项目', 'create', 'diligence'],
      ['鲁甸县农村供水保障工程', 'create', 'approved'],
    ]);
    expect(preview.projects.flatMap((p) => p.issues.filter((i) => i.severity === 'error'))).toEqual([]);
    expect(preview.counts).toEqual({ create: 5, update: 0, unchanged: 0, error: 0, skipped: 12 });
    const totals = Object.fromEntries(preview.totals.map((t) => [t.field, [t.ledger, t.rows, t.agrees]]));
    expect(totals).toEqual({
      totalInvestment: [41_000 * WAN, 41_000 * WAN, true],
      needTotal: [35_400 * WAN, 35_400 * WAN, true],
      needThisYear: [8_800 * WAN, 8_800 * WAN, true],
      approved: [21_200 * WAN, 21_200 * WAN, true],
      disbursed: [5_000 * WAN, 5_000 * WAN, true],
    });
    expect(preview.totalsRowNumber).toBe(QUIRKY_ROW_NUMBERS.total);
  });

  it('says where a date or an approval was assumed', async () => {
    const preview = await previewOf(await storeWithBanks(), await gridOf());
    const water = preview.projects.find((p) => p.name === '鲁甸县农村供水保障工程')!;
    expect(water.issues).toContainEqual({ severity: 'warning', field: 'approvedDate', messageKey: 'ledger.issue.approvedDateMonth', params: { date: '2026-06-01' } });
    const renewal = preview.projects.find((p) => p.name === '昭阳区城市更新项目')!;
    expect(renewal.issues).toContainEqual({ severity: 'warning', field: 'disbursed', messageKey: 'ledger.issue.trancheAssumed', params: { amount: 5_000 * WAN, date: '2026-10-31' } });
  });

  it('says when the ledger 合计 disagrees with its rows', async () => {
    const rows = QUIRKY_ROWS.map((row) => [...row]);
    rows[QUIRKY_ROW_NUMBERS.total - 1]![7] = 36_000;
    const preview = await previewOf(await storeWithBanks(), await gridOf(rows));
    const need = preview.totals.find((t) => t.field === 'needTotal')!;
    expect(need).toMatchObject({ ledger: 36_000 * WAN, rows: 35_400 * WAN, agrees: false });
    expect(preview.totals.filter((t) => t.agrees === false).map((t) => t.field)).toEqual(['needTotal']);
  });

  it('reads the same ledger from CSV (UTF-8 with a BOM, no merges) to the same projects', async () => {
    const csv = `\uFEFF${csvOf(QUIRKY_ROWS)}`;
    const grid = await readCsvLedger('台账.csv', new TextEncoder().encode(csv));
    expect(grid.encoding).toBe('utf-8');
    const fromCsv = await previewOf(await storeWithBanks(), grid);
    const fromXlsx = await previewOf(await storeWithBanks(), await gridOf());
    expect(fromCsv.projects.map((p) => [p.name, p.outcome, p.figures])).toEqual(fromXlsx.projects.map((p) => [p.name, p.outcome, p.figures]));
    expect(fromCsv.totals).toEqual(fromXlsx.totals);
  });

  it('reads a GB18030 CSV', async () => {
    const grid = await readCsvLedger('台账.csv', hexBytes(GB18030_CSV_HEX));
    expect(grid.encoding).toBe('gb18030');
    const preview = await previewOf(await storeWithBanks(), grid);
    expect(preview.projects).toHaveLength(1);
    expect(preview.projects[0]).toMatchObject({ name: '鲁甸县文旅康养项目', outcome: 'create', stage: 'diligence' });
    expect(preview.projects[0]!.figures.needTotal).toBe(3_000 * WAN);
  });

  it('refuses an old .xls with a message to save it as .xlsx', async () => {
    const ole = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
    await expect(readLedgerFile('台账.xls', ole)).rejects.toMatchObject({ messageKey: 'ledger.file.xls' });
    await expect(readLedgerFile('台账.xlsx', new Uint8Array([0x50, 0x4b, 1, 2]))).rejects.toMatchObject({ messageKey: 'ledger.file.unreadable' });
  });

  it('gives an unknown district or bank, and duplicate names, a clear row error', async () => {
    const rows = QUIRKY_ROWS.map((row) => [...row]);
    rows[5]![4] = '昆明市';
    rows[10]![9] = '花旗银行';
    rows.splice(13, 0, [5, '鲁甸县农村供水保障工程', '鲁甸水投公司', null, '鲁甸县', '水务', null, 100, null, '农行', null, null, null, '储备', null, null, null, null]);
    const store = await storeWithBanks();
    const preview = await previewOf(store, await gridOf(rows));
    const byName = new Map(preview.projects.map((p) => [p.name, p]));
    expect(byName.get('昭阳区城市更新项目')!.issues).toContainEqual({ severity: 'error', field: 'district', messageKey: 'ledger.issue.districtUnknown', params: { value: '昆明市' } });
    expect(byName.get('鲁甸县文旅康养项目')!.issues).toContainEqual({ severity: 'error', field: 'bank', messageKey: 'ledger.issue.bankUnknown', params: { value: '花旗银行' } });
    expect(byName.get('鲁甸县农村供水保障工程')!.issues.map((i) => i.messageKey)).toContain('ledger.issue.duplicateRow');
    expect(preview.projects.map((p) => p.outcome)).toEqual(['error', 'create', 'error', 'error']);
    expect(preview.rows.find((r) => r.rowNumber === 6)).toMatchObject({ outcome: 'error' });

    const applied = await apply(store, preview);
    expect(applied.map((a) => a.name)).toEqual(['昭阳区污水处理厂提标改造']);
    expect([...(await projectsByName(store)).keys()]).toEqual(['昭阳区污水处理厂提标改造']);
  });

  it('lets a person correct a column mapping', async () => {
    const store = await storeWithBanks();
    const grid = await gridOf();
    const picked = pickLedgerGrid([grid])!;
    const mapping = detectedMapping(picked.header);
    const owner = picked.header.columns.find((c) => c.header === '项目业主')!.index;
    const unit = picked.header.columns.find((c) => c.header === '责任单位')!.index;
    mapping[unit] = null;
    mapping[owner] = 'responsibleUnit';
    const preview = previewLedger(grid, picked.header, await readLedgerWorkspace(store), { today: TODAY, importId: 'x', vocabulary: LEDGER_VOCABULARY, mapping });
    expect(preview.projects.every((p) => p.outcome === 'error')).toBe(true);
    expect(preview.projects[0]!.issues.map((i) => i.messageKey)).toContain('ledger.issue.ownerMissing');
    expect(preview.projects[0]!.command).toBeNull();
  });
});

describe('applying and undoing an import', () => {
  it('writes the projects at their stages with banks, amounts and problems, one audited activity each', async () => {
    const store = await storeWithBanks();
    const preview = await previewOf(store, await gridOf());
    const applied = await apply(store, preview);
    expect(applied.every((a) => a.error === null)).toBe(true);
    const projects = await projectsByName(store);
    const renewal = projects.get('昭阳区城市更新项目')!;
    expect(renewal).toMatchObject({
      stage: 'disbursing',
      district: '昭阳区',
      leadBankId: 'icbc',
      totalInvestment: 26_000 * WAN,
      needTotal: 20_000 * WAN,
      needThisYear: 5_000 * WAN,
      expectedMonth: '2026-06',
      responsibleUnit: '市住建局',
      owner: { name: '昭阳城投集团', creditCode: ZHAOYANG_CODE },
    });
    expect(renewal.clearance).toMatchObject({ approved: 15_000 * WAN, disbursed: 5_000 * WAN });
    expect(renewal.blockers.map((b) => [b.description, b.tag, b.party])).toEqual([
      ['征拆进度滞后', 'government', '市住建局'],
      ['资本金未到位', 'equity', '市住建局'],
    ]);
    const sewage = projects.get('昭阳区污水处理厂提标改造')!;
    expect(sewage).toMatchObject({ stage: 'approved', leadBankId: 'cdb', bankIds: ['adbc', 'cdb'], totalInvestment: 3_000 * WAN });
    const lines = (await store.query<LoanLine>('loanLines', { where: [{ field: 'projectId', op: '==', value: sewage.id }] })).map((d) => d.data);
    expect(lines.map((l) => [l.bankId, l.approved, l.approvedDate, l.status]).sort()).toEqual([
      ['adbc', 1_000 * WAN, '2026-06-02', 'approved'],
      ['cdb', 1_200 * WAN, '2026-05-20', 'approved'],
    ]);
    expect(projects.get('鲁甸县文旅康养项目')).toMatchObject({ stage: 'diligence', leadBankId: 'psbc', totalInvestment: 0, expectedMonth: '2026-06' });
    const activity = (await store.query<{ command: string; after: Record<string, unknown>; projectId: string }>('activity')).map((d) => d.data);
    expect(activity).toHaveLength(4);
    expect(activity.every((a) => a.command === 'ledger.importProject' && a.after.importedFrom === '昭通市台账.xlsx')).toBe(true);

    // The same ledger again is a no-op.
    const again = await previewOf(store, await gridOf(), 'imp-2');
    expect(again.projects.map((p) => p.outcome)).toEqual(['unchanged', 'unchanged', 'unchanged', 'unchanged']);
    expect(importCommands(again)).toEqual([]);
  });

  it('updates a project matched on credit code after it was renamed, and one matched on name', async () => {
    const store = await storeWithBanks();
    await apply(store, await previewOf(store, await gridOf()));
    const rows = QUIRKY_ROWS.map((row) => [...row]);
    rows[5]![1] = '昭阳区城市更新项目（一期）';
    rows[5]![12] = 8000;
    rows[12]![13] = '部分投放';
    rows[12]![12] = 1000;
    rows[12]![15] = '县发改局';
    const preview = await previewOf(store, await gridOf(rows), 'imp-2');
    const [renewal, , , water] = preview.projects;
    expect(renewal).toMatchObject({ outcome: 'update', matchedBy: 'creditCode' });
    expect(renewal!.changes.map((c) => c.field)).toEqual(['name', 'line.工商银行.disbursed']);
    expect(water).toMatchObject({ outcome: 'update', matchedBy: 'name' });
    expect(water!.changes.map((c) => c.field).sort()).toEqual(['line.农业银行.disbursed', 'responsibleUnit', 'stage']);
    await apply(store, preview);
    const projects = await projectsByName(store);
    expect(projects.get('昭阳区城市更新项目（一期）')!.clearance.disbursed).toBe(8_000 * WAN);
    expect(projects.get('鲁甸县农村供水保障工程')).toMatchObject({ stage: 'disbursing', responsibleUnit: '县发改局' });
  });

  it('undoes a whole import, and refuses once something touched its projects', async () => {
    const store = await storeWithBanks();
    const before = store.exportAll();
    await apply(store, await previewOf(store, await gridOf(), 'imp-a'));
    await executeCommand(store, { actor: STAFF, now: NOW }, { name: 'ledger.undoImport', payload: { importId: 'imp-a' } });
    const after = store.exportAll();
    expect(after.projects ?? {}).toEqual(before.projects ?? {});
    expect(after.loanLines ?? {}).toEqual(before.loanLines ?? {});
    await expect(executeCommand(store, { actor: STAFF, now: NOW }, { name: 'ledger.undoImport', payload: { importId: 'imp-a' } })).rejects.toMatchObject({
      messageKey: 'errors.ledger.alreadyUndone',
    });

    await apply(store, await previewOf(store, await gridOf(), 'imp-b'));
    const [touched] = await store.query<Project>('projects', { where: [{ field: 'name', op: '==', value: '鲁甸县文旅康养项目' }] });
    await executeCommand(store, { actor: STAFF, now: NOW }, {
      name: 'project.setActionPlan',
      payload: { projectId: touched!.id, expectedVersion: touched!.version, actionPlan: '县政府专题协调用地' },
    });
    const held = store.exportAll();
    await expect(executeCommand(store, { actor: STAFF, now: NOW }, { name: 'ledger.undoImport', payload: { importId: 'imp-b' } })).rejects.toMatchObject({
      messageKey: 'errors.ledger.undoTouched',
      params: { name: '鲁甸县文旅康养项目' },
    });
    expect(store.exportAll()).toEqual(held);
  });

  it('refuses a viewer and a liaison', async () => {
    const store = await storeWithBanks();
    const [command] = importCommands(await previewOf(store, await gridOf()));
    for (const actor of [
      { uid: 'v', name: '周', role: 'viewer', bankId: null },
      { uid: 'l', name: '陈', role: 'liaison', bankId: 'icbc' },
    ] as Actor[]) {
      await expect(executeCommand(store, { actor, now: NOW }, { name: 'ledger.importProject', payload: command })).rejects.toMatchObject({ code: 'permission-denied' });
    }
  });
});

describe('what a liaison reads of an import', () => {
  it('keeps the import record, with its figures and undo data, out of a liaison history', async () => {
    const { applyReadPolicy } = await import('../readPolicy');
    const store = await storeWithBanks();
    await apply(store, await previewOf(store, await gridOf()));
    const liaison: Actor = { uid: 'l', name: '陈', role: 'liaison', bankId: 'icbc' };
    const records = await store.query<{ command: string; lineId: string | null }>('activity');
    expect(records.length).toBe(4);
    for (const record of records) expect(applyReadPolicy(liaison, 'activity', record)).toBeNull();
  });
});

describe('text as commands store it', () => {
  it('stores text as every command does: invisible characters removed', async () => {
    const rows = QUIRKY_ROWS.map((row) => [...row]);
    rows[5]![2] = '昭阳城投\u202e集团\u200b';
    const store = await storeWithBanks();
    const preview = await previewOf(store, await gridOf(rows));
    expect(preview.projects[0]!.command!.fields.owner).toMatchObject({ name: '昭阳城投集团' });
    await apply(store, preview);
    expect((await projectsByName(store)).get('昭阳区城市更新项目')!.owner.name).toBe('昭阳城投集团');
  });
});

describe('the preview and the closed period', () => {
  it('refuses approvals dated in a closed month row by row, and dates catch-up tranches after it', async () => {
    const { PROJECT_INPUT } = await import('../commands/testing');
    const store = await storeWithBanks();
    await executeCommand(store, { actor: STAFF, now: new Date('2026-05-02T02:00:00.000Z') }, { name: 'project.create', payload: { ...PROJECT_INPUT, leadBankId: null } });
    await executeCommand(store, { actor: STAFF, now: NOW }, { name: 'month.close', payload: { month: '2026-05' } });
    const preview = await previewOf(store, await gridOf());
    const byName = new Map(preview.projects.map((p) => [p.name, p]));
    expect(byName.get('昭阳区城市更新项目')!.issues).toContainEqual({
      severity: 'error',
      field: 'approvedDate',
      messageKey: 'errors.month.closedPeriod',
      params: { date: '2026-03-01', month: '2026-03', closed: '2026-05' },
    });
    expect(byName.get('昭阳区污水处理厂提标改造')!.outcome).toBe('error');
    expect(byName.get('鲁甸县农村供水保障工程')!.outcome).toBe('create');
    expect(byName.get('鲁甸县文旅康养项目')!.outcome).toBe('create');
    const applied = await apply(store, preview);
    expect(applied.map((a) => a.error)).toEqual([null, null]);
  });
});

describe('undoing a large import in batches', () => {
  it('takes the import back a batch at a time, the first batch checking the whole import', async () => {
    const store = await storeWithBanks();
    const before = store.exportAll();
    await apply(store, await previewOf(store, await gridOf(), 'imp-batches'));
    const undo = (limit?: number) => executeCommand(store, { actor: STAFF, now: NOW }, { name: 'ledger.undoImport', payload: { importId: 'imp-batches', ...(limit ? { limit } : {}) } });
    expect((await undo(3)).stats).toEqual({ projects: 3, remaining: 1 });
    expect((await store.query('projects')).length).toBe(1);
    expect((await undo(3)).stats).toEqual({ projects: 1, remaining: 0 });
    expect(store.exportAll().projects).toEqual(before.projects);
    expect(store.exportAll().loanLines).toEqual(before.loanLines);
    await expect(undo(3)).rejects.toMatchObject({ messageKey: 'errors.ledger.alreadyUndone' });
  });

  it('refuses the first batch when any project of the import was touched since', async () => {
    const store = await storeWithBanks();
    await apply(store, await previewOf(store, await gridOf(), 'imp-touched'));
    const [last] = await store.query<Project>('projects', { where: [{ field: 'name', op: '==', value: '鲁甸县农村供水保障工程' }] });
    await executeCommand(store, { actor: STAFF, now: NOW }, { name: 'project.setActionPlan', payload: { projectId: last!.id, expectedVersion: last!.version, actionPlan: '协调' } });
    const held = store.exportAll();
    await expect(
      executeCommand(store, { actor: STAFF, now: NOW }, { name: 'ledger.undoImport', payload: { importId: 'imp-touched', limit: 1 } }),
    ).rejects.toMatchObject({ messageKey: 'errors.ledger.undoTouched' });
    expect(store.exportAll()).toEqual(held);
  });
});
