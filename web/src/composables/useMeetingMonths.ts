/**
 * The months a meeting can look at and what it shows over time: the last year's months plus every
 * closed one, the month after the one shown (once it has begun), and the disbursement trend from
 * the frozen snapshots with the open month's live figures at its end.
 */
import { computed } from 'vue';
import { addMonths, type IsoMonth } from '@clearway/core';
import type { TrendPoint } from '@/components/charts/types';
import { useMeetingStore } from '@/stores/meeting';

const MONTHS_OFFERED = 12;

export function useMeetingMonths() {
  const meeting = useMeetingStore();

  const monthOptions = computed(() => {
    const closed = new Set(meeting.closedMonths.map((doc) => doc.month));
    const months = new Set<IsoMonth>(Array.from({ length: MONTHS_OFFERED }, (_, i) => addMonths(meeting.currentMonth, -i)));
    for (const month of closed) months.add(month);
    months.add(meeting.month);
    return [...months].sort().reverse().map((month) => ({ month, closed: closed.has(month) }));
  });

  const nextMonth = computed(() => {
    const next = addMonths(meeting.month, 1);
    return next <= meeting.currentMonth ? next : null;
  });

  const trend = computed<TrendPoint[]>(() => {
    const points: TrendPoint[] = [...meeting.closedMonths]
      .filter((doc) => doc.month <= meeting.month && doc.totals)
      .map((doc) => ({ month: doc.month, disbursedInMonth: doc.totals?.disbursedInMonth ?? 0, disbursed: doc.totals?.disbursed ?? 0, live: false }))
      .sort((a, b) => (a.month < b.month ? -1 : 1));
    const agenda = meeting.agenda;
    // The closed months' points are the published city totals; a liaison's live agenda holds only
    // its own bank's figures, which would read as a fall at the end of the line.
    if (agenda && !meeting.isClosed && meeting.ownBankId === null) {
      points.push({ month: agenda.month, disbursedInMonth: agenda.totals.disbursedInMonth, disbursed: agenda.totals.disbursed, live: true });
    }
    return points;
  });

  return { monthOptions, nextMonth, trend };
}
