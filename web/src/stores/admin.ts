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
  dayOf,
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
import type { Backend, Unsubscribe } from '@/backend/types';
import type { BankValues, ChannelValues, CreatedMemberNotice, MemberRow, MemberValues, RuleValues, TargetValues } from '@/components/admin/types';
import { asDomainErrorShape } from '@/composables/useCommandFeedback';
import type { CommandOutcome } from './project';
import { useSessionStore } from './session';

export type AdminOutcome<T = undefined> = { ok: true; value: T } | { ok: false; error: DomainErrorShape };

const ROLE_ORDER = { admin: 0, staff: 1, liaison: 2, unit: 3, viewer: 4 } as const;

function failure(caught: unknown): { ok: false; error: DomainErrorShape } {
  const shape = asDomainErrorShape(caught);
  if (!shape) console.error(caught);
  return { ok: false, error: shape ?? { code: 'internal', messageKey: 'errors.internal' } };
}

function newMemberUid(): string {
  const random = globalThis.crypto?.randomUUID?.().replace(/-/g, '').slice(0, 16) ?? Math.random().toString(36).slice(2, 18);
  return `m-${random}`;
}

export const useAdminStore = defineStore('admin', () => {
  const session = useSessionStore();

  const memberDocs = shallowRef<StoredDoc<Member>[]>([]);
  const bankDocs = shallowRef<StoredDoc<Bank>[]>([]);
  const rulesDoc = shallowRef<StoredDoc<StallRules> | null>(null);
  const channelsDoc = shallowRef<StoredDoc<NotifyChannels> | null>(null);
  const deliveries = shallowRef<DeliveryLogEntry[]>([]);
  const targetsDoc = shallowRef<StoredDoc<AnnualTargets> | null>(null);
  const targetsYear = ref(Number(dayOf(new Date()).slice(0, 4)));
  const loaded = ref(false);
  const watchError = shallowRef<unknown>(null);

  let watched: Backend | null = null;
  let unsubscribes: Unsubscribe[] = [];
  let stopTargets: Unsubscribe | null = null;

  const isAdmin = computed(() => session.actor?.role === 'admin');
  /** Accounts with passwords: the team server can hand out a new one. */
  const canResetPassword = computed(() => Boolean(session.backend?.admin?.resetPassword));
  /** Team server: the admin may choose a new member's first password. */
  const choosesPassword = computed(() => session.backend?.kind === 'server');

  function onError(error: unknown): void {
    watchError.value = error;
  }

  function watchTargets(backend: Backend): void {
    stopTargets?.();
    targetsDoc.value = null;
    stopTargets = backend.watchDoc<AnnualTargets>('settings', `targets-${targetsYear.value}`, (doc) => (targetsDoc.value = doc), onError);
  }

  /** Starts the watches on the session's backend (idempotent). */
  function start(): void {
    const backend = session.backend;
    if (!backend || backend === watched) return;
    stop();
    watched = backend;
    unsubscribes = [
      backend.watchQuery<Member>(
        'members',
        {},
        (docs) => {
          memberDocs.value = docs;
          loaded.value = true;
        },
        onError,
      ),
      backend.watchQuery<Bank>('banks', {}, (docs) => (bankDocs.value = docs), onError),
      backend.watchDoc<StallRules>('settings', 'stallRules', (doc) => (rulesDoc.value = doc), onError),
      backend.watchDoc<NotifyChannels>('settings', NOTIFY_CHANNELS_DOC_ID, (doc) => (channelsDoc.value = doc), onError),
    ];
    watchTargets(backend);
  }

  function stop(): void {
    unsubscribes.forEach((unsubscribe) => unsubscribe());
    unsubscribes = [];
    stopTargets?.();
    stopTargets = null;
    watched = null;
    loaded.value = false;
  }

  function chooseTargetsYear(year: number): void {
    if (year === targetsYear.value) return;
    targetsYear.value = year;
    if (watched) watchTargets(watched);
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

  async function run(name: CommandName, payload: Record<string, unknown>): Promise<CommandOutcome> {
    const backend = session.backend;
    if (!backend) return { ok: false, error: { code: 'unauthenticated', messageKey: 'errors.internal' } };
    try {
      return { ok: true, result: await backend.execute({ name, payload }) };
    } catch (caught) {
      return failure(caught);
    }
  }

  function versionOf<T>(docs: StoredDoc<T>[], id: string): number | null {
    return docs.find((doc) => doc.id === id)?.version ?? null;
  }

  async function createMember(values: MemberValues): Promise<AdminOutcome<CreatedMemberNotice>> {
    const backend = session.backend;
    if (!backend) return failure(null);
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
    if (!reset) return failure(null);
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

  function saveRules(values: RuleValues): Promise<CommandOutcome> {
    return run('rules.setStageLimits', { expectedVersion: rulesDoc.value?.version ?? null, ...values });
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
    if (!notify) return failure(null);
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
    watchError,
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
    channels: computed<NotifyChannels | null>(() => channelsDoc.value?.data ?? null),
    canSendNotifications: computed(() => Boolean(session.backend?.notify)),
    deliveries,
    saveChannels,
    loadDeliveries,
    sendTest,
  };
});
