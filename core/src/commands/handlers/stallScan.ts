/**
 * The daily stall scan 停滞扫描. It reads only the candidates, the projects whose stored
 * `stall.nextCheckAt` has come (the index the rules keep for it), and the stall rules; it
 * re-derives them from the line digest they carry (no loan line is read, except for a project
 * stored before it carried one) and writes only those whose summary changed. A second run at the
 * same time finds nothing due, writes nothing and records no activity.
 *
 * Scope 'all' re-evaluates every project, the least recently evaluated first, after an admin
 * changed the limits; it always writes (advancing `stall.evaluatedAt`) so repeated runs page
 * through the board until none is left.
 */
import { deriveProject, lacksLineDigest } from '../../derive';
import type { QuerySpec, StoredDoc } from '../../store/documentStore';
import { deepEqual } from '../../store/query';
import type { LoanLine, Project } from '../../types';
import { readStallRules } from './shared';
import type { CommandHandler } from './types';

/** Firestore's `in` filter takes at most 30 values. */
const IN_FILTER_MAX = 30;

function derivedPart(project: Project) {
  const { evaluatedAt: _ignored, ...stall } = project.stall;
  return {
    lines: project.lines,
    clearance: project.clearance,
    stall,
    bankIds: project.bankIds,
    lastBankUpdateAt: project.lastBankUpdateAt,
  };
}

function stallBrief(project: Project) {
  return { stalled: project.stall.stalled, rules: [...new Set(project.stall.flags.map((flag) => flag.rule))] };
}

export const stallScan: CommandHandler<'stall.scan'> = async (ctx) => {
  const { scope, limit } = ctx.payload;
  const spec: QuerySpec =
    scope === 'due'
      ? { where: [{ field: 'stall.nextCheckAt', op: '<=', value: ctx.at }], orderBy: [{ field: 'stall.nextCheckAt' }], limit }
      : { where: [{ field: 'stall.evaluatedAt', op: '<', value: ctx.at }], orderBy: [{ field: 'stall.evaluatedAt' }], limit };
  const candidates = await ctx.tx.query<Project>('projects', spec);
  const rules = await readStallRules(ctx.tx);

  // Only documents older than the line digest need their lines, once: this write heals them.
  const undigested = candidates.filter((doc) => lacksLineDigest(doc.data));
  const linesByProject = new Map<string, LoanLine[]>(undigested.map((doc) => [doc.id, []]));
  for (let start = 0; start < undigested.length; start += IN_FILTER_MAX) {
    const ids = undigested.slice(start, start + IN_FILTER_MAX).map((doc) => doc.id);
    const lines = await ctx.tx.query<LoanLine>('loanLines', { where: [{ field: 'projectId', op: 'in', value: ids }] });
    for (const line of lines) linesByProject.get(line.data.projectId)?.push(line.data);
  }

  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  let flagged = 0;
  let newlyStalled = 0;
  let cleared = 0;
  const toWrite: [StoredDoc<Project>, Project][] = [];
  for (const doc of candidates) {
    const derived = deriveProject(doc.data, linesByProject.get(doc.id), rules, ctx.now);
    if (derived.stall.stalled) flagged += 1;
    if (scope === 'due' && deepEqual(derivedPart(doc.data), derivedPart(derived))) continue;
    if (derived.stall.stalled && !doc.data.stall.stalled) newlyStalled += 1;
    if (!derived.stall.stalled && doc.data.stall.stalled) cleared += 1;
    toWrite.push([doc, derived]);
    if (!deepEqual(stallBrief(doc.data), stallBrief(derived))) {
      before[doc.id] = stallBrief(doc.data);
      after[doc.id] = stallBrief(derived);
    }
  }
  for (const [doc, derived] of toWrite) ctx.writer.update('projects', doc.id, derived, doc.version);

  const stats = {
    candidates: candidates.length,
    flagged,
    newlyStalled,
    cleared,
    written: toWrite.length,
    more: candidates.length === limit ? 1 : 0,
  };
  const activity =
    toWrite.length === 0
      ? null
      : { projectId: null, lineId: null, before: { projects: before }, after: { projects: after, ...stats, scope } };
  return { activity, stats };
};
