/**
 * The read policy 数据可见范围: what each role may read, decided once here and applied by every
 * backend (the demo backend's watches, the team server's realtime reads, and — through projection
 * documents written in the command transaction — Firestore).
 *
 * Admin, staff, viewer: everything, except member administration. Member documents and the
 * history of `member.upsert` (names, e-mails, roles) are for admins only; every member reads their
 * own member document.
 *
 * A bank liaison of bank B:
 * - the board: every project, projected "as if only bank B's lines existed". The project's own
 *   fields (need, stage, prerequisites, blockers, assignments, action plan, lead bank, the banks on
 *   it) stay; the line digest keeps only B's lines; every money figure, rate and waiting day count
 *   of the clearance summary is computed from B's lines alone, so no per-project figure lets B
 *   work out another bank's; the latest bank update is B's own.
 * - stall flags: the signals the bureau keeps about banks' line activity (`bankSilent`, and
 *   `stageLimit` counted from approvals, i.e. basis `approvedNotDisbursed`) are the bureau's and
 *   are not shown to any liaison — they name a bank or follow from other banks' dates. The other
 *   flags (days in the column, milestone passed, overdue blocker or assignment) are project-level
 *   and stay; "stalled" and the status are recomputed from what stays. Who last changed the card
 *   is not shown (it may be another bank's liaison); that it changed, and when, is.
 * - loan lines: only bank B's.
 * - history: records of a project that concern the project itself (no loan line, so no other
 *   bank's line and no member administration), and records of bank B's own lines (they carry the
 *   line's `bankId`; older records without it stay hidden). The status change a record states
 *   ("went to stalled") is judged when it is written on what its readers see
 *   (`projectAsRecordReadersSee`), so the stored record itself is fit for every reader (Firestore
 *   hands it over as stored).
 * - months and snapshots: a closed month's city totals and by-bank table are published, as the
 *   bureau's monthly 通报 publishes them (`months/*` documents and the `banks`/`totals` of a
 *   snapshot header). The projects of a snapshot are projected like the board, so a liaison's
 *   "what changed" compares a projected snapshot with the projected live board
 *   (`snapshotForBank`): no phantom changes. The live view of a month that is not closed shows
 *   only bank B's figures.
 * - banks, settings (stage limits, targets, which delivery channels are set): everything.
 * Nobody reads the delivery secrets (settings/notifySecrets): only the sending job does.
 * The register of issued 工作提醒函 (`letters`: which parties were sent one, when, by whom) is the
 * bureau's: no liaison or unit contact reads it.
 * A unit contact 责任单位联系人 of unit U: the projects whose responsible unit, assignments or
 * blockers name U (with no bank's lines or figures), banks and settings; nothing else.
 * Signed out, or an unknown role: nothing.
 */
import { computeClearance } from './clearance';
import { namesActor } from './followUp/loop';
import { latestInstant } from './dates';
import { aggregateSnapshot } from './meeting/snapshot';
import { NOTIFY_SECRETS_DOC_ID } from './notify/docIds';
import type { Agenda } from './meeting/agenda';
import type { MonthSnapshot, SnapshotLine, SnapshotProject } from './meeting/snapshot';
import type { SnapshotHeaderDoc, SnapshotPartDoc } from './meeting/snapshotStorage';
import type { CollectionName, QueryFilter, QuerySpec, StoredDoc } from './store/documentStore';
import type { Activity, Actor, ClearanceSummary, LineDigest, Project, StallFlag } from './types';

/** Who a reader is, for the policy: the bureau side (with or without member administration) or one bank. */
export type ReadAudience =
  | { kind: 'bureau'; membersAdmin: boolean }
  | { kind: 'bank'; bankId: string | null }
  | { kind: 'unit'; unit: string | null }
  | { kind: 'none' };

export function readAudienceOf(actor: (Pick<Actor, 'role' | 'bankId'> & { unit?: string | null }) | null | undefined): ReadAudience {
  switch (actor?.role) {
    case 'admin':
      return { kind: 'bureau', membersAdmin: true };
    case 'staff':
    case 'viewer':
      return { kind: 'bureau', membersAdmin: false };
    case 'liaison':
      return { kind: 'bank', bankId: actor.bankId ?? null };
    case 'unit':
      return { kind: 'unit', unit: actor.unit ?? null };
    default:
      return { kind: 'none' };
  }
}

/** The commands whose history is member administration (admins only). */
export const MEMBER_ADMINISTRATION_COMMANDS: readonly string[] = ['member.upsert'];

