/**
 * A party text 责任方 may name several parties ("市自然资源局、市住建局"): how it splits, decided
 * once here for every reader — the reminder letters (one letter per party), and the unit
 * contacts' reads on Firestore (the `unitParties` a board view carries for firestore.rules).
 * The separators are the list marks people type between names, in half and full width; `|` and
 * `｜` count too, as spreadsheet exports and IME input put them between names, and no unit or bank
 * name contains one.
 */
import { compactName } from './loop';
import type { Project } from '../types';

export const PARTY_SEPARATORS = /[、，,；;／/|｜]+/;

/** The parties one text names, each trimmed, in the order written (empty pieces dropped). */
export function partiesOf(who: string): string[] {
  return who
    .split(PARTY_SEPARATORS)
    .map((part) => part.trim())
    .filter((part) => compactName(part).length > 0);
}

/**
 * Every party a project names (its responsible unit, its assignments' and blockers' parties), each
 * without spaces as `compactName` writes it: each whole text and each of its `partiesOf` pieces,
 * sorted, without repeats. A unit contact's unit is stored compact too, so "is my unit among
 * them" is an exact comparison (Firestore rules: `unit in unitParties`). Core's own policy
 * (`projectConcernsUnit`) matches a unit anywhere in a text, so this list gives a unit the same
 * projects or fewer, never more (not "市住建局牵头" for 市住建局).
 */
export function namedParties(project: Pick<Project, 'responsibleUnit' | 'assignments' | 'blockers'>): string[] {
  const texts = [project.responsibleUnit, ...project.assignments.map((a) => a.who), ...project.blockers.map((b) => b.party)];
  const parties = new Set<string>();
  for (const text of texts) {
    const whole = compactName(text);
    if (whole) parties.add(whole);
    for (const piece of partiesOf(text)) parties.add(compactName(piece));
  }
  return [...parties].sort();
}
