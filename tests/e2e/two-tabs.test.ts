/**
 * Two tabs of the demo, one IndexedDB: both hammer one card (moves) and one loan line (tranches)
 * at the same time, through the real backend of each page (Web Locks, IndexedDB, BroadcastChannel).
 * No acknowledged write may be lost: every acknowledged write of a document has its own version,
 * every acknowledged tranche is in the line after a reload, and the project's line digest says
 * what the lines say.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { CommandResult, LoanLine, Project, StoredDoc } from '@clearway/core';
import { PATIENTLY, useBrowser } from './fixture';
import { cardOf, openBoard, stageOfCard } from './harness';

const browser = useBrowser();
const ROUNDS = 25;
const TRANCHE = 10_000; // 1万元

interface Probe {
  execute(command: { name: string; payload: unknown }): Promise<CommandResult>;
  get<T>(collection: string, id: string): Promise<StoredDoc<T> | null>;
  query<T>(collection: string, spec?: unknown): Promise<StoredDoc<T>[]>;
  flush(): Promise<void>;
  lockKind: string;
}

interface Targets {
  projectId: string;
  lineId: string;
  today: string;
}

interface Acknowledged {
  moves: number[];
  tranches: number[];
  refusals: string[];
}

/** A card under approval and a line that can take every tranche the test may add. */
async function chooseTargets(page: Page): Promise<Targets> {
  return page.evaluate(async ({ needed }) => {
    const probe = (window as unknown as { __clearwayLocal: Probe }).__clearwayLocal;
    const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
    const projects = await probe.query<Project>('projects');
    const card = projects.find((doc) => doc.data.stage === 'approval' && doc.data.flag === null);
    const lines = await probe.query<LoanLine>('loanLines');
    const line = lines.find((doc) => {
      const drawn = doc.data.tranches.reduce((sum, tranche) => sum + tranche.amount, 0);
      const project = projects.find((candidate) => candidate.id === doc.data.projectId);
      return (
        doc.data.approved !== null &&
        doc.data.approvedDate !== null &&
        doc.data.approvedDate <= today &&
        doc.data.status !== 'declined' &&
        doc.data.approved - drawn >= needed &&
        project?.data.flag === null
      );
    });
    if (!card || !line) throw new Error('the sample has no card under approval or no drawable line');
    return { projectId: card.id, lineId: line.id, today };
  }, { needed: 2 * ROUNDS * TRANCHE });
}

/** Runs ROUNDS moves of the card and ROUNDS tranches on the line, interleaved, from one page. */
async function hammer(page: Page, targets: Targets): Promise<Acknowledged> {
  return page.evaluate(
    async ({ targets, rounds, amount }) => {
      const probe = (window as unknown as { __clearwayLocal: Probe }).__clearwayLocal;
      const acknowledged: Acknowledged = { moves: [], tranches: [], refusals: [] };
      const versionOf = (result: CommandResult, collection: string, id: string) =>
        result.written.find((write) => write.collection === collection && write.id === id)?.version ?? -1;
      async function attempt(run: () => Promise<CommandResult>, onAck: (result: CommandResult) => void) {
        try {
          onAck(await run());
        } catch (error) {
          const key = (error as { messageKey?: string }).messageKey ?? String(error);
          // A conflict is the honest answer to a stale view; anything else is a failure.
          if (key !== 'errors.conflict') acknowledged.refusals.push(key);
        }
      }
      for (let round = 0; round < rounds; round++) {
        const project = (await probe.get<Project>('projects', targets.projectId))!;
        const toStage = project.data.stage === 'approval' ? 'diligence' : 'approval';
        const move = attempt(
          () =>
            probe.execute({
              name: 'project.move',
              payload: { projectId: targets.projectId, expectedVersion: project.version, toStage, before: null, after: null },
            }),
          (result) => acknowledged.moves.push(versionOf(result, 'projects', targets.projectId)),
        );
        const line = (await probe.get<LoanLine>('loanLines', targets.lineId))!;
        const tranche = attempt(
          () =>
            probe.execute({
              name: 'line.addTranche',
              payload: { lineId: targets.lineId, expectedVersion: line.version, date: targets.today, amount },
            }),
          (result) => acknowledged.tranches.push(versionOf(result, 'loanLines', targets.lineId)),
        );
        await Promise.all([move, tranche]);
      }
      await probe.flush();
      return acknowledged;
    },
    { targets, rounds: ROUNDS, amount: TRANCHE },
  );
}

