/**
 * The ledger import as commands. `ledger.importProject` writes one project of an imported 台账
 * (created, or updated at the version the preview saw) with its loan lines, tranches and
 * difficulties in one transaction, through the board's stage gates, and records one activity
 * marked with the file's name; that record also keeps what the project and its lines were, so
 * that `ledger.undoImport` can take the whole import back while nothing after it touched them.
 */
import { todayIso } from '../../dates';
import { deriveProject } from '../../derive';
import { DomainError } from '../../errors';
import { lineDisbursed } from '../../lineDigest';
import { assertOutsideClosedPeriod, latestClosedMonth } from '../../meeting/closeMonth';
import { rankBetween } from '../../rank';
import { checkStageGate } from '../../stages';
import type { StoredDoc } from '../../store/documentStore';
import type { Activity, Blocker, LoanLine, Project, StageId } from '../../types';
import { assertBankExists, assertVersion, diffFields, fieldRefusal, lineStatusOf, newProject, readLinesOf, readProject, readStallRules } from './shared';
import type { CommandHandler, HandlerContext } from './types';
import { normalizeText } from '../schemas';
import { assertLineTotalsWithin, assertRoomForProjects, readProjectCount, writeProjectCount } from '../../workspace/capacity';
import type { LedgerImportPayload } from '../../ledger/payload';

/** An activity of `ledger.importProject`: the history record plus what the undo needs. */
export interface LedgerImportActivity extends Activity {
  importId: string;
  fileName: string;
  restore: {
    /** The project's version once the import wrote it. */
    projectVersion: number;
    /** The project as it was before, or null when the import created it. */
    project: Project | null;
    lines: { id: string; version: number; before: LoanLine | null }[];
  };
}

const AUDITED = [
  'name',
  'owner',
  'district',
  'sector',
  'buildStatus',
  'totalInvestment',
  'needTotal',
  'needThisYear',
  'leadBankId',
  'responsibleUnit',
  'responsiblePerson',
  'expectedMonth',
  'stage',
  'flag',
  'bankIds',
  'clearance.approved',
  'clearance.disbursed',
  'clearance.status',
];

async function lastRankIn(ctx: HandlerContext, stage: StageId): Promise<string | null> {
  const [last] = await ctx.tx.query<Project>('projects', {
    where: [{ field: 'stage', op: '==', value: stage }],
    orderBy: [{ field: 'rank', direction: 'desc' }],
    limit: 1,
  });
  return last?.data.rank ?? null;
}

/** The texts of a payload as every other command stores them (invisible characters removed). */
function normalizedInput(payload: LedgerImportPayload): LedgerImportPayload {
  const fields = { ...payload.fields };
  for (const key of ['name', 'district', 'sector', 'responsibleUnit', 'responsiblePerson'] as const) {
    const value = fields[key];
    if (value !== undefined) fields[key] = normalizeText(value);
  }
  if (fields.owner) fields.owner = { ...fields.owner, name: normalizeText(fields.owner.name) };
  for (const key of ['name', 'district', 'sector'] as const) {
    if (fields[key] === '') throw fieldRefusal('invalid-argument', `fields.${key}`, 'errors.field.invisibleOnly');
  }
  if (fields.owner?.name === '') throw fieldRefusal('invalid-argument', 'fields.owner.name', 'errors.field.invisibleOnly');
  const blockers = payload.blockers.map((b, i) => {
    const next = { ...b, description: normalizeText(b.description), party: normalizeText(b.party) };
    if (!next.description || !next.party) throw fieldRefusal('invalid-argument', `blockers.${i}`, 'errors.field.invisibleOnly');
    return next;
  });
  return { ...payload, fields, blockers };
}

