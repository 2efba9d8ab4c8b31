/**
 * Properties of the command layer that must hold whatever people do, in whatever order:
 * (a) no line ever disburses more than it was approved, project totals are the sum of lines, and
 *     the line digest the project carries is the digest of its stored lines;
 * (b) a refused command leaves the whole store exactly as it was;
 * (c) moving cards keeps every column in a strict total order, with the card where it was dropped.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { digestLine, lineDisbursed } from '../lineDigest';
import { DomainError } from '../errors';
import { compareByRank, neighbourRanks } from '../rank';
import { MemoryDocumentStore } from '../store/memoryDocumentStore';
import type { Actor, LoanLine, Project } from '../types';
import { LOAN_PRODUCTS, STAGE_IDS } from '../types';
import { lineStatusOf } from './handlers/shared';
import { addLine, CEB_LIAISON, createProject, ICBC_LIAISON, run, STAFF, VIEWER, WAN, workspace } from './testing';
import type { CommandName } from './contract';

const ACTORS: Actor[] = [STAFF, ICBC_LIAISON, CEB_LIAISON, VIEWER];
/** Approvals mostly early and tranches mostly later, so that many commands pass; 03-20 is in the future. */
const APPROVAL_DAYS = ['2026-01-15', '2026-01-15', '2026-02-01', '2026-03-01', '2026-03-20'];
const LATER_DAYS = ['2026-02-01', '2026-03-01', '2026-03-05', '2026-03-10', '2026-03-10', '2026-01-01', '2026-03-20'];

/** Amounts in 万元, a few of them bad (negative, fractional yuan). */
const amountArb = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 0, max: 1_200 }).map((wan) => wan * WAN) },
  { weight: 1, arbitrary: fc.constantFrom(-WAN, 0.5, 1_500.25) },
);

interface LineStep {
  /** 'add' opens a new line on one of the two projects (bank and product picked by `day`). */
  kind: 'add' | 'approval' | 'contract' | 'tranche' | 'note';
  /** Index into the lines so far (wraps); for 'add', picks the project. */
  line: number;
  actor: number;
  amount: number;
  /** Index into the days of its kind (wraps). */
  day: number;
  /** Send the version before the current one, as a client with an old view would. */
  stale: boolean;
}

const lineStepArb: fc.Arbitrary<LineStep> = fc.record({
  kind: fc.constantFrom<LineStep['kind'][]>('add', 'approval', 'contract', 'tranche', 'tranche', 'tranche', 'note'),
  line: fc.nat({ max: 7 }),
  actor: fc.constantFrom(0, 0, 0, 0, 1, 1, 2, 3),
  amount: amountArb,
  day: fc.nat({ max: 6 }),
  stale: fc.integer({ min: 0, max: 9 }).map((n) => n < 2),
});

async function lineWorkspace() {
  const store = await workspace();
  const projects = [await createProject(store, { name: '甲' }), await createProject(store, { name: '乙' })];
  const lines = [
    await addLine(store, projects[0]!, 'icbc'),
    await addLine(store, projects[0]!, 'ceb'),
    await addLine(store, projects[1]!, 'icbc'),
    await addLine(store, projects[1]!, 'ceb', 0),
  ];
  // Three lines start approved so that most tranches have something to draw on; the fourth does not.
  for (const [index, approved] of [2_000, 1_500, 1_000].entries()) {
    await run(store, STAFF, 'line.recordApproval', { lineId: lines[index]!, expectedVersion: 1, approved: approved * WAN, approvedDate: '2026-01-15' });
  }
  return { store, projects, lines };
}

function addLineCommand(step: LineStep, projectIds: string[]): { name: CommandName; payload: Record<string, unknown> } {
  const projectId = projectIds[step.line % projectIds.length]!;
  const bankId = step.day % 2 === 0 ? 'icbc' : 'ceb';
  const product = LOAN_PRODUCTS[step.day % LOAN_PRODUCTS.length]!;
  return { name: 'line.add', payload: { projectId, bankId, product, requested: step.amount } };
}

