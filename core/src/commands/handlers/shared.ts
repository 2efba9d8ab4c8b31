/**
 * Reads, checks and writes shared by the handlers. Every handler reads before it writes (the
 * store enforces it), checks the version the client saw, and re-derives the project before
 * writing it: from its loan lines when the command changes one, else from the line digest the
 * project carries, so a command on the project alone reads two documents (project, stall rules).
 */
import { defaultStallRules, emptyClearance, emptyPrerequisites, emptyStall } from '../../defaults';
import { deriveProject, lacksLineDigest } from '../../derive';
import { lineDisbursed } from '../../lineDigest';
import { ConflictError, DomainError } from '../../errors';
import { storedSize } from '../../meeting/snapshotStorage';
import { projectAsRecordReadersSee } from '../../readPolicy';
import { deepEqual } from '../../store/query';
import type { CollectionName, StoredDoc, TransactionContext } from '../../store/documentStore';
import type { LineStatus, LoanLine, Project, StallRules } from '../../types';
import type { ActivityDraft, HandlerContext } from './types';
import { STALL_RULES_CHANGE_DOC_ID, type StallRulesChange } from '../../stallRulesChange';

export { STALL_RULES_CHANGE_DOC_ID, type StallRulesChange };

export const STALL_RULES_DOC_ID = 'stallRules';

export async function readStallRulesChange(tx: TransactionContext): Promise<StoredDoc<StallRulesChange> | null> {
  return tx.get<StallRulesChange>('settings', STALL_RULES_CHANGE_DOC_ID);
}

export function targetsDocId(year: number): string {
  return `targets-${year}`;
}

/** The stored version differs from the one the client saw: refuse, never overwrite. */
export function assertVersion(doc: StoredDoc, collection: CollectionName, expectedVersion: number): void {
  if (doc.version !== expectedVersion) throw new ConflictError(collection, doc.id);
}

export function notFound(kind: 'project' | 'line' | 'bank' | 'blocker' | 'assignment' | 'member', id: string): DomainError {
  return new DomainError('not-found', `errors.notFound.${kind}`, { id });
}

/** A refusal about one payload field: the message shows in a toast and next to the field. */
export function fieldRefusal(
  code: 'invalid-argument' | 'failed-precondition',
  path: string,
  messageKey: string,
  params: Record<string, string | number> = {},
): DomainError {
  return new DomainError(code, messageKey, params, [{ path, messageKey, params }]);
}

export async function readProject(tx: TransactionContext, projectId: string): Promise<StoredDoc<Project>> {
  const doc = await tx.get<Project>('projects', projectId);
  if (!doc) throw notFound('project', projectId);
  return doc;
}

export async function readLine(tx: TransactionContext, lineId: string): Promise<StoredDoc<LoanLine>> {
  const doc = await tx.get<LoanLine>('loanLines', lineId);
  if (!doc) throw notFound('line', lineId);
  return doc;
}

export async function readLinesOf(tx: TransactionContext, projectId: string): Promise<StoredDoc<LoanLine>[]> {
  return tx.query<LoanLine>('loanLines', { where: [{ field: 'projectId', op: '==', value: projectId }] });
}

export async function readStallRules(tx: TransactionContext): Promise<StallRules> {
  const doc = await tx.get<StallRules>('settings', STALL_RULES_DOC_ID);
  return doc ? doc.data : defaultStallRules();
}

export async function assertBankExists(tx: TransactionContext, bankId: string, path: string): Promise<void> {
  const bank = await tx.get('banks', bankId);
  if (!bank) {
    throw new DomainError('not-found', 'errors.notFound.bank', { id: bankId }, [
      { path, messageKey: 'errors.notFound.bank', params: { id: bankId } },
    ]);
  }
}

/** A project as read in the transaction, with everything its derived summary depends on. */
export interface ProjectWorkspace {
  doc: StoredDoc<Project>;
  /**
   * The project's loan lines when the command needs them (a line command) or the project has no
   * line digest yet (a document written before it existed, healed by this write); else null and
   * the project's digest stands in for them.
   */
  lines: StoredDoc<LoanLine>[] | null;
  rules: StallRules;
}

export type ProjectWorkspaceWithLines = ProjectWorkspace & { lines: StoredDoc<LoanLine>[] };

