import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { DEFAULT_STALL_RULES, MemoryDocumentStore, executeCommand, type Actor, type Member, type Project } from '@clearway/core';
import type { Backend, NewMemberInput } from '@/backend/types';
import { PROJECT_INPUT } from '@clearway/core/testing';
import { memoryBackend, WAN } from '@/test/projectFixtures';
import { useAdminStore } from './admin';
import { useSessionStore } from './session';

const ADMIN: Actor = { uid: 'u-admin', name: '李建华', role: 'admin', bankId: null };
const STAFF: Actor = { uid: 'u-staff', name: '王丽娟', role: 'staff', bankId: null };

async function workspace(): Promise<MemoryDocumentStore> {
  const store = new MemoryDocumentStore();
  const asAdmin = { actor: ADMIN, now: new Date() };
  await executeCommand(store, asAdmin, { name: 'member.upsert', payload: { uid: ADMIN.uid, expectedVersion: null, name: ADMIN.name, email: 'admin@clearway.local', role: 'admin' } });
  await executeCommand(store, asAdmin, { name: 'bank.upsert', payload: { id: 'icbc', expectedVersion: null, name: '工商银行', category: 'stateLarge', agreementAmount: 100_000 * WAN } });
  return store;
}

async function adminOn(store: MemoryDocumentStore, actor: Actor, extend: (backend: Backend) => Backend = (b) => b) {
  useSessionStore().attach(extend(memoryBackend(store, actor)));
  const admin = useAdminStore();
  admin.start();
  await vi.waitFor(() => expect(admin.loaded).toBe(true));
  return admin;
}

const memberDoc = async (store: MemoryDocumentStore, uid: string) => store.get<Member>('members', uid);

