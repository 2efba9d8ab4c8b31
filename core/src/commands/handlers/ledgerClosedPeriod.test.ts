/**
 * The ledger import writes dated records like the line commands: none into a closed month, and its
 * undo takes back none that a month closed since has reported.
 */
import { describe, expect, it } from 'vitest';
import { applyLedgerImport, readLedgerWorkspace } from '../../ledger/apply';
import { importCommands, pickLedgerGrid, previewLedger } from '../../ledger/preview';
import { readLedgerFile } from '../../ledger/readFile';
import { fixtureBytes, LEDGER_VOCABULARY, storeWithBanks } from '../../ledger/testing';
import type { MemoryDocumentStore } from '../../store/memoryDocumentStore';
import { executeCommand } from '../execute';
import { PROJECT_INPUT, STAFF } from '../testing';

const NOW = new Date('2026-11-05T02:00:00.000Z');

async function commandsFor(store: MemoryDocumentStore, importId: string) {
  const [grid] = await readLedgerFile('昭通市台账.xlsx', await fixtureBytes());
  const picked = pickLedgerGrid([grid!])!;
  const preview = previewLedger(picked.grid, picked.header, await readLedgerWorkspace(store), { today: '2026-11-05', importId, vocabulary: LEDGER_VOCABULARY });
  return importCommands(preview);
}

const run = (store: MemoryDocumentStore, name: 'month.close' | 'ledger.undoImport', payload: unknown) =>
  executeCommand(store, { actor: STAFF, now: NOW }, { name, payload });

// Reading the fixture workbook loads exceljs cold: bound each test generously.
describe('the ledger import and the closed period', { timeout: 60_000 }, () => {
  it('refuses an import dated into a closed month', async () => {
    const store = await storeWithBanks();
    await executeCommand(store, { actor: STAFF, now: new Date('2026-05-02T02:00:00.000Z') }, { name: 'project.create', payload: { ...PROJECT_INPUT, leadBankId: null } });
    // Previewed before the month was closed (a preview taken after it says so row by row: ledger/preview.test.ts).
    const commands = await commandsFor(store, 'imp-closed');
    await run(store, 'month.close', { month: '2026-10' });
    expect(commands.length).toBeGreaterThan(0);
    const refusals: string[] = [];
    await applyLedgerImport(commands, (command) =>
      executeCommand(store, { actor: STAFF, now: NOW }, command).catch((error: { messageKey: string }) => {
        refusals.push(error.messageKey);
        throw error;
      }),
    ).catch(() => undefined);
    expect(refusals).toContain('errors.month.closedPeriod');
  });

  it('refuses to undo an import whose records a month closed since has reported', async () => {
    const store = await storeWithBanks();
    await applyLedgerImport(await commandsFor(store, 'imp-a'), (command) => executeCommand(store, { actor: STAFF, now: NOW }, command));
    await run(store, 'month.close', { month: '2026-10' });
    const before = store.exportAll();
    await expect(run(store, 'ledger.undoImport', { importId: 'imp-a' })).rejects.toMatchObject({ messageKey: 'errors.month.closedPeriod' });
    expect(store.exportAll()).toEqual(before);
  });
});
