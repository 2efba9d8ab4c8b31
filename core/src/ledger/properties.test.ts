/** Properties of the import as a whole: export → import changes nothing; import → undo restores the store. */
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { executeCommand } from '../commands/execute';
import { createSampleWorkspace, seedStore } from '../sample';
import { MemoryDocumentStore } from '../store/memoryDocumentStore';
import type { Actor } from '../types';
import { applyLedgerImport, readLedgerWorkspace } from './apply';
import { buildLedgerWorkbook } from './exportLedger';
import { importCommands, pickLedgerGrid, previewLedger } from './preview';
import { readLedgerFile } from './readFile';
import type { FixtureCell } from './testing';
import { fixtureBytes, LEDGER_VOCABULARY, QUIRKY_ROWS } from './testing';

// Reading a workbook loads exceljs (cold, the first time) and parses zip and XML: bound each test generously.
vi.setConfig({ testTimeout: 60_000 });

const STAFF: Actor = { uid: 'u-staff', name: '王丽娟', role: 'staff', bankId: null };
const NOW = new Date('2026-11-05T02:00:00.000Z');
const TODAY = '2026-11-05';

async function sampleStore(seed: number, projects: number): Promise<MemoryDocumentStore> {
  const store = new MemoryDocumentStore();
  await seedStore(store, createSampleWorkspace({ seed, projects, now: NOW }));
  return store;
}

async function previewBytes(store: MemoryDocumentStore, fileName: string, bytes: Uint8Array, importId: string) {
  const picked = pickLedgerGrid(await readLedgerFile(fileName, bytes));
  if (!picked) throw new Error('no ledger found');
  return previewLedger(picked.grid, picked.header, await readLedgerWorkspace(store), { today: TODAY, importId, vocabulary: LEDGER_VOCABULARY });
}

describe('ledger properties', () => {
  it('importing the export of a workspace changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 1, max: 30 }), async (seed, projects) => {
        const store = await sampleStore(seed, projects);
        const workspace = await readLedgerWorkspace(store);
        const workbook = await buildLedgerWorkbook({
          projects: workspace.projects.map((d) => d.data),
          lines: workspace.lines.map((d) => d.data),
          banks: workspace.banks,
          month: '2026-10',
          cityName: '昭通市',
        });
        const bytes = new Uint8Array((await workbook.xlsx.writeBuffer()) as ArrayBuffer);
        const preview = await previewBytes(store, '台账.xlsx', bytes, 'round-trip');
        const notUnchanged = preview.projects.filter((p) => p.outcome !== 'unchanged').map((p) => [p.name, p.outcome, p.changes, p.issues.filter((i) => i.severity === 'error')]);
        expect(notUnchanged).toEqual([]);
        expect(preview.projects).toHaveLength(projects);
        expect(preview.totals.every((t) => t.agrees !== false)).toBe(true);
        expect(importCommands(preview)).toEqual([]);
      }),
      { numRuns: 8 },
    );
  }, 120_000);

  it('an import then its undo leaves projects and loan lines as they were (creates and updates)', async () => {
    const edit = fc.record({
      row: fc.constantFrom(5, 6, 7, 10, 12),
      column: fc.constantFrom(7, 8, 10, 12, 13, 14, 15),
      value: fc.oneof(fc.integer({ min: 0, max: 30_000 }), fc.constant('—'), fc.constantFrom('储备', '尽调中', '已审批未投放', '部分投放', '新问题：用地未批')),
    });
    const dataOf = (snapshot: ReturnType<MemoryDocumentStore['exportAll']>) => ({
      projects: snapshot.projects.map((doc) => [doc.id, doc.data]),
      loanLines: snapshot.loanLines.map((doc) => [doc.id, doc.data]),
    });
    const run = (store: MemoryDocumentStore) => (command: Parameters<typeof executeCommand>[2]) => executeCommand(store, { actor: STAFF, now: NOW }, command);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 1_000_000 }), fc.boolean(), fc.array(edit, { maxLength: 4 }), async (seed, importFirst, edits) => {
        const store = await sampleStore(seed, 6);
        if (importFirst) await applyLedgerImport(importCommands(await previewBytes(store, '台账.xlsx', await fixtureBytes(), 'first')), run(store));
        const rows: FixtureCell[][] = QUIRKY_ROWS.map((row) => [...row]);
        for (const { row, column, value } of edits) rows[row]![column] = value;
        const before = dataOf(store.exportAll());
        const preview = await previewBytes(store, '台账.xlsx', await fixtureBytes(rows), 'second');
        const applied = await applyLedgerImport(importCommands(preview), run(store));
        if (applied.some((a) => a.error === null)) await run(store)({ name: 'ledger.undoImport', payload: { importId: 'second' } });
        expect(dataOf(store.exportAll())).toEqual(before);
      }),
      { numRuns: 12 },
    );
  }, 120_000);
});