describe('admin store', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
  });

  it('without accounts (the demo) creates a member as the membership alone, then disables it at the version seen', async () => {
    const store = await workspace();
    const admin = await adminOn(store, ADMIN);
    const created = await admin.createMember({ email: ' Zhao@Bank.CN ', name: '赵磊', role: 'liaison', bankId: 'icbc', password: '' });
    expect(created).toMatchObject({ ok: true, value: { name: '赵磊', email: 'zhao@bank.cn', temporaryPassword: null } });
    await vi.waitFor(() => expect(admin.memberRows.map((row) => row.member.name)).toEqual(['李建华', '赵磊']));
    const row = admin.memberRows.find((candidate) => candidate.member.name === '赵磊')!;
    expect(row).toMatchObject({ bankName: '工商银行', isSelf: false, member: { role: 'liaison', bankId: 'icbc', disabled: false } });

    expect((await admin.updateMember(row.member, { disabled: true })).ok).toBe(true);
    const stored = await memberDoc(store, row.member.uid);
    expect(stored).toMatchObject({ version: 2, data: { disabled: true, bankId: 'icbc' } });
    const commands = store.exportAll().activity.map((doc) => (doc.data as { command: string }).command);
    expect(commands.filter((name) => name === 'member.upsert')).toHaveLength(3);
  });

  it('a liaison without a bank, and an admin demoting themselves, are refused with their reasons and write nothing', async () => {
    const store = await workspace();
    const admin = await adminOn(store, ADMIN);
    const before = store.exportAll().activity.length;
    const noBank = await admin.createMember({ email: 'x@bank.cn', name: '某人', role: 'liaison', bankId: null, password: '' });
    expect(noBank.ok).toBe(false);
    if (!noBank.ok) expect(noBank.error.fieldErrors).toEqual([expect.objectContaining({ path: 'bankId', messageKey: 'errors.field.required' })]);
    const self = admin.memberRows.find((row) => row.isSelf)!;
    const demoted = await admin.updateMember(self.member, { role: 'staff' });
    expect(demoted).toMatchObject({ ok: false, error: { messageKey: 'errors.member.selfDemotion' } });
    expect(store.exportAll().activity).toHaveLength(before);
  });

  it('creates an account through the backend where it has accounts, and hands back the temporary password', async () => {
    const store = await workspace();
    const received: NewMemberInput[] = [];
    const admin = await adminOn(store, ADMIN, (backend) => ({
      ...backend,
      kind: 'server',
      admin: {
        createMember: async (input) => {
          received.push(input);
          return { uid: 'u-new', temporaryPassword: 'Tmp-123456789' };
        },
        resetPassword: async () => ({ temporaryPassword: 'Tmp-reset-0001' }),
      },
    }));
    expect(admin.canResetPassword).toBe(true);
    expect(admin.choosesPassword).toBe(true);
    const created = await admin.createMember({ email: 'leader@clearway.local', name: '周国庆', role: 'viewer', bankId: 'icbc', password: '' });
    expect(received).toEqual([{ email: 'leader@clearway.local', name: '周国庆', role: 'viewer', bankId: null }]);
    expect(created).toMatchObject({ ok: true, value: { temporaryPassword: 'Tmp-123456789' } });
    await admin.createMember({ email: 'b@c.cn', name: '乙', role: 'staff', bankId: null, password: 'chosen-password' });
    expect(received[1]).toMatchObject({ password: 'chosen-password' });
    expect(await admin.resetPassword('u-new')).toEqual({ ok: true, value: 'Tmp-reset-0001' });
  });

  it('new stall limits apply to the board at once: saving them runs the scan over what the old limits made', async () => {
    const store = await workspace();
    const fiftyDaysAgo = new Date(Date.now() - 50 * 86_400_000);
    const created = await executeCommand(store, { actor: STAFF, now: fiftyDaysAgo }, { name: 'project.create', payload: PROJECT_INPUT });
    const projectId = created.createdId!;
    const admin = await adminOn(store, ADMIN);
    // 50 days in 在谈 is within the default 180; within 30 it is not.
    const tightened = { ...DEFAULT_STALL_RULES, stageLimitDays: { ...DEFAULT_STALL_RULES.stageLimitDays, pipeline: 30 } };
    expect((await admin.saveRules(tightened)).ok).toBe(true);
    await vi.waitFor(async () => {
      const stored = await store.get<Project>('projects', projectId);
      expect(stored?.data.stall.flags.map((flag) => flag.rule)).toEqual(['stageLimit']);
    });
    await vi.waitFor(() => expect(admin.rules.stageLimitDays.pipeline).toBe(30));
    expect((await admin.saveRules(DEFAULT_STALL_RULES)).ok).toBe(true);
    await vi.waitFor(async () => expect((await store.get<Project>('projects', projectId))?.data.stall.stalled).toBe(false));
  });

  it('adds and edits banks, sets the stall rules and the year’s targets, each at the version seen', async () => {
    const store = await workspace();
    const admin = await adminOn(store, ADMIN);
    const added = await admin.saveBank({ name: '建设银行', category: 'stateLarge', agreementAmount: 50_000 * WAN });
    expect(added.ok).toBe(true);
    await vi.waitFor(() => expect(admin.banks.map((bank) => bank.name)).toEqual(['工商银行', '建设银行']));
    const duplicate = await admin.saveBank({ name: '工商银行', category: 'policy', agreementAmount: 0 });
    expect(duplicate).toMatchObject({ ok: false, error: { messageKey: 'errors.bank.duplicateName', fieldErrors: [expect.objectContaining({ path: 'name' })] } });
    expect(await admin.saveBank({ name: '工商银行', category: 'stateLarge', agreementAmount: 120_000 * WAN }, 'icbc')).toMatchObject({ ok: true });
    expect((await store.get('banks', 'icbc'))?.data).toMatchObject({ agreementAmount: 120_000 * WAN });

    const rules = { ...DEFAULT_STALL_RULES, stageLimitDays: { ...DEFAULT_STALL_RULES.stageLimitDays, pipeline: 45 }, bankSilenceDays: 21 };
    expect((await admin.saveRules(rules)).ok).toBe(true);
    await vi.waitFor(() => expect(admin.rules.bankSilenceDays).toBe(21));
    expect((await admin.saveRules({ ...rules, bankSilenceDays: 14 })).ok).toBe(true); // now at the stored version

    const year = admin.targetsYear;
    expect((await admin.saveTargets({ year, approved: 80 * 10_000 * WAN, disbursed: 60 * 10_000 * WAN, projects: 120 })).ok).toBe(true);
    await vi.waitFor(() => expect(admin.targets?.projects).toBe(120));
    admin.chooseTargetsYear(year + 1);
    await vi.waitFor(() => expect(admin.targets).toBeNull());
  });

  it('is refused for anyone but an admin, by the command itself', async () => {
    const store = await workspace();
    const admin = await adminOn(store, STAFF);
    expect(admin.isAdmin).toBe(false);
    const refused = await admin.saveBank({ name: '农业银行', category: 'stateLarge', agreementAmount: 0 });
    expect(refused).toMatchObject({ ok: false, error: { code: 'permission-denied' } });
  });
});
