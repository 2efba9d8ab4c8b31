/**
 * Seeded fuzz over EVERY command: for each, 1,000 generated payloads (valid ones built from the
 * store's current documents, then mutated into hostile ones: a field replaced by a value of the
 * wrong kind, an invisible or reserved string, -0, a huge number, a date before 1900, a deleted or
 * an unknown key, or a payload that is not even an object), run by a random role. A refused command
 * leaves the store exactly as it was (deep-equal); an accepted one keeps every invariant:
 * disbursed ≤ approved ≤ cap, digest = lines, ranks valid and ordered, texts normalised, the
 * project document within its budget, and every closed month's figures equal to what the records
 * dated in it add up to today.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultStallRules } from '../defaults';
import { isDomainError } from '../errors';
import { digestLine, lineDisbursed } from '../lineDigest';
import type { MonthDoc, SnapshotHeaderDoc } from '../meeting/snapshotStorage';
import { dayOf } from '../dates';
import { MAX_YUAN } from '../money';
import { MAX_PROJECTS } from '../workspace/capacity';
import { rankBetween } from '../rank';
import { COLLECTIONS } from '../store/documentStore';
import type { CollectionName, StoredDoc } from '../store/documentStore';
import { MemoryDocumentStore } from '../store/memoryDocumentStore';
import type { StoreSnapshot } from '../store/memoryDocumentStore';
import type { Actor, Bank, LoanLine, Member, Project, StallRules } from '../types';
import { LOAN_PRODUCTS, STAGE_IDS } from '../types';
import { COMMAND_NAMES } from './contract';
import type { CommandName } from './contract';
import { executeCommand } from './execute';
import { lineStatusOf, PROJECT_DOCUMENT_BUDGET_BYTES, targetsDocId } from './handlers/shared';
import { normalizeText } from './schemas';
import { ADMIN, CEB_LIAISON, ICBC_LIAISON, NOW, PROJECT_INPUT, STAFF, VIEWER, WAN } from './testing';

const SEED = 20_261_201;
const RUNS_PER_COMMAND = 1_000;
/** The store is rebuilt from the seed workspace this often, so the activity log stays small. */
const RESET_EVERY = 100;
const ACTORS: Actor[] = [ADMIN, ADMIN, STAFF, STAFF, ICBC_LIAISON, CEB_LIAISON, VIEWER];
const DATES = ['2026-01-15', '2026-02-10', '2026-02-28', '2026-03-05', '2026-03-10', '2026-03-11'];
const MONTHS = ['2026-01', '2026-02', '2026-03', '2026-04', '2025-12'];
const AMOUNTS = [0, 1, 100 * WAN, 5_000 * WAN, 20_000 * WAN, MAX_YUAN];
const HOSTILE: unknown[] = [
  -0,
  -1,
  1.5,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.MAX_SAFE_INTEGER + 2,
  MAX_YUAN + 1,
  '',
  ' \u200b\u200d ',
  '\u202e\u2066',
  '\ud800',
  '\u0000\u0007',
  '__name__',
  '..',
  'a/b',
  '0050-01-01',
  '1899-12-31',
  '0001-01',
  '2026-02-30',
  'x'.repeat(5_000),
  null,
  true,
  {},
  [],
  { nested: { deeper: [1, 2, 3] } },
];

/** Everything a template may refer to, read from the store before each run. */
interface State {
  projects: Project[];
  projectVersions: Map<string, number>;
  lines: LoanLine[];
  lineVersions: Map<string, number>;
  members: { data: Member; version: number }[];
  banks: { data: Bank; version: number }[];
  rulesVersion: number | null;
  targetsVersion: number | null;
  weightsVersion: number | null;
}

/** The store's live documents, read without copies (the fuzz only reads them; speed matters at 26,000 runs). */
function live<T>(store: MemoryDocumentStore, collection: CollectionName): StoredDoc<T>[] {
  return store.liveDocs(collection) as StoredDoc<T>[];
}

/**
 * The store's documents by reference: the memory store replaces a document's object on every
 * commit and hands out copies, so the same references mean the same content, at no cost. Every
 * RESET_EVERY-th refusal is also compared in full (deep-equal), to catch any change in place.
 */
