/**
 * An independent statement of the read policy, for tests of every read path (demo backend, team
 * server, Firestore rules): given what a reader RECEIVED, list what it should not have received.
 * It does not call the projection code in readPolicy.ts; it checks facts a person can state:
 * "a liaison receives no field of another bank's line", "every money figure on a liaison's card
 * adds up from the liaison's own lines", "no stall flag names another bank", "member
 * administration reaches admins only".
 */
import type { CollectionName, StoredDoc } from '../store/documentStore';
import type { Activity, Actor, LineDigest, Member, Project, StallFlag } from '../types';

/** What the checker knows of the whole workspace (to recognise another bank's line anywhere). */
export interface ReadPolicyWorld {
  /** Every loan line id with its bank. */
  lineBankById: ReadonlyMap<string, string>;
}

export function readPolicyWorld(lines: Iterable<{ id: string; bankId: string }>): ReadPolicyWorld {
  return { lineBankById: new Map([...lines].map((line) => [line.id, line.bankId])) };
}

type Reader = Pick<Actor, 'uid' | 'role' | 'bankId'> | null;

/** Every string inside `value` with its path (ids of another bank's lines must not appear anywhere). */
function* strings(value: unknown, path: string): Generator<[string, string]> {
  if (typeof value === 'string') yield [path, value];
  else if (Array.isArray(value)) for (let i = 0; i < value.length; i++) yield* strings(value[i], `${path}[${i}]`);
  else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      yield [`${path}.${key}(key)`, key];
      yield* strings(item, `${path}.${key}`);
    }
  }
}

/** Objects carrying a `bankId` field, with their path. */
function* bankScoped(value: unknown, path: string): Generator<[string, Record<string, unknown>]> {
  if (Array.isArray(value)) for (let i = 0; i < value.length; i++) yield* bankScoped(value[i], `${path}[${i}]`);
  else if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if ('bankId' in record) yield [path, record];
    for (const [key, item] of Object.entries(record)) yield* bankScoped(item, `${path}.${key}`);
  }
}

const LINE_FIGURES = ['requested', 'approved', 'contracted', 'disbursed'] as const;

function sum(values: readonly (number | null | undefined)[]): number {
  return values.reduce<number>((total, value) => total + (value ?? 0), 0);
}

function liaisonProjectViolations(project: Project, bankId: string | null, path: string): string[] {
  const out: string[] = [];
  const lines: LineDigest[] = Array.isArray(project.lines) ? project.lines : [];
  for (const line of lines) if (line.bankId !== bankId) out.push(`${path}.lines: a line of bank ${line.bankId}`);
  const counted = lines.filter((line) => line.status !== 'declined');
  const c = project.clearance;
  const expected: Record<string, number> = {
    requested: sum(lines.map((l) => l.requested)),
    matched: sum(counted.map((l) => l.requested)),
    approved: sum(counted.map((l) => l.approved)),
    contracted: sum(counted.map((l) => l.contracted)),
    disbursed: sum(counted.map((l) => l.disbursed)),
    approvedNotDisbursed: sum(counted.map((l) => Math.max(0, (l.approved ?? 0) - l.disbursed))),
  };
  for (const [field, value] of Object.entries(expected)) {
    const actual = (c as unknown as Record<string, number>)[field];
    if (actual !== value) out.push(`${path}.clearance.${field} is ${actual}, not the sum of the bank's own lines (${value})`);
  }
  const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : null);
  if (c.approvalRate !== ratio(expected.approved!, project.needTotal)) out.push(`${path}.clearance.approvalRate not from own lines`);
  if (c.disbursementRate !== ratio(expected.disbursed!, expected.approved!)) out.push(`${path}.clearance.disbursementRate not from own lines`);
  if (c.landingRate !== ratio(expected.disbursed!, project.needTotal)) out.push(`${path}.clearance.landingRate not from own lines`);
  if (expected.approvedNotDisbursed === 0 && c.approvedNotDisbursedDays !== null) {
    out.push(`${path}.clearance.approvedNotDisbursedDays shows a wait the bank's own lines do not have`);
  }
  const ownUpdates = new Set(lines.map((line) => line.updatedAt));
  if (project.lastBankUpdateAt !== null && !ownUpdates.has(project.lastBankUpdateAt)) {
    out.push(`${path}.lastBankUpdateAt is not an update of the bank's own lines`);
  }
  if (project.updatedBy !== '') out.push(`${path}.updatedBy names who changed the card`);
  out.push(...stallFlagViolations(project.stall?.flags ?? [], bankId, `${path}.stall.flags`));
  return out;
}

function stallFlagViolations(flags: readonly StallFlag[], bankId: string | null, path: string): string[] {
  const out: string[] = [];
  flags.forEach((flag, i) => {
    if (flag.rule === 'bankSilent') out.push(`${path}[${i}]: a bank-silence signal`);
    if (flag.params.basis === 'approvedNotDisbursed') out.push(`${path}[${i}]: a wait counted from banks' approvals`);
    if ('bankId' in flag.params && flag.params.bankId !== bankId) out.push(`${path}[${i}]: names bank ${String(flag.params.bankId)}`);
    if ('amount' in flag.params) out.push(`${path}[${i}]: carries a line amount`);
  });
  return out;
}

