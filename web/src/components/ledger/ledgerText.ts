/**
 * Readable words for the ledger preview: a row's skip reason, an issue (core's message key with
 * its params, amounts in 万元, stage ids as stage names), a change from → to, a field's name.
 */
import { useI18n } from 'vue-i18n';
import { OFF_FLOW_FLAGS, STAGE_IDS } from '@clearway/core';
import type { FieldChange, LedgerField, RowIssue, SkipReason } from '@clearway/core';
import { useCommandFeedback } from '@/composables/useCommandFeedback';
import { useDomainText } from '@/composables/useDomainText';

const MONEY_FIELDS = new Set(['totalInvestment', 'needTotal', 'needThisYear', 'requested', 'approved', 'disbursed']);

export function useLedgerText() {
  const { t, te } = useI18n();
  const { localizeParams } = useCommandFeedback();
  const { wan, stageLabel, flagLabel } = useDomainText();

  const fieldLabel = (field: LedgerField | string): string => (te(`ledger.field.${field}`) ? t(`ledger.field.${field}`) : field);
  const skipText = (reason: SkipReason): string => t(`ledger.skip.${reason}`);

  function message(messageKey: string, params: Record<string, unknown> = {}): string {
    const localized = localizeParams(params as never) as Record<string, unknown>;
    // `recorded` is an amount only the ledger's messages carry.
    if (typeof params.recorded === 'number') localized.recorded = wan(params.recorded);
    if (typeof params.field === 'string') localized.field = fieldLabel(params.field);
    return te(messageKey) ? t(messageKey, localized) : t('errors.unknown', { key: messageKey });
  }

  const issueText = (issue: RowIssue): string => message(issue.messageKey, issue.params ?? {});

  function valueText(field: string, value: string | number | null): string {
    if (value === null || value === '') return t('project.history.empty');
    const leaf = field.split('.').pop() ?? field;
    if (typeof value === 'number' && MONEY_FIELDS.has(leaf)) return wan(value);
    if (field === 'stage' && (STAGE_IDS as readonly string[]).includes(String(value))) return stageLabel(value as never);
    if (field === 'flag' && (OFF_FLOW_FLAGS as readonly string[]).includes(String(value))) return flagLabel(value as never);
    return String(value);
  }

  function changeText(change: FieldChange): string {
    if (change.field === 'blocker') return t('ledger.newBlocker', { text: String(change.after) });
    const line = /^line\.(.+?)(?:\.(requested|approved|disbursed))?$/.exec(change.field);
    if (line && !line[2]) return t('ledger.newLine', { bank: line[1] });
    const field = line ? `${line[1]} · ${fieldLabel(line[2]!)}` : te(`project.history.field.${change.field}`) ? t(`project.history.field.${change.field}`) : change.field;
    const key = line ? line[2]! : change.field;
    return t('ledger.change', { field, before: valueText(key, change.before), after: valueText(key, change.after) });
  }

  return { fieldLabel, skipText, issueText, changeText, message, wan };
}
