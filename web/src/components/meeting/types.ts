/** Values the meeting's forms emit (amounts in integer yuan); the meeting store adds ids and versions. */
import type { IsoDate, Yuan } from '@clearway/core';

export interface AssignmentValues {
  what: string;
  who: string;
  dueDate: IsoDate;
}

export interface TargetValues {
  year: number;
  approved: Yuan;
  disbursed: Yuan;
  projects: number;
}