function lineCommand(step: LineStep, lineId: string, version: number): { name: CommandName; payload: Record<string, unknown> } {
  const expectedVersion = step.stale ? Math.max(1, version - 1) : version;
  const approvalDay = APPROVAL_DAYS[step.day % APPROVAL_DAYS.length]!;
  const laterDay = LATER_DAYS[step.day % LATER_DAYS.length]!;
  switch (step.kind) {
    case 'add':
      throw new Error('line.add is built by addLineCommand');
    case 'approval':
      return { name: 'line.recordApproval', payload: { lineId, expectedVersion, approved: step.amount, approvedDate: approvalDay } };
    case 'contract':
      return { name: 'line.recordContract', payload: { lineId, expectedVersion, contracted: step.amount, contractDate: laterDay } };
    case 'tranche':
      return { name: 'line.addTranche', payload: { lineId, expectedVersion, amount: step.amount, date: laterDay } };
    case 'note':
      return { name: 'line.setNote', payload: { lineId, expectedVersion, note: `note ${step.amount}` } };
  }
}

async function attempt(store: MemoryDocumentStore, actor: Actor, name: CommandName, payload: unknown): Promise<boolean> {
  const before = store.exportAll();
  const activityCount = before.activity.length;
  try {
    await run(store, actor, name, payload as never);
  } catch (error) {
    // (b) a refusal is a DomainError and leaves every document as it was.
    expect(error).toBeInstanceOf(DomainError);
    expect(store.exportAll()).toEqual(before);
    return false;
  }
  expect(store.exportAll().activity).toHaveLength(activityCount + 1);
  return true;
}

async function assertLineInvariants(store: MemoryDocumentStore, projectIds: string[]): Promise<void> {
  for (const projectId of projectIds) {
    const project = (await store.get<Project>('projects', projectId))!.data;
    const lines = (await store.query<LoanLine>('loanLines', { where: [{ field: 'projectId', op: '==', value: projectId }] }))
      .map((doc) => doc.data)
      .sort((a, b) => (a.id < b.id ? -1 : 1));
    for (const line of lines) {
      if (line.approved === null) expect(line.tranches).toEqual([]);
      else expect(lineDisbursed(line)).toBeLessThanOrEqual(line.approved);
      if (line.contracted !== null) expect(line.contracted).toBeLessThanOrEqual(line.approved ?? 0);
      expect(line.status).toBe(lineStatusOf(line));
    }
    const live = lines.filter((line) => line.status !== 'declined');
    const sum = (values: (number | null)[]) => values.reduce<number>((total, v) => total + (v ?? 0), 0);
    expect(project.clearance.approved).toBe(sum(live.map((l) => l.approved)));
    expect(project.clearance.contracted).toBe(sum(live.map((l) => l.contracted)));
    expect(project.clearance.disbursed).toBe(sum(live.map(lineDisbursed)));
    expect(project.clearance.requested).toBe(sum(lines.map((l) => l.requested)));
    expect(project.bankIds).toEqual([...new Set(lines.map((l) => l.bankId))].sort());
    expect(project.lines).toEqual(lines.map(digestLine));
  }
}

