/**
 * The walk queue 一项一策: the projects the meeting goes through one by one, each once, in the
 * order the meeting takes them — waiting for disbursement (longest first), then stalled, then
 * with open problems, then with open decisions.
 */
import type { Agenda } from '../meeting/agenda';

export type WalkReason = 'waiting' | 'stalled' | 'problem' | 'assignment';

export interface WalkItem {
  id: string;
  name: string;
  reason: WalkReason;
}

export function walkQueue(agenda: Pick<Agenda, 'approvedNotDisbursed' | 'stalled' | 'problems' | 'assignments'>): WalkItem[] {
  const seen = new Set<string>();
  const out: WalkItem[] = [];
  const push = (id: string, name: string, reason: WalkReason) => {
    if (seen.has(id)) return;
    seen.add(id);
    out.push({ id, name, reason });
  };
  for (const row of agenda.approvedNotDisbursed) push(row.projectId, row.name, 'waiting');
  for (const row of agenda.stalled) push(row.projectId, row.name, 'stalled');
  for (const row of agenda.problems.rows) if (row.status !== 'resolved') push(row.projectId, row.projectName, 'problem');
  for (const row of agenda.assignments.open) push(row.projectId, row.projectName, 'assignment');
  return out;
}
