/**
 * The admin page 管理: members, banks, the stall rules 时限 and the annual targets, watched live,
 * and every change as the core command (member.upsert, bank.upsert, rules.setStageLimits,
 * targets.set) through whichever backend runs, written at the version the admin saw. Creating a
 * member also creates their account where the backend has accounts (team server, Firebase);
 * the in-browser demo has none, so there it is the membership alone.
 */
import { computed, ref, shallowRef } from 'vue';
import { defineStore } from 'pinia';
import {
  DEFAULT_STALL_RULES,
  INTERNAL_ERROR_KEY,
  NOTIFY_CHANNELS_DOC_ID,
  type AnnualTargets,
  type Bank,
  type CommandName,
  type DeliveryLogEntry,
  type DomainErrorShape,
  type Member,
  type NotifyChannelKind,
  type NotifyChannels,
  type StallRules,
  type StoredDoc,
} from '@clearway/core';
import type { Backend } from '@/backend/types';
import { refusalOf, runCommand, SIGNED_OUT_REFUSAL, type CommandOutcome } from '@/backend/commands';
import type { BankValues, ChannelValues, CreatedMemberNotice, MemberRow, MemberValues, RuleValues, TargetValues } from '@/components/admin/types';
import { useClockStore } from './clock';
import { useSessionStore } from './session';
import { readStateOf, useWatchedDoc, useWatchedQuery } from './watched';

export type AdminOutcome<T = undefined> = { ok: true; value: T } | { ok: false; error: DomainErrorShape };

const ROLE_ORDER = { admin: 0, staff: 1, liaison: 2, unit: 3, viewer: 4 } as const;

/** After the limits change: projects re-evaluated per scan command, and at most this many pages (5,000 projects). */
const STALL_PAGE_AFTER_RULES_CHANGE = 100;
const STALL_PAGES_AFTER_RULES_CHANGE = 50;

/** A refused account or delivery call (not a command), in the runner's words. */
function failure(caught: unknown): { ok: false; error: DomainErrorShape } {
  return { ok: false, error: refusalOf(caught) };
}

/** The backend has no such capability (the page does not offer it then). */
const UNAVAILABLE: { ok: false; error: DomainErrorShape } = { ok: false, error: { code: 'internal', messageKey: INTERNAL_ERROR_KEY } };

function newMemberUid(): string {
  const random = globalThis.crypto?.randomUUID?.().replace(/-/g, '').slice(0, 16) ?? Math.random().toString(36).slice(2, 18);
  return `m-${random}`;
}

