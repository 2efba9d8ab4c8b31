/**
 * The board 看板 as a screen shows it: the figures of a set of cards (a column, or every card the
 * filters let through), and the historic board of a closed month. The cards and their filters
 * come from the reader's projects — a liaison's projects are already its own bank's
 * (`projectForBank`), so its columns add up its own bank's money without anything else to do.
 */
import { boardOfSnapshot } from '../meeting/snapshot';
import type { MonthSnapshot, SnapshotProject } from '../meeting/snapshot';
import type { Project, StageId, Yuan } from '../types';
import { projectNeed } from './definitions';

/** What a column header (or the filter bar) says about its cards. */
export interface CardFigures {
  count: number;
  need: Yuan;
  approved: Yuan;
  disbursed: Yuan;
}

export function cardFigures(projects: Iterable<Pick<Project, 'needTotal' | 'clearance'>>): CardFigures {
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
