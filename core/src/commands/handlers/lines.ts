/**
 * Loan lines 融资事项: a bank's application, approval 批复, contract and disbursement tranches 投放.
 * A liaison acts only on their own bank's lines, checked before anything is written. Whatever
 * the sequence of commands, a line never disburses more than its bank approved.
 */
import { lineDisbursed } from '../../lineDigest';
import { todayIso } from '../../dates';
import { assertDateInOpenPeriod } from '../../meeting/closeMonth';
import { MAX_YUAN } from '../../money';
import { assertLineAccess } from '../../permissions';
import type { StoredDoc } from '../../store/documentStore';
import type { IsoDate, LoanLine, Tranche } from '../../types';
import {
  assertBankExists,
  assertVersion,
  diffFields,
  fieldRefusal,
  lineStatusOf,
  projectDiff,
  readLine,
  readProjectWorkspace,
  writeDerivedProject,
} from './shared';
import type { ProjectWorkspaceWithLines } from './shared';
import type { ActivityDraft, CommandHandler, HandlerContext } from './types';

const LINE_AUDIT_FIELDS = ['requested', 'approved', 'approvedDate', 'contracted', 'contractDate', 'note', 'status'];

function assertNotInFuture(ctx: HandlerContext, date: IsoDate, path: string): void {
  const today = todayIso(ctx.now);
  if (date > today) throw fieldRefusal('invalid-argument', path, 'errors.date.future', { date, today });
}

/**
 * Every amount is at most MAX_YUAN, and so is each of a project's totals over its lines (what the
 * clearance adds up): sums stay exact integers, far below Number.MAX_SAFE_INTEGER.
 */
function assertProjectTotalWithin(
  workspace: ProjectWorkspaceWithLines,
  changed: LoanLine,
  field: 'requested' | 'approved' | 'contracted',
  path: string,
): void {
  let total = 0;
  for (const doc of workspace.lines) {
    if (doc.id !== changed.id) total += doc.data[field] ?? 0;
  }
  total += changed[field] ?? 0;
  if (total > MAX_YUAN) throw fieldRefusal('invalid-argument', path, 'errors.money.totalTooLarge', { maxAmount: MAX_YUAN });
}

function assertNotBeforeApproval(line: LoanLine, date: IsoDate, path: string, messageKey: string): void {
  if (line.approvedDate !== null && date < line.approvedDate) {
    throw fieldRefusal('invalid-argument', path, messageKey, { date, approvedDate: line.approvedDate });
  }
}

/**
 * Reads a line the actor may touch, at the version the client saw, with its project's workspace.
 * The bank check comes first so that a liaison learns nothing about another bank's line.
 */
async function readLineForChange(
  ctx: HandlerContext,
  lineId: string,
  expectedVersion: number,
): Promise<{ lineDoc: StoredDoc<LoanLine>; workspace: ProjectWorkspaceWithLines }> {
  const lineDoc = await readLine(ctx.tx, lineId);
  assertLineAccess(ctx.actor, lineDoc.data);
  assertVersion(lineDoc, 'loanLines', expectedVersion);
  const workspace = await readProjectWorkspace(ctx.tx, lineDoc.data.projectId, null, { withLines: true });
  return { lineDoc, workspace };
}

/** Writes the changed line and the project derived with it; returns the history record. */
function writeLineChange(
  ctx: HandlerContext,
  lineDoc: StoredDoc<LoanLine>,
  workspace: ProjectWorkspaceWithLines,
  changed: LoanLine,
  extra: { before?: Record<string, unknown>; after?: Record<string, unknown> } = {},
): ActivityDraft {
  const line: LoanLine = { ...changed, status: lineStatusOf(changed), updatedAt: ctx.at, updatedBy: ctx.actor.uid };
  ctx.writer.update('loanLines', line.id, line, lineDoc.version);
  const project = writeDerivedProject(ctx, workspace, workspace.doc.data, line);
  const lineChange = diffFields(lineDoc.data, line, LINE_AUDIT_FIELDS);
  const projectChange = projectDiff(workspace.doc.data, project, [], line.bankId);
  return {
    projectId: line.projectId,
    lineId: line.id,
    bankId: line.bankId,
    before: { ...lineChange.before, ...projectChange.before, ...extra.before },
    after: { ...lineChange.after, ...projectChange.after, ...extra.after },
  };
}

export const lineAdd: CommandHandler<'line.add'> = async (ctx) => {
  const { projectId, bankId, product, requested, note } = ctx.payload;
  assertLineAccess(ctx.actor, { bankId });
  const workspace = await readProjectWorkspace(ctx.tx, projectId, null, { withLines: true });
  await assertBankExists(ctx.tx, bankId, 'bankId');
  const duplicate = workspace.lines.find(
    (doc) => doc.data.bankId === bankId && doc.data.product === product && doc.data.status !== 'declined',
  );
  if (duplicate) {
    throw fieldRefusal('failed-precondition', 'product', 'errors.line.duplicate', { bankId, product, lineId: duplicate.id });
  }
  const line: LoanLine = {
    id: ctx.newId('loanLines'),
    projectId,
    bankId,
    product,
    requested,
    approved: null,
    approvedDate: null,
    contracted: null,
    contractDate: null,
    tranches: [],
    status: 'applying',
    note,
    createdAt: ctx.at,
    updatedAt: ctx.at,
    updatedBy: ctx.actor.uid,
  };
  assertProjectTotalWithin(workspace, line, 'requested', 'requested');
  ctx.writer.create('loanLines', line.id, line);
  const project = writeDerivedProject(ctx, workspace, workspace.doc.data, line);
  const projectChange = projectDiff(workspace.doc.data, project, ['bankIds'], line.bankId);
  return {
    createdId: line.id,
    activity: {
      projectId,
      lineId: line.id,
      bankId: line.bankId,
      before: projectChange.before,
      after: { ...projectChange.after, bankId, product, requested, note, status: line.status },
    },
  };
};

