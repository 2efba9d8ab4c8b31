/**
 * A quarantined record's reason in the person's language: core stores it as a code with
 * parameters (quarantineReasonOf); a reason stored as plain text before codes existed is shown
 * as it was written.
 */
import { useI18n } from 'vue-i18n';
import { quarantineReasonOf } from '@clearway/core';

export function useQuarantineReason(): (stored: string) => string {
  const { t } = useI18n();
  return (stored) => {
    const reason = quarantineReasonOf(stored);
    if (!reason) return stored;
    const params: Record<string, string | number> = { ...reason.params };
    if (reason.code === 'fieldShape') params.expected = t(`workspace.quarantineReason.expected.${String(params.expected)}`, { values: params.values ?? '' });
    return t(`workspace.quarantineReason.${reason.code}`, params);
  };
}