function references(store: MemoryDocumentStore): StoredDoc[] {
  return COLLECTIONS.flatMap((collection) => store.liveDocs(collection));
}

function sameReferences(a: readonly StoredDoc[], b: readonly StoredDoc[]): boolean {
  return a.length === b.length && a.every((doc, i) => doc === b[i]);
}

function readState(store: MemoryDocumentStore): State {
  const projects = live<Project>(store, 'projects');
  const lines = live<LoanLine>(store, 'loanLines');
  const settings = live<StallRules>(store, 'settings');
  return {
    projects: projects.map((d) => d.data),
    projectVersions: new Map(projects.map((d) => [d.id, d.version])),
    lines: lines.map((d) => d.data),
    lineVersions: new Map(lines.map((d) => [d.id, d.version])),
    members: live<Member>(store, 'members').map((d) => ({ data: d.data, version: d.version })),
    banks: live<Bank>(store, 'banks').map((d) => ({ data: d.data, version: d.version })),
    rulesVersion: settings.find((d) => d.id === 'stallRules')?.version ?? null,
    targetsVersion: settings.find((d) => d.id === targetsDocId(2026))?.version ?? null,
    weightsVersion: settings.find((d) => d.id === 'bankScorecardWeights')?.version ?? null,
  };
}

/** What fast-check draws for one run; the template turns it into a payload against the state. */
interface Draw {
  actor: number;
  pick: number;
  pick2: number;
  amount: number;
  date: number;
  flag: boolean;
  /** 0: valid as built; 1: a field replaced; 2: a field deleted; 3: an unknown key; 4: not an object at all. */
  mutation: number;
  field: number;
  hostile: number;
  anything: unknown;
}

const drawArb: fc.Arbitrary<Draw> = fc.record({
  actor: fc.nat({ max: ACTORS.length - 1 }),
  pick: fc.nat({ max: 20 }),
  pick2: fc.nat({ max: 20 }),
  amount: fc.nat({ max: AMOUNTS.length - 1 }),
  date: fc.nat({ max: DATES.length - 1 }),
  flag: fc.boolean(),
  mutation: fc.constantFrom(0, 0, 0, 0, 1, 1, 1, 2, 3, 4),
  field: fc.nat({ max: 10 }),
  hostile: fc.nat({ max: HOSTILE.length - 1 }),
  anything: fc.anything({ maxDepth: 2, maxKeys: 4 }),
});

function at<T>(list: readonly T[], index: number): T | undefined {
  return list.length === 0 ? undefined : list[index % list.length];
}

