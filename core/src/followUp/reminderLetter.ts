/**
 * 工作提醒函: after a meeting, one printed letter per responsible party (a department or county, or a
 * bank) listing its 确定事项清单 — every open 督办 item that names it, with the project, the decision,
 * the due date, where the loop stands, its light and what the bureau expects next.
 *
 * Parties: an assignment's 责任方 text may name several (「市自然资源局、市住建局」); each gets the
 * item. A text naming a bank (工商银行城南支行) is addressed to the bank (工商银行), the way a liaison
 * is named by it (see `namesActor`). Letters go only to parties with something to do: a party whose
 * items all wait for the bureau's 销号 gets none, though such items are listed on a letter that goes.
 * The web renders the words; every figure (days, counts, the reply date) is computed here.
 * A letter is a document the party files and cites, so its number is not its place in today's list:
 * it is allocated once, when the letter is issued (letterRegister.ts).
 */
import { addDays, dayNumber, dayNumberOfIsoDate, dayOf, todayIso } from '../dates';
import type { Bank, IsoDate, IsoMonth, Project } from '../types';
import { assignmentLight, assignmentState, behindPaceReason, compactName, LIGHT_SEVERITY } from './loop';
import type { AssignmentState, Light } from './loop';
import { partiesOf } from './parties';
import { isWorkingDay } from './reporting';

/** Working days (Mon–Fri) the party has to answer the letter in writing. */
export const LETTER_REPLY_WORKING_DAYS = 3;

/** What the bureau asks the party to do about one item, the letter's 工作要求 column. */
export const LETTER_EXPECTATIONS = ['acknowledge', 'overdue', 'report', 'proceed', 'awaitClose'] as const;
export type LetterExpectation = (typeof LETTER_EXPECTATIONS)[number];

export interface ReminderLetterItem {
  projectId: string;
  projectName: string;
  assignmentId: string;
  /** The meeting month that decided it. */
  month: IsoMonth;
  what: string;
  dueDate: IsoDate;
  state: AssignmentState;
  light: Light;
  /** Days past the due date (0 when not overdue). */
  daysOverdue: number;
  /** Days left to the due date, the due day counted (0 once overdue). */
  daysLeft: number;
  reportCount: number;
  /** The day of the latest word from the party: its latest report, else the acknowledgement. */
  lastWordOn: IsoDate | null;
  expected: LetterExpectation;
}

export interface ReminderLetterCounts {
  total: number;
  overdue: number;
  behindPace: number;
  dueSoon: number;
  awaitingClose: number;
}

export interface ReminderLetter {
  /** Stable per party (the compacted name), for links and `data-party` in the page. */
  key: string;
  /** The addressee 主送: the bank's name, or the party as the assignments name it. */
  party: string;
  bankId: string | null;
  /**
   * The letter's number 〔year〕n号 once it is issued (`letter.issue` stores it in the year's
   * register, letterRegister.ts), so a reprint shows the same number; null until then.
   */
  serial: number | null;
  /** The year of the number: the year (today's until issued). */
  year: number;
  /** The letter's date 成文日期: the day it was issued (today until issued), Asia/Shanghai. */
  date: IsoDate;
  /** The date the party is asked to answer by: LETTER_REPLY_WORKING_DAYS working days after today. */
  replyBy: IsoDate;
  counts: ReminderLetterCounts;
  /** By due date, then light (red first), then project. */
  items: ReminderLetterItem[];
}

export interface ReminderLetterOptions {
  /** The meeting month: only items decided at this meeting or before it. Absent: every open item. */
  month?: IsoMonth;
}

function bankOf(party: string, banks: readonly Pick<Bank, 'id' | 'name'>[]): Pick<Bank, 'id' | 'name'> | null {
  const text = compactName(party);
  let best: Pick<Bank, 'id' | 'name'> | null = null;
  for (const bank of banks) {
    const name = compactName(bank.name);
    if (name.length > 0 && text.includes(name) && (!best || name.length > compactName(best.name).length)) best = bank;
  }
  return best;
}

export function addWorkingDays(day: IsoDate, n: number): IsoDate {
  let current = day;
  let counted = 0;
  while (counted < n) {
    current = addDays(current, 1);
    if (isWorkingDay(current)) counted += 1;
  }
  return current;
}