/** Stall flags that follow from loan lines' dates or name a bank: the bureau's, never a liaison's. */
export function isLineDerivedStallFlag(flag: Pick<StallFlag, 'rule' | 'params'>): boolean {
  return flag.rule === 'bankSilent' || (flag.rule === 'stageLimit' && flag.params.basis === 'approvedNotDisbursed');
}

function isAlarm(flag: Pick<StallFlag, 'params'>): boolean {
  return flag.params.level !== 'warn';
}

/** The status once "stalled" is recomputed: stalled only shows over an otherwise cleared project. */
function restall(base: ClearanceSummary['status'], stalled: boolean): ClearanceSummary['status'] {
  if (base === 'stalled' && !stalled) return 'cleared';
  if (base === 'cleared' && stalled) return 'stalled';
  return base;
}

function evaluatedAt(project: Project): Date {
  const at = Date.parse(project.stall?.evaluatedAt ?? project.updatedAt);
  return Number.isNaN(at) ? new Date(project.updatedAt) : new Date(at);
}

/**
 * The project as a reader who sees no loan line at all: no digest, no line money, no line-derived
 * stall flag, no "who changed it". This is what every liaison has in common, so Firestore stores it
 * once per project (`boardViews/{projectId}`); `projectViewForBank` adds one bank's lines to it.
 */
export function publicProjectView(project: Project): Project {
  const flags = project.stall.flags.filter((flag) => !isLineDerivedStallFlag(flag));
  const stalled = flags.some(isAlarm);
  const clearance = computeClearance(project, [], evaluatedAt(project));
  clearance.status = restall(clearance.status, stalled);
  return {
    ...project,
    lines: [],
    lastBankUpdateAt: null,
    updatedBy: '',
    clearance,
    stall: { ...project.stall, flags, stalled, nextCheckAt: null },
  };
}

/**
 * A public project view with one bank's own line digests added, every line figure computed from
 * them alone. Applied to `publicProjectView(project)` and the bank's digests of `project.lines`,
 * or to a stored `boardViews` document and the digests of the bank's own loan lines: same result.
 */
export function projectViewForBank(view: Project, ownLines: readonly LineDigest[]): Project {
  const lines = [...ownLines].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const clearance = computeClearance(view, lines, evaluatedAt(view));
  clearance.status = restall(clearance.status, view.stall.stalled);
  const lastBankUpdateAt = lines.reduce<string | null>((latest, line) => latestInstant(latest, line.updatedAt), null);
  return { ...view, lines, clearance, lastBankUpdateAt };
}

/** What a liaison of `bankId` reads of a project document. */
export function projectForBank(project: Project, bankId: string | null): Project {
  return projectViewForBank(
    publicProjectView(project),
    (project.lines ?? []).filter((line) => bankId !== null && line.bankId === bankId),
  );
}

/**
 * A project as everyone who may read a history record about it sees it: the derived status a
 * record states ('clearance.status', 'stall.stalled') is judged on this, not on all banks' lines.
 * A project-level record (every liaison reads it) judges on the public view; a record of bank B's
 * line (B's liaison reads it) on B's view. The bureau's full judgement stays on the card itself.
 */
export function projectAsRecordReadersSee(project: Project, lineBankId: string | null): Project {
  return lineBankId === null ? publicProjectView(project) : projectForBank(project, lineBankId);
}

function daysFrom(fromDay: string, toDay: string): number {
  const toUtc = (d: string) => Date.UTC(Number(d.slice(0, 4)), Number(d.slice(5, 7)) - 1, Number(d.slice(8, 10)));
  return Math.round((toUtc(toDay) - toUtc(fromDay)) / 86_400_000);
}

function earliestWaitingApproval(lines: readonly SnapshotLine[]): string | null {
  let earliest: string | null = null;
  for (const line of lines) {
    if (line.approved - line.disbursed > 0 && line.approvedDate !== null && (earliest === null || line.approvedDate < earliest)) {
      earliest = line.approvedDate;
    }
  }
  return earliest;
}

