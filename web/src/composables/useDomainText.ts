/**
 * Readable words for domain values in the current language: stage names, money in 万元/亿元,
 * clearance statuses, blocker tags with the party who must act, and the reason of each stall flag.
 * Plain functions over `t`, so leaf components can use them without a store.
 */
import { useI18n } from 'vue-i18n';
import { formatRate, formatWan, formatYi, YUAN_PER_YI } from '@clearway/core';
import { BLOCKER_TAGS, STAGE_IDS } from '@clearway/core';
import type { BlockerTag, ClearanceStatus, OffFlowFlag, StageId, StallFlag, Yuan } from '@clearway/core';

export type BankNameLookup = (bankId: string) => string | null;

function isStage(value: unknown): value is StageId {
  return typeof value === 'string' && (STAGE_IDS as readonly string[]).includes(value);
}

function isTag(value: unknown): value is BlockerTag {
  return typeof value === 'string' && (BLOCKER_TAGS as readonly string[]).includes(value);
}

export function useDomainText() {
  const { t } = useI18n();

  const stageLabel = (stage: StageId): string => t(`domain.stage.${stage}`);
  const flagLabel = (flag: OffFlowFlag): string => t(`domain.flag.${flag}`);
  const statusLabel = (status: ClearanceStatus): string => t(`domain.clearanceStatus.${status}`);
  const tagLabel = (tag: BlockerTag): string => t(`domain.blockerTag.${tag}`);
  const blockerLabel = (blocker: { tag: BlockerTag; party: string }): string =>
    t('domain.blockerWithParty', { tag: tagLabel(blocker.tag), party: blocker.party });

  /** 万元 with two decimals, e.g. `2,600.00万元`. */
  const wan = (amount: Yuan): string => t('domain.money.wan', { amount: formatWan(amount, { unit: false }) });
  /** 亿元 with two decimals, e.g. `18.14亿元`. */
  const yi = (amount: Yuan): string => t('domain.money.yi', { amount: formatYi(amount, { unit: false }) });
  /** 亿元 from 1亿 up, 万元 below: for totals. */
  const money = (amount: Yuan): string => (Math.abs(amount) >= YUAN_PER_YI ? yi(amount) : wan(amount));
  const rate = (value: number | null): string => formatRate(value);

  /** e.g. `在「已审批待投放」停留 95 天，超过时限 90 天` (params as core/src/stall.ts writes them). */
  function stallReason(flag: StallFlag, bankName: BankNameLookup = () => null): string {
    const p = flag.params;
    switch (flag.rule) {
      case 'stageLimit':
        if (p.basis === 'approvedNotDisbursed') {
          return t(p.level === 'warn' ? 'domain.stallReason.approvedWarn' : 'domain.stallReason.approvedAlarm', p);
        }
        return t('domain.stallReason.stageLimit', { ...p, stage: isStage(p.stage) ? stageLabel(p.stage) : '' });
      case 'bankSilent':
        return t('domain.stallReason.bankSilent', { ...p, bank: bankName(String(p.bankId ?? '')) ?? t('domain.unknownBank') });
      case 'blockerOverdue':
        return t('domain.stallReason.blockerOverdue', { ...p, tag: isTag(p.tag) ? tagLabel(p.tag) : '' });
      case 'milestonePassed':
        return t('domain.stallReason.milestonePassed', p);
      case 'assignmentOverdue':
        return t('domain.stallReason.assignmentOverdue', p);
      default:
        return t(`domain.stallRule.${String(flag.rule)}`);
    }
  }

  return { t, stageLabel, flagLabel, statusLabel, tagLabel, blockerLabel, wan, yi, money, rate, stallReason };
}
