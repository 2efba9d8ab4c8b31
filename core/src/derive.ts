/**
 * The denormalised parts of a project document (clearance, stall, bankIds, lastBankUpdateAt),
 * recomputed from the project and its loan lines. Every command that changes a project or one of
 * its lines calls this before writing, so the board reads one document per card.
 */
import { computeClearance } from './clearance';
import { latestInstant } from './dates';
import { evaluateStall } from './stall';
import type { LoanLine, Project, StallRules } from './types';

export function deriveProject(project: Project, lines: readonly LoanLine[], rules: StallRules, now: Date): Project {
  const clearance = computeClearance(project, lines, now);
  const stall = evaluateStall(project, lines, now, rules);
  // A blocker or a missing document says more about what to do than "stalled" does; the stall
  // badge still shows from `stall`.
  if (stall.stalled && clearance.status === 'cleared') clearance.status = 'stalled';
  const bankIds = [...new Set(lines.map((line) => line.bankId))].sort();
  const lastBankUpdateAt = lines.reduce<string | null>((latest, line) => latestInstant(latest, line.updatedAt), null);
  return { ...project, clearance, stall, bankIds, lastBankUpdateAt };
}
