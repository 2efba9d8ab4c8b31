/**
 * The document budgets of DESIGN.md, counted on the in-memory store: a move (and every command on
 * a project alone) reads the project and the stall rules, never its loan lines, and writes the
 * project and one activity record; the daily stall scan reads only its candidates. A project
 * stored before it carried its line digest is healed by the first command that touches it.
 */
import { describe, expect, it } from 'vitest';
import { defaultStallRules } from '../defaults';
import { digestLine } from '../lineDigest';
import { countingDocumentStore } from '../store/countingDocumentStore';
import type { AccessCounts } from '../store/countingDocumentStore';
import type { MemoryDocumentStore } from '../store/memoryDocumentStore';
import type { Actor, LoanLine, LoanProduct, Project } from '../types';
import type { CommandName } from './contract';
import { executeCommand } from './execute';
import type { CommandInputs } from './schemas';
import { ADMIN, createProject, NOW, project, run, STAFF, WAN, workspace } from './testing';

const LATER = new Date('2026-05-01T00:00:00.000Z');
const FIVE_LINES: [string, LoanProduct][] = [
  ['icbc', 'projectLoan'],
  ['icbc', 'workingCapital'],
  ['ceb', 'projectLoan'],
  ['ceb', 'guaranteed'],
  ['ceb', 'bond'],
];

/** A project in 储备谋划 with five loan lines (two approved) and explicit stall rules. */
async function projectWithFiveLines(): Promise<{ store: MemoryDocumentStore; projectId: string; lineIds: string[] }> {
  const store = await workspace();
  await run(store, ADMIN, 'rules.setStageLimits', { expectedVersion: null, ...defaultStallRules() });
  const projectId = await createProject(store);
  const lineIds: string[] = [];
  for (const [bankId, product] of FIVE_LINES) {
    lineIds.push((await run(store, STAFF, 'line.add', { projectId, bankId, product, requested: 2_000 * WAN })).createdId!);
  }
  for (const lineId of lineIds.slice(0, 2)) {
    await run(store, STAFF, 'line.recordApproval', { lineId, expectedVersion: 1, approved: 1_000 * WAN, approvedDate: '2026-02-01' });
  }
  return { store, projectId, lineIds };
}

async function versionOf(store: MemoryDocumentStore, projectId: string): Promise<number> {
  return (await project(store, projectId)).version;
}

/** Runs one command on a counting view of `store` and returns what its transaction read and wrote. */
async function counted<N extends CommandName>(
  store: MemoryDocumentStore,
  actor: Actor,
  name: N,
  payload: CommandInputs[N],
  now: Date = NOW,
): Promise<AccessCounts> {
  const counting = countingDocumentStore(store);
  await executeCommand(counting.store, { actor, now }, { name, payload });
  expect(counting.counts.transactions).toHaveLength(1);
  return counting.counts.last()!;
}

describe('a move reads at most 3 documents and writes at most 3', () => {
  it('reads the project and the stall rules, not its five lines, and writes the project and one activity', async () => {
    const { store, projectId } = await projectWithFiveLines();
    const before = await project(store, projectId);
    expect(before.data.lines).toHaveLength(5);

    const counts = await counted(store, STAFF, 'project.move', {
      projectId,
      expectedVersion: before.version,
      toStage: 'approved',
      before: null,
      after: null,
    });
    expect(counts.reads).toBeLessThanOrEqual(3);
    expect(counts.writes).toBeLessThanOrEqual(3);
    expect(counts.readsByCollection).toEqual({ projects: 1, settings: 1 });
    expect(counts.writesByCollection).toEqual({ projects: 1, activity: 1 });

    // The gates saw the approved amounts through the digest, and the digest is still whole.
    const after = await project(store, projectId);
    expect(after.data.stage).toBe('approved');
    expect(after.data.clearance.approved).toBe(2_000 * WAN);
    expect(after.data.lines).toEqual(before.data.lines);
  });

  it('still refuses a gate the lines do not meet, reading no line', async () => {
    const { store, projectId } = await projectWithFiveLines();
    const counting = countingDocumentStore(store);
    const expectedVersion = await versionOf(store, projectId);
    const refusal = await executeCommand(
      counting.store,
      { actor: STAFF, now: NOW },
      { name: 'project.move', payload: { projectId, expectedVersion, toStage: 'disbursing', before: null, after: null } },
    ).catch((error: unknown) => error);
    expect(refusal).toMatchObject({ code: 'failed-precondition', messageKey: 'errors.gate.trancheMissing' });
    expect(counting.counts.last()?.readsByCollection.loanLines).toBeUndefined();
  });
});

