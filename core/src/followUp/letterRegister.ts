/**
 * The register of issued 工作提醒函 发文登记: a letter is a document its party files and cites
 * (「根据〔2026〕7号工作提醒函」), so its number must not move. `letter.issue` allocates the year's
 * next number when a letter is first printed, in the command's transaction (the store's
 * transactions are serialisable, so two people printing at once never get the same number), and
 * stores it with the letter's date in the year's register (settings `letterRegister-YYYY`). A
 * reprint finds the letter there and shows the same number and date.
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

const REGISTER_PREFIX = 'letterRegister-';

export function letterRegisterDocId(year: number): string {
  return `${REGISTER_PREFIX}${year}`;
}

export function isLetterRegisterDocId(id: string): boolean {
  return /^letterRegister-\d{4}$/.test(id);
}

export interface IssuedLetter {
  serial: number;
  /** The letter's key (ReminderLetter.key): the party. */
  key: string;
  /** The addressee as printed. */
  party: string;
  /** `month:YYYY-MM` for a meeting's letters, `day:YYYY-MM-DD` for the letters of every open item. */
  scope: string;
  date: IsoDate;
  issuedAt: string;
  issuedBy: string;
}

export interface LetterRegister {
  year: number;
  /** In number order, 1..n without gaps. */
  issued: IssuedLetter[];
}

export function letterScope(month: IsoMonth | null, date: IsoDate): string {
  return month ? `month:${month}` : `day:${date}`;
}

/** A stored register, or null when the document is not one. */
export function readLetterRegister(data: unknown): LetterRegister | null {
  const parsed = z
    .object({
      year: z.number().int(),
      issued: z.array(z.object({ serial: z.number().int().positive(), key: z.string(), party: z.string(), scope: z.string(), date: z.string(), issuedAt: z.string(), issuedBy: z.string() })),
    })
    .safeParse(data);
  return parsed.success ? parsed.data : null;
}

function findIssued(registers: readonly LetterRegister[], key: string, scope: string): { year: number; letter: IssuedLetter } | null {
  for (const register of registers) {
    const letter = register.issued.find((issued) => issued.key === key && issued.scope === scope);
    if (letter) return { year: register.year, letter };
  }
  return null;
}

/**
 * The letters with the number and date of their issue, where they were issued; the others keep
 * serial null (today's date), to be issued when printed. `month` is the scope the letters were made for.
 */
export function numberLetters(letters: readonly ReminderLetter[], registers: readonly LetterRegister[], month: IsoMonth | null): ReminderLetter[] {
  return letters.map((letter) => {
    const found = findIssued(registers, letter.key, letterScope(month, letter.date));
    if (!found) return { ...letter, serial: null };
    const { date, serial } = found.letter;
    return { ...letter, serial, year: found.year, date, replyBy: addWorkingDays(date, LETTER_REPLY_WORKING_DAYS) };
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
 * The register after issuing `letters` today: a letter already issued in its scope (this year's
 * or last year's register, for a meeting at the turn of the year) keeps its number; each other one
 * gets the year's next. Returns the registers as they are when nothing is new.
 */
export function issueLetters(
  current: LetterRegister | null,
  lastYear: LetterRegister | null,
  letters: readonly LetterToIssue[],
  month: IsoMonth | null,
  now: Date,
  issuedBy: string,
): { register: LetterRegister; issued: IssuedLetter[]; changed: boolean } {
  const date = todayIso(now);
  const year = Number(date.slice(0, 4));
  const register: LetterRegister = current ? { year, issued: [...current.issued] } : { year, issued: [] };
  const scope = letterScope(month, date);
  const known = [register, ...(lastYear ? [lastYear] : [])];
  const issued: IssuedLetter[] = [];
  let changed = false;
  for (const letter of letters) {
    const found = findIssued(known, letter.key, scope);
    if (found) {
      issued.push(found.letter);
      continue;
    }
    const next: IssuedLetter = {
      serial: register.issued.reduce((max, entry) => Math.max(max, entry.serial), 0) + 1,
      key: letter.key,
      party: letter.party,
      scope,
      date,
      issuedAt: now.toISOString(),
      issuedBy,
    };
    register.issued.push(next);
    issued.push(next);
    changed = true;
  }
  return { register, issued, changed };
}
