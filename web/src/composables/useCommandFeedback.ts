/**
 * Turns a refused command into words: a DomainError (or its JSON shape from the callable) becomes
 * an ElMessage in the current language. Domain ids in the params (stages, prerequisites, flags,
 * blocker tags, roles) are shown by their labels, so `errors.gate.…` texts read naturally.
 */
import { useI18n } from 'vue-i18n';
import {
  BLOCKER_TAGS,
  formatWan,
  formatYi,
  OFF_FLOW_FLAGS,
  PREREQ_KEYS,
  ROLES,
  STAGE_IDS,
  type FieldError,
} from '@clearway/core';
import { asDomainErrorShape } from '@/backend/commands';
import { toast } from './toasts';
import { useQuarantineReason } from './useQuarantineReason';

type Params = Record<string, string | number>;

// One reading of a thrown refusal, the command runner's (re-exported for the pages that read field errors).
export { asDomainErrorShape };

const LABEL_PREFIXES: [readonly string[], string][] = [
  [STAGE_IDS, 'domain.stage'],
  [PREREQ_KEYS, 'domain.prerequisite'],
  [OFF_FLOW_FLAGS, 'domain.flag'],
  [BLOCKER_TAGS, 'domain.blockerTag'],
];

/** Params that carry an amount in yuan; the texts show them in 万元. */
const MONEY_PARAMS = new Set([
  'amount',
  'approved',
  'contracted',
  'disbursed',
  'needTotal',
  'needThisYear',
  'equityPaid',
  'equityRequired',
  'totalInvestment',
  'remaining',
]);

/** Params that carry a ceiling in yuan; the texts show them in 亿元. */
const LARGE_MONEY_PARAMS = new Set(['maxAmount']);

export interface CommandFeedbackOptions {
  /** Names a bank in messages that carry a `bankId`. */
  bankName?: (bankId: string) => string | null;
}

export function useCommandFeedback(options: CommandFeedbackOptions = {}) {
  const { t, te } = useI18n();
  const quarantineReason = useQuarantineReason();

  function labelOf(name: string, value: string): string {
    if (name === 'bankId') return options.bankName?.(value) ?? value;
    if (name === 'quarantineReason') return quarantineReason(value);
    if (name === 'role' && (ROLES as readonly string[]).includes(value)) return t(`domain.role.${value}`);
    for (const [ids, prefix] of LABEL_PREFIXES) {
      if (ids.includes(value)) return t(`${prefix}.${value}`);
    }
    // A list of ids, e.g. the missing prerequisites of a gate.
    if (value.includes(',')) {
      const parts = value.split(',').map((part) => part.trim());
      if (parts.every((part) => LABEL_PREFIXES.some(([ids]) => ids.includes(part)))) {
        return parts.map((part) => labelOf(name, part)).join('、');
      }
    }
    return value;
  }

  function localizeParams(params: Params | undefined): Params {
    const out: Params = {};
    for (const [name, value] of Object.entries(params ?? {})) {
      if (typeof value === 'string') out[name] = labelOf(name, value);
      else if (MONEY_PARAMS.has(name)) out[name] = t('domain.money.wan', { amount: formatWan(value, { unit: false }) });
      else if (LARGE_MONEY_PARAMS.has(name)) out[name] = t('domain.money.yi', { amount: formatYi(value, { unit: false }) });
      else out[name] = value;
    }
    return out;
  }

  function messageOf(messageKey: string, params?: Params): string {
    return te(messageKey) ? t(messageKey, localizeParams(params)) : t('errors.unknown', { key: messageKey });
  }

  function fieldMessage(fieldError: FieldError): string {
    return messageOf(fieldError.messageKey, fieldError.params);
  }

  /** The readable reason of any thrown value. */
  function describe(error: unknown): string {
    const shape = asDomainErrorShape(error);
    if (!shape) return t('errors.internal');
    const main = messageOf(shape.messageKey, shape.params);
    const fields = (shape.fieldErrors ?? []).slice(0, 3).map(fieldMessage);
    return fields.length ? t('errors.withFields', { message: main, fields: fields.join(t('errors.fieldSeparator')) }) : main;
  }

  function showError(error: unknown): void {
    if (!asDomainErrorShape(error)) console.error(error);
    toast({ type: 'error', message: describe(error), showClose: true, grouping: true, duration: 6000 }, t('app.closeMessage'));
  }

  /** An error message already put into words (e.g. "could not move X: reason"). */
  function showMessage(message: string): void {
    toast({ type: 'error', message, showClose: true, grouping: true, duration: 6000 }, t('app.closeMessage'));
  }

  function showSuccess(messageKey: string, params?: Params): void {
    toast({ type: 'success', message: t(messageKey, localizeParams(params)), grouping: true, duration: 2500 }, t('app.closeMessage'));
  }

  return { describe, showError, showMessage, showSuccess, fieldMessage, localizeParams };
}
