/**
 * Loan lines consistent with the column: no approval before 已审批待投放, tranches only from
 * 投放中 on, never more drawn than approved, and everything drawn in 已投放.
 */
import type { LineStatus, LoanLine, LoanProduct, OffFlowFlag, StageId, Tranche } from '../types';
import { STAGE_IDS } from '../types';
import { DAY_MS, isoDay, isoInstant } from './clock';
import type { Clock } from './clock';
import { liaisonUidOf } from './identities';
import type { Random } from './prng';
import type { Timeline } from './timeline';

export const MILLION = 1_000_000;

/** Rounds to whole 100万元 (the way amounts are quoted), never below one unit. */
export function roundMillions(yuan: number): number {
  return Math.max(MILLION, Math.round(yuan / MILLION) * MILLION);
}

export interface LineSpec {
  id: string;
  projectId: string;
  bankId: string;
  product: LoanProduct;
  requested: number;
  stage: StageId;
  flag: OffFlowFlag | null;
  /** The second line of a project gets approved later than the lead line, or not yet. */
  secondary: boolean;
}

const NOTES: Record<LineStatus, readonly string[]> = {
  applying: ['已完成贷前调查，待上会审批', '授信方案已上报省分行', '正在补充项目可研及财务资料', '已受理融资申请，开展尽职调查'],
  approved: ['已出具授信批复，待签订借款合同', '批复已下达，正在落实放款条件'],
  contracted: ['借款合同已签订，待落实提款条件', '合同已签订，待受托支付资料'],
  disbursing: ['按工程进度分批投放', '下一笔待监理进度确认后投放'],
  disbursed: ['已全部投放完毕', '贷款已足额投放'],
  declined: ['经审查不符合授信条件，已否决', '主体负债率超限，未通过审批'],
};

function splitAmount(random: Random, total: number, parts: number): number[] {
  const count = Math.max(1, Math.min(parts, Math.floor(total / MILLION)));
  const amounts: number[] = [];
  let left = total;
  for (let i = count; i > 1; i--) {
    const share = Math.min(left - (i - 1) * MILLION, roundMillions((left / i) * (0.6 + random.next() * 0.8)));
    amounts.push(share);
    left -= share;
  }
  amounts.push(left);
  return amounts;
}

/** `count` ascending instants from `fromMs` to `toMs` (both included when count ≥ 2). */
function spread(random: Random, fromMs: number, toMs: number, count: number): number[] {
  if (count === 1) return [fromMs];
  const points = [fromMs, toMs];
  for (let i = 2; i < count; i++) points.push(fromMs + random.next() * (toMs - fromMs));
  return points.sort((a, b) => a - b);
}

export function buildLine(random: Random, clock: Clock, spec: LineSpec, timeline: Timeline): LoanLine {
  const stageIdx = STAGE_IDS.indexOf(spec.stage);
  const recorder = liaisonUidOf(spec.bankId) ?? 'u-staff';
  // In the bank-silence scenario nothing happens on the line after `quietSinceMs`.
  const silent = timeline.quietSinceMs !== null;
  const latest = timeline.quietSinceMs ?? clock.nowMs - 3_600_000;
  const beforeMilestone = Math.min(timeline.stageEnteredMs, timeline.approvalMs ?? timeline.stageEnteredMs);
  const createdMs = spec.stage === 'matched' ? beforeMilestone : timeline.createdMs + (beforeMilestone - timeline.createdMs) * 0.3;

  let status: LineStatus = spec.flag === 'rejected' ? 'declined' : 'applying';
  let approved: number | null = null;
  let approvalMs: number | null = null;
  let contractMs: number | null = null;
  const tranches: Tranche[] = [];

  const leadApprovalMs = stageIdx >= STAGE_IDS.indexOf('approved') && spec.flag === null ? timeline.approvalMs : null;
  // A second line in 已审批待投放 or 投放中 may still be in the bank's pipeline.
  if (leadApprovalMs !== null && !(spec.secondary && spec.stage !== 'disbursed' && random.chance(0.5))) {
    approvalMs = spec.secondary
      ? Math.max(
          leadApprovalMs,
          Math.min(latest, leadApprovalMs + random.int(1, 10) * DAY_MS, (timeline.firstTrancheMs ?? Infinity) - 2 * DAY_MS),
        )
      : leadApprovalMs;
    approved = roundMillions(spec.requested * (0.7 + random.next() * 0.3));
    status = 'approved';
    const contractBy = timeline.firstTrancheMs ?? latest;
    const contracts = spec.stage === 'disbursed' || (!spec.secondary && spec.stage === 'disbursing') || random.chance(0.5);
    if (contracts && contractBy > approvalMs) {
      contractMs = approvalMs + (contractBy - approvalMs) * (0.2 + random.next() * 0.6);
      status = 'contracted';
    }
    const draws = spec.stage === 'disbursed' || (spec.stage === 'disbursing' && !spec.secondary);
    if (draws && contractMs !== null && timeline.firstTrancheMs !== null) {
      const full = spec.stage === 'disbursed';
      const total = full ? approved : Math.min(approved - MILLION, roundMillions(approved * (0.15 + random.next() * 0.65)));
      const lastMs = full ? (timeline.lastTrancheMs ?? latest) : latest - random.int(0, 3) * DAY_MS;
      const amounts = splitAmount(random, total, full ? random.int(2, 4) : random.int(1, 4));
      const firstMs = Math.max(timeline.firstTrancheMs, contractMs + DAY_MS);
      spread(random, firstMs, Math.max(firstMs, lastMs), amounts.length).forEach((atMs, i) => {
        tranches.push({
          id: `${spec.id}-t${i + 1}`,
          date: isoDay(atMs),
          amount: amounts[i] ?? 0,
          recordedAt: isoInstant(Math.min(latest, atMs + random.int(1, 6) * 3_600_000)),
          recordedBy: recorder,
        });
      });
      status = full ? 'disbursed' : 'disbursing';
    }
  }

  const lastEventMs = Math.max(
    createdMs,
    approvalMs ?? 0,
    contractMs ?? 0,
    ...tranches.map((tranche) => Date.parse(tranche.recordedAt)),
  );
  // Banks on live lines report every few weeks; silent and settled lines keep their last event.
  const live = spec.flag === null && status !== 'disbursed' && !silent;
  const updatedMs = live ? Math.min(clock.nowMs - 3_600_000, Math.max(lastEventMs, clock.nowMs - random.int(1, 20) * DAY_MS)) : lastEventMs;

  return {
    id: spec.id,
    projectId: spec.projectId,
    bankId: spec.bankId,
    product: spec.product,
    requested: spec.requested,
    approved,
    approvedDate: approvalMs === null ? null : isoDay(approvalMs),
    contracted: contractMs === null ? null : approved,
    contractDate: contractMs === null ? null : isoDay(contractMs),
    tranches,
    status,
    note: random.pick(NOTES[status]),
    createdAt: isoInstant(createdMs),
    updatedAt: isoInstant(updatedMs),
    updatedBy: recorder,
  };
}