/**
 * Reads a project (checking the client's version when given), the stall rules and, with
 * `withLines`, its loan lines.
 */
export async function readProjectWorkspace(
  tx: TransactionContext,
  projectId: string,
  expectedVersion: number | null,
  options: { withLines: true },
): Promise<ProjectWorkspaceWithLines>;
export async function readProjectWorkspace(
  tx: TransactionContext,
  projectId: string,
  expectedVersion: number | null,
  options?: { withLines: boolean },
): Promise<ProjectWorkspace>;
export async function readProjectWorkspace(
  tx: TransactionContext,
  projectId: string,
  expectedVersion: number | null,
  options: { withLines: boolean } = { withLines: false },
): Promise<ProjectWorkspace> {
  const doc = await readProject(tx, projectId);
  if (expectedVersion !== null) assertVersion(doc, 'projects', expectedVersion);
  const lines = options.withLines || lacksLineDigest(doc.data) ? await readLinesOf(tx, projectId) : null;
  const rules = await readStallRules(tx);
  return { doc, lines, rules };
}

/**
 * The lines to derive the project from: the workspace's lines, with `lineOverride` standing in
 * for one changed or new line; undefined (use the project's digest) when no line was read.
 */
function linesToDerive(workspace: ProjectWorkspace, lineOverride?: LoanLine): LoanLine[] | undefined {
  if (workspace.lines === null) {
    if (lineOverride) throw new Error('a line change needs the workspace read with its lines');
    return undefined;
  }
  const lines = workspace.lines.map((doc) => (lineOverride && doc.id === lineOverride.id ? lineOverride : doc.data));
  if (lineOverride && !workspace.lines.some((doc) => doc.id === lineOverride.id)) lines.push(lineOverride);
  return lines;
}

/** `project` with its derived parts recomputed as of this command (gates read them). */
export function deriveInWorkspace(ctx: HandlerContext, workspace: ProjectWorkspace, project: Project, lineOverride?: LoanLine): Project {
  return deriveProject(project, linesToDerive(workspace, lineOverride), workspace.rules, ctx.now);
}

/** The loan-line status that follows from its figures. */
export function lineStatusOf(line: Pick<LoanLine, 'approved' | 'contracted' | 'tranches'>): LineStatus {
  if (line.approved === null) return 'applying';
  if (line.approved === 0) return 'declined';
  const disbursed = lineDisbursed(line);
  if (disbursed >= line.approved) return 'disbursed';
  if (disbursed > 0) return 'disbursing';
  if (line.contracted !== null && line.contracted > 0) return 'contracted';
  return 'approved';
}

/** Summary fields whose change is worth a line in the history next to what the person changed. */
const DERIVED_AUDIT_FIELDS = ['clearance.status', 'stall.stalled'] as const;

function readDotted(value: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((current, key) => (current && typeof current === 'object' ? (current as Record<string, unknown>)[key] : undefined), value);
}

/** Only the fields among `paths` that differ, as they were and as they became. */
export function diffFields(
  before: unknown,
  after: unknown,
  paths: readonly string[],
): { before: Record<string, unknown>; after: Record<string, unknown> } {
  const was: Record<string, unknown> = {};
  const now: Record<string, unknown> = {};
  for (const path of paths) {
    const a = readDotted(before, path);
    const b = readDotted(after, path);
    if (!deepEqual(a, b)) {
      was[path] = a === undefined ? null : structuredClone(a);
      now[path] = b === undefined ? null : structuredClone(b);
    }
  }
  return { before: was, after: now };
}

/**
 * Before/after of the changed `fields` of a project plus its derived status changes, the latter
 * judged as the record's readers see the project (readPolicy.ts `projectAsRecordReadersSee`): a
 * project-level record without any bank's lines, a record of a line of `lineBankId` with that
 * bank's lines only. So no history record tells a liaison what other banks' lines made of a card.
 */
export function projectDiff(before: Project, after: Project, fields: readonly string[], lineBankId: string | null = null) {
  const own = diffFields(before, after, fields);
  const derived = diffFields(
    projectAsRecordReadersSee(before, lineBankId),
    projectAsRecordReadersSee(after, lineBankId),
    DERIVED_AUDIT_FIELDS,
  );
  return { before: { ...own.before, ...derived.before }, after: { ...own.after, ...derived.after } };
}

