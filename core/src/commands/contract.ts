/**
 * The command contract between every client (web local backend, web firebase backend, tests)
 * and the one command executor. A command is a name and a JSON payload; payloads are validated
 * with the zod schemas in schemas.ts. Amounts in payloads are integer yuan (the UI converts 万元).
 * Every payload that changes an existing document carries `expectedVersion`, the version the
 * user saw; a different stored version is a conflict.
 */
import type { Actor } from '../types';

export const COMMAND_NAMES = [
  // projects and the board
  'project.create',
  'project.update',
  'project.move',
  'project.setFlag',
  'project.reschedule',
  'project.setActionPlan',
  'prerequisite.set',
  'blocker.add',
  'blocker.resolve',
  // loan lines (liaisons: own bank only)
  'line.add',
  'line.recordApproval',
  'line.recordContract',
  'line.addTranche',
  'line.setNote',
  // administration
  'rules.setStageLimits',
  'targets.set',
  'bank.upsert',
  'member.upsert',
  // the daily job
  'stall.scan',
  // the monthly meeting
  'assignment.add',
  'assignment.complete',
  'month.close',
  // the ledger import 台账导入 (core/src/ledger)
  'ledger.importProject',
  'ledger.undoImport',
  'month.reopen',
  // the 督办 loop on an assignment (core/src/followUp/loop.ts)
  'assignment.acknowledge',
  'assignment.report',
  'assignment.requestClose',
  'assignment.close',
  'assignment.return',
  // the monthly reporting round 月度报送 (core/src/followUp/reporting.ts)
  'reporting.open',
  'reporting.submit',
  'reporting.chase',
  // delivery channels 通知渠道 (core/src/notify)
  'notify.setChannels',
  // the quarterly bank scorecard 银行季度考核 (core/src/views/bankScorecard.ts)
  'scorecard.setWeights',
  // the 工作提醒函's number, allocated when it is issued (core/src/followUp/letterRegister.ts)
  'letter.issue',
] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

export interface CommandEnvelope {
  name: CommandName;
  payload: unknown;
}

/** A project a batch command could not write this time (the next run tries it again). */
export interface SkippedProject {
  projectId: string;
  /** The refusal's message key, e.g. 'errors.project.tooLarge'. */
  messageKey: string;
  params?: Record<string, string | number>;
}

export interface CommandResult {
  /** The documents the command wrote, with their new versions (so a client can reconcile). */
  written: { collection: string; id: string; version: number }[];
  /** Id of a created entity (project, line, blocker, tranche, assignment) when there is one. */
  createdId?: string;
  /** The activity record id, when one was written. */
  activityId?: string;
  /** Command-specific figures, e.g. the stall scan's candidate/flagged counts. */
  stats?: Record<string, number>;
  /**
   * The projects a batch command left out because it could not write them, and why (the stall
   * scan: one over the document budget), for the adapters' logs; absent when none was.
   */
  skipped?: SkippedProject[];
  /**
   * Message keys of what the user should know although the command was saved, e.g.
   * 'errors.member.claimsPending' when a member's sign-in rights could not be updated yet.
   */
  notices?: string[];
}

export interface CommandContext {
  actor: Actor;
  now: Date;
  /**
   * Check inside the command's transaction that the actor is still an enabled member with the
   * role and bank they act with (an entry point whose identity comes from a token that can
   * outlive a change, e.g. the Firebase callable). A check before the transaction would let a
   * command from someone disabled a moment earlier commit.
   */
  requireActiveMember?: boolean;
}