describe('commands on a project alone read two documents and write two', () => {
  type Setup = (store: MemoryDocumentStore, projectId: string) => Promise<{ [N in CommandName]: [N, CommandInputs[N]] }[CommandName]>;
  const commands: [CommandName, Setup][] = [
    ['project.update', async (store, projectId) => ['project.update', { projectId, expectedVersion: await versionOf(store, projectId), changes: { name: '城南污水处理厂（二期）' } }]],
    ['project.setFlag', async (store, projectId) => ['project.setFlag', { projectId, expectedVersion: await versionOf(store, projectId), flag: 'suspended', reason: '暂缓' }]],
    ['project.reschedule', async (store, projectId) => ['project.reschedule', { projectId, expectedVersion: await versionOf(store, projectId), expectedMonth: '2026-06' }]],
    ['project.setActionPlan', async (store, projectId) => ['project.setActionPlan', { projectId, expectedVersion: await versionOf(store, projectId), actionPlan: '一项一策' }]],
    [
      'prerequisite.set',
      async (store, projectId) => [
        'prerequisite.set',
        { projectId, expectedVersion: await versionOf(store, projectId), key: 'land', status: 'done', docNo: '土字1号', date: '2026-02-01' },
      ],
    ],
    [
      'blocker.add',
      async (store, projectId) => [
        'blocker.add',
        { projectId, expectedVersion: await versionOf(store, projectId), tag: 'permits', description: '用地未批', party: '市自然资源局' },
      ],
    ],
    [
      'blocker.resolve',
      async (store, projectId) => {
        const added = await run(store, STAFF, 'blocker.add', {
          projectId,
          expectedVersion: await versionOf(store, projectId),
          tag: 'bank',
          description: '上级行审批',
          party: '工商银行',
        });
        return ['blocker.resolve', { projectId, expectedVersion: await versionOf(store, projectId), blockerId: added.createdId!, resolution: '已批' }];
      },
    ],
    [
      'assignment.complete',
      async (store, projectId) => {
        const added = await run(store, STAFF, 'assignment.add', {
          projectId,
          expectedVersion: await versionOf(store, projectId),
          month: '2026-03',
          what: '协调用地指标',
          who: '市自然资源局',
          dueDate: '2026-04-01',
        });
        return ['assignment.complete', { projectId, expectedVersion: await versionOf(store, projectId), assignmentId: added.createdId! }];
      },
    ],
  ];

  it.each(commands)('%s reads the project and the stall rules, and no line', async (_name, setup) => {
    const { store, projectId } = await projectWithFiveLines();
    const [name, payload] = await setup(store, projectId);
    const counts = await counted(store, STAFF, name, payload);
    expect(counts.readsByCollection).toEqual({ projects: 1, settings: 1 });
    expect(counts.writesByCollection).toEqual({ projects: 1, activity: 1 });
    expect((await project(store, projectId)).data.lines).toHaveLength(5);
  });

  it('assignment.add also checks that its month is open, and reads no line', async () => {
    const { store, projectId } = await projectWithFiveLines();
    const counts = await counted(store, STAFF, 'assignment.add', {
      projectId,
      expectedVersion: await versionOf(store, projectId),
      month: '2026-03',
      what: '协调用地指标',
      who: '市自然资源局',
      dueDate: '2026-04-01',
    });
    expect(counts.readsByCollection).toEqual({ months: 1, projects: 1, settings: 1 });
    expect(counts.writesByCollection).toEqual({ projects: 1, activity: 1 });
  });
});

