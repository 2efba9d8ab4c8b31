/**
 * The workspace capacity guard: with every amount and project total at most MAX_YUAN, a workspace
 * of at most MAX_PROJECTS projects keeps every figure the read model adds up exact. Proved on the
 * real command path: the command that would take the workspace past it is refused and writes
 * nothing, and the sums over the fullest accepted workspace are safe integers.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ADMIN, createProject, PROJECT_INPUT, refused, run, STAFF, workspace } from '../commands/testing';
import { aggregateSnapshot } from '../meeting/snapshot';
import type { SnapshotProject } from '../meeting/snapshot';
import { MAX_YUAN } from '../money';
import type { StoredDoc } from '../store/documentStore';
import type { MemoryDocumentStore } from '../store/memoryDocumentStore';
import type { Bank, Project } from '../types';
import { cardFigures } from '../views/board';
import { MAX_BANKS, MAX_PROJECTS, WORKSPACE_COUNTS_DOC_ID } from './capacity';

/** Fills the store with copies of one project, every figure at the cap (as if years of commands had). */
async function fillWithProjectsAtCap(store: MemoryDocumentStore, count: number): Promise<void> {
  const id = await createProject(store, { totalInvestment: MAX_YUAN, needTotal: MAX_YUAN, equityRequired: 0 });
  const template = (await store.get<Project>('projects', id))!;
  const docs: StoredDoc[] = [];
  for (let i = 1; i < count; i++) {
    const copy = structuredClone(template.data);
    copy.id = `p-full-${i}`;
    copy.clearance = { ...copy.clearance, need: MAX_YUAN, approved: MAX_YUAN, disbursed: MAX_YUAN };
    docs.push({ id: copy.id, version: 1, data: copy });
  }
  // As stored before the counter existed: the projects without a counter document.
  const stored = store.exportAll();
  const settings = (stored.settings ?? []).filter((doc) => doc.id !== WORKSPACE_COUNTS_DOC_ID);
  store.importAll({ ...stored, settings, projects: [...stored.projects!, ...docs] });
}

async function countDoc(store: MemoryDocumentStore) {
  return (await store.get<{ projects: number }>('settings', WORKSPACE_COUNTS_DOC_ID))?.data.projects;
}

