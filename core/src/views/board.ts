/**
 * The board 看板 as a screen shows it: the figures of a set of cards (a column, or every card the
 * filters let through), and the historic board of a closed month. The cards and their filters
 * come from the reader's projects — a liaison's projects are already its own bank's
 * (`projectForBank`), so its columns add up its own bank's money without anything else to do.
 */
import { boardOfSnapshot } from '../meeting/snapshot';
import type { MonthSnapshot, SnapshotProject } from '../meeting/snapshot';
import type { StoredDoc } from '../store/documentStore';
import type { Assignment, Blocker, ClearanceSummary, LineDigest, Project, StageId, StallSummary, Yuan } from '../types';
import { isActiveLine } from '../stall';
import { projectNeed } from './definitions';

/** What a column header (or the filter bar) says about its cards. */
export interface CardFigures {
  count: number;
  need: Yuan;
  approved: Yuan;
  disbursed: Yuan;
}

export function cardFigures(
  projects: Iterable<Pick<Project, 'needTotal'> & { clearance: Pick<ClearanceSummary, 'need' | 'approved' | 'disbursed'> }>,
): CardFigures {
  const figures: CardFigures = { count: 0, need: 0, approved: 0, disbursed: 0 };
  for (const project of projects) {
    figures.count += 1;
    figures.need += projectNeed(project);
    figures.approved += project.clearance.approved;
    figures.disbursed += project.clearance.disbursed;
  }
  return figures;
}

/** The figures of a closed month's frozen cards, counted like the live board's. */
export function snapshotCardFigures(projects: readonly SnapshotProject[]): CardFigures {
  const figures: CardFigures = { count: 0, need: 0, approved: 0, disbursed: 0 };
  for (const project of projects) {
    figures.count += 1;
    figures.need += project.need;
    figures.approved += project.approved;
    figures.disbursed += project.disbursed;
  }
  return figures;
}

export interface HistoricColumn {
  stage: StageId;
  projects: SnapshotProject[];
  figures: CardFigures;
}

export interface HistoricBoard {
  columns: HistoricColumn[];
  offFlow: SnapshotProject[];
  offFlowFigures: CardFigures;
}

/**
 * The board as it stood at a month's close 历史看板: core's `boardOfSnapshot` columns, each with its
 * header figures, the cards a filter (`matches`) lets through.
 */
export function historicBoard(snapshot: MonthSnapshot, matches: (project: SnapshotProject) => boolean = () => true): HistoricBoard {
  const board = boardOfSnapshot(snapshot);
  const columns = board.columns.map((column) => {
    const projects = column.projects.filter(matches);
    return { stage: column.stage, projects, figures: snapshotCardFigures(projects) };
  });
  const offFlow = board.offFlow.filter(matches);
  return { columns, offFlow, offFlowFigures: snapshotCardFigures(offFlow) };
}

/**
 * What a board card paints, filters on and moves by 看板卡片, and what the header's 待我处理 count
 * reads (core's `dueItemsFor` takes a card as it takes a project): the project document without
 * its checklist, plans, closed assignments, resolved blockers, lines that wait on no bank and the
 * clearance details only the drawer shows. The board reads these (about a fifth of a
 * project's bytes) and the drawer reads the whole project when it opens. Computed from a project
 * the read policy has already projected, so a liaison's card carries its own bank's figures only.
 */
export interface BoardCard {
  id: string;
  name: string;
  owner: Pick<Project['owner'], 'name'>;
  district: string;
  sector: string;
  responsibleUnit: string;
  responsiblePerson: string;
  needTotal: Yuan;
  leadBankId: string | null;
  bankIds: string[];
  stage: StageId;
  rank: string;
  flag: Project['flag'];
  /** How many loan lines the reader sees (a liaison's card says when its bank has none). */
  lineCount: number;
  clearance: Pick<
    ClearanceSummary,
    'need' | 'matched' | 'approved' | 'disbursed' | 'disbursementRate' | 'openBlockers' | 'status'
  >;
  stall: Pick<StallSummary, 'stalled' | 'flags'>;
  /** The open assignments (not 销号 yet): the 督办 items the header counts. */
  assignments: Assignment[];
  /** The open blockers (not resolved): what they say, who must act and by when. */
  blockers: Pick<Blocker, 'id' | 'description' | 'party' | 'dueDate' | 'resolvedAt'>[];
  /** The active lines the reader sees (approved, not fully disbursed): the ones that wait on a bank. */
  lines: Pick<LineDigest, 'id' | 'bankId' | 'status' | 'approved' | 'disbursed'>[];
}

export function boardCardOf(project: Project): BoardCard {
  const { clearance, stall } = project;
  return {
    id: project.id,
    name: project.name,
    owner: { name: project.owner.name },
    district: project.district,
    sector: project.sector,
    responsibleUnit: project.responsibleUnit,
    responsiblePerson: project.responsiblePerson,
    needTotal: project.needTotal,
    leadBankId: project.leadBankId,
    bankIds: project.bankIds,
    stage: project.stage,
    rank: project.rank,
    flag: project.flag,
    lineCount: project.lines.length,
    clearance: {
      need: clearance.need,
      matched: clearance.matched,
      approved: clearance.approved,
      disbursed: clearance.disbursed,
      disbursementRate: clearance.disbursementRate,
      openBlockers: clearance.openBlockers,
      status: clearance.status,
    },
    stall: { stalled: stall.stalled, flags: stall.flags },
    assignments: project.assignments.filter((assignment) => assignment.doneAt === null),
    blockers: project.blockers
      .filter((blocker) => blocker.resolvedAt === null)
      .map(({ id, description, party, dueDate, resolvedAt }) => ({ id, description, party, dueDate, resolvedAt })),
    lines: project.lines.filter(isActiveLine).map(({ id, bankId, status, approved, disbursed }) => ({ id, bankId, status, approved, disbursed })),
  };
}

/** A stored project as the board reads it: same id and version, the card as its data. */
export function boardCardDoc(doc: StoredDoc<Project>): StoredDoc<BoardCard> {
  return { id: doc.id, version: doc.version, data: boardCardOf(doc.data) };
}