export const useAdminStore = defineStore('admin', () => {
  const session = useSessionStore();
  const clock = useClockStore();

  const targetsYear = ref(Number(clock.month.slice(0, 4)));
  const deliveries = shallowRef<DeliveryLogEntry[]>([]);

  // The page starts the watches for an admin (others may not read members) and stops them on leaving.
  const watching = shallowRef<Backend | null>(null);
  const backend = () => watching.value;
  const membersWatch = useWatchedQuery<Member>(backend, 'members');
  const banksWatch = useWatchedQuery<Bank>(backend, 'banks');
  const rulesWatch = useWatchedDoc<StallRules>(backend, 'settings', () => 'stallRules');
  const channelsWatch = useWatchedDoc<NotifyChannels>(backend, 'settings', () => NOTIFY_CHANNELS_DOC_ID);
  const targetsWatch = useWatchedDoc<AnnualTargets>(backend, 'settings', () => `targets-${targetsYear.value}`);
  const memberDocs = membersWatch.data;
  const bankDocs = banksWatch.data;
  const rulesDoc = rulesWatch.data;
  const targetsDoc = targetsWatch.data;
  /** Whether the admin's documents could be read: pending, the first failure, and its retry. */
  const read = readStateOf(membersWatch, banksWatch, rulesWatch, channelsWatch, targetsWatch);
  const loaded = computed(() => watching.value !== null && !membersWatch.pending.value);

  const isAdmin = computed(() => session.actor?.role === 'admin');
  /** Accounts with passwords: the team server can hand out a new one. */
  const canResetPassword = computed(() => Boolean(session.backend?.admin?.resetPassword));
  /** Team server: the admin may choose a new member's first password. */
  const choosesPassword = computed(() => session.backend?.kind === 'server');

  /** Starts the watches on the session's backend (idempotent; a new backend restarts them). */
  function start(): void {
    watching.value = session.backend;
  }

  function stop(): void {
    watching.value = null;
  }

  function chooseTargetsYear(year: number): void {
    targetsYear.value = year;
  }

  const banks = computed<Bank[]>(() => bankDocs.value.map((doc) => doc.data).sort((a, b) => a.name.localeCompare(b.name, 'zh-Hans-CN')));
  const bankNames = computed(() => new Map(bankDocs.value.map((doc) => [doc.id, doc.data.name])));

  const memberRows = computed<MemberRow[]>(() =>
    memberDocs.value
      .map((doc) => ({
        member: doc.data,
        bankName: doc.data.bankId ? (bankNames.value.get(doc.data.bankId) ?? doc.data.bankId) : null,
        isSelf: doc.id === session.actor?.uid,
      }))
      .sort(
        (a, b) =>
          Number(a.member.disabled) - Number(b.member.disabled) ||
          ROLE_ORDER[a.member.role] - ROLE_ORDER[b.member.role] ||
          a.member.name.localeCompare(b.member.name, 'zh-Hans-CN'),
      ),
  );

  const rules = computed<StallRules>(() => rulesDoc.value?.data ?? DEFAULT_STALL_RULES);
  const targets = computed<AnnualTargets | null>(() => targetsDoc.value?.data ?? null);

  function run(name: CommandName, payload: Record<string, unknown>): Promise<CommandOutcome> {
    return runCommand(session.backend ? session.execute : null, { name, payload });
  }

  function versionOf<T>(docs: StoredDoc<T>[], id: string): number | null {
    return docs.find((doc) => doc.id === id)?.version ?? null;
  }

  async function createMember(values: MemberValues): Promise<AdminOutcome<CreatedMemberNotice>> {
    const backend = session.backend;
    if (!backend) return { ok: false, error: SIGNED_OUT_REFUSAL };
    const email = values.email.trim().toLowerCase();
    const input = { email, name: values.name.trim(), role: values.role, bankId: values.role === 'liaison' ? values.bankId : null };
    try {
      if (backend.admin) {
        const created = await backend.admin.createMember(values.password ? { ...input, password: values.password } : input);
        return {
          ok: true,
          value: { name: input.name, email, temporaryPassword: created.temporaryPassword ?? null, passwordSetupLink: created.passwordSetupLink ?? null },
        };
      }
    } catch (caught) {
      return failure(caught);
    }
    const outcome = await run('member.upsert', { uid: newMemberUid(), expectedVersion: null, ...input, disabled: false });
    return outcome.ok ? { ok: true, value: { name: input.name, email, temporaryPassword: null, passwordSetupLink: null } } : outcome;
  }

  function updateMember(member: Member, changes: Partial<Pick<Member, 'name' | 'email' | 'role' | 'bankId' | 'disabled'>>): Promise<CommandOutcome> {
    const next = { ...member, ...changes };
    return run('member.upsert', {
      uid: member.uid,
      expectedVersion: versionOf(memberDocs.value, member.uid),
      name: next.name,
      email: next.email,
      role: next.role,
      bankId: next.role === 'liaison' ? next.bankId : null,
      disabled: next.disabled,
    });
  }

  async function resetPassword(uid: string): Promise<AdminOutcome<string>> {
    const reset = session.backend?.admin?.resetPassword;
    if (!reset) return UNAVAILABLE;
    try {
      return { ok: true, value: (await reset(uid)).temporaryPassword };
    } catch (caught) {
      return failure(caught);
    }
  }

  /** Creates a bank (no id) or edits one at the version the admin saw. */
  function saveBank(values: BankValues, id?: string): Promise<CommandOutcome> {
    const expectedVersion = id === undefined ? null : versionOf(bankDocs.value, id);
    return run('bank.upsert', id === undefined ? { expectedVersion, ...values } : { id, expectedVersion, ...values });
  }

  async function saveRules(values: RuleValues): Promise<CommandOutcome> {
    const outcome = await run('rules.setStageLimits', { expectedVersion: rulesDoc.value?.version ?? null, ...values });
    if (outcome.ok) void reEvaluateStalls();
    return outcome;
  }

  /**
   * New limits apply to the board now, not at the next daily scan: the scan re-evaluates, page by
   * page, what the old limits made of each project (core's stall.scan after a rules change). A page
   * fits any backend's one transaction (Firebase: three writes a project, under 500); a page that
   * fails leaves the rest to the daily scan, which does the same.
   */
  async function reEvaluateStalls(): Promise<void> {
    for (let page = 0; page < STALL_PAGES_AFTER_RULES_CHANGE; page += 1) {
      const outcome = await run('stall.scan', { scope: 'due', limit: STALL_PAGE_AFTER_RULES_CHANGE });
      if (!outcome.ok || !outcome.result.stats?.more) return;
    }
  }

  function saveChannels(values: ChannelValues): Promise<CommandOutcome> {
    // Absent keys keep the stored secrets: leave them out rather than send undefined.
    return run('notify.setChannels', JSON.parse(JSON.stringify(values)) as Record<string, unknown>);
  }

  /** Team server only: the delivery log, newest first. */
  async function loadDeliveries(): Promise<AdminOutcome<DeliveryLogEntry[]>> {
    const notify = session.backend?.notify;
    if (!notify) return { ok: true, value: [] };
    try {
      deliveries.value = await notify.deliveries();
      return { ok: true, value: deliveries.value };
    } catch (caught) {
      return failure(caught);
    }
  }

  async function sendTest(channel: NotifyChannelKind, to: string | null): Promise<AdminOutcome<{ status: 'sent' | 'failed'; error: string | null }>> {
    const notify = session.backend?.notify;
    if (!notify) return UNAVAILABLE;
    try {
      const outcome = await notify.sendTest(channel, to);
      await loadDeliveries();
      return { ok: true, value: outcome };
    } catch (caught) {
      return failure(caught);
    }
  }

  function saveTargets(values: TargetValues): Promise<CommandOutcome> {
    const current = targetsDoc.value?.data.year === values.year ? targetsDoc.value.version : null;
    return run('targets.set', { expectedVersion: current, ...values });
  }

  return {
    isAdmin,
    canResetPassword,
    choosesPassword,
    loaded,
    read,
    banks,
    memberRows,
    rules,
    targets,
    targetsYear,
    start,
    stop,
    chooseTargetsYear,
    createMember,
    updateMember,
    resetPassword,
    saveBank,
    saveRules,
    saveTargets,
    channels: computed<NotifyChannels | null>(() => channelsWatch.data.value?.data ?? null),
    canSendNotifications: computed(() => Boolean(session.backend?.notify)),
    deliveries,
    saveChannels,
    loadDeliveries,
    sendTest,
  };
});
