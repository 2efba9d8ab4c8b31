/**
 * Ledger import figures: previewing a 2,000-project 台账 (reading the .xlsx with exceljs, finding
 * the header, sorting every row and comparing each project with a 400-project workspace), what a
 * person waits for between choosing the file and reading the preview; the same from CSV; and
 * applying the previewed import on the in-memory store.
 */
import {
  MemoryDocumentStore,
  applyLedgerImport,
  executeCommand,
  importCommands,
  ledgerToday,
  pickLedgerGrid,
  previewLedger,
  readLedgerFile,
  readLedgerWorkspace,
  type Actor,
} from '@clearway/core';
import { createSampleWorkspace, seedStore } from '@clearway/core/sample';
import { csvOf, fixtureBytes, largeLedgerRows, LEDGER_VOCABULARY } from '@clearway/core/testing';
import { figure, median, progress, round, runSuite, under } from './lib/figures';

const PROJECTS = 2_000;
const RUNS = 5;
const STAFF: Actor = { uid: 'u-staff', name: '王丽娟', role: 'staff', bankId: null };

/** Wall clock and this process's CPU time (which other programs on a shared machine do not stretch). */
async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; cpuMs: number; result: T }> {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const result = await work();
  const cpu = process.cpuUsage(cpuBefore);
  return { ms: performance.now() - started, cpuMs: (cpu.user + cpu.system) / 1000, result };
}

await runSuite('ledger', async () => {
  const now = new Date();
  const store = new MemoryDocumentStore();
  await seedStore(store, createSampleWorkspace({ now, projects: 400 }));
  const workspace = await readLedgerWorkspace(store);
  const rows = largeLedgerRows(PROJECTS);
  const xlsx = await fixtureBytes(rows, { mergeProjects: false });
  const csv = new TextEncoder().encode(csvOf(rows));
  const options = { today: ledgerToday(now), importId: 'bench', vocabulary: LEDGER_VOCABULARY };

  // Where the CPU goes, for the last call: reading the file into a grid (exceljs or csv-parse) and
  // finding the header, then the preview itself (rows, projects, their commands checked).
  const phases = { readCpuMs: 0, previewCpuMs: 0 };
  const cpuMs = () => {
    const cpu = process.cpuUsage();
    return (cpu.user + cpu.system) / 1000;
  };
  const previewOf = async (fileName: string, bytes: Uint8Array) => {
    const started = cpuMs();
    const picked = pickLedgerGrid(await readLedgerFile(fileName, bytes));
    if (!picked) throw new Error('no ledger found');
    const read = cpuMs();
    const preview = previewLedger(picked.grid, picked.header, workspace, options);
    phases.readCpuMs = read - started;
    phases.previewCpuMs = cpuMs() - read;
    return preview;
  };

  progress(`ledger: previewing ${PROJECTS} projects (${rows.length} rows), ${RUNS} runs`);
  await previewOf('bench.xlsx', xlsx); // warm-up: exceljs and the optimiser
  const xlsxRuns: number[] = [];
  const xlsxCpu: number[] = [];
  const readCpu: number[] = [];
  const previewCpu: number[] = [];
  let preview = await previewOf('bench.xlsx', xlsx);
  for (let i = 0; i < RUNS; i++) {
    const run = await timed(() => previewOf('bench.xlsx', xlsx));
    xlsxRuns.push(run.ms);
    xlsxCpu.push(run.cpuMs);
    readCpu.push(phases.readCpuMs);
    previewCpu.push(phases.previewCpuMs);
    preview = run.result;
  }
  const found = preview.projects.length;
  if (found !== PROJECTS) throw new Error(`the preview found ${found} projects, not ${PROJECTS}`);
  const csvRuns: number[] = [];
  for (let i = 0; i < RUNS; i++) csvRuns.push((await timed(() => previewOf('bench.csv', csv))).ms);

  progress('ledger: applying the import on the in-memory store');
  const commands = importCommands(preview);
  const apply = await timed(() => applyLedgerImport(commands, (command) => executeCommand(store, { actor: STAFF, now }, command)));
  const refused = apply.result.filter((a) => a.error !== null).length;

  const listed = (values: number[]) => values.map((v) => v.toFixed(0)).join(', ');
  return [
    figure(
      'ledger.preview2000.xlsx.ms',
      `ledger: preview of a ${PROJECTS}-project .xlsx 台账 (${rows.length} rows: read, header, rows, compare with 400 projects), median of ${RUNS}`,
      round(median(xlsxRuns), 0),
      'ms',
      under(3_000),
      `runs ${listed(xlsxRuns)} ms; ${preview.counts.create} new, ${preview.counts.error} in error, ${preview.counts.skipped} skipped`,
    ),
    figure('ledger.preview2000.xlsx.cpuMs', 'ledger: the same preview, process CPU time, median', round(median(xlsxCpu), 0), 'ms', undefined, `runs ${listed(xlsxCpu)} ms`),
    figure('ledger.preview2000.xlsx.readCpuMs', 'ledger: of which reading the .xlsx into a grid and finding the header (CPU, median)', round(median(readCpu), 0), 'ms', undefined, `runs ${listed(readCpu)} ms`),
    figure(
      'ledger.preview2000.xlsx.previewCpuMs',
      'ledger: of which the preview (rows, 2,000 projects, each command checked by its schema; CPU, median)',
      round(median(previewCpu), 0),
      'ms',
      undefined,
      `runs ${listed(previewCpu)} ms`,
    ),
    figure('ledger.preview2000.csv.ms', `ledger: the same ledger as CSV, median of ${RUNS}`, round(median(csvRuns), 0), 'ms', under(3_000), `runs ${listed(csvRuns)} ms`),
    figure(
      'ledger.apply2000.perSecond',
      `ledger: ledger.importProject on the in-memory store (${commands.length} projects)`,
      Math.round((commands.length / apply.ms) * 1000),
      'commands/s',
      undefined,
      `${refused} refused`,
    ),
  ];
});
