/**
 * The words every figure on every screen, in the 调度表 and in the print is counted with, each
 * decided once here. A screen that needs one of these asks for it by name; it never re-derives it.
 */
import { daysBetween } from '../dates';
import { isActiveLine } from '../stall';
import type { LineDigest, LoanLine, OffFlowFlag, Project, StallRules, Yuan } from '../types';

/**
 * Off the main flow 不在流程: a project suspended 暂缓, withdrawn 退出 or rejected 被否. It stays on
 * the list (its history and the money already lent are real), but it is no longer pushed.
 */
export function isOffFlow(project: { flag: OffFlowFlag | null }): boolean {
  return project.flag !== null;
}

/**
 * In the pipeline 在库: on the list and on the main flow. The meeting's 在库项目 figure, its
 * 融资需求 and the stage funnel's 合计 all count exactly these projects, so they agree.
 */
export function isInPipeline(project: { flag: OffFlowFlag | null }): boolean {
  return !isOffFlow(project);
}

/**
 * A project's financing need 融资需求: the total need the owner declared. The clearance summary
 * carries the same figure; a project saved before the summary had it reads as zero there.
 */
export function projectNeed(project: Pick<Project, 'needTotal'> & { clearance: { need: Yuan } }): Yuan {
  return project.clearance.need || project.needTotal;
}

/**
 * A bank's line 银行的融资事项: every application made to the bank that the list holds, declined
 * 被否 ones included. 申请金额 says what projects asked of the bank, and the bank's answer is part
 * of its record; a declined line carries no approved, contracted or disbursed money, so only the
 * line count, the project count and 申请金额 see it. 我的银行 and 分银行情况 count the same lines.
 */
export function isBankLine(line: Pick<LoanLine, 'bankId'>, bankId: string): boolean {
  return line.bankId === bankId;
}

/**
 * A line that waits on its bank 待银行推进: approved, contracted or disbursing and not fully drawn.
 * An application still under review is the bank's own decision time (the stage limits watch it);
 * a declined or fully drawn line waits on nobody.
 */
export function lineWaitsOnBank(line: Pick<LineDigest, 'status' | 'approved' | 'disbursed'>): boolean {
  return isActiveLine(line);
}

/** Whole calendar days (Asia/Shanghai) since the bank last touched the line. */
export function daysSinceBankUpdate(line: Pick<LoanLine, 'updatedAt'>, now: Date): number {
  return Math.max(daysBetween(line.updatedAt, now), 0);
}

/**
 * A bank is silent on a project 银行未更新: of its lines on the project that wait on it, the latest
 * update is more than the workspace's `bankSilenceDays` old (a threshold fires once the count goes
 * over it). One recent update on any of them is news from the bank. The daily stall scan flags the
 * project `bankSilent` by this rule, and 我的银行 lists the silent bank's waiting lines, so the
 * card's flag and the bank's list name the same projects.
 */
export function isBankSilentOn(
  bankLinesOfProject: readonly Pick<LineDigest, 'status' | 'approved' | 'disbursed' | 'updatedAt'>[],
  now: Date,
  rules: Pick<StallRules, 'bankSilenceDays'>,
): boolean {
  let latest: number | null = null;
  for (const line of bankLinesOfProject) {
    if (!lineWaitsOnBank(line)) continue;
    const at = Date.parse(line.updatedAt);
    if (!Number.isNaN(at) && (latest === null || at > latest)) latest = at;
  }
  return latest !== null && daysSinceBankUpdate({ updatedAt: new Date(latest).toISOString() }, now) > rules.bankSilenceDays;
}

/** part / whole, or null when there is no whole to measure against (shown as a dash). */
export function rateOf(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

/**
 * 协议履约率 of a set of banks: what the banks WITH a strategic agreement lent, against the sum of
 * their agreements. A bank that lends without an agreement adds nothing to either side.
 */
export function agreementFulfilment(rows: readonly { agreementAmount: Yuan; disbursed: Yuan }[]): number | null {
  let lent = 0;
  let agreed = 0;
  for (const row of rows) {
    if (row.agreementAmount <= 0) continue;
    lent += row.disbursed;
    agreed += row.agreementAmount;
  }
  return rateOf(lent, agreed);
}

/** A bank with no line and no agreement says nothing in a meeting: its row is left out. */
export function isIdleBank(row: { lineCount: number; agreementAmount: Yuan }): boolean {
  return row.lineCount === 0 && row.agreementAmount <= 0;
}