/** A frozen project as a liaison of `bankId` reads it: the same projection as the live board's. */
export function snapshotProjectForBank(project: SnapshotProject, bankId: string | null): SnapshotProject {
  const lines = project.lines.filter((line) => bankId !== null && line.bankId === bankId);
  const stallFlags = project.stallFlags.filter((flag) => !isLineDerivedStallFlag(flag));
  const stalled = stallFlags.some(isAlarm);
  const money = { requested: 0, approved: 0, contracted: 0, disbursed: 0, disbursedInMonth: 0, approvedNotDisbursed: 0 };
  for (const line of lines) {
    money.requested += line.requested;
    money.approved += line.approved;
    money.contracted += line.contracted;
    money.disbursed += line.disbursed;
    money.disbursedInMonth += line.disbursedInMonth;
    money.approvedNotDisbursed += Math.max(line.approved - line.disbursed, 0);
  }
  // The waiting days ran from the earliest waiting approval of all lines to the snapshot's day;
  // the same day, counted from the bank's own earliest waiting approval, gives its own figure.
  const ownEarliest = earliestWaitingApproval(lines);
  const allEarliest = earliestWaitingApproval(project.lines);
  const approvedNotDisbursedDays =
    ownEarliest === null || allEarliest === null || project.approvedNotDisbursedDays === null
      ? null
      : project.approvedNotDisbursedDays + daysFrom(ownEarliest, allEarliest);
  return {
    ...project,
    ...money,
    approvedNotDisbursedDays,
    status: restall(project.status, stalled),
    stalled,
    stallFlags,
    lines,
  };
}

/** A stored snapshot header: published aggregates kept, its projects projected. */
export function snapshotHeaderForBank(header: SnapshotHeaderDoc, bankId: string | null): SnapshotHeaderDoc {
  return { ...header, projects: header.projects.map((project) => snapshotProjectForBank(project, bankId)) };
}

export function snapshotPartForBank(part: SnapshotPartDoc, bankId: string | null): SnapshotPartDoc {
  return { ...part, projects: part.projects.map((project) => snapshotProjectForBank(project, bankId)) };
}

function isSnapshotPart(data: SnapshotHeaderDoc | SnapshotPartDoc): data is SnapshotPartDoc {
  return typeof (data as Partial<SnapshotPartDoc>).part === 'number';
}

/**
 * A whole month snapshot as bank B sees it, to compare with B's live board: projects projected,
 * the by-bank table and totals added up again from them (so other banks' rows are zero). The
 * published city figures of a closed month stay in the stored header; this is for "what changed".
 */
export function snapshotForBank(snapshot: MonthSnapshot, bankId: string | null): MonthSnapshot {
  const projects = snapshot.projects.map((project) => snapshotProjectForBank(project, bankId));
  const banks = snapshot.banks.map((row) => ({ id: row.bankId, name: row.name, category: row.category, agreementAmount: row.agreementAmount }));
  return { ...snapshot, projects, ...aggregateSnapshot(projects, banks) };
}

/**
 * A liaison's meeting agenda, built from its projected board, its own lines and projected
 * snapshots: every figure is already its own bank's; the by-bank table keeps only its own row
 * (the other rows would be zeros, which read as "nothing lent").
 */
export function agendaForBank(agenda: Agenda, bankId: string | null): Agenda {
  return { ...agenda, byBank: agenda.byBank.filter((row) => bankId !== null && row.bankId === bankId) };
}

/**
 * Whether a liaison of `bankId` may read a history record: about a project and either about no
 * loan line or about one of the bank's own lines; never member administration.
 */
function isRecordForBank(activity: Activity, bankId: string | null): boolean {
  if (typeof activity.projectId !== 'string' || MEMBER_ADMINISTRATION_COMMANDS.includes(activity.command)) return false;
  return activity.lineId === null || (bankId !== null && typeof activity.lineId === 'string' && activity.bankId === bankId);
}