export const ledgerImportProject: CommandHandler<'ledger.importProject'> = async (ctx) => {
  const input = normalizedInput(ctx.payload);
  const today = todayIso(ctx.now);
  // An import writes dated records like the line commands do: none in a closed month.
  const closedThrough = await latestClosedMonth(ctx.tx);

  // ---- reads (all before any write) ----
  const rules = await readStallRules(ctx.tx);
  const bankIds = [...new Set([...input.lines.map((line) => line.bankId), ...(input.fields.leadBankId ? [input.fields.leadBankId] : [])])];
  for (const bankId of bankIds) await assertBankExists(ctx.tx, bankId, 'lines');
  let existing: StoredDoc<Project> | null = null;
  let lineDocs: StoredDoc<LoanLine>[] = [];
  if (input.projectId !== null) {
    existing = await readProject(ctx.tx, input.projectId);
    assertVersion(existing, 'projects', input.expectedVersion!);
    lineDocs = await readLinesOf(ctx.tx, input.projectId);
  } else {
    const named = await ctx.tx.query<Project>('projects', { where: [{ field: 'name', op: '==', value: input.fields.name }], limit: 1 });
    if (named.length > 0) throw fieldRefusal('failed-precondition', 'fields.name', 'errors.ledger.projectExists', { name: input.fields.name! });
  }
  const count = existing ? null : await readProjectCount(ctx.tx);
  if (count) assertRoomForProjects(count, 1);
  const fromStage: StageId = existing?.data.stage ?? 'pipeline';
  const targetStage = input.stage ?? fromStage;
  const rankAbove = targetStage !== existing?.data.stage ? await lastRankIn(ctx, targetStage) : null;

  // ---- the project as the ledger says it ----
  const id = existing?.id ?? ctx.newId('projects');
  const base: Project = existing
    ? structuredClone(existing.data)
    : newProject(id, ctx.at, ctx.actor.uid, {
        name: input.fields.name!,
        owner: input.fields.owner!,
        district: input.fields.district!,
        sector: input.fields.sector!,
        source: input.fields.source ?? 'self',
        buildStatus: input.fields.buildStatus ?? 'preparation',
      });
  const draft: Project = { ...base, ...input.fields, updatedAt: ctx.at, updatedBy: ctx.actor.uid };
  if (draft.needThisYear > draft.needTotal) {
    throw fieldRefusal('invalid-argument', 'fields.needThisYear', 'errors.project.needThisYearOverTotal', {
      needThisYear: draft.needThisYear,
      needTotal: draft.needTotal,
    });
  }

  // ---- loan lines ----
  const lines = new Map<string, LoanLine>(lineDocs.map((doc) => [doc.id, doc.data]));
  const changedLines: { line: LoanLine; doc: StoredDoc<LoanLine> | null }[] = [];
  input.lines.forEach((change, i) => {
    const path = `lines.${i}`;
    const doc =
      lineDocs.find((d) => d.data.bankId === change.bankId && d.data.status !== 'declined') ?? lineDocs.find((d) => d.data.bankId === change.bankId) ?? null;
    const line: LoanLine = doc
      ? structuredClone(doc.data)
      : {
          id: ctx.newId('loanLines'),
          projectId: id,
          bankId: change.bankId,
          product: 'projectLoan',
          requested: 0,
          approved: null,
          approvedDate: null,
          contracted: null,
          contractDate: null,
          tranches: [],
          status: 'applying',
          note: '',
          createdAt: ctx.at,
          updatedAt: ctx.at,
          updatedBy: ctx.actor.uid,
        };
    if (change.requested !== null) line.requested = change.requested;
    if (change.approved !== null) {
      const approvedDate = change.approvedDate ?? line.approvedDate ?? today;
      if (approvedDate > today) throw fieldRefusal('invalid-argument', `${path}.approvedDate`, 'errors.date.future', { date: approvedDate, today });
      const firstTranche = line.tranches.map((t) => t.date).sort()[0];
      if (firstTranche !== undefined && approvedDate > firstTranche) {
        throw fieldRefusal('invalid-argument', `${path}.approvedDate`, 'errors.line.approvalAfterTranche', { approvedDate, trancheDate: firstTranche });
      }
      if (change.approved !== line.approved || approvedDate !== line.approvedDate) assertOutsideClosedPeriod(closedThrough, approvedDate, `${path}.approvedDate`);
      line.approved = change.approved;
      line.approvedDate = approvedDate;
    }
    const recorded = lineDisbursed(line);
    if (change.disbursed !== null && change.disbursed !== recorded) {
      if (change.disbursed < recorded) {
        throw fieldRefusal('failed-precondition', `${path}.disbursed`, 'errors.ledger.disbursedBelowRecorded', { disbursed: change.disbursed, recorded });
      }
      if (line.approved === null) throw fieldRefusal('failed-precondition', `${path}.disbursed`, 'errors.line.notApproved');
      if (line.approved === 0) throw fieldRefusal('failed-precondition', `${path}.disbursed`, 'errors.line.declined');
      const date = change.disbursedDate ?? today;
      if (date > today) throw fieldRefusal('invalid-argument', `${path}.disbursedDate`, 'errors.date.future', { date, today });
      if (line.approvedDate !== null && date < line.approvedDate) {
        throw fieldRefusal('invalid-argument', `${path}.disbursedDate`, 'errors.line.trancheBeforeApproval', { date, approvedDate: line.approvedDate });
      }
      assertOutsideClosedPeriod(closedThrough, date, `${path}.disbursedDate`);
      line.tranches = [...line.tranches, { id: ctx.newId('loanLines'), date, amount: change.disbursed - recorded, recordedAt: ctx.at, recordedBy: ctx.actor.uid }];
    }
    const disbursed = lineDisbursed(line);
    if (line.approved !== null && line.approved < disbursed) {
      throw fieldRefusal('failed-precondition', `${path}.approved`, 'errors.line.approvedBelowDisbursed', { approved: line.approved, disbursed });
    }
    if (line.contracted !== null && line.approved !== null && line.approved < line.contracted) {
      throw fieldRefusal('failed-precondition', `${path}.approved`, 'errors.line.approvedBelowContracted', { approved: line.approved, contracted: line.contracted });
    }
    Object.assign(line, { status: lineStatusOf(line), updatedAt: ctx.at, updatedBy: ctx.actor.uid });
    lines.set(line.id, line);
    changedLines.push({ line, doc });
  });

  // ---- difficulties ----
  const blockers: Blocker[] = input.blockers.map((b) => ({
    id: ctx.newId('projects'),
    tag: b.tag,
    description: b.description,
    party: b.party,
    dueDate: null,
    openedAt: ctx.at,
    openedBy: ctx.actor.uid,
    resolvedAt: null,
    resolution: null,
  }));
  draft.blockers = [...draft.blockers, ...blockers];

  // ---- stage and flag, through the gates, on the figures the new lines give ----
  const allLines = [...lines.values()];
  assertLineTotalsWithin(allLines, 'lines');
  let project = deriveProject(draft, allLines, rules, ctx.now);
  if (targetStage !== fromStage) {
    const refusal = checkStageGate({ ...project, stage: fromStage, flag: null }, targetStage);
    if (refusal) throw new DomainError(refusal.code, refusal.messageKey, refusal.params, [{ path: 'stage', messageKey: refusal.messageKey, params: refusal.params }]);
  }
  if (!existing || targetStage !== existing.data.stage) {
    draft.stage = targetStage;
    draft.stageEnteredAt = ctx.at;
    draft.rank = rankBetween(rankAbove, null);
  }
  if (input.flag !== undefined) draft.flag = input.flag;
  project = deriveProject(draft, allLines, rules, ctx.now);

  // ---- writes ----
  if (existing) ctx.writer.update('projects', id, project, existing.version);
  else ctx.writer.create('projects', id, project);
  if (count) writeProjectCount(ctx.writer, count, 1);
  for (const { line, doc } of changedLines) {
    if (doc) ctx.writer.update('loanLines', line.id, line, doc.version);
    else ctx.writer.create('loanLines', line.id, line);
  }
  const change = diffFields(existing?.data ?? {}, project, AUDITED);
  const activity: LedgerImportActivity = {
    id: ctx.newId('activity'),
    at: ctx.at,
    actor: { uid: ctx.actor.uid, name: ctx.actor.name, role: ctx.actor.role },
    command: 'ledger.importProject',
    projectId: id,
    // The record carries loan-line figures (and, for the undo, the project and its lines as they
    // were): naming a line keeps it out of a liaison's history, as every line record is (readPolicy.ts).
    lineId: changedLines[0]?.line.id ?? lineDocs[0]?.id ?? null,
    before: existing ? change.before : null,
    after: {
      importedFrom: input.fileName,
      ledgerRows: input.rowNumbers.join('、'),
      ...change.after,
      ...(blockers.length > 0 ? { blockers: blockers.map((b) => b.description) } : {}),
    },
    importId: input.importId,
    fileName: input.fileName,
    restore: {
      projectVersion: existing ? existing.version + 1 : 1,
      project: existing?.data ?? null,
      lines: changedLines.map(({ line, doc }) => ({ id: line.id, version: doc ? doc.version + 1 : 1, before: doc?.data ?? null })),
    },
  };
  ctx.writer.create('activity', activity.id, activity);
  return { activity: null, createdId: id, stats: { lines: changedLines.length, blockers: blockers.length } };
};

