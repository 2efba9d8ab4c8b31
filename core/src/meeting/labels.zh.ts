/**
 * The Chinese words of the 调度表 workbook. The workbook is the bureau's official Chinese form,
 * produced in core so that the browser and the functions export the same file; these labels are
 * the same as the web app's zh-CN `domain` messages (web/src/i18n/workbookLabels.test.ts checks it).
 */
import type { BankCategory, BlockerTag, ClearanceStatus, OffFlowFlag, StageId, StallRule } from '../types';
import type { ProblemStatus } from './agenda';

export const STAGE_ZH: Record<StageId, string> = {
  pipeline: '储备谋划',
  matched: '推介对接',
  diligence: '调查评估',
  approval: '审批中',
  approved: '已审批待投放',
  disbursing: '投放中',
  disbursed: '已投放',
};

export const FLAG_ZH: Record<OffFlowFlag, string> = { suspended: '暂缓', withdrawn: '退出', rejected: '被否' };

export const CLEARANCE_STATUS_ZH: Record<ClearanceStatus, string> = {
  cleared: '可推进',
  blocked: '受阻',
  stalled: '停滞',
  done: '已完成',
  offFlow: '流程外',
};

export const BLOCKER_TAG_ZH: Record<BlockerTag, string> = {
  permits: '手续',
  equity: '资本金',
  credit: '增信',
  repayment: '还款来源',
  borrower: '主体',
  bank: '银行',
  drawdown: '放款',
  demand: '需求',
  government: '协调',
};

export const BANK_CATEGORY_ZH: Record<BankCategory, string> = {
  stateLarge: '国有大行',
  policy: '政策性银行',
  jointStock: '股份制银行',
  cityCommercial: '城商行',
  rural: '农商行/农信社',
  village: '村镇银行',
  insurer: '保险机构',
  securities: '证券公司',
};

export const STALL_RULE_ZH: Record<StallRule, string> = {
  stageLimit: '阶段超时',
  milestonePassed: '预计投放月已过',
  bankSilent: '银行未更新',
  blockerOverdue: '问题逾期',
  assignmentOverdue: '交办逾期',
};

export const PROBLEM_STATUS_ZH: Record<ProblemStatus, string> = { new: '本月新增', inProgress: '推进中', resolved: '本月已解决' };