describe('workspace capacity', () => {
  it('is what keeps MAX_PROJECTS sums at the cap exact, and one more would not be', () => {
    expect(MAX_PROJECTS * MAX_YUAN).toBeLessThanOrEqual(Number.MAX_SAFE_INTEGER);
    expect((MAX_PROJECTS + 1) * MAX_YUAN).toBeGreaterThan(Number.MAX_SAFE_INTEGER);
    expect(MAX_BANKS * MAX_YUAN).toBeLessThanOrEqual(Number.MAX_SAFE_INTEGER);
  });

  it('counts the projects as commands create them', async () => {
    const store = await workspace();
    expect(await countDoc(store)).toBeUndefined();
    await createProject(store);
    await createProject(store, { name: '城北水厂' });
    expect(await countDoc(store)).toBe(2);
  });

  it(
    'refuses the project that would make a city total unsafe, counting a workspace stored without the counter, and writes nothing',
    { timeout: 60_000 },
    async () => {
      const store = await workspace();
      // One short of the bound, stored directly (no counter document: the first create counts them).
      await fillWithProjectsAtCap(store, MAX_PROJECTS - 1);
      await createProject(store, { name: '最后一个项目', totalInvestment: MAX_YUAN, needTotal: MAX_YUAN, equityRequired: 0 });
      expect(await countDoc(store)).toBe(MAX_PROJECTS);

      const error = await refused(store, STAFF, 'project.create', { ...PROJECT_INPUT, name: '再多一个', needTotal: MAX_YUAN, totalInvestment: MAX_YUAN });
      expect(error).toMatchObject({ messageKey: 'errors.workspace.tooManyProjects', params: { max: MAX_PROJECTS, count: MAX_PROJECTS } });
      // The fullest workspace the guard lets through still adds up exactly, on the board and in a snapshot.
      const projects = (await store.query<Project>('projects')).map((doc) => doc.data);
      expect(projects).toHaveLength(MAX_PROJECTS);
      const figures = cardFigures(projects);
      for (const value of [figures.need, figures.approved, figures.disbursed]) expect(Number.isSafeInteger(value)).toBe(true);
    },
  );

  it('refuses an imported new project once the counter says the workspace is full', async () => {
    const store = await workspace();
    await createProject(store);
    const stored = store.exportAll();
    const settings = (stored.settings ?? []).map((doc) => (doc.id === WORKSPACE_COUNTS_DOC_ID ? { ...doc, data: { projects: MAX_PROJECTS } } : doc));
    store.importAll({ ...stored, settings });
    expect(
      await refused(store, STAFF, 'ledger.importProject', {
        importId: 'imp-1',
        fileName: '台账.xlsx',
        rowNumbers: [2],
        projectId: null,
        expectedVersion: null,
        fields: { name: '导入项目', owner: { name: '城投集团', type: 'platform' }, district: '城南区', sector: '水务', needTotal: MAX_YUAN },
        stage: 'pipeline',
        lines: [],
        blockers: [],
      }),
    ).toMatchObject({ messageKey: 'errors.workspace.tooManyProjects' });
  });

  it('refuses a ledger import whose lines add up past the project cap', async () => {
    const store = await workspace();
    const error = await refused(store, STAFF, 'ledger.importProject', {
      importId: 'imp-2',
      fileName: '台账.xlsx',
      rowNumbers: [2, 3],
      projectId: null,
      expectedVersion: null,
      fields: { name: '导入项目', owner: { name: '城投集团', type: 'platform' }, district: '城南区', sector: '水务' },
      stage: 'pipeline',
      lines: [
        { bankId: 'icbc', requested: MAX_YUAN, approved: null, approvedDate: null, disbursed: null, disbursedDate: null },
        { bankId: 'ceb', requested: 1, approved: null, approvedDate: null, disbursed: null, disbursedDate: null },
      ],
      blockers: [],
    });
    expect(error).toMatchObject({ messageKey: 'errors.money.totalTooLarge', fieldErrors: [{ path: 'lines' }] });
  });

  it('gives back the count when an import that created projects is undone', async () => {
    const store = await workspace();
    await createProject(store);
    await run(store, STAFF, 'ledger.importProject', {
      importId: 'imp-3',
      fileName: '台账.xlsx',
      rowNumbers: [2],
      projectId: null,
      expectedVersion: null,
      fields: { name: '导入项目', owner: { name: '城投集团', type: 'platform' }, district: '城南区', sector: '水务' },
      stage: 'pipeline',
      lines: [],
      blockers: [],
    });
    expect(await countDoc(store)).toBe(2);
    await run(store, STAFF, 'ledger.undoImport', { importId: 'imp-3' });
    expect(await countDoc(store)).toBe(1);
  });

  it('refuses a bank beyond MAX_BANKS, and still lets an existing bank be edited', async () => {
    const store = await workspace();
    const banks: StoredDoc<Bank>[] = [];
    for (let i = banks.length + 2; i < MAX_BANKS; i++) {
      banks.push({ id: `b${i}`, version: 1, data: { id: `b${i}`, name: `银行${i}`, category: 'cityCommercial', agreementAmount: MAX_YUAN } });
    }
    store.importAll({ ...store.exportAll(), banks: [...store.exportAll().banks!, ...banks] });
    expect(await refused(store, ADMIN, 'bank.upsert', { name: '新银行', category: 'jointStock', agreementAmount: 0 })).toMatchObject({
      messageKey: 'errors.workspace.tooManyBanks',
      params: { max: MAX_BANKS },
    });
    await run(store, ADMIN, 'bank.upsert', { id: 'icbc', expectedVersion: 1, name: '工商银行', category: 'stateLarge', agreementAmount: MAX_YUAN });
    const rows = (await store.query<Bank>('banks')).map((doc) => doc.data);
    const { banks: table } = aggregateSnapshot([], rows);
    expect(Number.isSafeInteger(table.reduce((sum, row) => sum + row.agreementAmount, 0))).toBe(true);
  });

  it('keeps every snapshot total exact for any accepted workspace (property)', () => {
    // Within the guard: up to MAX_PROJECTS projects, each figure of each at most MAX_YUAN.
    const figure = fc.integer({ min: 0, max: MAX_YUAN });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_PROJECTS }), figure, figure, (count, approved, disbursedShare) => {
        const disbursed = Math.min(disbursedShare, approved);
        const line = { id: 'l', bankId: 'icbc', requested: MAX_YUAN, approved, contracted: approved, disbursed, disbursedInMonth: disbursed, approvedDate: null };
        const project = {
          id: 'p',
          flag: null,
          stalled: false,
          openBlockers: [],
          requested: MAX_YUAN,
          approved,
          contracted: approved,
          disbursed,
          disbursedInMonth: disbursed,
          approvedNotDisbursed: approved - disbursed,
          lines: [line],
        } as unknown as SnapshotProject;
        const { banks, totals } = aggregateSnapshot(Array.from({ length: count }, () => project), [
          { id: 'icbc', name: '工商银行', category: 'stateLarge', agreementAmount: MAX_YUAN },
        ]);
        for (const value of [totals.requested, totals.approved, totals.disbursed, banks[0]!.requested, banks[0]!.approvedNotDisbursed]) {
          if (!Number.isSafeInteger(value)) return false;
        }
        return true;
      }),
      { seed: 8, numRuns: 200 },
    );
  });
});
