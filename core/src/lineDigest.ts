/**
 * The loan-line digest a project document carries (`Project.lines`): exactly what the clearance
 * summary, the stall rules and the board read of a line. It lets a command on the project alone
 * (a move, a blocker, the daily stall scan) re-derive the project from one document; every line
 * command rewrites the digest in the same transaction that writes the line.
 */
import type { LineDigest, LoanLine, Yuan } from './types';

/** What the bank has paid out on this line so far. */
export function lineDisbursed(line: Pick<LoanLine, 'tranches'>): Yuan {
  return line.tranches.reduce((sum, t) => sum + t.amount, 0);
}

export function digestLine(line: LoanLine): LineDigest {
  const trancheDates = line.tranches.map((t) => t.date).sort();
  return {
    id: line.id,
    bankId: line.bankId,
    product: line.product,
    status: line.status,
    requested: line.requested,
    approved: line.approved,
    approvedDate: line.approvedDate,
    contracted: line.contracted,
    contractDate: line.contractDate,
    disbursed: lineDisbursed(line),
    trancheCount: line.tranches.length,
    firstTrancheDate: trancheDates[0] ?? null,
    lastTrancheDate: trancheDates[trancheDates.length - 1] ?? null,
    updatedAt: line.updatedAt,
  };
}

function isLoanLine(line: LoanLine | LineDigest): line is LoanLine {
  return Array.isArray((line as Partial<LoanLine>).tranches);
}

/** The digests of a project's lines (full lines or digests already), in the stored order: by line id. */
export function digestLines(lines: readonly (LoanLine | LineDigest)[]): LineDigest[] {
  return lines
    .map((line) => (isLoanLine(line) ? digestLine(line) : { ...line }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
