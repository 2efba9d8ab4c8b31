/**
 * The checklist, blockers, meeting assignments and action plan of a sample project, consistent
 * with its column: every prerequisite of a passed stage is obtained, the next stage's are mixed.
 */
import { PREREQUISITE_GROUPS } from '../stages';
import type { Assignment, Blocker, BlockerTag, LoanLine, OffFlowFlag, PrereqKey, Prerequisite, StageId } from '../types';
import { BLOCKER_TAGS, PREREQ_KEYS, STAGE_IDS } from '../types';
import { ACTION_PLANS, ASSIGNMENT_TEMPLATES, BLOCKER_TEMPLATES, RESOLUTIONS, bankName } from './catalog';
import type { District } from './catalog';
import { DAY_MS, chineseMonth, isoDay, isoInstant, isoMonth, year } from './clock';
import type { Clock } from './clock';
import type { StallScenario } from './plan';
import type { Random } from './prng';
import type { Timeline } from './timeline';

const GROUP_ENTRY: readonly { keys: readonly PrereqKey[]; entersAt: number }[] = [
  { keys: PREREQUISITE_GROUPS.diligence, entersAt: STAGE_IDS.indexOf('diligence') },
  { keys: PREREQUISITE_GROUPS.approval, entersAt: STAGE_IDS.indexOf('approval') },
  { keys: PREREQUISITE_GROUPS.disburse, entersAt: STAGE_IDS.indexOf('disbursing') },
];

function docNo(random: Random, key: PrereqKey, atMs: number, district: District, creditCode: string, lead: LoanLine | null): string {
  const y = year(atMs);
  const n = random.int(12, 320);
  const digits = (count: number): string => Array.from({ length: count }, () => random.int(0, 9)).join('');
  switch (key) {
    case 'businessLicence':
      return creditCode;
    case 'auditReport':
      return `云昭会审字〔${y}〕第${n}号`;
    case 'creditRecord':
      return `ZX${y}${digits(8)}`;
    case 'projectRegistration':
      return `${isoDay(atMs).slice(2, 4)}${isoDay(atMs).slice(5, 7)}-${district.code}-04-01-${digits(6)}`;
    case 'feasibility':
      return `昭发改审批〔${y}〕${n}号`;
    case 'land':
      return `昭自然资规预〔${y}〕${n}号`;
    case 'planning':
      return `地字第${district.code}${y}${digits(4)}号`;
    case 'environment':
      return `昭环审〔${y}〕${n}号`;
    case 'energy':
      return `昭发改能审〔${y}〕${n}号`;
    case 'equityPlan':
      return `${district.short}政复〔${y}〕${n}号`;
    case 'guaranteePlan':
      return `昭融担函〔${y}〕${n}号`;
    case 'constructionPermit':
      return `${district.code}${isoDay(atMs).replaceAll('-', '')}0101`;
    case 'equityPaidIn':
      return `云昭会验字〔${y}〕第${n}号`;
    case 'contractSigned':
      return `${lead ? bankName(lead.bankId) : ''}昭通分行借字〔${y}〕第${n}号`;
    case 'collateralRegistered':
      return `云（${y}）昭通市不动产证明第${digits(7)}号`;
    case 'supervisedAccount':
      return `资金监管协议〔${y}〕${n}号`;
  }
}

export function buildPrerequisites(
  random: Random,
  clock: Clock,
  stage: StageId,
  timeline: Timeline,
  district: District,
  creditCode: string,
  lead: LoanLine | null,
): Record<PrereqKey, Prerequisite> {
  const stageIdx = STAGE_IDS.indexOf(stage);
  const result = {} as Record<PrereqKey, Prerequisite>;
  const obtained = (key: PrereqKey, atMs: number): Prerequisite => ({
    status: 'done',
    docNo: docNo(random, key, atMs, district, creditCode, lead),
    date: isoDay(atMs),
  });
  const next = GROUP_ENTRY.find((group) => group.entersAt > stageIdx);
  const allNextDone = random.chance(0.55);
  for (const group of GROUP_ENTRY) {
    const missing = group === next && !allNextDone ? random.int(0, group.keys.length - 1) : -1;
    for (const [i, key] of group.keys.entries()) {
      if (group.entersAt <= stageIdx) {
        const span = Math.max(DAY_MS, timeline.stageEnteredMs - timeline.createdMs);
        result[key] = obtained(key, timeline.createdMs + span * (0.1 + random.next() * 0.8));
      } else if (group === next) {
        const done = allNextDone || (i !== missing && random.chance(0.55));
        result[key] = done
          ? obtained(key, timeline.stageEnteredMs + (clock.nowMs - timeline.stageEnteredMs) * random.next())
          : { status: random.chance(0.7) ? 'inProgress' : 'todo', docNo: null, date: null };
      } else {
        result[key] = { status: random.chance(0.2) ? 'inProgress' : 'todo', docNo: null, date: null };
      }
    }
  }
  // The contract item follows the lead line's actual contract; there is none before an approval.
  if (stageIdx < STAGE_IDS.indexOf('approved')) {
    result.contractSigned = { status: 'todo', docNo: null, date: null };
  } else if (stage === 'approved' && lead) {
    result.contractSigned =
      lead.contractDate !== null
        ? { status: 'done', docNo: docNo(random, 'contractSigned', Date.parse(`${lead.contractDate}T04:00:00Z`), district, creditCode, lead), date: lead.contractDate }
        : { status: 'inProgress', docNo: null, date: null };
  }
  for (const key of PREREQ_KEYS) result[key] ??= { status: 'todo', docNo: null, date: null };
  return result;
}

