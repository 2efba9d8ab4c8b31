/**
 * The register of issued 工作提醒函 发文登记: a letter is a document its party files and cites
 * (「根据〔2026〕7号工作提醒函」), so its number must not move. `letter.issue` allocates the year's
 * next number when a letter is first printed, in the command's transaction (the store's
 * transactions are serialisable, so two people printing at once never get the same number). A
 * reprint finds the letter by its id and shows the same number and date.
 *
 * Storage, in the bureau-only collection `letters` (core/src/readPolicy.ts): one small counter per
 * year (`counter-YYYY { year, next }`) and one document per issued letter, its id derived from the
 * letter's scope and key (`letterDocId`). Nothing grows with the year's letters but the number of
 * documents: a day of 30 printed parties writes 30 small documents and one counter update, and a
 * reprint is one get. The scope fixes the year for a day's letters and keeps a meeting's letter
 * one letter across the year's turn, so the year is not part of the id (a lookup needs no second
 * get for last year).
 *
 * Which letter is "the same": the party (its letter key) and the scope. A meeting's letters
 * (`?month=`) are one letter per party per meeting, whenever they are reprinted; the letters of
 * every open item (no month) are one per party per day, as each day's list is a different letter.
 * The items are listed as they stand when printed (a reprint shows the progress since); the
 * number, the date and the reply-by date are the issue's.
 */
import { z } from 'zod';
import { todayIso } from '../dates';
import { compactName } from './loop';
import type { IsoDate, IsoMonth } from '../types';
import { addWorkingDays, LETTER_REPLY_WORKING_DAYS, type ReminderLetter } from './reminderLetter';

/** The collection of issued letters and the years' counters (bureau only). */
export const LETTERS_COLLECTION = 'letters';

export function letterCounterDocId(year: number): string {
  return `counter-${year}`;
}

/** The year's counter: the number the next letter issued this year gets. */
export interface LetterCounter {
  year: number;
  next: number;
}

export function readLetterCounter(data: unknown): LetterCounter | null {
  const parsed = z.object({ year: z.number().int(), next: z.number().int().positive() }).safeParse(data);
  return parsed.success ? parsed.data : null;
}

export interface IssuedLetter {
  /** The year of the number 〔year〕: the year it was issued. */
  year: number;
  serial: number;
  /** The letter's key (ReminderLetter.key): the party. */
  key: string;
  /** The addressee as printed. */
  party: string;
  /** `month:YYYY-MM` for a meeting's letters, `day:YYYY-MM-DD` for the letters of every open item. */
  scope: string;
  date: IsoDate;
  issuedAt: string;
  /** Who printed it first (the `letters` collection is the bureau's only). */
  issuedBy: string;
}

const issuedLetterSchema = z.object({
  year: z.number().int(),
  serial: z.number().int().positive(),
  key: z.string(),
  party: z.string(),
  scope: z.string(),
  date: z.string(),
  issuedAt: z.string(),
  issuedBy: z.string(),
});

/** A stored letter, or null when the document is not one (a counter, or unreadable). */
export function readIssuedLetter(data: unknown): IssuedLetter | null {
  const parsed = issuedLetterSchema.safeParse(data);
  return parsed.success ? parsed.data : null;
}

export function letterScope(month: IsoMonth | null, date: IsoDate): string {
  return month ? `month:${month}` : `day:${date}`;
}

/**
 * The id of a scope's letter to a party. A scope never holds `~`, so the first `~` splits the two;
 * the key is a party's name, so the `/` a Firestore id may not hold (and the `%` of its escape) are
 * percent-escaped: two keys never share an id.
 */
export function letterDocId(scope: string, key: string): string {
  return `${scope}~${key.replace(/%/g, '%25').replace(/\//g, '%2F')}`;
}

/**
 * The letters with the number and date of their issue, where they were issued (`issued`: the
 * stored letters of the scope); the others keep serial null (today's date), to be issued when
 * printed. `month` is the scope the letters were made for.
 */
export function numberLetters(letters: readonly ReminderLetter[], issued: readonly IssuedLetter[], month: IsoMonth | null): ReminderLetter[] {
  const byId = new Map(issued.map((letter) => [letterDocId(letter.scope, letter.key), letter]));
  return letters.map((letter) => {
    const found = byId.get(letterDocId(letterScope(month, letter.date), letter.key));
    if (!found) return { ...letter, serial: null };
    const { date, serial, year } = found;
    return { ...letter, serial, year, date, replyBy: addWorkingDays(date, LETTER_REPLY_WORKING_DAYS) };
  });
}

export interface LetterToIssue {
  key: string;
  party: string;
}

/** A letter key is the party's compacted name, or `bank:<id>` for a bank (reminderLetter.ts). */
export function isLetterKeyOf(key: string, party: string): boolean {
  return key === compactName(party) || /^bank:[A-Za-z0-9][A-Za-z0-9_.:-]*$/.test(key);
}

/**
 * Issuing `letters` today: a letter already issued in its scope (`known`, by id) keeps its number;
 * each other one gets the year's next from `counter`. Returns the letters to store (the new ones)
 * and the counter after them; a letter listed twice is issued once.
 */
export function issueLetters(
  counter: LetterCounter | null,
  known: ReadonlyMap<string, IssuedLetter>,
  letters: readonly LetterToIssue[],
  month: IsoMonth | null,
  now: Date,
  issuedBy: string,
): { created: { id: string; letter: IssuedLetter }[]; counter: LetterCounter } {
  const date = todayIso(now);
  const year = Number(date.slice(0, 4));
  const scope = letterScope(month, date);
  let next = counter?.next ?? 1;
  const created: { id: string; letter: IssuedLetter }[] = [];
  const taken = new Set<string>();
  for (const letter of letters) {
    const id = letterDocId(scope, letter.key);
    if (known.has(id) || taken.has(id)) continue;
    taken.add(id);
    created.push({ id, letter: { year, serial: next, key: letter.key, party: letter.party, scope, date, issuedAt: now.toISOString(), issuedBy } });
    next += 1;
  }
  return { created, counter: { year, next } };
}
