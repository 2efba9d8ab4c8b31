import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { DEFAULT_VOCABULARY, type Actor, type Project } from '@clearway/core';
import { SAMPLE_BANKS, SAMPLE_DISTRICTS } from '@clearway/core/sample';
import { MemoryDocumentStore } from '@clearway/core';
import { memoryBackend } from '@/test/projectFixtures';
import { useLedgerImportStore } from './ledgerImport';
import { useSessionStore } from './session';

const STAFF: Actor = { uid: 'u-staff', name: '王丽娟', role: 'staff', bankId: null };

// 进展 is a header the words do not map: the person maps it to 推进阶段 once, and is offered that next time.
const CSV = [
  '昭通市重点项目融资台账（截至2026年10月末）',
  '单位：万元',
  '序号,项目名称,项目业主,所属县区,融资需求,牵头行,审批金额,进展',
  '一、鲁甸县',
  '1,鲁甸县文旅康养项目,鲁甸文旅公司,鲁甸县,"3,000",农行,—,尽调中',
  '2,鲁甸县农村供水保障工程,鲁甸水投公司,鲁甸,0.5亿,邮储,4000,已审批未投放',
  ',合计,,,8000,,4000,',
  '填表人：刘洋　联系电话：0870-2123456',
].join('\r\n');

async function workspace(): Promise<MemoryDocumentStore> {
  const store = new MemoryDocumentStore();
  await store.runTransaction(async (tx) => {
    for (const bank of SAMPLE_BANKS) tx.create('banks', bank.id, bank);
  });
  return store;
}

function ledgerFile(): File {
  return new File([new TextEncoder().encode(`\uFEFF${CSV}`)], '鲁甸台账.csv', { type: 'text/csv' });
}

describe('ledger import store', () => {
  beforeEach(() => {
    localStorage.clear();
    setActivePinia(createPinia());
  });

  it('reads a ledger, takes a corrected mapping, applies, offers the mapping next time, and undoes', async () => {
    const store = await workspace();
    useSessionStore().attach(memoryBackend(store, STAFF));
    const ledger = useLedgerImportStore();
    ledger.setVocabulary({ ...DEFAULT_VOCABULARY, knownDistricts: SAMPLE_DISTRICTS.map((d) => d.name) });
    await ledger.readFile(ledgerFile());
    expect(ledger.fileError).toBeNull();
    expect(ledger.phase).toBe('ready');
    expect(ledger.mappingFromSaved).toBe(false);
    const progressColumn = ledger.header!.columns.find((c) => c.header === '进展')!.index;
    expect(ledger.mapping[progressColumn]).toBeNull();
    // Without the stage column, the approved project still lands in 已审批待投放 from its figures; the other in 推介对接.
    expect(ledger.preview!.projects.map((p) => p.stage)).toEqual(['matched', 'approved']);

    ledger.setMapping(progressColumn, 'stage');
    expect(ledger.preview!.projects.map((p) => [p.name, p.outcome, p.stage])).toEqual([
      ['鲁甸县文旅康养项目', 'create', 'diligence'],
      ['鲁甸县农村供水保障工程', 'create', 'approved'],
    ]);
    expect(ledger.preview!.totals.find((t) => t.field === 'needTotal')).toMatchObject({ agrees: true });

    await ledger.apply();
    expect(ledger.applied.map((a) => a.error)).toEqual([null, null]);
    const stages = (await store.query<Project>('projects')).map((doc) => [doc.data.name, doc.data.stage]).sort();
    expect(stages).toEqual([
      ['鲁甸县农村供水保障工程', 'approved'],
      ['鲁甸县文旅康养项目', 'diligence'],
    ]);
    expect(ledger.preview!.projects.map((p) => p.outcome)).toEqual(['unchanged', 'unchanged']);
    expect(ledger.lastImport).toMatchObject({ fileName: '鲁甸台账.csv', projects: 2 });

    // Next time (a new page): the saved mapping is offered for the same header.
    setActivePinia(createPinia());
    useSessionStore().attach(memoryBackend(store, STAFF));
    const again = useLedgerImportStore();
    await again.readFile(ledgerFile());
    expect(again.mappingFromSaved).toBe(true);
    expect(again.mapping[progressColumn]).toBe('stage');
    expect(again.vocabulary.knownDistricts).toContain('鲁甸县');

    const undone = await again.undo();
    expect(undone.fileName).toBe('鲁甸台账.csv');
    expect(await store.query('projects')).toEqual([]);
    expect(again.lastImport).toBeNull();
  });

  it('refuses an old .xls with a message to save it as .xlsx', async () => {
    useSessionStore().attach(memoryBackend(await workspace(), STAFF));
    const ledger = useLedgerImportStore();
    await ledger.readFile(new File([new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0, 0, 0, 0])], '旧台账.xls'));
    expect(ledger.fileError).toEqual({ messageKey: 'ledger.file.xls', params: { fileName: '旧台账.xls' } });
    expect(ledger.phase).toBe('idle');
  });
});
