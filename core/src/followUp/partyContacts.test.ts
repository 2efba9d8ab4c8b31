import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ADMIN, run, STAFF, VIEWER, workspace } from '../commands/testing';
import { applyReadPolicy } from '../readPolicy';
import { createSampleWorkspace, seedStore } from '../sample';
import { MemoryDocumentStore } from '../store/memoryDocumentStore';
import type { Member, Role } from '../types';
import { exportWorkspace, importWorkspace } from '../workspace';
import { membersNamedBy } from './loop';
import { PARTY_CONTACTS_DOC_ID, partyContactsOf, partyHasContact, readPartyContacts } from './partyContacts';

const banks = [
  { id: 'icbc', name: '工商银行' },
  { id: 'ceb', name: '光大银行' },
];
const member = (over: Partial<Member>): Member => ({ uid: 'u', name: '某人', email: null, role: 'staff', bankId: null, disabled: false, ...over });

async function contactsIn(store: MemoryDocumentStore) {
  return (await store.get('settings', PARTY_CONTACTS_DOC_ID))?.data ?? null;
}

describe('which parties have a member (settings/partyContacts)', () => {
  it('counts enabled liaisons with a bank and unit contacts with a unit, nobody else', () => {
    const members = [
      member({ uid: 'a', role: 'liaison', bankId: 'icbc' }),
      member({ uid: 'b', role: 'liaison', bankId: 'icbc' }),
      member({ uid: 'c', role: 'liaison', bankId: 'ceb', disabled: true }),
      member({ uid: 'd', role: 'unit', unit: '市自然资源局' }),
      member({ uid: 'e', role: 'staff', unit: '市财政局' }),
      member({ uid: 'f', role: 'viewer', bankId: 'ceb' }),
    ];
    expect(partyContactsOf(members)).toEqual({ bankIds: ['icbc'], units: ['市自然资源局'] });
  });

  it('names a party by the loop’s rule, and knows nothing without the document', () => {
    const contacts = { bankIds: ['icbc'], units: ['市自然资源局'] };
    expect(partyHasContact('工商银行城南支行', contacts, banks)).toBe(true);
    expect(partyHasContact('市 自然资源局', contacts, banks)).toBe(true);
    expect(partyHasContact('光大银行', contacts, banks)).toBe(false);
    expect(partyHasContact('市住建局', contacts, banks)).toBe(false);
    expect(partyHasContact('工商银行', null, banks)).toBeNull();
    expect(readPartyContacts({ bankIds: ['icbc'] })).toBeNull();
  });

  it('agrees with the members the loop finds for a party, for liaisons and unit contacts', () => {
    const units = ['市自然资源局', '城南区住建局', '市财政局'];
    const parties = ['工商银行', '光大银行城南支行', '市自然资源局', '城南区住建局、工商银行', '市发改委'];
    const arbitraryMember = fc.record({
      role: fc.constantFrom<Role>('liaison', 'unit', 'staff', 'viewer'),
      bankId: fc.constantFrom('icbc', 'ceb', null),
      unit: fc.constantFrom(...units),
      disabled: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(arbitraryMember, { maxLength: 6 }), fc.constantFrom(...parties), (drawn, party) => {
        const members = drawn.map((m, i) =>
          member({ uid: `u${i}`, name: `成员${i}`, role: m.role, bankId: m.role === 'liaison' ? m.bankId : null, unit: m.role === 'unit' ? m.unit : null, disabled: m.disabled }),
        );
        const named = membersNamedBy(party, members, banks).some((m) => m.role === 'liaison' || m.role === 'unit');
        expect(partyHasContact(party, partyContactsOf(members), banks)).toBe(named);
      }),
    );
  });

  it('follows member.upsert in the same command: added, moved to another bank, disabled, role changed', async () => {
    const store = await workspace();
    await run(store, ADMIN, 'member.upsert', { uid: 'u-l', name: '陈志强', email: 'chen@example.cn', role: 'liaison', bankId: 'icbc' });
    expect(await contactsIn(store)).toEqual({ bankIds: ['icbc'], units: [] });
    await run(store, ADMIN, 'member.upsert', { uid: 'u-unit', name: '刘明', role: 'unit', unit: '市自然资源局' });
    expect(await contactsIn(store)).toEqual({ bankIds: ['icbc'], units: ['市自然资源局'] });
    await run(store, ADMIN, 'member.upsert', { uid: 'u-l', expectedVersion: 1, name: '陈志强', role: 'liaison', bankId: 'ceb' });
    expect(await contactsIn(store)).toEqual({ bankIds: ['ceb'], units: ['市自然资源局'] });
    await run(store, ADMIN, 'member.upsert', { uid: 'u-l', expectedVersion: 2, name: '陈志强', role: 'liaison', bankId: 'ceb', disabled: true });
    expect(await contactsIn(store)).toEqual({ bankIds: [], units: ['市自然资源局'] });
    await run(store, ADMIN, 'member.upsert', { uid: 'u-unit', expectedVersion: 1, name: '刘明', role: 'staff' });
    expect(await contactsIn(store)).toEqual({ bankIds: [], units: [] });
    // Written only when it changes: a new staff member leaves it at its version.
    const version = (await store.get('settings', PARTY_CONTACTS_DOC_ID))!.version;
    await run(store, ADMIN, 'member.upsert', { uid: 'u-s2', name: '孙伟', email: 'sun@example.cn', role: 'staff' });
    expect((await store.get('settings', PARTY_CONTACTS_DOC_ID))!.version).toBe(version);
  });

  it('says nothing about the people, and staff and viewers read it', async () => {
    const store = await workspace();
    await run(store, ADMIN, 'member.upsert', { uid: 'u-l', name: '陈志强', email: 'chen@example.cn', role: 'liaison', bankId: 'icbc' });
    const doc = (await store.get('settings', PARTY_CONTACTS_DOC_ID))!;
    expect(JSON.stringify(doc.data)).not.toMatch(/u-l|陈志强|chen@/);
    expect(applyReadPolicy(STAFF, 'settings', doc)).toEqual(doc);
    expect(applyReadPolicy(VIEWER, 'settings', doc)).toEqual(doc);
    expect(applyReadPolicy(STAFF, 'members', (await store.get('members', 'u-l'))!)).toBeNull();
  });

  it('is there in the seeded sample workspace, and an import derives it from the file’s members', async () => {
    const ws = createSampleWorkspace({ now: new Date('2026-03-15T02:00:00.000Z'), projects: 20 });
    const seeded = new MemoryDocumentStore();
    await seedStore(seeded, ws);
    const expected = partyContactsOf(ws.members);
    expect(expected.bankIds.length).toBeGreaterThan(0);
    expect(await contactsIn(seeded)).toEqual(expected);

    // A file from before the document existed, and one whose copy of it is wrong: both get it right.
    const file = await exportWorkspace(seeded);
    const withoutIt = { ...file, collections: { ...file.collections, settings: file.collections.settings.filter((d) => d.id !== PARTY_CONTACTS_DOC_ID) } };
    const imported = new MemoryDocumentStore();
    await importWorkspace(imported, withoutIt);
    expect(await contactsIn(imported)).toEqual(expected);
    const wrong = {
      ...file,
      collections: { ...file.collections, settings: file.collections.settings.map((d) => (d.id === PARTY_CONTACTS_DOC_ID ? { ...d, data: { bankIds: ['nobank'], units: [] } } : d)) },
    };
    const importedWrong = new MemoryDocumentStore();
    await importWorkspace(importedWrong, wrong);
    expect(await contactsIn(importedWrong)).toEqual(expected);
  });
});
