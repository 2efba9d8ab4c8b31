/**
 * Workloads of the benchmark, built from the core's deterministic sample workspace. Generating
 * 10,000 sample projects takes seconds, so large boards are clones of a few hundred sample
 * projects under new ids: the same mix of stages, lines, blockers and stalls, made in a blink.
 */
import { ranksForAppend, type LoanLine, type Project } from '@clearway/core';
import { createSampleWorkspace, type SampleWorkspace } from '@clearway/core/sample';

export interface ScaledWorkload {
  projects: Project[];
  linesByProject: Map<string, LoanLine[]>;
  rules: SampleWorkspace['settings']['stallRules'];
}

/**
 * `count` projects with exactly `linesPerProject` loan lines each. Projects with fewer lines in
 * the sample borrow copies of other projects' lines (re-keyed to them), so every evaluation
 * walks the same number of lines.
 */
export function scaledWorkload(count: number, linesPerProject: number, now: Date, baseSize = 400): ScaledWorkload {
  const base = createSampleWorkspace({ projects: baseSize, now });
  const baseLines = new Map<string, LoanLine[]>();
  for (const line of base.loanLines) {
    const list = baseLines.get(line.projectId) ?? [];
    list.push(line);
    baseLines.set(line.projectId, list);
  }
  const pool = base.loanLines;
  const projects: Project[] = [];
  const linesByProject = new Map<string, LoanLine[]>();
  let borrowed = 0;
  for (let i = 0; i < count; i += 1) {
    const template = base.projects[i % base.projects.length] as Project;
    const id = `bench-${String(i).padStart(5, '0')}`;
    projects.push({ ...structuredClone(template), id });
    const own = baseLines.get(template.id) ?? [];
    const lines: LoanLine[] = [];
    for (let n = 0; n < linesPerProject; n += 1) {
      const source = own[n] ?? (pool[borrowed++ % pool.length] as LoanLine);
      lines.push({ ...structuredClone(source), id: `${id}-l${n + 1}`, projectId: id });
    }
    linesByProject.set(id, lines);
  }
  return { projects, linesByProject, rules: base.settings.stallRules };
}

/**
 * A sample workspace of `count` projects for a store (Firestore or in memory): the sample's own
 * generator below a few hundred projects, clones of it above, with the ranks of every column
 * re-spread so each card keeps a distinct position.
 */
export function workspaceOf(count: number, now: Date): SampleWorkspace {
  if (count <= 400) return createSampleWorkspace({ projects: count, now });
  const base = createSampleWorkspace({ projects: 400, now });
  const scaled = scaledWorkload(count, 0, now);
  const linesOf = new Map<string, LoanLine[]>();
  for (const line of base.loanLines) {
    const list = linesOf.get(line.projectId) ?? [];
    list.push(line);
    linesOf.set(line.projectId, list);
  }
  const loanLines: LoanLine[] = [];
  scaled.projects.forEach((project, i) => {
    const template = base.projects[i % base.projects.length] as Project;
    (linesOf.get(template.id) ?? []).forEach((line, n) =>
      loanLines.push({ ...structuredClone(line), id: `${project.id}-l${n + 1}`, projectId: project.id }),
    );
  });
  respreadRanks(scaled.projects);
  return { ...base, projects: scaled.projects, loanLines };
}

function respreadRanks(projects: Project[]): void {
  const columns = new Map<string, Project[]>();
  for (const project of projects) {
    const column = columns.get(project.stage) ?? [];
    column.push(project);
    columns.set(project.stage, column);
  }
  for (const column of columns.values()) {
    const ranks = ranksForAppend(null, column.length);
    column.forEach((project, i) => (project.rank = ranks[i] as string));
  }
}
