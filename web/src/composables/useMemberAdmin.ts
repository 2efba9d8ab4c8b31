/**
 * The admin's member workflow on 系统管理: the member dialog (create or edit) with the refusal's
 * field errors, disabling and enabling after a confirmation, resetting a password, and the notice
 * that tells how a new (or reset) member signs in. Every change is a core command through the
 * admin store; a refusal is shown beside its field or as a message.
 */
import { ref, shallowRef } from 'vue';
import { useI18n } from 'vue-i18n';
import { ElMessageBox } from 'element-plus';
import 'element-plus/es/components/message-box/style/css';
import type { CommandResult, FieldError, Member } from '@clearway/core';
import type { CreatedMemberNotice, MemberValues } from '@/components/admin/types';
import { useAdminStore } from '@/stores/admin';
import type { useCommandFeedback } from './useCommandFeedback';

const CLAIMS_PENDING = 'errors.member.claimsPending';

/** Saved, but the sign-in rights follow later (Firebase: the claims sync is pending and retried): say that. */
function savedOr(result: CommandResult, messageKey: string): string {
  return result.notices?.includes(CLAIMS_PENDING) ? CLAIMS_PENDING : messageKey;
}

export function useMemberAdmin(feedback: ReturnType<typeof useCommandFeedback>) {
  const admin = useAdminStore();
  const { t } = useI18n();

  const dialogOpen = ref(false);
  const edited = shallowRef<Member | null>(null);
  const saving = ref(false);
  const fieldErrors = ref<FieldError[]>([]);
  const notice = shallowRef<CreatedMemberNotice | null>(null);
  const noticeIsReset = ref(false);
  const noticeOpen = ref(false);
  const togglingUid = ref<string | null>(null);

  function open(member: Member | null): void {
    edited.value = member;
    fieldErrors.value = [];
    dialogOpen.value = true;
  }

  function refused(error: { fieldErrors?: FieldError[] }): void {
    fieldErrors.value = error.fieldErrors ?? [];
    if (!fieldErrors.value.length) feedback.showError(error);
  }

  async function submit(values: MemberValues): Promise<void> {
    saving.value = true;
    try {
      const member = edited.value;
      if (member) {
        const outcome = await admin.updateMember(member, { name: values.name, email: values.email || null, role: values.role, bankId: values.bankId });
        if (!outcome.ok) return refused(outcome.error);
        feedback.showSuccess(savedOr(outcome.result, 'admin.members.saved'), { name: values.name });
      } else {
        const outcome = await admin.createMember(values);
        if (!outcome.ok) return refused(outcome.error);
        notice.value = outcome.value;
        noticeIsReset.value = false;
        noticeOpen.value = true;
      }
      dialogOpen.value = false;
    } finally {
      saving.value = false;
    }
  }

  async function confirmed(message: string, title: string): Promise<boolean> {
    try {
      await ElMessageBox.confirm(message, title, { type: 'warning', confirmButtonText: t('admin.members.confirm'), cancelButtonText: t('admin.cancel') });
      return true;
    } catch {
      return false;
    }
  }

  async function toggle(member: Member): Promise<void> {
    const disabling = !member.disabled;
    if (disabling && !(await confirmed(t('admin.members.confirmDisable', { name: member.name }), t('admin.members.confirmDisableTitle')))) return;
    togglingUid.value = member.uid;
    try {
      const outcome = await admin.updateMember(member, { disabled: disabling });
      if (!outcome.ok) return feedback.showError(outcome.error);
      feedback.showSuccess(savedOr(outcome.result, disabling ? 'admin.members.disabledDone' : 'admin.members.enabledDone'), { name: member.name });
    } finally {
      togglingUid.value = null;
    }
  }

  async function resetPassword(member: Member): Promise<void> {
    if (!(await confirmed(t('admin.members.confirmReset', { name: member.name }), t('admin.members.confirmResetTitle')))) return;
    const outcome = await admin.resetPassword(member.uid);
    if (!outcome.ok) return feedback.showError(outcome.error);
    notice.value = { name: member.name, email: member.email ?? '', temporaryPassword: outcome.value, passwordSetupLink: null };
    noticeIsReset.value = true;
    noticeOpen.value = true;
  }

  return { dialogOpen, edited, saving, fieldErrors, notice, noticeIsReset, noticeOpen, togglingUid, open, submit, toggle, resetPassword };
}
