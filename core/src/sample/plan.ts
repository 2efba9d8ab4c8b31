/**
 * How many projects sit in each column, which are off the main flow, and which are meant to be
 * stalled (and by which rule), so that every column and every stall signal shows up in the demo.
 */
import { STAGE_IDS } from '../types';
import type { OffFlowFlag, StageId, StallRules } from '../types';
import type { Random } from './prng';

export const STALL_SCENARIOS = [
  'stageLimit',
  'milestonePassed',
  'bankSilent',
  'blockerOverdue',
  'approvedAlarm',
  'assignmentOverdue',
] as const;
export type StallScenario = (typeof STALL_SCENARIOS)[number];

export interface Slot {
  stage: StageId;
  flag: OffFlowFlag | null;
  /** The stall signal this project is built to trigger, or null for a project on schedule. */
  scenario: StallScenario | null;
}

/** Column weights of the default 48-project board (45 on the flow + 3 off it). */
const STAGE_WEIGHTS: Record<StageId, number> = {
  pipeline: 7,
  matched: 7,
  diligence: 7,
  approval: 6,
  approved: 8,
  disbursing: 7,
  disbursed: 3,
};
const OFF_FLOW_SLOTS: readonly { flag: OffFlowFlag; stage: StageId }[] = [
  { flag: 'suspended', stage: 'diligence' },
  { flag: 'withdrawn', stage: 'matched' },
  { flag: 'rejected', stage: 'approval' },
];
/** One active project in this many is built to be stalled. */
const STALLED_EVERY = 4;

function stageCounts(onFlow: number): Record<StageId, number> {
  const totalWeight = STAGE_IDS.reduce((sum, id) => sum + STAGE_WEIGHTS[id], 0);
  const exact = STAGE_IDS.map((id) => (onFlow * STAGE_WEIGHTS[id]) / totalWeight);
  const counts = exact.map(Math.floor);
  const byRemainder = STAGE_IDS.map((_, i) => i).sort((a, b) => (exact[b] ?? 0) - (counts[b] ?? 0) - ((exact[a] ?? 0) - (counts[a] ?? 0)) || a - b);
  let left = onFlow - counts.reduce((sum, c) => sum + c, 0);
  for (const i of byRemainder) {
    if (left <= 0) break;
    counts[i] = (counts[i] ?? 0) + 1;
    left -= 1;
  }
  // Small boards still show every column when they can.
  for (let i = 0; i < counts.length && onFlow >= STAGE_IDS.length; i++) {
    if (counts[i] === 0) {
      const donor = counts.indexOf(Math.max(...counts));
      counts[donor] = (counts[donor] ?? 0) - 1;
      counts[i] = 1;
    }
  }
  return Object.fromEntries(STAGE_IDS.map((id, i) => [id, counts[i] ?? 0])) as Record<StageId, number>;
}

function applies(scenario: StallScenario, stage: StageId, rules: StallRules): boolean {
  switch (scenario) {
    case 'stageLimit':
      return rules.stageLimitDays[stage] !== null;
    case 'approvedAlarm':
      return stage === 'approved';
    case 'bankSilent':
      // Only approved lines wait on the bank (see isActiveLine in stall.ts).
      return stage === 'approved' || stage === 'disbursing';
    case 'milestonePassed':
      return STAGE_IDS.indexOf(stage) < STAGE_IDS.indexOf('disbursing');
    default:
      return true;
  }
}

export function planSlots(count: number, random: Random, rules: StallRules): Slot[] {
  const offFlowCount = count >= 10 ? Math.max(OFF_FLOW_SLOTS.length, Math.round((count * 3) / 48)) : 0;
  const counts = stageCounts(count - offFlowCount);
  const slots: Slot[] = [];
  for (const stage of STAGE_IDS) {
    for (let i = 0; i < counts[stage]; i++) slots.push({ stage, flag: null, scenario: null });
  }
  for (let i = 0; i < offFlowCount; i++) {
    const offFlow = OFF_FLOW_SLOTS[i % OFF_FLOW_SLOTS.length] as (typeof OFF_FLOW_SLOTS)[number];
    slots.push({ stage: offFlow.stage, flag: offFlow.flag, scenario: null });
  }
  const shuffled = random.shuffle(slots);

  let activeIndex = 0;
  let cursor = 0;
  let alarmShown = false;
  for (const slot of shuffled) {
    if (slot.flag !== null || slot.stage === 'disbursed') continue;
    // The approved-not-disbursed alarm is the list the bureau watches most: always show one.
    if (slot.stage === 'approved' && !alarmShown) {
      slot.scenario = 'approvedAlarm';
      alarmShown = true;
      continue;
    }
    activeIndex += 1;
    if (activeIndex % STALLED_EVERY !== 1) continue;
    for (let tries = 0; tries < STALL_SCENARIOS.length; tries++) {
      const scenario = STALL_SCENARIOS[(cursor + tries) % STALL_SCENARIOS.length] as StallScenario;
      if (applies(scenario, slot.stage, rules)) {
        slot.scenario = scenario;
        cursor = (cursor + tries + 1) % STALL_SCENARIOS.length;
        break;
      }
    }
  }
  // Every signal shows at least once when the board has a project it can apply to.
  for (const scenario of STALL_SCENARIOS) {
    if (shuffled.some((slot) => slot.scenario === scenario)) continue;
    const candidate = shuffled.find(
      (slot) => slot.flag === null && slot.stage !== 'disbursed' && slot.scenario === null && applies(scenario, slot.stage, rules),
    );
    if (candidate) candidate.scenario = scenario;
  }
  return shuffled;
}
