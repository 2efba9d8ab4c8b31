/**
 * Administration: the stall limits 时限, the annual targets, banks and members. Each document is
 * written at the version the admin saw (null: they saw none and create it).
 */
import { ConflictError } from '../../errors';
import type { CollectionName, StoredDoc } from '../../store/documentStore';
import { PARTY_CONTACTS_DOC_ID, partyContactsOf, readPartyContacts, samePartyContacts } from '../../followUp/partyContacts';
import type { PartyContacts } from '../../followUp/partyContacts';
import type { AnnualTargets, Bank, Member, StallRules } from '../../types';
import { defaultStallRules } from '../../defaults';
import { deepEqual } from '../../store/query';
import {
  assertBankExists,
  assertVersion,
  diffFields,
  fieldRefusal,
  notFound,
  readStallRulesChange,
  STALL_RULES_CHANGE_DOC_ID,
  STALL_RULES_DOC_ID,
  targetsDocId,
  type StallRulesChange,
} from './shared';
import { assertRoomForBank } from '../../workspace/capacity';
import type { CommandHandler, HandlerContext } from './types';

/** Creates (client saw nothing) or replaces (client saw `expectedVersion`) one document. */
function writeAtVersion<T>(
  ctx: HandlerContext,
  collection: CollectionName,
  id: string,
  current: StoredDoc<T> | null,
  expectedVersion: number | null,
  data: T,
): void {
  if (expectedVersion === null) {
    if (current) throw new ConflictError(collection, id);
    ctx.writer.create(collection, id, data);
    return;
  }
  if (!current) throw new ConflictError(collection, id);
  assertVersion(current, collection, expectedVersion);
  ctx.writer.update(collection, id, data, current.version);
}

function changedFields<T extends object>(before: T | null, after: T): { before: Record<string, unknown> | null; after: Record<string, unknown> } {
  if (!before) return { before: null, after: { ...after } as Record<string, unknown> };
  return diffFields(before, after, Object.keys(after));
}

export const rulesSetStageLimits: CommandHandler<'rules.setStageLimits'> = async (ctx) => {
  const { expectedVersion, ...rules } = ctx.payload;
  // Both reads first: a Firestore transaction reads nothing after its first write.
  const current = await ctx.tx.get<StallRules>('settings', STALL_RULES_DOC_ID);
  const change = await readStallRulesChange(ctx.tx);
  const data: StallRules = rules;
  writeAtVersion(ctx, 'settings', STALL_RULES_DOC_ID, current, expectedVersion, data);
  // Projects keep what the old limits made of them until the scan sees this (stallScan.ts);
  // with no rules stored they were evaluated under the defaults.
  if (!deepEqual(current?.data ?? defaultStallRules(), data)) {
    const marker: StallRulesChange = { changedAt: ctx.at };
    if (change) ctx.writer.update('settings', STALL_RULES_CHANGE_DOC_ID, marker, change.version);
    else ctx.writer.create('settings', STALL_RULES_CHANGE_DOC_ID, marker);
  }
  return { activity: { projectId: null, lineId: null, ...changedFields(current?.data ?? null, data) } };
};

export const targetsSet: CommandHandler<'targets.set'> = async (ctx) => {
  const { expectedVersion, ...targets } = ctx.payload;
  const id = targetsDocId(targets.year);
  const current = await ctx.tx.get<AnnualTargets>('settings', id);
  const data: AnnualTargets = targets;
  writeAtVersion(ctx, 'settings', id, current, expectedVersion, data);
  return { activity: { projectId: null, lineId: null, ...changedFields(current?.data ?? null, data) } };
};

export const bankUpsert: CommandHandler<'bank.upsert'> = async (ctx) => {
  const { id: givenId, expectedVersion, name, category, agreementAmount } = ctx.payload;
  if (givenId === undefined && expectedVersion !== null) {
    // A version without an id: the client meant an existing bank but lost track of which.
    throw fieldRefusal('invalid-argument', 'id', 'errors.field.required');
  }
  const id = givenId ?? ctx.newId('banks');
  const current = givenId === undefined ? null : await ctx.tx.get<Bank>('banks', id);
  if (current === null && expectedVersion !== null) throw notFound('bank', id);
  if (current === null) await assertRoomForBank(ctx.tx);
  const sameName = await ctx.tx.query<Bank>('banks', { where: [{ field: 'name', op: '==', value: name }] });
  if (sameName.some((doc) => doc.id !== id)) throw fieldRefusal('failed-precondition', 'name', 'errors.bank.duplicateName', { name });
  const data: Bank = { id, name, category, agreementAmount };
  writeAtVersion(ctx, 'banks', id, current, expectedVersion, data);
  return {
    createdId: current ? undefined : id,
    activity: { projectId: null, lineId: null, ...changedFields(current?.data ?? null, data) },
  };
};

/** Keeps settings/partyContacts in step with the members list (written only when it changes). */
function writePartyContacts(ctx: HandlerContext, stored: StoredDoc<PartyContacts> | null, contacts: PartyContacts): void {
  if (!stored) {
    ctx.writer.create('settings', PARTY_CONTACTS_DOC_ID, contacts);
    return;
  }
  const was = readPartyContacts(stored.data);
  if (was === null || !samePartyContacts(was, contacts)) ctx.writer.update('settings', PARTY_CONTACTS_DOC_ID, contacts, stored.version);
}

export const memberUpsert: CommandHandler<'member.upsert'> = async (ctx) => {
  const { uid, expectedVersion, name, email, role, disabled } = ctx.payload;
  // Only a liaison speaks for a bank; a bank left over from a previous role means nothing.
  const bankId = role === 'liaison' ? ctx.payload.bankId : null;
  if (uid === ctx.actor.uid && (role !== 'admin' || disabled)) {
    // An admin cannot lock themselves out (and the workspace with them).
    throw fieldRefusal('failed-precondition', 'role', 'errors.member.selfDemotion');
  }
  const current = await ctx.tx.get<Member>('members', uid);
  if (current === null && expectedVersion !== null) throw notFound('member', uid);
  if (bankId !== null) await assertBankExists(ctx.tx, bankId, 'bankId');
  // Only a unit contact speaks for a unit; the field is left out for every other role.
  const unit = role === 'unit' ? ctx.payload.unit : null;
  if (role === 'unit' && !unit) throw fieldRefusal('invalid-argument', 'unit', 'errors.member.unitRequired');
  const data: Member = { uid, name, email, role, bankId, ...(unit ? { unit } : {}), disabled };
  // Read before any write (a Firestore transaction reads first): the other members and the contacts as stored.
  const others = (await ctx.tx.query<Member>('members')).filter((doc) => doc.id !== uid).map((doc) => doc.data);
  const contactsDoc = await ctx.tx.get<PartyContacts>('settings', PARTY_CONTACTS_DOC_ID);
  writeAtVersion(ctx, 'members', uid, current, expectedVersion, data);
  writePartyContacts(ctx, contactsDoc, partyContactsOf([...others, data]));
  return {
    createdId: current ? undefined : uid,
    activity: { projectId: null, lineId: null, ...changedFields(current?.data ?? null, data) },
  };
};