async function stored(page: Page, targets: Targets) {
  return page.evaluate(async (targets) => {
    const probe = (window as unknown as { __clearwayLocal: Probe }).__clearwayLocal;
    const project = (await probe.get<Project>('projects', targets.projectId))!;
    const line = (await probe.get<LoanLine>('loanLines', targets.lineId))!;
    const lineProject = (await probe.get<Project>('projects', line.data.projectId))!;
    const lines = await probe.query<LoanLine>('loanLines', { where: [{ field: 'projectId', op: '==', value: line.data.projectId }] });
    const moves = await probe.query<{ command: string }>('activity', {
      where: [{ field: 'projectId', op: '==', value: targets.projectId }],
    });
    return {
      projectStage: project.data.stage,
      projectVersion: project.version,
      lineVersion: line.version,
      trancheCount: line.data.tranches.length,
      moveRecords: moves.filter((record) => record.data.command === 'project.move').length,
      digest: lineProject.data.lines.map((entry) => ({ id: entry.id, trancheCount: entry.trancheCount, disbursed: entry.disbursed })),
      lines: lines
        .map((doc) => ({
          id: doc.id,
          trancheCount: doc.data.tranches.length,
          disbursed: doc.data.tranches.reduce((sum, tranche) => sum + tranche.amount, 0),
        }))
        .sort((a, b) => (a.id < b.id ? -1 : 1)),
    };
  }, targets);
}

describe('two tabs of the demo', () => {
  it('lose no acknowledged write when both hammer one card and one line, and the digest equals the lines after a reload', async () => {
    const first = browser.page;
    await openBoard(first);
    const second = await first.context().newPage();
    await openBoard(second);
    for (const page of [first, second]) {
      expect(await page.evaluate(() => (window as unknown as { __clearwayLocal: Probe }).__clearwayLocal.lockKind)).toBe('web-locks');
    }
    const targets = await chooseTargets(first);
    const before = await stored(first, targets);

    const [a, b] = await Promise.all([hammer(first, targets), hammer(second, targets)]);
    expect([...a.refusals, ...b.refusals]).toEqual([]);
    const moves = [...a.moves, ...b.moves];
    const tranches = [...a.tranches, ...b.tranches];
    // Both tabs got writes through, and no two acknowledged writes claim the same version.
    expect(a.moves.length + a.tranches.length).toBeGreaterThan(0);
    expect(b.moves.length + b.tranches.length).toBeGreaterThan(0);
    expect(new Set(moves).size).toBe(moves.length);
    expect(new Set(tranches).size).toBe(tranches.length);

    await first.reload();
    await openBoard(first);
    const after = await stored(first, targets);
    expect(after.trancheCount).toBe(before.trancheCount + tranches.length);
    expect(after.lineVersion).toBe(before.lineVersion + tranches.length);
    expect(after.moveRecords).toBe(before.moveRecords + moves.length);
    expect(after.projectVersion).toBeGreaterThanOrEqual(Math.max(...moves));
    expect([...after.digest].sort((x, y) => (x.id < y.id ? -1 : 1))).toEqual(after.lines);

    // The other tab shows the same card in the same column as the reloaded one.
    await expect.poll(() => stageOfCard(second, targets.projectId), PATIENTLY).toBe(after.projectStage);
    await expect.poll(() => stageOfCard(first, targets.projectId), PATIENTLY).toBe(after.projectStage);
    await cardOf(first, targets.projectId).waitFor({ state: 'visible' });
  });
});
