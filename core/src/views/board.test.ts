import { describe, expect, it } from 'vitest';
import { dueItemsFor } from '../followUp/dueItems';
import { buildAgenda } from '../meeting/agenda';
import { buildMonthSnapshot } from '../meeting/snapshot';
import { createSampleWorkspace } from '../sample';
import { STAGE_IDS } from '../types';
import { checkStageGate } from '../stages';
import { boardCardDoc, boardCardOf, cardFigures, historicBoard, snapshotCardFigures } from './board';
import { isInPipeline, projectNeed } from './definitions';
import { meetingTables } from './meetingTables';
import { monthChangeTotals } from './monthChanges';
import { monthPlanColumns, plannedOfProject } from './monthPlan';
import { prerequisiteGroups } from './prerequisites';
import { walkQueue } from './walk';

const NOW = new Date('2026-05-29T02:00:00.000Z');

describe('the board read model', () => {
  it('makes a card of what the board paints, filters and gates on, a fraction of the project', () => {
    const projects = createSampleWorkspace({ now: NOW, projects: 60 }).projects;
    let cardBytes = 0;
    let projectBytes = 0;
    for (const project of projects) {
      const card = boardCardOf(project);
      cardBytes += JSON.stringify(card).length;
      projectBytes += JSON.stringify(project).length;
      expect(card.lineCount).toBe(project.lines.length);
      expect(cardFigures([card])).toEqual(cardFigures([project]));
      for (const stage of STAGE_IDS) expect(checkStageGate(card, stage)?.messageKey).toBe(checkStageGate(project, stage)?.messageKey);
    }
    expect(cardBytes / projectBytes).toBeLessThan(0.4);
    const doc = boardCardDoc({ id: projects[0]!.id, version: 7, data: projects[0]! });
    expect(doc).toEqual({ id: projects[0]!.id, version: 7, data: boardCardOf(projects[0]!) });
    expect(Object.keys(doc.data)).not.toContain('prerequisites');
  });

  it('keeps the open assignments and blockers, so the 待我处理 items of the cards are those of the projects', () => {
    const { projects, banks } = createSampleWorkspace({ now: NOW, projects: 120 });
    const cards = projects.map(boardCardOf);
    expect(cards.flatMap((card) => card.assignments).every((assignment) => assignment.doneAt === null)).toBe(true);
    expect(cards.flatMap((card) => card.blockers).every((blocker) => blocker.resolvedAt === null)).toBe(true);
    const responsible = projects.find((project) => project.responsiblePerson && ['stalled', 'blocked'].includes(project.clearance.status))!;
    const party = projects.flatMap((project) => project.assignments).find((assignment) => assignment.doneAt === null)!.who;
    const actors = [
      { uid: 'u-staff', name: '王丽娟', role: 'staff', bankId: null },
      { uid: 'u-person', name: responsible.responsiblePerson, role: 'unit', bankId: null },
      { uid: 'u-party', name: party, role: 'staff', bankId: null },
      { uid: 'u-bank', name: '陈志强', role: 'liaison', bankId: banks[0]!.id },
    ] as const;
    for (const actor of actors) {
      const fromProjects = dueItemsFor(actor, { projects, banks }, NOW);
      expect(fromProjects.length).toBeGreaterThan(0);
      expect(dueItemsFor(actor, { projects: cards, banks }, NOW)).toEqual(fromProjects);
    }
  });

  it("counts a column's need from the declared need when the summary has none", () => {
    const [project] = createSampleWorkspace({ now: NOW, projects: 1 }).projects;
    const bare = { ...project!, clearance: { ...project!.clearance, need: 0 } };
    expect(projectNeed(bare)).toBe(project!.needTotal);
    expect(cardFigures([project!, bare])).toEqual({
      count: 2,
      need: 2 * project!.needTotal,
      approved: 2 * project!.clearance.approved,
      disbursed: 2 * project!.clearance.disbursed,
    });
  });

  it("shows a closed month's board with the figures the meeting's funnel has for each column", () => {
    const ws = createSampleWorkspace({ now: NOW });
    const snapshot = buildMonthSnapshot('2026-05', ws.projects, ws.loanLines, ws.banks, NOW);
    const board = historicBoard(snapshot);
    expect(board.columns.map((column) => column.stage)).toEqual([...STAGE_IDS]);
    const cards = [...board.columns.flatMap((column) => column.projects), ...board.offFlow];
    expect(cards).toHaveLength(snapshot.projects.length);
    const funnel = meetingTables(buildAgenda({ month: '2026-05', projects: ws.projects, lines: ws.loanLines, banks: ws.banks, targets: null, previousSnapshot: null, now: NOW })).funnel;
    for (const column of board.columns) {
      const row = funnel.rows.find((candidate) => 'stage' in candidate.key && candidate.key.stage === column.stage)!;
      expect(column.figures).toEqual({ count: row.count, need: row.need, approved: row.approved, disbursed: row.disbursed });
    }
    expect(board.offFlowFigures).toEqual(snapshotCardFigures(snapshot.projects.filter((p) => !isInPipeline(p))));
    // A filter narrows the cards and their figures alike.
    const one = snapshot.projects[0]!;
    const filtered = historicBoard(snapshot, (p) => p.id === one.id);
    expect([...filtered.columns.flatMap((c) => c.projects), ...filtered.offFlow].map((p) => p.id)).toEqual([one.id]);
  });

  it('walks each project once: waiting first (longest wait first), then stalled, problems, open decisions', () => {
    const ws = createSampleWorkspace({ now: NOW });
    const agenda = buildAgenda({ month: '2026-05', projects: ws.projects, lines: ws.loanLines, banks: ws.banks, targets: null, previousSnapshot: null, now: NOW });
    const queue = walkQueue(agenda);
    expect(new Set(queue.map((item) => item.id)).size).toBe(queue.length);
    expect(queue.slice(0, agenda.approvedNotDisbursed.length).map((item) => item.id)).toEqual(agenda.approvedNotDisbursed.map((row) => row.projectId));
    const order = { waiting: 0, stalled: 1, problem: 2, assignment: 3 } as const;
    for (let i = 1; i < queue.length; i++) expect(order[queue[i]!.reason]).toBeGreaterThanOrEqual(order[queue[i - 1]!.reason]);
  });
});