interface SnapshotLineLike {
  bankId: string;
  requested: number;
  approved: number;
  contracted: number;
  disbursed: number;
  disbursedInMonth: number;
}

interface SnapshotProjectLike extends Record<(typeof LINE_FIGURES)[number] | 'disbursedInMonth' | 'approvedNotDisbursed', number> {
  id: string;
  lines: SnapshotLineLike[];
  stallFlags: StallFlag[];
}

function liaisonSnapshotProjectViolations(project: SnapshotProjectLike, bankId: string | null, path: string): string[] {
  const out: string[] = [];
  for (const line of project.lines) if (line.bankId !== bankId) out.push(`${path}.lines: a line of bank ${line.bankId}`);
  const fields = [...LINE_FIGURES, 'disbursedInMonth'] as const;
  for (const field of fields) {
    const own = sum(project.lines.map((line) => line[field]));
    if (project[field] !== own) out.push(`${path}.${field} is ${project[field]}, not the sum of the bank's own lines (${own})`);
  }
  const waiting = sum(project.lines.map((line) => Math.max(line.approved - line.disbursed, 0)));
  if (project.approvedNotDisbursed !== waiting) out.push(`${path}.approvedNotDisbursed not from own lines`);
  out.push(...stallFlagViolations(project.stallFlags ?? [], bankId, `${path}.stallFlags`));
  return out;
}

/**
 * What is wrong with `doc` (from `collection`) having reached `reader`; empty when nothing is.
 * `world` lets the checker recognise another bank's line ids wherever they appear.
 */
export function readPolicyViolations(
  reader: Reader,
  collection: CollectionName,
  doc: StoredDoc,
  world?: ReadPolicyWorld,
): string[] {
  const path = `${collection}/${doc.id}`;
  if (!reader || !['admin', 'staff', 'viewer', 'liaison'].includes(reader.role)) return [`${path}: reached a reader with no role`];
  const isAdmin = reader.role === 'admin';
  if (collection === 'settings' && doc.id === 'notifySecrets') return [`${path}: the delivery secrets reached a ${reader.role}`];
  if (collection === 'members' && !isAdmin && (doc.id !== reader.uid || (doc.data as Member).uid !== reader.uid)) {
    return [`${path}: another member's document reached a ${reader.role}`];
  }
  if (collection === 'activity' && !isAdmin && (doc.data as Activity).command === 'member.upsert') {
    return [`${path}: member administration history reached a ${reader.role}`];
  }
  // Which parties were sent a 工作提醒函, and who printed it, is the bureau's.
  if (collection === 'letters' && !['admin', 'staff', 'viewer'].includes(reader.role)) return [`${path}: the letter register reached a ${reader.role}`];
  if (reader.role !== 'liaison') return [];

  const bankId = reader.bankId;
  const out: string[] = [];
  if (world) {
    for (const [where, text] of strings(doc.data, path)) {
      const owner = world.lineBankById.get(text);
      if (owner !== undefined && owner !== bankId) out.push(`${where}: the id of a line of bank ${owner}`);
    }
    if (collection !== 'loanLines' && world.lineBankById.has(doc.id) && world.lineBankById.get(doc.id) !== bankId) {
      out.push(`${path}: a document named after another bank's line`);
    }
  }
  switch (collection) {
    case 'loanLines':
      if ((doc.data as { bankId?: unknown }).bankId !== bankId) out.push(`${path}: a line of another bank`);
      break;
    case 'projects':
      out.push(...liaisonProjectViolations(doc.data as Project, bankId, path));
      break;
    case 'activity': {
      const activity = doc.data as Activity;
      const ownLine =
        typeof activity.lineId === 'string' &&
        activity.bankId === bankId &&
        (world === undefined || world.lineBankById.get(activity.lineId) === bankId);
      if (activity.lineId !== null && !ownLine) out.push(`${path}: a record about another bank's loan line`);
      if (typeof activity.projectId !== 'string') out.push(`${path}: a record that is not about a project`);
      for (const [where, record] of bankScoped(doc.data, path)) {
        if (record.bankId !== bankId) out.push(`${where}: names bank ${String(record.bankId)}`);
      }
      break;
    }
    case 'snapshots': {
      const data = doc.data as { projects?: SnapshotProjectLike[] };
      (data.projects ?? []).forEach((project, i) => out.push(...liaisonSnapshotProjectViolations(project, bankId, `${path}.projects[${i}]`)));
      break;
    }
    default:
      break;
  }
  return out;
}

/** Every violation over everything a reader received, collection by collection. */
export function readPolicyViolationsOfAll(
  reader: Reader,
  received: Iterable<{ collection: CollectionName; doc: StoredDoc }>,
  world?: ReadPolicyWorld,
): string[] {
  const out: string[] = [];
  for (const { collection, doc } of received) out.push(...readPolicyViolations(reader, collection, doc, world));
  return out;
}
