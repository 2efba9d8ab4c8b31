/**
 * The denormalised parts of a project document (lines, clearance, stall, bankIds,
 * lastBankUpdateAt), recomputed from the project and its loan lines. Every command that changes a
 * project or one of its lines calls this before writing, so the board reads one document per card.
 *
 * A line command passes the project's lines (full lines or digests) and the digest is rebuilt from
 * them; a command on the project alone passes none and the project's own digest stands in for
 * them, so it reads no line.
 */
import { computeClearance } from './clearance';
import { latestInstant } from './dates';
import { digestLines } from './lineDigest';
import { evaluateStall } from './stall';
import type { LineDigest, LoanLine, Project, StallRules } from './types';

/** A project stored before it carried its line digest (its lines must be read to derive it). */
export function lacksLineDigest(project: Project): boolean {
  return !Array.isArray((project as Partial<Project>).lines);
}

export function deriveProject(
  project: Project,
  lines: readonly LoanLine[] | readonly LineDigest[] | undefined,
  rules: StallRules,
  now: Date,
): Project {
  if (lines === undefined && lacksLineDigest(project)) {
    // A document written before projects carried their digest: deriving it from nothing would
    // silently zero its money, so the caller must read its lines once.
    throw new Error(`deriveProject: project ${project.id} carries no line digest; pass its lines`);
  }
  const digests = digestLines(lines ?? project.lines);
  const clearance = computeClearance(project, digests, now);
  const stall = evaluateStall(project, digests, now, rules);
  // A blocker or a missing document says more about what to do than "stalled" does; the stall
  // badge still shows from `stall`.
  if (stall.stalled && clearance.status === 'cleared') clearance.status = 'stalled';
  const bankIds = [...new Set(digests.map((line) => line.bankId))].sort();
  const lastBankUpdateAt = digests.reduce<string | null>((latest, line) => latestInstant(latest, line.updatedAt), null);
  return { ...project, lines: digests, clearance, stall, bankIds, lastBankUpdateAt };
}
