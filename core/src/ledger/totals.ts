/**
 * The totals an import would bring next to the ledger's own 合计 row, per amount column the
 * sheet has: the sum of every project, the sum of those that can be imported, and whether the
 * sheet's 合计 agrees (to half the last decimal the sheet shows in its unit).
 */
import type { Yuan } from '../types';
import type { AmountField, LedgerField } from './columns';
import { AMOUNT_FIELDS } from './columns';
import type { CellScalar } from './grid';
import type { PreviewProject, TotalsComparison } from './previewTypes';
import type { TotalsRow } from './rows';
import type { LedgerUnit } from './values';
import { LEDGER_UNITS, parseAmount } from './values';

export function compareTotals(
  projects: readonly PreviewProject[],
  totalsRow: TotalsRow | null,
  mapped: ReadonlySet<LedgerField>,
  units: Partial<Record<AmountField, LedgerUnit>>,
  unit: LedgerUnit,
): TotalsComparison[] {
  const totals: TotalsComparison[] = [];
  for (const field of AMOUNT_FIELDS) {
    if (!mapped.has(field)) continue;
    let ledger: Yuan | null = null;
    if (totalsRow && field in totalsRow.cells) {
      const parsed = parseAmount((totalsRow.cells[field] ?? null) as CellScalar, units[field] ?? unit);
      ledger = parsed.ok ? parsed.yuan : null;
    }
    const sum = (list: readonly PreviewProject[]) => list.reduce((s, p) => s + p.figures[field], 0);
    const rowsSum = sum(projects);
    const tolerance = LEDGER_UNITS[units[field] ?? unit] * 0.005;
    totals.push({
      field,
      ledger,
      rows: rowsSum,
      importable: sum(projects.filter((p) => p.outcome !== 'error')),
      agrees: ledger === null ? null : Math.abs(ledger - rowsSum) <= tolerance,
    });
  }
  return totals;
}