/** A valid-looking payload for `name` built from the state (it may still be refused by a rule). */
function template(name: CommandName, state: State, d: Draw): Record<string, unknown> {
  const project = at(state.projects, d.pick);
  const projectRef = { projectId: project?.id ?? 'p-missing', expectedVersion: project ? state.projectVersions.get(project.id)! : 1 };
  const line = at(state.lines, d.pick);
  const lineRef = { lineId: line?.id ?? 'l-missing', expectedVersion: line ? state.lineVersions.get(line.id)! : 1 };
  const amount = AMOUNTS[d.amount]!;
  const date = DATES[d.date]!;
  const month = MONTHS[d.pick2 % MONTHS.length]!;
  switch (name) {
    case 'project.create':
      return { ...PROJECT_INPUT, name: `项目${d.pick}`, needTotal: amount, stage: at(STAGE_IDS, d.pick2)! };
    case 'project.update':
      return { ...projectRef, changes: d.flag ? { name: `改名${d.pick2}` } : { needTotal: amount, needThisYear: 0 } };
    case 'project.move': {
      const stage = at(STAGE_IDS, d.pick2)!;
      const column = state.projects.filter((p) => p.stage === stage && p.id !== project?.id).map((p) => p.rank).sort();
      const before = d.flag ? (column[column.length - 1] ?? null) : null;
      return { ...projectRef, toStage: stage, before, after: d.flag ? null : (column[0] ?? null) };
    }
    case 'project.setFlag':
      return { ...projectRef, flag: d.flag ? 'suspended' : null, reason: d.flag ? '资金未落实' : '' };
    case 'project.reschedule':
      return { ...projectRef, expectedMonth: d.flag ? month : null };
    case 'project.setActionPlan':
      return { ...projectRef, actionPlan: `一项一策 ${d.pick2}` };
    case 'prerequisite.set':
      return { ...projectRef, key: 'land', status: d.flag ? 'done' : 'inProgress', docNo: '国土字12号', date };
    case 'blocker.add':
      return { ...projectRef, tag: 'permits', description: '用地指标未落实', party: '市自然资源局', dueDate: date };
    case 'blocker.resolve': {
      const blocker = at(project?.blockers.filter((b) => b.resolvedAt === null) ?? [], d.pick2);
      return { ...projectRef, blockerId: blocker?.id ?? 'b-missing', resolution: '已协调解决' };
    }
    case 'line.add':
      return { projectId: projectRef.projectId, bankId: d.flag ? 'icbc' : 'ceb', product: at(LOAN_PRODUCTS, d.pick2)!, requested: amount };
    case 'line.recordApproval':
      return { ...lineRef, approved: amount, approvedDate: date };
    case 'line.recordContract':
      return { ...lineRef, contracted: amount, contractDate: date };
    case 'line.addTranche':
      return { ...lineRef, date, amount };
    case 'line.setNote':
      return { ...lineRef, note: `备注${d.pick2}` };
    case 'rules.setStageLimits':
      return { expectedVersion: state.rulesVersion, ...defaultStallRules(), bankSilenceDays: 1 + d.pick2 };
    case 'targets.set':
      return { expectedVersion: state.targetsVersion, year: 2026, approved: amount, disbursed: 0, projects: d.pick2 };
    case 'bank.upsert': {
      const bank = at(state.banks, d.pick2);
      return d.flag && bank
        ? { id: bank.data.id, expectedVersion: bank.version, name: bank.data.name, category: bank.data.category, agreementAmount: amount }
        : { expectedVersion: null, name: `新银行${d.pick}`, category: 'jointStock', agreementAmount: amount };
    }
    case 'member.upsert': {
      const member = at(state.members, d.pick2);
      return d.flag && member
        ? { ...member.data, expectedVersion: member.version, role: at(['staff', 'viewer', 'liaison'], d.pick)!, bankId: 'icbc' }
        : { uid: `u-new-${d.pick}`, expectedVersion: null, name: '新同事', role: 'viewer' };
    }
    case 'stall.scan':
      return { scope: d.flag ? 'all' : 'due' };
    case 'assignment.add':
      return { ...projectRef, month, what: '落实放款条件', who: '城投集团', dueDate: date };
    case 'assignment.acknowledge':
    case 'assignment.report':
    case 'assignment.requestClose':
    case 'assignment.close':
    case 'assignment.return': {
      // Each step picks an assignment in a state it may start from, so that some are accepted.
      const wants = name === 'assignment.acknowledge' ? 'none' : name === 'assignment.close' || name === 'assignment.return' ? 'requested' : 'acked';
      const open = project?.assignments.filter((a) => a.doneAt === null) ?? [];
      const fits = open.filter((a) => (wants === 'none' ? !a.acknowledged : wants === 'requested' ? !!a.closeRequest : !!a.acknowledged && !a.closeRequest));
      const assignment = at(fits.length > 0 ? fits : open, d.pick2);
      return { ...projectRef, assignmentId: assignment?.id ?? 'a-missing', text: d.flag ? '已按要求推进' : '' };
    }
    case 'reporting.open':
      return { month, deadline: d.flag ? date : null };
    case 'reporting.submit':
      return { month, bankId: d.flag ? 'icbc' : 'ceb', noChange: d.pick % 2 === 0, note: d.flag ? '新增投放' : '' };
    case 'reporting.chase':
      return { month };
    case 'assignment.complete': {
      const assignment = at(project?.assignments.filter((a) => a.doneAt === null) ?? [], d.pick2);
      return { ...projectRef, assignmentId: assignment?.id ?? 'a-missing' };
    }
    case 'month.close':
      return { month, ...(d.flag ? { early: true } : {}) };
    case 'month.reopen':
      return { month, reason: '补录迟到的投放' };
    case 'notify.setChannels':
      return {
        wecomWebhookUrl: d.flag ? 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=fuzz' : null,
        dingtalkWebhookUrl: null,
        dingtalkSecret: null,
        smtp: d.pick2 % 2 === 0 ? { host: 'smtp.czj.gov.cn', port: 465, secure: true, user: null, from: 'Clearway <noreply@czj.gov.cn>' } : null,
      };
    case 'scorecard.setWeights': {
      // Weights that add up to 100 (d.flag: the first two criteria trade d.pick2 points).
      const shift = d.flag ? d.pick2 % 25 : 0;
      return {
        expectedVersion: state.weightsVersion,
        weights: { approvals: 25 - shift, disbursements: 30 + shift, fulfilment: 20, reporting: 15, followUp: 10 },
      };
    }
    case 'letter.issue':
      // A party's letter, a bank's, or both; d.flag: a meeting's letters, else the day's.
      return {
        month: d.flag ? month : null,
        letters: [
          { key: '城投集团', party: '城投集团' },
          { key: 'bank:icbc', party: '工商银行' },
        ].slice(d.pick2 % 2, 1 + (d.pick % 2)),
      };
    default:
      // Commands without a template here (e.g. the ledger import) get arbitrary objects.
      return typeof d.anything === 'object' && d.anything !== null && !Array.isArray(d.anything) ? (d.anything as Record<string, unknown>) : {};
  }
}