describe('line commands keep the digest', () => {
  it('a line command reads the lines of its project and rewrites the digest with the changed line', async () => {
    const { store, projectId, lineIds } = await projectWithFiveLines();
    const approvedLine = (await store.get<LoanLine>('loanLines', lineIds[0]!))!;
    const counts = await counted(store, STAFF, 'line.addTranche', {
      lineId: approvedLine.id,
      expectedVersion: approvedLine.version,
      date: '2026-03-01',
      amount: 100 * WAN,
    });
    // months: the query for the latest closed month (a dated record may not fall in it); none here.
    expect(counts.readsByCollection).toEqual({ loanLines: 6, months: 0, projects: 1, settings: 1 });
    expect(counts.writesByCollection).toEqual({ loanLines: 1, projects: 1, activity: 1 });
    const lines = (await store.query<LoanLine>('loanLines', { where: [{ field: 'projectId', op: '==', value: projectId }] })).map((doc) => doc.data);
    const stored = await project(store, projectId);
    expect(stored.data.lines).toEqual(lines.sort((a, b) => (a.id < b.id ? -1 : 1)).map(digestLine));
    expect(stored.data.lines.find((line) => line.id === approvedLine.id)).toMatchObject({
      disbursed: 100 * WAN,
      trancheCount: 1,
      firstTrancheDate: '2026-03-01',
      lastTrancheDate: '2026-03-01',
      status: 'disbursing',
    });
  });
});

describe('the stall scan reads only its candidates', () => {
  it('reads no loan line, whatever lines the candidates have', async () => {
    const { store, projectId } = await projectWithFiveLines();
    await run(store, STAFF, 'project.reschedule', { projectId, expectedVersion: await versionOf(store, projectId), expectedMonth: '2026-03' });
    const counting = countingDocumentStore(store);
    const result = await executeCommand(counting.store, { actor: ADMIN, now: LATER }, { name: 'stall.scan', payload: {} });
    expect(result.stats).toMatchObject({ candidates: 1, written: 1 });
    const counts = counting.counts.last()!;
    // Settings: the stall rules and when they last changed (they never did here: no second query).
    expect(counts.readsByCollection).toEqual({ projects: 1, settings: 2 });
    expect(counts.queries).toBe(1);
    const scanned = await project(store, projectId);
    expect(scanned.data.stall.flags.map((flag) => flag.rule)).toContain('milestonePassed');
    expect(scanned.data.lines).toHaveLength(5);
  });
});

describe('projects stored before the line digest', () => {
  async function legacyProject(): Promise<{ store: MemoryDocumentStore; projectId: string; derived: Project }> {
    const { store, projectId } = await projectWithFiveLines();
    const derived = (await project(store, projectId)).data;
    const { lines: _digest, ...legacy } = derived;
    const snapshot = store.exportAll();
    snapshot.projects = snapshot.projects.map((doc) => (doc.id === projectId ? { ...doc, data: legacy } : doc));
    store.importAll(snapshot);
    return { store, projectId, derived };
  }

  it('a move reads its lines once and writes the digest', async () => {
    const { store, projectId, derived } = await legacyProject();
    const counts = await counted(store, STAFF, 'project.move', {
      projectId,
      expectedVersion: await versionOf(store, projectId),
      toStage: 'approved',
      before: null,
      after: null,
    });
    expect(counts.readsByCollection.loanLines).toBe(5);
    const healed = await project(store, projectId);
    expect(healed.data.stage).toBe('approved');
    expect(healed.data.lines).toEqual(derived.lines);
    const next = await counted(store, STAFF, 'project.setActionPlan', { projectId, expectedVersion: healed.version, actionPlan: '一项一策' });
    expect(next.readsByCollection.loanLines).toBeUndefined();
  });

  it('the stall scan reads the lines of such candidates only, and heals them', async () => {
    const { store, projectId, derived } = await legacyProject();
    const other = await createProject(store, { name: '新项目' });
    await run(store, STAFF, 'project.reschedule', { projectId: other, expectedVersion: 1, expectedMonth: '2026-03' });
    const counting = countingDocumentStore(store);
    await executeCommand(counting.store, { actor: ADMIN, now: LATER }, { name: 'stall.scan', payload: { scope: 'all' } });
    expect(counting.counts.last()?.readsByCollection.loanLines).toBe(5);
    expect((await project(store, projectId)).data.lines).toEqual(derived.lines);
    expect((await project(store, other)).data.lines).toEqual([]);
  });
});
