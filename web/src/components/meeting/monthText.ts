/** Month words shared by the meeting, plan and bank views: `2026年5月` / `May 2026`. */
import { useI18n } from 'vue-i18n';
import { formatRate, type IsoMonth } from '@clearway/core';

function params(month: IsoMonth) {
  return { year: Number(month.slice(0, 4)), month: Number(month.slice(5, 7)), mm: month.slice(5, 7) };
}

export function useMonthText() {
  const { t } = useI18n();
  function monthLabel(month: IsoMonth): string {
    return t('meeting.monthLabel', params(month));
  }
  function shortMonth(month: IsoMonth): string {
    return t('meeting.shortMonth', params(month));
  }
  return { monthLabel, shortMonth };
}

/** `12.5%`, or a dash without a value: core's rate format, the one the workbook and the cards use. */
export const percent = formatRate;