function mutate(payload: Record<string, unknown>, d: Draw): unknown {
  const keys = Object.keys(payload);
  const key = keys.length ? keys[d.field % keys.length]! : 'x';
  switch (d.mutation) {
    case 1:
      return { ...payload, [key]: HOSTILE[d.hostile] };
    case 2: {
      const copy = { ...payload };
      delete copy[key];
      return copy;
    }
    case 3:
      return { ...payload, [`${key}Typo`]: 1 };
    case 4:
      return d.anything;
    default:
      return payload;
  }
}

const RANK_PROBE = (rank: string) => rankBetween(rank, null);

/** Every invariant an accepted command must keep. Returns the first broken one, or null. */
function brokenInvariant(store: MemoryDocumentStore): string | null {
  const projects = live<Project>(store, 'projects');
  const lines = live<LoanLine>(store, 'loanLines').map((d) => d.data);
  for (const line of lines) {
    const disbursed = lineDisbursed(line);
    if (line.approved === null && (line.tranches.length > 0 || line.contracted !== null)) return `line ${line.id} records without approval`;
    if (line.approved !== null && disbursed > line.approved) return `line ${line.id} disbursed ${disbursed} > approved ${line.approved}`;
    if (line.contracted !== null && line.approved !== null && line.contracted > line.approved) return `line ${line.id} contracted > approved`;
    if (line.contractDate !== null && line.approvedDate !== null && line.approvedDate > line.contractDate) return `line ${line.id} approved after contract`;
    if (line.tranches.some((t) => line.approvedDate !== null && t.date < line.approvedDate)) return `line ${line.id} tranche before approval`;
    if (lineStatusOf(line) !== line.status) return `line ${line.id} status ${line.status}`;
    for (const amount of [line.requested, line.approved ?? 0, line.contracted ?? 0, ...line.tranches.map((t) => t.amount)]) {
      if (!Number.isSafeInteger(amount) || amount < 0 || amount > MAX_YUAN || Object.is(amount, -0)) return `line ${line.id} amount ${amount}`;
    }
  }
  for (const { id, data } of projects) {
    const own = lines.filter((l) => l.projectId === id).sort((a, b) => (a.id < b.id ? -1 : 1));
    if (JSON.stringify(data.lines) !== JSON.stringify(own.map(digestLine))) return `project ${id} digest ≠ lines`;
    const sum = own.reduce((total, l) => total + lineDisbursed(l), 0);
    if (data.clearance.disbursed !== sum || !Number.isSafeInteger(sum)) return `project ${id} disbursed ${data.clearance.disbursed} ≠ ${sum}`;
    try {
      RANK_PROBE(data.rank);
    } catch {
      return `project ${id} rank ${data.rank} invalid`;
    }
    for (const text of [data.name, data.owner.name, data.district, data.sector, data.actionPlan, ...data.blockers.map((b) => b.description)]) {
      if (normalizeText(text) !== text) return `project ${id} text not normalised: ${JSON.stringify(text)}`;
    }
    // A cheap upper bound of the stored size (3 bytes per UTF-16 unit); the exact measure is in inputLimits.test.ts.
    if (JSON.stringify(data).length * 3 > PROJECT_DOCUMENT_BUDGET_BYTES) return `project ${id} over budget`;
  }
  // Every city-wide sum the read model shows stays exact (workspace/capacity.ts).
  if (projects.length > MAX_PROJECTS) return `${projects.length} projects, more than ${MAX_PROJECTS}`;
  const city = { need: 0, requested: 0, approved: 0, contracted: 0, disbursed: 0 };
  for (const { id, data } of projects) {
    for (const key of Object.keys(city) as (keyof typeof city)[]) {
      if (data.clearance[key] > MAX_YUAN) return `project ${id} ${key} ${data.clearance[key]} over the cap`;
      city[key] += data.clearance[key];
    }
  }
  const agreed = live<Bank>(store, 'banks').reduce((total, bank) => total + bank.data.agreementAmount, 0);
  for (const [key, value] of [...Object.entries(city), ['agreements', agreed] as const]) {
    if (!Number.isSafeInteger(value)) return `city ${key} ${value} is not an exact integer`;
  }
  // Ranks in a column sort strictly (ties only between different ids, which sort by id).
  for (const stage of STAGE_IDS) {
    const ranks = projects.filter((p) => p.data.stage === stage).map((p) => p.data.rank);
    if (ranks.some((rank) => rank === '')) return `empty rank in ${stage}`;
  }
  // The closed months: what the frozen snapshot says equals what the records dated in them add up to today.
  const closed = live<MonthDoc>(store, 'months').filter((d) => d.data.status === 'closed');
  const snapshots = live<SnapshotHeaderDoc>(store, 'snapshots');
  for (const { data: month } of closed) {
    // The seed's months are small: the whole snapshot sits in its header document.
    const snapshot = snapshots.find((doc) => doc.id === month.month)?.data;
    if (!snapshot || snapshot.parts !== 0) return `month ${month.month} closed without a one-document snapshot`;
    const asOfDay = dayOf(snapshot.asOf);
    const projectIds = new Set(projects.filter((p) => p.data.createdAt <= snapshot.asOf).map((p) => p.id));
    let disbursed = 0;
    let inMonth = 0;
    for (const line of lines) {
      if (!projectIds.has(line.projectId) || line.createdAt > snapshot.asOf) continue;
      for (const tranche of line.tranches) {
        if (tranche.date > asOfDay) continue;
        disbursed += tranche.amount;
        if (tranche.date.startsWith(month.month)) inMonth += tranche.amount;
      }
    }
    if (snapshot.totals.disbursed !== disbursed || snapshot.totals.disbursedInMonth !== inMonth) {
      return `month ${month.month}: frozen ${snapshot.totals.disbursed}/${snapshot.totals.disbursedInMonth}, records ${disbursed}/${inMonth}`;
    }
  }
  return null;
}