/**
 * Room a project document may take, below Firestore's 1 MiB (1,048,576 bytes) with space for
 * index entries. The item limits (checklist.ts) keep a project far below it; this is the backstop
 * for whatever else could grow (e.g. a project with lines from very many banks).
 */
export const PROJECT_DOCUMENT_BUDGET_BYTES = 900_000;

/**
 * A bound on storedSize from the JSON's length alone: UTF-8 takes at most 3 bytes per UTF-16 unit,
 * and Firestore's count at most 8 bytes per JSON character (a 1-character number counts 8), plus
 * the name's and id's bytes and its fixed 48. A project of a few KB is far below the budget, and
 * the full count (a walk of the whole document) is left for the rare large one.
 */
export function storedSizeBound(collection: string, id: string, json: string): number {
  return 8 * json.length + 3 * (collection.length + id.length) + 50;
}

export function assertProjectFits(project: Project): void {
  if (storedSizeBound('projects', project.id, JSON.stringify(project)) <= PROJECT_DOCUMENT_BUDGET_BYTES) return;
  const size = storedSize('projects', project.id, project);
  if (size > PROJECT_DOCUMENT_BUDGET_BYTES) {
    throw new DomainError('failed-precondition', 'errors.project.tooLarge', {
      size: Math.ceil(size / 1024),
      max: Math.floor(PROJECT_DOCUMENT_BUDGET_BYTES / 1024),
    });
  }
}

/**
 * Re-derives `next` (from the workspace's lines, with `lineOverride` standing in for one changed
 * or new line, or from its digest when no line was read), stamps it, and writes it at the version
 * read.
 */
export function writeDerivedProject(
  ctx: HandlerContext,
  workspace: ProjectWorkspace,
  next: Project,
  lineOverride?: LoanLine,
): Project {
  const derived = deriveInWorkspace(ctx, workspace, { ...next, updatedAt: ctx.at, updatedBy: ctx.actor.uid }, lineOverride);
  assertProjectFits(derived);
  ctx.writer.update('projects', workspace.doc.id, derived, workspace.doc.version);
  return derived;
}

/**
 * The common shape of a command on one project: read it (checking the client's version) and the
 * rules, not its lines; let `edit` change a draft (it may read more, but must not write); derive
 * and write the project; describe the change for the history.
 */
export async function editProject(
  ctx: HandlerContext,
  projectId: string,
  expectedVersion: number,
  edit: (draft: Project, workspace: ProjectWorkspace) => void | Promise<void>,
  audit: (before: Project, after: Project) => { before: Record<string, unknown>; after: Record<string, unknown> },
): Promise<{ project: Project; activity: ActivityDraft }> {
  const workspace = await readProjectWorkspace(ctx.tx, projectId, expectedVersion);
  const draft = structuredClone(workspace.doc.data);
  await edit(draft, workspace);
  const project = writeDerivedProject(ctx, workspace, draft);
  const change = audit(workspace.doc.data, project);
  return { project, activity: { projectId, lineId: null, before: change.before, after: change.after } };
}

/** The fields a new project must be given; everything else starts empty. */
export type NewProjectFields = Pick<Project, 'name' | 'owner' | 'district' | 'sector'> & Partial<Project>;

/**
 * A project as it is first written, in 储备谋划 with nothing recorded yet: the one shape that
 * `project.create` and the ledger import both start from.
 */
export function newProject(id: string, at: string, by: string, fields: NewProjectFields): Project {
  return {
    id,
    source: 'self',
    buildStatus: 'preparation',
    totalInvestment: 0,
    equityRequired: 0,
    equityPaid: 0,
    needTotal: 0,
    needThisYear: 0,
    leadBankId: null,
    responsibleUnit: '',
    responsiblePerson: '',
    stage: 'pipeline',
    rank: '',
    stageEnteredAt: at,
    flag: null,
    expectedMonth: null,
    prerequisites: emptyPrerequisites(),
    blockers: [],
    actionPlan: '',
    assignments: [],
    bankIds: [],
    lastBankUpdateAt: null,
    lines: [],
    clearance: emptyClearance(),
    stall: emptyStall(at),
    createdAt: at,
    updatedAt: at,
    updatedBy: by,
    ...fields,
  };
}