export const ledgerUndoImport: CommandHandler<'ledger.undoImport'> = async (ctx) => {
  const { importId, limit } = ctx.payload;
  const records = await ctx.tx.query<LedgerImportActivity>('activity', { where: [{ field: 'importId', op: '==', value: importId }] });
  const all = records.filter((doc) => doc.data.command === 'ledger.importProject').map((doc) => doc.data);
  if (all.length === 0) throw new DomainError('not-found', 'errors.ledger.importNotFound', { importId });
  // A large import is undone in batches (Firestore caps a transaction at 500 writes): every batch
  // checks every project still to undo, so the first batch refuses unless the whole import can go.
  const undone = new Set(records.filter((doc) => doc.data.command === 'ledger.undoImport').map((doc) => doc.data.projectId));
  const imports = all.filter((record) => !undone.has(record.projectId));
  if (imports.length === 0) throw new DomainError('failed-precondition', 'errors.ledger.alreadyUndone', { importId });

  // Nothing after the import may have touched its projects or lines: check every one before writing.
  // Nor may the undo take back a record dated in a month closed since (its figures were reported).
  const closedThrough = await latestClosedMonth(ctx.tx);
  const plans: { record: LedgerImportActivity; project: StoredDoc<Project>; lines: (StoredDoc<LoanLine> | null)[] }[] = [];
  for (const record of imports) {
    const project = await ctx.tx.get<Project>('projects', record.projectId!);
    if (!project || project.version !== record.restore.projectVersion) {
      throw new DomainError('failed-precondition', 'errors.ledger.undoTouched', { name: project?.data.name ?? record.restore.project?.name ?? record.projectId! });
    }
    const lines: (StoredDoc<LoanLine> | null)[] = [];
    for (const restore of record.restore.lines) {
      const line = await ctx.tx.get<LoanLine>('loanLines', restore.id);
      if (!line || line.version !== restore.version) throw new DomainError('failed-precondition', 'errors.ledger.undoTouched', { name: project.data.name });
      const kept = new Set(restore.before?.tranches.map((t) => t.id) ?? []);
      for (const tranche of line.data.tranches) if (!kept.has(tranche.id)) assertOutsideClosedPeriod(closedThrough, tranche.date, 'importId');
      if (line.data.approvedDate !== null && line.data.approvedDate !== (restore.before?.approvedDate ?? null)) {
        assertOutsideClosedPeriod(closedThrough, line.data.approvedDate, 'importId');
      }
      lines.push(line);
    }
    plans.push({ record, project, lines });
  }

  const batch = limit === undefined ? plans : plans.slice(0, limit);
  const removed = batch.filter(({ record }) => !record.restore.project).length;
  const count = removed > 0 ? await readProjectCount(ctx.tx) : null;
  if (count) writeProjectCount(ctx.writer, count, -removed);
  for (const { record, project, lines } of batch) {
    record.restore.lines.forEach((restore, i) => {
      const line = lines[i]!;
      if (restore.before) ctx.writer.update('loanLines', restore.id, restore.before, line.version);
      else ctx.tx.delete('loanLines', restore.id, line.version);
    });
    if (record.restore.project) ctx.writer.update('projects', project.id, record.restore.project, project.version);
    else ctx.tx.delete('projects', project.id, project.version);
    const activity = {
      id: ctx.newId('activity'),
      at: ctx.at,
      actor: { uid: ctx.actor.uid, name: ctx.actor.name, role: ctx.actor.role },
      command: 'ledger.undoImport',
      projectId: project.id,
      lineId: null,
      before: { importedFrom: record.fileName },
      after: { undoneImport: record.fileName, ...(record.restore.project ? {} : { removed: project.data.name }) },
      importId,
    } satisfies Activity & { importId: string };
    ctx.writer.create('activity', activity.id, activity);
  }
  return { activity: null, stats: { projects: batch.length, remaining: plans.length - batch.length } };
};