/** Two banks, their liaisons, two projects with approved lines and tranches, January closed. */
async function seedWorkspace(): Promise<StoreSnapshot> {
  const store = new MemoryDocumentStore();
  const run = (actor: Actor, name: CommandName, payload: unknown, now = NOW) => executeCommand(store, { actor, now }, { name, payload });
  await run(ADMIN, 'bank.upsert', { id: 'icbc', expectedVersion: null, name: '工商银行', category: 'stateLarge', agreementAmount: 100_000 * WAN });
  await run(ADMIN, 'bank.upsert', { id: 'ceb', expectedVersion: null, name: '光大银行', category: 'jointStock', agreementAmount: 50_000 * WAN });
  for (const actor of [ADMIN, STAFF, ICBC_LIAISON, CEB_LIAISON, VIEWER]) {
    await run(ADMIN, 'member.upsert', { uid: actor.uid, expectedVersion: null, name: actor.name, role: actor.role, bankId: actor.bankId });
  }
  const early = new Date('2026-01-05T02:00:00.000Z');
  const assignmentIds: string[] = [];
  for (const stage of ['pipeline', 'matched'] as const) {
    const projectId = (await run(STAFF, 'project.create', { ...PROJECT_INPUT, stage }, early)).createdId!;
    let version = 1;
    for (const what of ['用地指标未落实', '资本金未到位']) {
      await run(STAFF, 'blocker.add', { projectId, expectedVersion: version++, tag: 'permits', description: what, party: '市自然资源局' }, early);
      assignmentIds.push((await run(STAFF, 'assignment.add', { projectId, expectedVersion: version++, month: '2026-02', what, who: '城投集团', dueDate: '2026-03-31' }, early)).createdId!);
    }
    // The 督办 loop: one assignment acknowledged, one waiting for 销号 (城投集团 has no member: staff record its steps).
    const [first, second] = assignmentIds.splice(0);
    // The second project's assignments stay unacknowledged.
    if (stage === 'pipeline') {
    await run(STAFF, 'assignment.acknowledge', { projectId, expectedVersion: version++, assignmentId: first }, early);
    await run(STAFF, 'assignment.acknowledge', { projectId, expectedVersion: version++, assignmentId: second }, early);
    await run(STAFF, 'assignment.requestClose', { projectId, expectedVersion: version++, assignmentId: second, text: '已落实' }, early);
    }
    await run(STAFF, 'line.add', { projectId, bankId: 'icbc', product: 'workingCapital', requested: 3_000 * WAN }, early);
    for (const bankId of ['icbc', 'ceb']) {
      const lineId = (await run(STAFF, 'line.add', { projectId, bankId, product: 'projectLoan', requested: 10_000 * WAN }, early)).createdId!;
      await run(STAFF, 'line.recordApproval', { lineId, expectedVersion: 1, approved: 8_000 * WAN, approvedDate: '2026-01-05' }, early);
      await run(STAFF, 'line.addTranche', { lineId, expectedVersion: 2, date: '2026-01-05', amount: 1_000 * WAN }, early);
    }
  }
  await run(STAFF, 'month.close', { month: '2026-01' }, new Date('2026-02-02T02:00:00.000Z'));
  for (const month of MONTHS.slice(1)) await run(STAFF, 'reporting.open', { month }, early);
  return store.exportAll();
}

