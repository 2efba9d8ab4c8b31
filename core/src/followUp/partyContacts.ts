/**
 * Which parties have a member who speaks for them (settings/partyContacts): the banks with an
 * active liaison and the units with an active unit contact. Staff may not read the members list
 * (names, e-mails and roles are the admins'), yet the 代为登记 buttons depend on whether a party
 * has a member; this document tells them that fact and nothing about the people: no uid, name or
 * e-mail. The member commands rewrite it in the same transaction as the member, so it is never
 * staler than the members list; seeding and workspace import derive it from the members they write.
 *
 * A party can also be a member named by their own name (namesActor); that case is not here (it
 * would be a name), so for it the page may offer a step that core then refuses (`partyActs`).
 */
import { namesActor } from './loop';
import type { Bank, Member } from '../types';

export const PARTY_CONTACTS_DOC_ID = 'partyContacts';

export interface PartyContacts {
  /** Ids of the banks that have an active liaison, sorted. */
  bankIds: string[];
  /** The units 责任单位 that have an active unit contact, as their member records name them, sorted. */
  units: string[];
}

const sortedUnique = (values: Iterable<string>): string[] => [...new Set(values)].sort();

/** The contacts a members list gives: only enabled liaisons with a bank and unit contacts with a unit count. */
export function partyContactsOf(members: readonly Pick<Member, 'role' | 'bankId' | 'unit' | 'disabled'>[]): PartyContacts {
  const active = members.filter((m) => !m.disabled);
  return {
    bankIds: sortedUnique(active.filter((m) => m.role === 'liaison' && m.bankId).map((m) => m.bankId!)),
    units: sortedUnique(active.filter((m) => m.role === 'unit' && m.unit).map((m) => m.unit!)),
  };
}

export function samePartyContacts(a: PartyContacts, b: PartyContacts): boolean {
  const same = (x: readonly string[], y: readonly string[]) => x.length === y.length && x.every((v, i) => v === y[i]);
  return same(a.bankIds, b.bankIds) && same(a.units, b.units);
}

/** Reads a stored document as contacts, or null when it is missing or not of that shape. */
export function readPartyContacts(data: unknown): PartyContacts | null {
  if (data === null || typeof data !== 'object') return null;
  const { bankIds, units } = data as Record<string, unknown>;
  const texts = (value: unknown): value is string[] => Array.isArray(value) && value.every((v) => typeof v === 'string');
  return texts(bankIds) && texts(units) ? { bankIds, units } : null;
}

/**
 * Whether a liaison or unit contact speaks for a party text, by the same rule as the loop's
 * (`namesActor`); null when the contacts are not known (a workspace written before the document
 * existed, until its next member change): the caller then cannot tell, and core decides.
 */
export function partyHasContact(party: string, contacts: PartyContacts | null, banks: readonly Pick<Bank, 'id' | 'name'>[]): boolean | null {
  if (contacts === null) return null;
  return (
    contacts.bankIds.some((bankId) => namesActor(party, { name: '', role: 'liaison', bankId }, banks)) ||
    contacts.units.some((unit) => namesActor(party, { name: '', role: 'unit', bankId: null, unit }, []))
  );
}
