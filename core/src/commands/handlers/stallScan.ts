/**
 * The daily stall scan 停滞扫描. It reads only the candidates, the projects whose stored
 * `stall.nextCheckAt` has come (the index the rules keep for it), and the stall rules; it
 * re-derives them from the line digest they carry (no loan line is read, except for a project
 * stored before it carried one) and writes only those whose summary changed. A second run at the
 * same time finds nothing due, writes nothing and records no activity.
 *
 * After an admin changed the limits (`settings/stallRulesChange`), a due scan also takes, in what
 * room its limit leaves, the projects last evaluated before the change (their summary and next
 * check were worked out under the old limits), and always writes those, so that repeated runs page
 * through them until none is left. Scope 'all' re-evaluates every project the same way, the least
 * recently evaluated first.
 */
import { deriveProject, lacksLineDigest } from '../../derive';
import type { QuerySpec, StoredDoc } from '../../store/documentStore';
import { deepEqual } from '../../store/query';
import type { LoanLine, Project } from '../../types';
import { readStallRules, readStallRulesChange } from './shared';
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
  const due = await ctx.tx.query<Project>('projects', spec);
  const rules = await readStallRules(ctx.tx);
  // A change after this scan's instant (saved while a job's batches run, or a clock behind the
  // admin's) is the next scan's: projects this one writes would still be evaluated before it.
  const marked = scope === 'due' ? await readStallRulesChange(ctx.tx) : null;
  const change = marked && marked.data.changedAt <= ctx.at ? marked : null;
  const room = limit - due.length;
  const evaluatedBeforeChange =
    change && room > 0
      ? await ctx.tx.query<Project>('projects', {
          where: [{ field: 'stall.evaluatedAt', op: '<', value: change.data.changedAt }],
          orderBy: [{ field: 'stall.evaluatedAt' }],
          limit: room,
        })
      : [];
  // Written whatever they come to: their evaluatedAt must pass the change for the paging to end.
  const mustWrite = new Set(scope === 'all' ? due.map((doc) => doc.id) : evaluatedBeforeChange.map((doc) => doc.id));
  const dueIds = new Set(due.map((doc) => doc.id));
  const candidates = [...due, ...evaluatedBeforeChange.filter((doc) => !dueIds.has(doc.id))];

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
    if (!mustWrite.has(doc.id) && deepEqual(derivedPart(doc.data), derivedPart(derived))) continue;
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
    more: due.length === limit || (change !== null && evaluatedBeforeChange.length === room) ? 1 : 0,
  };
  const activity =
    toWrite.length === 0
      ? null
      : { projectId: null, lineId: null, before: { projects: before }, after: { projects: after, ...stats, scope } };
  return { activity, stats };
};