describe(`fuzz: ${RUNS_PER_COMMAND} payloads for every command (seed ${SEED})`, () => {
  it('refusals write nothing; acceptances keep every invariant', async () => {
    const seed = await seedWorkspace();
    const outcomes: Record<string, { accepted: number; refused: number }> = {};
    for (const [index, name] of COMMAND_NAMES.entries()) {
      const draws = fc.sample(drawArb, { seed: SEED + index, numRuns: RUNS_PER_COMMAND });
      const tally = { accepted: 0, refused: 0 };
      let store = new MemoryDocumentStore();
      for (const [run, d] of draws.entries()) {
        if (run % RESET_EVERY === 0) {
          store = new MemoryDocumentStore();
          store.importAll(structuredClone(seed));
        }
        const payload = mutate(template(name, readState(store), d), d);
        const before = references(store);
        const deepBefore = run % RESET_EVERY === 1 ? store.exportAll() : null;
        const actor = ACTORS[d.actor]!;
        const context = `${name} #${run} as ${actor.role}: ${JSON.stringify(payload)?.slice(0, 300)}`;
        try {
          await executeCommand(store, { actor, now: NOW }, { name, payload });
          tally.accepted++;
          const broken = brokenInvariant(store);
          expect(broken, context).toBeNull();
        } catch (error) {
          if (!isDomainError(error)) throw new Error(`${context} threw ${String(error)}`, { cause: error });
          expect(error.code, context).not.toBe('internal');
          tally.refused++;
          expect(sameReferences(references(store), before), context).toBe(true);
          if (deepBefore) expect(store.exportAll(), context).toEqual(deepBefore);
        }
      }
      outcomes[name] = tally;
    }
    // Every command was both accepted and refused at least once: the fuzz reaches past validation.
    const neverAccepted = Object.entries(outcomes).filter(([name, t]) => t.accepted === 0 && !name.startsWith('ledger.'));
    expect(neverAccepted).toEqual([]);
    expect(Object.values(outcomes).every((t) => t.refused > 0)).toBe(true);
  }, 300_000);
});