const TAGS_BY_STAGE: readonly (readonly BlockerTag[])[] = [
  ['permits', 'equity', 'demand', 'government'],
  ['permits', 'borrower', 'equity', 'bank'],
  ['borrower', 'credit', 'repayment', 'permits'],
  ['bank', 'credit', 'repayment', 'borrower'],
  ['drawdown', 'equity', 'credit', 'permits'],
  ['drawdown', 'government', 'bank', 'equity'],
  ['drawdown', 'government'],
];

export interface BlockerContext {
  random: Random;
  clock: Clock;
  stage: StageId;
  flag: OffFlowFlag | null;
  scenario: StallScenario | null;
  timeline: Timeline;
  projectId: string;
  leadBankId: string | null;
  /** Workspace-wide counter so the first blockers cover every tag. */
  nextTag: () => number;
}

export function buildBlockers(ctx: BlockerContext): Blocker[] {
  const { random, clock, stage, timeline } = ctx;
  const stageIdx = STAGE_IDS.indexOf(stage);
  const blockers: Blocker[] = [];
  const earliest = timeline.createdMs;
  const pickTag = (): BlockerTag => {
    const counter = ctx.nextTag();
    let tag = counter < BLOCKER_TAGS.length ? (BLOCKER_TAGS[counter] as BlockerTag) : random.pick(TAGS_BY_STAGE[stageIdx] ?? BLOCKER_TAGS);
    if (ctx.leadBankId === null && (tag === 'bank' || tag === 'drawdown')) tag = 'permits';
    return tag;
  };
  const add = (tag: BlockerTag, openedMs: number, dueMs: number, resolvedMs: number | null): void => {
    const template = BLOCKER_TEMPLATES[tag];
    blockers.push({
      id: `${ctx.projectId}-b${blockers.length + 1}`,
      tag,
      description: random.pick(template.descriptions),
      party: random.pick(template.parties).replace('{bank}', ctx.leadBankId ? bankName(ctx.leadBankId) : '牵头银行'),
      dueDate: isoDay(dueMs),
      openedAt: isoInstant(openedMs),
      openedBy: 'u-staff',
      resolvedAt: resolvedMs === null ? null : isoInstant(resolvedMs),
      resolution: resolvedMs === null ? null : random.pick(RESOLUTIONS),
    });
  };

  const resolvedCount = stageIdx >= 1 && random.chance(0.35) ? random.int(1, 2) : 0;
  for (let i = 0; i < resolvedCount; i++) {
    const openedMs = earliest + (clock.nowMs - earliest) * random.next() * 0.6;
    const resolvedMs = Math.min(clock.nowMs - DAY_MS, openedMs + random.int(5, 40) * DAY_MS);
    add(pickTag(), openedMs, openedMs + random.int(15, 45) * DAY_MS, resolvedMs);
  }

  if (ctx.flag === 'withdrawn') {
    const openedMs = clock.nowMs - random.int(40, 90) * DAY_MS;
    add('demand', openedMs, openedMs + 20 * DAY_MS, openedMs + random.int(5, 15) * DAY_MS);
    return blockers;
  }
  const active = ctx.flag === null && stage !== 'disbursed';
  let openCount = active && random.chance(0.3) ? random.int(1, 2) : 0;
  if (ctx.scenario === 'blockerOverdue' || ctx.flag === 'suspended' || ctx.flag === 'rejected') openCount = Math.max(1, openCount);
  for (let i = 0; i < openCount; i++) {
    const overdue = i === 0 && ctx.scenario === 'blockerOverdue';
    const tag = ctx.flag === 'suspended' ? 'government' : ctx.flag === 'rejected' ? 'borrower' : pickTag();
    const dueMs = overdue ? clock.nowMs - random.int(3, 40) * DAY_MS : clock.nowMs + random.int(7, 45) * DAY_MS;
    const openedMs = Math.max(earliest, Math.min(clock.nowMs - DAY_MS, dueMs - random.int(15, 40) * DAY_MS));
    add(tag, openedMs, dueMs, null);
  }
  return blockers;
}

export function buildAssignments(
  random: Random,
  clock: Clock,
  projectId: string,
  scenario: StallScenario | null,
  who: string,
  leadBankId: string | null,
): Assignment[] {
  const overdue = scenario === 'assignmentOverdue';
  if (!overdue && !random.chance(0.15)) return [];
  const createdMs = clock.nowMs - random.int(20, 30) * DAY_MS;
  const done = !overdue && random.chance(0.3);
  const dueMs = overdue || done ? createdMs + random.int(7, 15) * DAY_MS : clock.nowMs + random.int(5, 30) * DAY_MS;
  const bank = leadBankId ? bankName(leadBankId) : '相关银行';
  return [
    {
      id: `${projectId}-a1`,
      month: isoMonth(createdMs),
      what: random.pick(ASSIGNMENT_TEMPLATES).replace('{bank}', bank),
      who,
      dueDate: isoDay(dueMs),
      createdAt: isoInstant(createdMs),
      doneAt: done ? isoInstant(dueMs - random.int(1, 5) * DAY_MS) : null,
    },
  ];
}

export function buildActionPlan(
  random: Random,
  unit: string,
  person: string,
  leadBankId: string | null,
  expectedMonth: string | null,
): string {
  return random
    .pick(ACTION_PLANS)
    .replace('{unit}', unit)
    .replace('{person}', person)
    .replace('{bank}', leadBankId ? bankName(leadBankId) : '意向银行')
    .replace('{month}', expectedMonth ? chineseMonth(expectedMonth) : '年内');
}