describe('the prerequisites checklist', () => {
  it('groups the documents by the stage they open, counts what is obtained, and marks the group gating the next stage', () => {
    const [project] = createSampleWorkspace({ now: NOW, projects: 1 }).projects;
    const prerequisites = { ...project!.prerequisites, businessLicence: { status: 'done' as const, docNo: null, date: null }, auditReport: { status: 'todo' as const, docNo: null, date: null } };
    const groups = prerequisiteGroups(prerequisites, 'matched');
    expect(groups.map((g) => [g.id, g.opens, g.gatesNext])).toEqual([
      ['diligence', 'diligence', true],
      ['approval', 'approval', false],
      ['disburse', 'disbursing', false],
    ]);
    const diligence = groups[0]!;
    expect(diligence.total).toBe(diligence.keys.length);
    expect(diligence.done).toBe(diligence.keys.filter((key) => prerequisites[key].status === 'done').length);
    expect(prerequisiteGroups(prerequisites, 'approved').map((g) => g.gatesNext)).toEqual([false, false, true]);
  });
});

describe('the month plan', () => {
  it('places every on-flow project once, largest planned drawdown first within a month, each column totalled', () => {
    const ws = createSampleWorkspace({ now: NOW });
    const columns = monthPlanColumns(ws.projects, NOW);
    expect(columns.map((c) => c.key).slice(0, 2)).toEqual(['overdue', '2026-05']);
    expect(columns.at(-1)!.key).toBe('unscheduled');
    const placed = columns.flatMap((c) => c.cards.map((card) => card.project.id));
    expect(new Set(placed).size).toBe(placed.length);
    expect(placed.every((id) => ws.projects.find((p) => p.id === id)!.flag === null)).toBe(true);
    for (const column of columns) {
      expect(column.planned).toBe(column.cards.reduce((s, card) => s + plannedOfProject(card.project), 0));
      if (/^\d{4}-\d{2}$/.test(column.key)) for (let i = 1; i < column.cards.length; i++) expect(column.cards[i]!.planned).toBeLessThanOrEqual(column.cards[i - 1]!.planned);
    }
    expect(columns.find((c) => c.key === '2026-05')!.current).toBe(true);
  });
});

describe("the month's changes", () => {
  it('adds up the approvals and the tranches of the month', () => {
    const item = (amount: number) => ({ projectId: 'p', name: 'n', bankId: 'b', amount });
    expect(monthChangeTotals({ newlyApproved: [item(3), item(4)], disbursed: [item(5)] } as never)).toEqual({ newlyApproved: 7, disbursed: 5 });
  });
});
