/**
 * The cell grid a ledger is read into, whatever the file was: rows of cells, each with its value
 * and whether it continues a merged range (a merged cell's value shows in every cell it covers,
 * so that a project name merged over three bank rows names the project on each of them).
 */
export type CellScalar = string | number | Date | boolean | null;

export interface GridCell {
  value: CellScalar;
  /** This cell lies inside a merged range but is not its top-left cell. */
  continuation?: boolean;
  /** The merged range continues to the right of this cell (a header over several columns). */
  spansRight?: boolean;
}

export interface CellGrid {
  /** The file the grid was read from, for the history ("imported from 台账.xlsx"). */
  fileName: string;
  sheetName: string;
  /** rows[r][c]: sheet row r + 1, column c + 1. Rows may be shorter than the widest row. */
  rows: GridCell[][];
}

export function cellAt(grid: CellGrid, row: number, column: number): GridCell {
  return grid.rows[row]?.[column] ?? { value: null };
}

export function gridWidth(grid: CellGrid): number {
  return grid.rows.reduce((max, row) => Math.max(max, row.length), 0);
}

/** A grid from plain values (CSV rows, tests), without merges. */
export function gridOfValues(fileName: string, sheetName: string, rows: readonly (readonly CellScalar[])[]): CellGrid {
  return { fileName, sheetName, rows: rows.map((row) => row.map((value) => ({ value: value === '' ? null : value }))) };
}
