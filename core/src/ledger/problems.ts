/**
 * 存在问题 → difficulties: each line of the cell is one, numbering taken off; a line already open
 * on the project is not added again.
 */
import type { BlockerTag } from '../types';
import { TEXT_LIMITS } from '../commands/schemas';
import type { ParsedRow } from './parsedRow';
import { firstText } from './parsedRow';
import type { FieldChange } from './previewTypes';
import type { ProjectIdentity } from './projectIdentity';
import { compactText, tidyText } from './values';
import type { Resolver } from './vocabulary';

/** One problem per line of 存在问题, numbering (1、 （2） ③) taken off. */
export function splitProblems(text: string): { raw: string; problem: string }[] {
  return text
    .split(/\r?\n/)
    .map((line) => ({ raw: line.trim(), problem: line.replace(/^\s*(?:[(（]?\d{1,2}[)）.、．]|[①-⑳]|[一二三四五六七八九十][、.])\s*/, '').trim() }))
    .filter((line) => line.problem !== '');
}

export type ImportBlocker = { tag: BlockerTag; description: string; party: string };

export function draftBlockers(rows: readonly ParsedRow[], identity: ProjectIdentity, resolver: Resolver, changes: FieldChange[]): ImportBlocker[] {
  const { current, ownerName } = identity;
  const openDescriptions = new Set((current?.blockers ?? []).filter((b) => b.resolvedAt === null).map((b) => compactText(b.description)));
  const problemText = rows.filter((r) => !r.row.continued.has('problems')).map((r) => r.text.problems ?? '').filter(Boolean).join('\n');
  const party = tidyText(firstText(rows, 'responsibleUnit')) || current?.responsibleUnit || ownerName || current?.owner.name || '项目业主';
  const blockers: ImportBlocker[] = [];
  for (const { raw, problem } of splitProblems(problemText)) {
    const description = problem.slice(0, TEXT_LIMITS.description);
    if (openDescriptions.has(compactText(raw)) || openDescriptions.has(compactText(description))) continue;
    if (blockers.some((b) => b.description === description)) continue;
    blockers.push({ tag: resolver.blockerTag(description), description, party: party.slice(0, TEXT_LIMITS.party) });
    changes.push({ field: 'blocker', before: null, after: description });
  }
  return blockers;
}
