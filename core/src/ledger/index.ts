/** The ledger import and export 台账导入导出: pure, browser-safe; exceljs and csv-parse load on first use. */
export * from './grid';
export * from './values';
export * from './vocabulary';
export * from './columns';
export * from './rows';
export * from './preview';
export * from './payload';
export * from './exportLedger';
export { decodeCsvBytes, ledgerFileKind, readCsvLedger, readLedgerFile, readXlsxLedger, scalarOfExcelValue } from './readFile';
export type { LedgerFileKind } from './readFile';
export type { LedgerImportActivity } from '../commands/handlers/ledger';
export * from './apply';