function expectationOf(state: AssignmentState, light: Light, pace: ReturnType<typeof behindPaceReason>): LetterExpectation {
  if (state === 'closeRequested') return 'awaitClose';
  if (state === 'assigned') return light === 'red' ? 'overdue' : 'acknowledge';
  if (light === 'red') return 'overdue';
  return pace === 'noReport' || pace === 'reportMissing' ? 'report' : 'proceed';
}

function compareItems(a: ReminderLetterItem, b: ReminderLetterItem): number {
  if (a.dueDate !== b.dueDate) return a.dueDate < b.dueDate ? -1 : 1;
  if (a.light !== b.light) return LIGHT_SEVERITY[a.light] - LIGHT_SEVERITY[b.light];
  if (a.projectName !== b.projectName) return a.projectName < b.projectName ? -1 : 1;
  return a.assignmentId < b.assignmentId ? -1 : a.assignmentId > b.assignmentId ? 1 : 0;
}

/**
 * The letters for every party with something to do, the parties in the order of their most urgent
 * item, unnumbered: `numberLetters` gives each issued one its stored number and date.
 */
export function reminderLetters(
  projects: readonly Pick<Project, 'id' | 'name' | 'assignments'>[],
  banks: readonly Pick<Bank, 'id' | 'name'>[],
  now: Date,
  options: ReminderLetterOptions = {},
): ReminderLetter[] {
  const today = todayIso(now);
  const todayNo = dayNumber(now);
  const byParty = new Map<string, { party: string; bankId: string | null; items: ReminderLetterItem[] }>();
  for (const project of projects) {
    for (const a of project.assignments) {
      const state = assignmentState(a);
      if (state === 'closed') continue;
      if (options.month && a.month > options.month) continue;
      const light = assignmentLight(a, now);
      const dueNo = dayNumberOfIsoDate(a.dueDate);
      const reports = a.reports ?? [];
      const lastWordAt = reports.length > 0 ? reports[reports.length - 1]!.at : (a.acknowledged?.at ?? null);
      const item: ReminderLetterItem = {
        projectId: project.id,
        projectName: project.name,
        assignmentId: a.id,
        month: a.month,
        what: a.what,
        dueDate: a.dueDate,
        state,
        light,
        daysOverdue: today > a.dueDate ? todayNo - dueNo : 0,
        daysLeft: today > a.dueDate ? 0 : dueNo - todayNo + 1,
        reportCount: reports.length,
        lastWordOn: lastWordAt ? dayOf(lastWordAt) : null,
        expected: expectationOf(state, light, behindPaceReason(a, now)),
      };
      const seen = new Set<string>();
      for (const party of partiesOf(a.who)) {
        const bank = bankOf(party, banks);
        const key = bank ? `bank:${bank.id}` : compactName(party);
        if (seen.has(key)) continue;
        seen.add(key);
        const entry = byParty.get(key) ?? { party: bank ? bank.name : party, bankId: bank?.id ?? null, items: [] };
        entry.items.push(item);
        byParty.set(key, entry);
      }
    }
  }
  const replyBy = addWorkingDays(today, LETTER_REPLY_WORKING_DAYS);
  const letters = [...byParty.entries()]
    .filter(([, entry]) => entry.items.some((item) => item.state !== 'closeRequested'))
    .map(([key, entry]) => {
      const items = [...entry.items].sort(compareItems);
      return {
        key,
        party: entry.party,
        bankId: entry.bankId,
        year: Number(today.slice(0, 4)),
        date: today,
        replyBy,
        counts: {
          total: items.length,
          overdue: items.filter((i) => i.light === 'red').length,
          behindPace: items.filter((i) => i.light === 'yellow').length,
          dueSoon: items.filter((i) => i.light === 'blue').length,
          awaitingClose: items.filter((i) => i.state === 'closeRequested').length,
        },
        items,
      };
    });
  letters.sort((a, b) => {
    const first = compareItems(a.items[0]!, b.items[0]!);
    if (first !== 0) return first;
    return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
  });
  return letters.map((letter) => ({ ...letter, serial: null }));
}
