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
 *
 * A project the scan cannot write (its document would pass the budget, or deriving it fails) is
 * left as it is and reported in the result's `skipped`, and the page is filled from the projects
 * behind it: unwritten, it stays first in both orders, and would otherwise take the place of due
 * ones in every page of every run. Nothing records the skip, so the next run tries it again.
 */
import { deriveProject, lacksLineDigest } from '../../derive';
import { DomainError, INTERNAL_ERROR_KEY } from '../../errors';
import type { QuerySpec, StoredDoc } from '../../store/documentStore';
import { deepEqual } from '../../store/query';
import type { LoanLine, Project } from '../../types';
import type { SkippedProject } from '../contract';
import { assertProjectFits, readStallRules, readStallRulesChange } from './shared';
import type { CommandHandler } from './types';

/** Firestore's `in` filter takes at most 30 values. */
const IN_FILTER_MAX = 30;

/**
 * Unwritable projects a page reads past, per query. More than this is no one project's defect
 * but one of all of them: the page then holds what it could write among them (maybe none, which
 * ends the adapters' batches), and every run reports them.
 */
export const STALL_SCAN_MAX_SKIPPED = 50;

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

type Evaluation = { derived: Project; write: boolean } | { skipped: SkippedProject };

export const stallScan: CommandHandler<'stall.scan'> = async (ctx) => {
  const { scope, limit } = ctx.payload;
  const dueSpec: QuerySpec =
    scope === 'due'
      ? { where: [{ field: 'stall.nextCheckAt', op: '<=', value: ctx.at }], orderBy: [{ field: 'stall.nextCheckAt' }] }
      : { where: [{ field: 'stall.evaluatedAt', op: '<', value: ctx.at }], orderBy: [{ field: 'stall.evaluatedAt' }] };
  const rules = await readStallRules(ctx.tx);
  // A change after this scan's instant (saved while a job's batches run, or a clock behind the
  // admin's) is the next scan's: projects this one writes would still be evaluated before it.
  const marked = scope === 'due' ? await readStallRulesChange(ctx.tx) : null;
  const change = marked && marked.data.changedAt <= ctx.at ? marked : null;

  const evaluations = new Map<string, Evaluation>();
  // Only documents older than the line digest need their lines, once: this write heals them.
  const linesByProject = new Map<string, LoanLine[]>();
  const evaluate = (doc: StoredDoc<Project>, mustWrite: boolean): Evaluation => {
    try {
      const derived = deriveProject(doc.data, linesByProject.get(doc.id), rules, ctx.now);
      const write = mustWrite || !deepEqual(derivedPart(doc.data), derivedPart(derived));
      if (write) assertProjectFits(derived);
      return { derived, write };
    } catch (error) {
      const refusal = error instanceof DomainError ? { messageKey: error.messageKey, params: error.params } : { messageKey: INTERNAL_ERROR_KEY };
      return { skipped: { projectId: doc.id, ...refusal } };
    }
  };
  const evaluateAll = async (docs: StoredDoc<Project>[], mustWrite: boolean) => {
    const undigested = docs.filter((doc) => !evaluations.has(doc.id) && lacksLineDigest(doc.data));
    for (const doc of undigested) linesByProject.set(doc.id, []);
    for (let start = 0; start < undigested.length; start += IN_FILTER_MAX) {
      const ids = undigested.slice(start, start + IN_FILTER_MAX).map((doc) => doc.id);
      const lines = await ctx.tx.query<LoanLine>('loanLines', { where: [{ field: 'projectId', op: 'in', value: ids }] });
      for (const line of lines) linesByProject.get(line.data.projectId)?.push(line.data);
    }
    for (const doc of docs) {
      const known = evaluations.get(doc.id);
      // A due one the change's query returns too must now be written, so checked.
      if (known && (!mustWrite || 'skipped' in known || known.write)) continue;
      evaluations.set(doc.id, evaluate(doc, mustWrite));
    }
  };
  const isSkipped = (doc: StoredDoc<Project>) => 'skipped' in evaluations.get(doc.id)!;

  /**
   * The first `want` projects of `spec` the scan can write, and those it cannot among what it
   * read; `more` when the query may hold others it can. Reads past the unwritable ones in
   * widening steps: a second query only when one is met, a few at most then.
   */
  const page = async (spec: QuerySpec, want: number, mustWrite: boolean) => {
    let extra = 0;
    for (;;) {
      const docs = await ctx.tx.query<Project>('projects', { ...spec, limit: want + extra });
      await evaluateAll(docs, mustWrite);
      const unwritable = docs.filter(isSkipped).length;
      const full = docs.length === want + extra;
      if (!full || unwritable <= extra || extra >= STALL_SCAN_MAX_SKIPPED) {
        const taken: StoredDoc<Project>[] = [];
        let writable = 0;
        let left = false;
        for (const doc of docs) {
          if (isSkipped(doc)) taken.push(doc);
          else if (writable < want) {
            taken.push(doc);
            writable += 1;
          } else left = true;
        }
        return { docs: taken, writable, more: full || left };
      }
      extra = Math.min(STALL_SCAN_MAX_SKIPPED, Math.max(unwritable, 2 * extra));
    }
  };

  const due = await page(dueSpec, limit, scope === 'all');
  const room = limit - due.writable;
  // Written whatever they come to: their evaluatedAt must pass the change for the paging to end.
  const evaluatedBeforeChange =
    change && room > 0
      ? await page(
          { where: [{ field: 'stall.evaluatedAt', op: '<', value: change.data.changedAt }], orderBy: [{ field: 'stall.evaluatedAt' }] },
          room,
          true,
        )
      : { docs: [], writable: 0, more: change !== null };
  const seen = new Set<string>();
  const taken = [...due.docs, ...evaluatedBeforeChange.docs].filter((doc) => !seen.has(doc.id) && seen.add(doc.id));
  const candidates = taken.filter((doc) => !isSkipped(doc));
  const skipped = taken.flatMap((doc) => {
    const evaluation = evaluations.get(doc.id)!;
    return 'skipped' in evaluation ? [evaluation.skipped] : [];
  });

  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  let flagged = 0;
  let newlyStalled = 0;
  let cleared = 0;
  const toWrite: [StoredDoc<Project>, Project][] = [];
  for (const doc of candidates) {
    const { derived, write } = evaluations.get(doc.id) as Extract<Evaluation, { write: boolean }>;
    if (derived.stall.stalled) flagged += 1;
    if (!write) continue;
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
    more: due.more || evaluatedBeforeChange.more ? 1 : 0,
  };
  // A run that only skipped writes nothing, no record either: the adapters log what it skipped.
  const skippedRecord = skipped.length === 0 ? {} : { skipped: Object.fromEntries(skipped.map((s) => [s.projectId, s.messageKey])) };
  const activity =
    toWrite.length === 0
      ? null
      : { projectId: null, lineId: null, before: { projects: before }, after: { projects: after, ...stats, scope, ...skippedRecord } };
  return { activity, stats, skipped };
};
