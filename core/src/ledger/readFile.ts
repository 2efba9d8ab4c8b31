/**
 * Reading an uploaded ledger into a cell grid: .xlsx through exceljs (loaded on first use, as the
 * 调度表 does), .csv as UTF-8 or GB18030 through csv-parse. An old binary .xls is refused with a
 * message to save it as .xlsx: the parsers on npm that read .xls (the `xlsx` package 0.18.5) carry
 * published prototype-pollution and ReDoS advisories for crafted files.
 */
import type * as ExcelJsModule from 'exceljs';
import type { CellValue, Worksheet } from 'exceljs';
import { DomainError } from '../errors';
import type { CellGrid, CellScalar, GridCell } from './grid';
import { gridOfValues } from './grid';

export type LedgerFileKind = 'xlsx' | 'csv' | 'xls' | 'unknown';

/** By name first, then by the first bytes (a renamed file still reads). */
export function ledgerFileKind(fileName: string, bytes: Uint8Array): LedgerFileKind {
  const isZip = bytes[0] === 0x50 && bytes[1] === 0x4b;
  const isOle = bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0;
  if (isOle) return 'xls';
  if (isZip) return 'xlsx';
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.xls')) return 'xls';
  if (lower.endsWith('.csv') || lower.endsWith('.txt')) return 'csv';
  if (lower.endsWith('.xlsx')) return 'xlsx';
  return 'unknown';
}

/** UTF-8 (with or without a BOM) when the bytes are valid UTF-8, else GB18030 (Excel's "CSV" on a Chinese Windows). */
export function decodeCsvBytes(bytes: Uint8Array): { text: string; encoding: 'utf-8' | 'gb18030' } {
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(body), encoding: 'utf-8' };
  } catch {
    return { text: new TextDecoder('gb18030').decode(bytes), encoding: 'gb18030' };
  }
}

function delimiterOf(text: string): string {
  const firstLines = text.split(/\r?\n/, 10).join('\n');
  const count = (ch: string) => firstLines.split(ch).length - 1;
  return count('\t') > count(',') ? '\t' : count(';') > count(',') ? ';' : ',';
}

/**
 * RFC 4180 rows (quotes, doubled quotes, line breaks in quotes) as a grid without merges. The
 * parser's browser build (it carries its own Buffer) is loaded on first use, off the first page load.
 */
export async function readCsvLedger(fileName: string, bytes: Uint8Array): Promise<CellGrid & { encoding: 'utf-8' | 'gb18030' }> {
  const { text, encoding } = decodeCsvBytes(bytes);
  const { parse: parseCsvText } = await import('csv-parse/browser/esm/sync');
  let rows: string[][];
  try {
    rows = parseCsvText(text, {
      bom: true,
      delimiter: delimiterOf(text),
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
    }) as string[][];
  } catch {
    throw new DomainError('invalid-argument', 'ledger.file.unreadable', { fileName });
  }
  return { ...gridOfValues(fileName, 'CSV', rows), encoding };
}

export async function loadExcelJs(): Promise<typeof ExcelJsModule> {
  const mod = await import('exceljs');
  return (mod as unknown as { default?: typeof ExcelJsModule }).default ?? mod;
}

/** An exceljs cell value as a plain value: rich text joined, formulas as their cached result. */
export function scalarOfExcelValue(value: CellValue): CellScalar {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (value instanceof Date) return value;
  if (typeof value === 'object') {
    if ('richText' in value && Array.isArray(value.richText)) return value.richText.map((part) => part.text).join('');
    if ('result' in value) return scalarOfExcelValue((value.result ?? null) as CellValue);
    if ('formula' in value || 'sharedFormula' in value) return null;
    if ('text' in value && typeof value.text === 'string') return value.text;
    if ('error' in value) return null;
  }
  return null;
}

function sheetGrid(fileName: string, sheet: Worksheet): CellGrid {
  const rows: GridCell[][] = [];
  const width = sheet.columnCount;
  // findRow/findCell, not getRow/getCell: those create (and address) every empty cell they are asked for.
  for (let r = 1; r <= sheet.rowCount; r++) {
    const row = sheet.findRow(r);
    const cells: GridCell[] = [];
    if (row && (row.hasValues || row.cellCount > 0)) {
      for (let c = 1; c <= width; c++) {
        const cell = row.findCell(c);
        if (!cell) {
          cells.push({ value: null });
          continue;
        }
        const grid: GridCell = { value: scalarOfExcelValue(cell.value) };
        if (cell.isMerged) {
          if (cell.master !== cell) grid.continuation = true;
          const right = c < width ? row.findCell(c + 1) : undefined;
          if (right?.isMerged && right.master === cell.master) grid.spansRight = true;
        }
        if (typeof grid.value === 'string' && grid.value.trim() === '') grid.value = null;
        cells.push(grid);
      }
    }
    while (cells.length > 0 && cells[cells.length - 1]!.value === null && !cells[cells.length - 1]!.continuation) cells.pop();
    rows.push(cells);
  }
  return { fileName, sheetName: sheet.name, rows };
}

/** Every worksheet of an .xlsx file as a grid (the ledger is found on the first sheet that has one). */
export async function readXlsxLedger(fileName: string, data: ArrayBuffer | Uint8Array): Promise<CellGrid[]> {
  const ExcelJS = await loadExcelJs();
  const workbook = new ExcelJS.Workbook();
  try {
    const buffer = data instanceof Uint8Array ? data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) : data;
    await workbook.xlsx.load(buffer as ArrayBuffer);
  } catch {
    throw new DomainError('invalid-argument', 'ledger.file.unreadable', { fileName });
  }
  return workbook.worksheets.filter((sheet) => sheet.state !== 'hidden' && sheet.state !== 'veryHidden').map((sheet) => sheetGrid(fileName, sheet));
}

/** Any supported upload as its grids; an .xls or an unknown file is a clear refusal. */
export async function readLedgerFile(fileName: string, bytes: Uint8Array): Promise<CellGrid[]> {
  const kind = ledgerFileKind(fileName, bytes);
  if (kind === 'xls') throw new DomainError('invalid-argument', 'ledger.file.xls', { fileName });
  if (kind === 'xlsx') return readXlsxLedger(fileName, bytes);
  if (kind === 'csv') return [await readCsvLedger(fileName, bytes)];
  throw new DomainError('invalid-argument', 'ledger.file.unsupported', { fileName });
}