/** What `actor` may read of a stored document: the document, a projection of it, or null (hidden). */
export function applyReadPolicy(
  actor: (Pick<Actor, 'uid' | 'role' | 'bankId'> & { unit?: string | null }) | null | undefined,
  collection: CollectionName,
  doc: StoredDoc,
): StoredDoc | null {
  const audience = readAudienceOf(actor);
  if (audience.kind === 'none' || !actor) return null;
  // The delivery secrets (robot URLs, the 钉钉 secret, the SMTP password) are read by the sending job only.
  if (collection === 'settings' && doc.id === NOTIFY_SECRETS_DOC_ID) return null;
  if (audience.kind !== 'bureau' && collection === 'letters') return null;
  if (collection === 'members') {
    const membersAdmin = audience.kind === 'bureau' && audience.membersAdmin;
    return membersAdmin || doc.id === actor.uid ? doc : null;
  }
  if (audience.kind === 'bureau') {
    if (collection === 'activity' && !audience.membersAdmin) {
      return MEMBER_ADMINISTRATION_COMMANDS.includes((doc.data as Activity).command) ? null : doc;
    }
    return doc;
  }
  if (audience.kind === 'unit') return readForUnit(audience.unit, collection, doc);
  const bankId = audience.bankId;
  switch (collection) {
    case 'projects':
      return { ...doc, data: projectForBank(doc.data as Project, bankId) };
    case 'loanLines':
      return bankId !== null && (doc.data as { bankId?: unknown }).bankId === bankId ? doc : null;
    case 'activity':
      return isRecordForBank(doc.data as Activity, bankId) ? doc : null;
    case 'snapshots': {
      const data = doc.data as SnapshotHeaderDoc | SnapshotPartDoc;
      return { ...doc, data: isSnapshotPart(data) ? snapshotPartForBank(data, bankId) : snapshotHeaderForBank(data, bankId) };
    }
    case 'banks':
    case 'settings':
    case 'months':
      return doc;
    case 'letters':
      return null;
    default: {
      const unknownCollection: never = collection;
      throw new Error(`applyReadPolicy: no policy for collection ${String(unknownCollection)}`);
    }
  }
}

/**
 * Whether a project concerns a unit 责任单位: it is the project's responsible unit, or an open or
 * closed assignment or blocker names it.
 */
export function projectConcernsUnit(project: Pick<Project, 'responsibleUnit' | 'assignments' | 'blockers'>, unit: string): boolean {
  const named = (text: string) => namesActor(text, { name: '', role: 'unit', bankId: null, unit }, []);
  return named(project.responsibleUnit) || project.assignments.some((a) => named(a.who)) || project.blockers.some((b) => named(b.party));
}

/**
 * A unit contact 责任单位联系人 reads the projects that concern its unit, projected as for a bank
 * with no line (no bank's figures), the banks and the settings; no loan line, history, month or
 * snapshot (they carry the banks' figures). Without a unit it reads nothing of the board.
 */
function readForUnit(unit: string | null, collection: CollectionName, doc: StoredDoc): StoredDoc | null {
  switch (collection) {
    case 'projects':
      return unit !== null && projectConcernsUnit(doc.data as Project, unit) ? { ...doc, data: projectForBank(doc.data as Project, null) } : null;
    case 'banks':
    case 'settings':
      return doc;
    default:
      return null;
  }
}

/** `applyReadPolicy` over a query result: hidden documents left out, the others projected. */
export function applyReadPolicyToAll(
  actor: (Pick<Actor, 'uid' | 'role' | 'bankId'> & { unit?: string | null }) | null | undefined,
  collection: CollectionName,
  docs: readonly StoredDoc[],
): StoredDoc[] {
  const out: StoredDoc[] = [];
  for (const doc of docs) {
    const visible = applyReadPolicy(actor, collection, doc);
    if (visible) out.push(visible);
  }
  return out;
}

function withFilter(spec: QuerySpec, filter: QueryFilter): QuerySpec {
  const where = spec.where ?? [];
  const already = where.some((f) => f.field === filter.field && f.op === filter.op && f.value === filter.value);
  return already ? spec : { ...spec, where: [...where, filter] };
}

/**
 * The query an actor may run: adds the filters the policy needs, so that a store whose rules are
 * not filters (Firestore) can prove the query allowed and a limit counts only readable documents.
 */
export function scopeQueryForActor(
  actor: Pick<Actor, 'uid' | 'role' | 'bankId'> | null | undefined,
  collection: CollectionName,
  spec: QuerySpec,
): QuerySpec {
  const audience = readAudienceOf(actor);
  if (!actor || audience.kind === 'none') return spec;
  if (collection === 'members' && !(audience.kind === 'bureau' && audience.membersAdmin)) {
    return withFilter(spec, { field: 'uid', op: '==', value: actor.uid });
  }
  if (audience.kind !== 'bank') return spec;
  if (collection === 'loanLines') return withFilter(spec, { field: 'bankId', op: '==', value: audience.bankId });
  if (collection === 'activity') {
    // Either the project-level records, or (asked for by bank) the records of the bank's own lines.
    const asksForOwnLines = (spec.where ?? []).some((f) => f.field === 'bankId' && f.op === '==' && f.value === audience.bankId);
    return asksForOwnLines ? spec : withFilter(spec, { field: 'lineId', op: '==', value: null });
  }
  return spec;
}
