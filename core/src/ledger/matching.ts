/**
 * Finding the existing project a ledger's project is: by name (without spaces and full-width
 * forms), told apart by the owner's credit code when two share a name, or by the credit code
 * alone when the ledger renamed a project whose owner has only one.
 */
import { lineDisbursed } from '../lineDigest';
import type { StoredDoc } from '../store/documentStore';
import type { LoanLine, Project, Yuan } from '../types';
import { compactText } from './values';

/** Names compare without spaces and full-width forms: 城南 污水厂 and 城南污水厂 are one project. */
export function projectKey(name: string): string {
  return compactText(name).toLowerCase();
}

export type ProjectMatch = { doc: StoredDoc<Project>; by: 'name' | 'creditCode' } | { ambiguous: true } | null;

export interface Matcher {
  match(name: string, creditCode: string | null): ProjectMatch;
}

export function buildMatcher(projects: readonly StoredDoc<Project>[]): Matcher {
  const byName = new Map<string, StoredDoc<Project>[]>();
  const byCode = new Map<string, StoredDoc<Project>[]>();
  for (const doc of projects) {
    const k = projectKey(doc.data.name);
    byName.set(k, [...(byName.get(k) ?? []), doc]);
    const code = doc.data.owner.creditCode;
    if (code) byCode.set(code, [...(byCode.get(code) ?? []), doc]);
  }
  return {
    match(name, creditCode) {
      const named = byName.get(projectKey(name)) ?? [];
      if (named.length === 1) return { doc: named[0]!, by: creditCode && named[0]!.data.owner.creditCode === creditCode ? 'creditCode' : 'name' };
      if (named.length > 1) {
        const coded = creditCode ? named.filter((doc) => doc.data.owner.creditCode === creditCode) : [];
        return coded.length === 1 ? { doc: coded[0]!, by: 'creditCode' } : { ambiguous: true };
      }
      // Renamed in the ledger: the owner's credit code still finds it when the owner has one project.
      const coded = creditCode ? (byCode.get(creditCode) ?? []) : [];
      return coded.length === 1 ? { doc: coded[0]!, by: 'creditCode' } : null;
    },
  };
}

export interface ExistingLine {
  doc: StoredDoc<LoanLine>;
  disbursed: Yuan;
}

/** The workspace's loan lines by project, each with what it has disbursed so far. */
export function linesByProject(lines: readonly StoredDoc<LoanLine>[]): Map<string, ExistingLine[]> {
  const byProject = new Map<string, ExistingLine[]>();
  for (const doc of lines) {
    byProject.set(doc.data.projectId, [...(byProject.get(doc.data.projectId) ?? []), { doc, disbursed: lineDisbursed(doc.data) }]);
  }
  return byProject;
}
