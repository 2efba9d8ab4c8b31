/**
 * Card order inside a board column: fractional-indexing keys compared as plain strings, so a move
 * rewrites one document. Two people dropping into the same gap at once can produce equal keys,
 * so the order is always (rank, id): total and the same on every client.
 */
import { generateKeyBetween, generateNKeysBetween } from 'fractional-indexing';
import { DomainError } from './errors';

export interface Ranked {
  rank: string;
  id: string;
}

function rankError(before: string | null, after: string | null): DomainError {
  return new DomainError('invalid-argument', 'errors.rank.invalid', { before: before ?? '', after: after ?? '' });
}

function isKeyOrNull(value: unknown): value is string | null {
  return value === null || (typeof value === 'string' && value.length > 0);
}

/** A key strictly between `before` and `after` (null = the column's start / end). */
export function rankBetween(before: string | null, after: string | null): string {
  if (!isKeyOrNull(before) || !isKeyOrNull(after)) throw rankError(String(before), String(after));
  // The library accepts its bounds in either order; a swapped pair means a stale or forged request.
  if (before !== null && after !== null && before >= after) throw rankError(before, after);
  try {
    return generateKeyBetween(before, after);
  } catch {
    throw rankError(before, after);
  }
}

/** Plain code-unit comparison of keys (never localeCompare), then id. */
export function compareByRank(a: Ranked, b: Ranked): number {
  if (a.rank !== b.rank) return a.rank < b.rank ? -1 : 1;
  if (a.id !== b.id) return a.id < b.id ? -1 : 1;
  return 0;
}

/** `n` increasing keys after `lastRank` (null = empty column), e.g. for imports and sample data. */
export function ranksForAppend(lastRank: string | null, n: number): string[] {
  if (!Number.isInteger(n) || n < 0) throw rankError(lastRank, null);
  if (!isKeyOrNull(lastRank)) throw rankError(String(lastRank), null);
  try {
    return generateNKeysBetween(lastRank, null, n);
  } catch {
    throw rankError(lastRank, null);
  }
}

/**
 * The ranks a card lands between when dropped at `toIndex` of a column, where `toIndex` counts
 * the column without the moving card (as vuedraggable's `newIndex` does once the card left).
 * When the two neighbours tie (a past concurrent insert), no key fits strictly between them, so
 * the card lands right after the whole tied group instead.
 */
export function neighbourRanks(
  sortedColumn: readonly Ranked[],
  movingId: string,
  toIndex: number,
): { before: string | null; after: string | null } {
  const others = sortedColumn.filter((card) => card.id !== movingId).sort(compareByRank);
  const index = Math.max(0, Math.min(Number.isFinite(toIndex) ? Math.trunc(toIndex) : others.length, others.length));
  const before = others[index - 1]?.rank ?? null;
  let after = others[index]?.rank ?? null;
  if (before !== null && after !== null && before >= after) {
    after = others.slice(index).find((card) => card.rank > before)?.rank ?? null;
  }
  return { before, after };
}
