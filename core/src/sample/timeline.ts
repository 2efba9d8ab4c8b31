/**
 * When things happened to a sample project, chosen so that an on-schedule project trips no stall
 * rule and a project built for a stall scenario trips exactly the signal it is meant to show.
 */
import type { StageId, StallRules } from '../types';
import { STAGE_IDS } from '../types';
import { DAY_MS } from './clock';
import type { Clock } from './clock';
import type { StallScenario } from './plan';
import type { Random } from './prng';

export interface Timeline {
  createdMs: number;
  stageEnteredMs: number;
  /** The lead line's approval, for stages from 已审批待投放 on. */
  approvalMs: number | null;
  firstTrancheMs: number | null;
  lastTrancheMs: number | null;
  /** Bank-silence scenario: nothing happens on the lines after this instant. */
  quietSinceMs: number | null;
}

/** A time of day in office hours, so instants do not all share the clock time of `now`. */
function officeHour(random: Random): number {
  return random.int(1, 8) * 3_600_000 + random.int(0, 59) * 60_000;
}

export function buildTimeline(
  random: Random,
  clock: Clock,
  stage: StageId,
  scenario: StallScenario | null,
  rules: StallRules,
): Timeline {
  const ago = (days: number): number => clock.nowMs - days * DAY_MS - officeHour(random);
  const limit = rules.stageLimitDays[stage] ?? 120;
  let stageEnteredMs: number;
  let approvalMs: number | null = null;
  let firstTrancheMs: number | null = null;
  let lastTrancheMs: number | null = null;
  const silent = scenario === 'bankSilent';
  const quietSinceMs = silent ? clock.nowMs - (rules.bankSilenceDays + random.int(2, 4)) * DAY_MS : null;

  switch (stage) {
    case 'approved': {
      // A quarter of the on-schedule ones sit between the warning and the alarm (a badge, not a stall).
      const approvedDays =
        scenario === 'approvedAlarm'
          ? random.int(rules.approvedAlarmDays + 5, rules.approvedAlarmDays + 70)
          : silent
            ? random.int(rules.bankSilenceDays + 5, Math.max(rules.bankSilenceDays + 5, rules.approvedWarnDays - 3))
            : random.chance(0.25) && rules.approvedWarnDays + 2 < rules.approvedAlarmDays - 2
              ? random.int(rules.approvedWarnDays + 2, rules.approvedAlarmDays - 2)
              : random.int(3, Math.max(4, rules.approvedWarnDays - 12));
      approvalMs = ago(approvedDays);
      stageEnteredMs = Math.min(approvalMs + random.int(0, 2) * DAY_MS, clock.nowMs - 3_600_000);
      break;
    }
    case 'disbursing': {
      const days =
        scenario === 'stageLimit'
          ? limit + random.int(10, 60)
          : silent
            ? random.int(rules.bankSilenceDays + 20, Math.max(rules.bankSilenceDays + 20, Math.floor(limit * 0.6)))
            : random.int(2, Math.max(3, Math.floor(limit * 0.6)));
      stageEnteredMs = ago(days);
      firstTrancheMs = stageEnteredMs;
      approvalMs = stageEnteredMs - random.int(5, 30) * DAY_MS;
      break;
    }
    case 'disbursed': {
      stageEnteredMs = ago(random.int(10, 240));
      lastTrancheMs = stageEnteredMs;
      approvalMs = stageEnteredMs - random.int(40, 200) * DAY_MS;
      firstTrancheMs = approvalMs + random.int(5, 30) * DAY_MS;
      break;
    }
    default: {
      const days = scenario === 'stageLimit' ? limit + random.int(10, 90) : random.int(3, Math.max(4, Math.floor(limit * 0.6)));
      stageEnteredMs = ago(days);
    }
  }
  const stageIndex = STAGE_IDS.indexOf(stage);
  const earliest = Math.min(stageEnteredMs, approvalMs ?? stageEnteredMs);
  const createdMs = earliest - (stageIndex * random.int(15, 40) + random.int(5, 30)) * DAY_MS;
  return { createdMs, stageEnteredMs, approvalMs, firstTrancheMs, lastTrancheMs, quietSinceMs };
}