describe('command properties', () => {
  it('(a, b) whatever the line commands, nothing is over-disbursed, totals and digests add up, refusals change nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(lineStepArb, { minLength: 5, maxLength: 30 }), async (steps) => {
        const { store, projects, lines } = await lineWorkspace();
        for (const step of steps) {
          if (step.kind === 'add') {
            const { name, payload } = addLineCommand(step, projects);
            if (await attempt(store, ACTORS[step.actor]!, name, payload)) {
              const stored = (await store.query<LoanLine>('loanLines')).map((doc) => doc.id);
              lines.push(...stored.filter((id) => !lines.includes(id)));
            }
          } else {
            const lineId = lines[step.line % lines.length]!;
            const version = (await store.get<LoanLine>('loanLines', lineId))!.version;
            const { name, payload } = lineCommand(step, lineId, version);
            await attempt(store, ACTORS[step.actor]!, name, payload);
          }
          await assertLineInvariants(store, projects);
        }
      }),
      { numRuns: 60 },
    );
  }, 60_000);

  it('(b) a refused command of any kind leaves the store deep-equal to before', async () => {
    const { store, projects, lines } = await lineWorkspace();
    await run(store, STAFF, 'line.recordApproval', { lineId: lines[0]!, expectedVersion: 2, approved: 100 * WAN, approvedDate: '2026-02-01' });
    const projectId = projects[0]!;
    const version = async () => (await store.get<Project>('projects', projectId))!.version;
    const refusals: [Actor, CommandName, unknown][] = [
      [STAFF, 'project.move', { projectId, expectedVersion: await version(), toStage: 'disbursed', before: null, after: null }],
      [STAFF, 'project.move', { projectId, expectedVersion: (await version()) + 1, toStage: 'matched', before: null, after: null }],
      [STAFF, 'project.update', { projectId, expectedVersion: await version(), changes: { leadBankId: 'nobank' } }],
      [STAFF, 'blocker.resolve', { projectId, expectedVersion: await version(), blockerId: 'none', resolution: 'x' }],
      [VIEWER, 'project.setActionPlan', { projectId, expectedVersion: await version(), actionPlan: 'x' }],
      [CEB_LIAISON, 'line.addTranche', { lineId: lines[0]!, expectedVersion: 3, amount: WAN, date: '2026-03-01' }],
      [STAFF, 'line.addTranche', { lineId: lines[0]!, expectedVersion: 3, amount: 101 * WAN, date: '2026-03-01' }],
      [STAFF, 'line.addTranche', { lineId: lines[0]!, expectedVersion: 3, amount: -1, date: '2026-03-01' }],
      [STAFF, 'line.addTranche', { lineId: lines[0]!, expectedVersion: 2, amount: WAN, date: '2026-03-01' }],
      [STAFF, 'line.add', { projectId, bankId: 'icbc', product: 'projectLoan', requested: 1 }],
      [STAFF, 'member.upsert', { uid: 'x', name: 'x', role: 'admin' }],
      [STAFF, 'project.create', { name: 'x' }],
    ];
    for (const [actor, name, payload] of refusals) {
      expect(await attempt(store, actor, name, payload), name).toBe(false);
    }
  });

  it('(c) random moves keep every column in a strict total order with the card where it was dropped', async () => {
    // Eight cards in 储备谋划, half of them with an approved line so they may go as far as 已审批待投放.
    const template = await workspace();
    const ids: string[] = [];
    for (let i = 0; i < 8; i += 1) {
      const id = await createProject(template, { name: `项目${i}` });
      if (i % 2 === 0) {
        const lineId = await addLine(template, id);
        await run(template, STAFF, 'line.recordApproval', { lineId, expectedVersion: 1, approved: 100 * WAN, approvedDate: '2026-02-01' });
      }
      ids.push(id);
    }
    const moveArb = fc.record({
      project: fc.nat({ max: 7 }),
      stage: fc.constantFrom(...STAGE_IDS.slice(0, 6)),
      index: fc.integer({ min: -1, max: 9 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(moveArb, { minLength: 1, maxLength: 20 }), async (moves) => {
        const store = new MemoryDocumentStore();
        store.importAll(template.exportAll());
        for (const move of moves) {
          const projectId = ids[move.project]!;
          const all = (await store.query<Project>('projects')).map((doc) => doc);
          const moving = all.find((doc) => doc.id === projectId)!;
          const target = all.filter((doc) => doc.data.stage === move.stage).map((doc) => doc.data).sort(compareByRank);
          const { before, after } = neighbourRanks(target, projectId, move.index);
          const accepted = await attempt(store, STAFF, 'project.move', {
            projectId,
            expectedVersion: moving.version,
            toStage: move.stage,
            before,
            after,
          });
          const projects = (await store.query<Project>('projects')).map((doc) => doc.data);
          for (const stage of STAGE_IDS) {
            const columnCards = projects.filter((p) => p.stage === stage).sort(compareByRank);
            const ranks = columnCards.map((p) => p.rank);
            expect(new Set(ranks).size, `ties in ${stage}`).toBe(ranks.length);
            for (let i = 1; i < ranks.length; i += 1) expect(ranks[i - 1]! < ranks[i]!).toBe(true);
          }
          if (accepted) {
            const columnIds = projects.filter((p) => p.stage === move.stage).sort(compareByRank).map((p) => p.id);
            const others = target.filter((p) => p.id !== projectId).length;
            expect(columnIds.indexOf(projectId)).toBe(Math.max(0, Math.min(move.index, others)));
          }
        }
      }),
      { numRuns: 30 },
    );
  }, 60_000);
});