export const lineRecordApproval: CommandHandler<'line.recordApproval'> = async (ctx) => {
  const { lineId, expectedVersion, approved, approvedDate } = ctx.payload;
  const { lineDoc, workspace } = await readLineForChange(ctx, lineId, expectedVersion);
  const line = lineDoc.data;
  assertNotInFuture(ctx, approvedDate, 'approvedDate');
  const disbursed = lineDisbursed(line);
  if (approved < disbursed) {
    throw fieldRefusal('failed-precondition', 'approved', 'errors.line.approvedBelowDisbursed', { approved, disbursed });
  }
  if (line.contracted !== null && approved < line.contracted) {
    throw fieldRefusal('failed-precondition', 'approved', 'errors.line.approvedBelowContracted', {
      approved,
      contracted: line.contracted,
    });
  }
  const firstTranche = line.tranches.map((t) => t.date).sort()[0];
  if (firstTranche !== undefined && approvedDate > firstTranche) {
    throw fieldRefusal('invalid-argument', 'approvedDate', 'errors.line.approvalAfterTranche', {
      approvedDate,
      trancheDate: firstTranche,
    });
  }
  // A contract is signed on an approval: re-recording the approval cannot date it after the contract.
  if (line.contractDate !== null && approvedDate > line.contractDate) {
    throw fieldRefusal('invalid-argument', 'approvedDate', 'errors.line.approvalAfterContract', {
      approvedDate,
      contractDate: line.contractDate,
    });
  }
  const changed = { ...line, approved, approvedDate };
  assertProjectTotalWithin(workspace, changed, 'approved', 'approved');
  await assertDateInOpenPeriod(ctx.tx, approvedDate, 'approvedDate');
  return { activity: writeLineChange(ctx, lineDoc, workspace, changed) };
};

export const lineRecordContract: CommandHandler<'line.recordContract'> = async (ctx) => {
  const { lineId, expectedVersion, contracted, contractDate } = ctx.payload;
  const { lineDoc, workspace } = await readLineForChange(ctx, lineId, expectedVersion);
  const line = lineDoc.data;
  if (line.approved === null) throw fieldRefusal('failed-precondition', 'contracted', 'errors.line.notApproved');
  if (line.approved === 0) throw fieldRefusal('failed-precondition', 'contracted', 'errors.line.declined');
  if (contracted > line.approved) {
    throw fieldRefusal('failed-precondition', 'contracted', 'errors.line.contractOverApproved', {
      approved: line.approved,
      contracted,
    });
  }
  assertNotInFuture(ctx, contractDate, 'contractDate');
  assertNotBeforeApproval(line, contractDate, 'contractDate', 'errors.line.contractBeforeApproval');
  const changed = { ...line, contracted, contractDate };
  assertProjectTotalWithin(workspace, changed, 'contracted', 'contracted');
  await assertDateInOpenPeriod(ctx.tx, contractDate, 'contractDate');
  return { activity: writeLineChange(ctx, lineDoc, workspace, changed) };
};

export const lineAddTranche: CommandHandler<'line.addTranche'> = async (ctx) => {
  const { lineId, expectedVersion, date, amount } = ctx.payload;
  const { lineDoc, workspace } = await readLineForChange(ctx, lineId, expectedVersion);
  const line = lineDoc.data;
  if (line.approved === null) throw fieldRefusal('failed-precondition', 'amount', 'errors.line.notApproved');
  if (line.approved === 0) throw fieldRefusal('failed-precondition', 'amount', 'errors.line.declined');
  const disbursed = lineDisbursed(line);
  if (disbursed + amount > line.approved) {
    throw fieldRefusal('failed-precondition', 'amount', 'errors.line.overDisbursed', {
      approved: line.approved,
      disbursed,
      amount,
    });
  }
  assertNotInFuture(ctx, date, 'date');
  assertNotBeforeApproval(line, date, 'date', 'errors.line.trancheBeforeApproval');
  await assertDateInOpenPeriod(ctx.tx, date, 'date');
  const tranche: Tranche = { id: ctx.newId('loanLines'), date, amount, recordedAt: ctx.at, recordedBy: ctx.actor.uid };
  const tranches = [...line.tranches, tranche].sort((a, b) => (a.date === b.date ? a.recordedAt.localeCompare(b.recordedAt) : a.date < b.date ? -1 : 1));
  const activity = writeLineChange(ctx, lineDoc, workspace, { ...line, tranches }, {
    before: { disbursed },
    after: { disbursed: disbursed + amount, tranche: { id: tranche.id, date, amount } },
  });
  return { createdId: tranche.id, activity };
};

export const lineSetNote: CommandHandler<'line.setNote'> = async (ctx) => {
  const { lineId, expectedVersion, note } = ctx.payload;
  const { lineDoc, workspace } = await readLineForChange(ctx, lineId, expectedVersion);
  return { activity: writeLineChange(ctx, lineDoc, workspace, { ...lineDoc.data, note }) };
};

