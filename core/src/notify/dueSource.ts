/**
 * The one place the digest learns what is due for a person: the same list as the in-app "what
 * needs me" page and the header count (core/src/followUp, `dueItemsFor`).
 */
import { dueItemsFor } from '../followUp/dueItems';
import type { DueActor, DueDocs, DueItem } from '../followUp/dueItems';
import type { Light } from '../followUp/loop';
import type { Member } from '../types';

export type DigestLight = Light;
export type DigestItem = Pick<DueItem, 'key' | 'kind' | 'light' | 'dueDate' | 'projectId' | 'projectName' | 'title' | 'detail'>;
export type DigestDocs = DueDocs;
export type DigestActor = DueActor;

export function digestItemsFor(actor: DigestActor, docs: DigestDocs, now: Date): DigestItem[] {
  return dueItemsFor(actor, docs, now);
}

export type DigestMember = Pick<Member, 'uid' | 'name' | 'email' | 'role' | 'bankId' | 'disabled' | 'unit'>;

/** Everyone the digest is for, with their items (disabled members get none). */
export function digestRecipients<M extends DigestMember>(members: readonly M[], docs: DigestDocs, now: Date): { member: M; items: DigestItem[] }[] {
  return members.filter((member) => !member.disabled).map((member) => ({ member, items: digestItemsFor(member, docs, now) }));
}
