/**
 * Which handler runs which command. `month.close` belongs to the monthly-meeting module, which
 * adds itself with `registerCommandHandler('month.close', …)` (or by a line in this map).
 */
import type { CommandName } from '../contract';
import { monthClose, monthReopen } from '../../meeting/closeMonth';
import { bankUpsert, memberUpsert, rulesSetStageLimits, targetsSet } from './admin';
import { assignmentAdd, assignmentComplete, blockerAdd, blockerResolve, prerequisiteSet } from './checklist';
import {
  assignmentAcknowledge,
  assignmentClose,
  assignmentReport,
  assignmentRequestClose,
  assignmentReturn,
  reportingChase,
  reportingOpen,
  letterIssue,
  reportingSubmit,
} from './followUp';
import { ledgerImportProject, ledgerUndoImport } from './ledger';
import { lineAdd, lineAddTranche, lineRecordApproval, lineRecordContract, lineSetNote } from './lines';
import {
  projectCreate,
  projectMove,
  projectReschedule,
  projectSetActionPlan,
  projectSetFlag,
  projectUpdate,
} from './projects';
import { notifySetChannels } from './notify';
import { scorecardSetWeights } from './scorecard';
import { stallScan } from './stallScan';
import type { CommandHandler } from './types';

type HandlerMap = { [N in CommandName]?: CommandHandler<N> };

const handlers: HandlerMap = {
  'project.create': projectCreate,
  'project.update': projectUpdate,
  'project.move': projectMove,
  'project.setFlag': projectSetFlag,
  'project.reschedule': projectReschedule,
  'project.setActionPlan': projectSetActionPlan,
  'prerequisite.set': prerequisiteSet,
  'blocker.add': blockerAdd,
  'blocker.resolve': blockerResolve,
  'line.add': lineAdd,
  'line.recordApproval': lineRecordApproval,
  'line.recordContract': lineRecordContract,
  'line.addTranche': lineAddTranche,
  'line.setNote': lineSetNote,
  'rules.setStageLimits': rulesSetStageLimits,
  'targets.set': targetsSet,
  'bank.upsert': bankUpsert,
  'member.upsert': memberUpsert,
  'stall.scan': stallScan,
  'assignment.add': assignmentAdd,
  'assignment.complete': assignmentComplete,
  'month.close': monthClose,
  'ledger.importProject': ledgerImportProject,
  'ledger.undoImport': ledgerUndoImport,
  'month.reopen': monthReopen,
  'assignment.acknowledge': assignmentAcknowledge,
  'assignment.report': assignmentReport,
  'assignment.requestClose': assignmentRequestClose,
  'assignment.close': assignmentClose,
  'assignment.return': assignmentReturn,
  'reporting.open': reportingOpen,
  'reporting.submit': reportingSubmit,
  'reporting.chase': reportingChase,
  'notify.setChannels': notifySetChannels,
  'scorecard.setWeights': scorecardSetWeights,
  'letter.issue': letterIssue,
};

/** Installs (or replaces) the handler of a command, e.g. `month.close` from the meeting module. */
export function registerCommandHandler<N extends CommandName>(name: N, handler: CommandHandler<N>): void {
  (handlers as Record<string, unknown>)[name] = handler;
}

export function commandHandlerFor<N extends CommandName>(name: N): CommandHandler<N> | undefined {
  return handlers[name] as CommandHandler<N> | undefined;
}

export type { ActivityDraft, CommandHandler, HandlerContext, HandlerOutcome, WrittenDoc } from './types';
export { TransactionWriter } from './types';
export {
  assertVersion,
  deriveInWorkspace,
  diffFields,
  editProject,
  lineStatusOf,
  projectDiff,
  readLinesOf,
  readProjectWorkspace,
  readStallRules,
  STALL_RULES_DOC_ID,
  targetsDocId,
  writeDerivedProject,
} from './shared';
export type { ProjectWorkspace, ProjectWorkspaceWithLines } from './shared';
