/**
 * Core figures: the clearance + stall evaluation of a large board (what every command and the
 * stall scan run per project) and command throughput on the in-memory store (what the local
 * backend runs for every move and tranche).
 */
import {
  MemoryDocumentStore,
  dayOf,
  computeClearance,
  deriveProject,
  digestLines,
  evaluateStall,
  executeCommand,
  rankBetween,
  type Actor,
  type CommandEnvelope,
  type LoanLine,
  type Project,
  type StoredDoc,
} from '@clearway/core';
import { SAMPLE_IDENTITIES, sampleActor, seedStore } from '@clearway/core/sample';
import { figure, median, progress, round, runSuite, under, type Figure } from './lib/figures';
import { scaledWorkload, workspaceOf } from './lib/workload';

const PROJECTS = 10_000;
const LINES_PER_PROJECT = 3;
// The optimising compiler needs several passes before the loop is steady (more on a busy machine).
const WARM_UP_RUNS = 10;
const MEASURED_RUNS = 15;
const COMMANDS_PER_KIND = 1_500;

function actorWithRole(role: 'admin' | 'staff'): Actor {
  const member = SAMPLE_IDENTITIES.find((candidate) => candidate.role === role);
  if (!member) throw new Error(`the sample has no ${role}`);
  return sampleActor(member);
}

interface Timing {
  wall: number;
  cpu: number;
}

/** Median wall and CPU time of `work` after the warm-up, with every measured run. */
function timeRuns(work: () => void): { wall: number[]; cpu: number[] } {
  const once = (): Timing => {
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    work();
    const wall = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    return { wall, cpu: (cpu.user + cpu.system) / 1000 };
  };
  for (let run = 0; run < WARM_UP_RUNS; run += 1) once();
  const runs = Array.from({ length: MEASURED_RUNS }, once);
  return { wall: runs.map((run) => run.wall), cpu: runs.map((run) => run.cpu) };
}

const listed = (values: number[]) => values.map((t) => t.toFixed(1)).join(', ');

function evaluationFigures(now: Date): Figure[] {
  progress(`core: building ${PROJECTS} projects × ${LINES_PER_PROJECT} lines`);
  const { projects, linesByProject, rules } = scaledWorkload(PROJECTS, LINES_PER_PROJECT, now);
  // The evaluation reads the line digests a project carries (what the stall scan and a move use).
  const evaluated = projects.map((project) => [project, digestLines(linesByProject.get(project.id) ?? [])] as const);
  const withLines = projects.map((project) => [project, linesByProject.get(project.id) ?? []] as const);
  let stalled = 0;
  const evaluation = timeRuns(() => {
    stalled = 0;
    for (const [project, digests] of evaluated) {
      computeClearance(project, digests, now);
      if (evaluateStall(project, digests, now, rules).stalled) stalled += 1;
    }
  });
  const derivation = timeRuns(() => {
    for (const [project, lines] of withLines) deriveProject(project, lines, rules, now);
  });
  const size = `${PROJECTS.toLocaleString('en')} projects × ${LINES_PER_PROJECT} lines`;
  return [
    figure('core.evaluate10k.ms', `core: computeClearance + evaluateStall, ${size} (median of ${MEASURED_RUNS})`, round(median(evaluation.wall)), 'ms', under(50), `${stalled} stalled; runs ${listed(evaluation.wall)}`),
    // CPU time of the process (main thread plus GC and compiler threads): what the work costs when
    // other programs share the machine and stretch the wall clock.
    figure('core.evaluate10k.cpuMs', 'core: the same, process CPU time (median)', round(median(evaluation.cpu)), 'ms', undefined, listed(evaluation.cpu)),
    figure('core.derive10k.ms', `core: deriveProject from full loan lines (digests + copy), ${size} (median)`, round(median(derivation.wall)), 'ms', undefined, `cpu ${round(median(derivation.cpu))} ms`),
  ];
}

async function seededStore(now: Date): Promise<MemoryDocumentStore> {
  const store = new MemoryDocumentStore();
  await seedStore(store, workspaceOf(400, now));
  return store;
}

/** Commands per second for `count` commands made by `next(i)`, run one after another. */
async function throughput(store: MemoryDocumentStore, actor: Actor, now: Date, count: number, next: (i: number) => CommandEnvelope, afterEach: (written: { collection: string; id: string; version: number }[]) => void): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < count; i += 1) {
    const result = await executeCommand(store, { actor, now }, next(i));
    afterEach(result.written);
  }
  return count / ((performance.now() - started) / 1000);
}

async function moveThroughput(now: Date): Promise<Figure> {
  const store = await seededStore(now);
  const projects = (await store.query<Project>('projects')).filter((doc) => doc.data.flag === null);
  const versions = new Map(projects.map((doc) => [doc.id, doc.version]));
  // Every move takes a card to the top of its own column: a real reorder, never refused by a gate.
  const firstRank = new Map<string, string>();
  for (const doc of projects) {
    const current = firstRank.get(doc.data.stage);
    if (current === undefined || doc.data.rank < current) firstRank.set(doc.data.stage, doc.data.rank);
  }
  let moving: StoredDoc<Project> = projects[0] as StoredDoc<Project>;
  const perSecond = await throughput(
    store,
    actorWithRole('staff'),
    now,
    COMMANDS_PER_KIND,
    (i) => {
      moving = projects[(i * 7) % projects.length] as StoredDoc<Project>;
      const stage = moving.data.stage;
      const after = firstRank.get(stage) ?? null;
      firstRank.set(stage, rankBetween(null, after));
      return {
        name: 'project.move',
        payload: { projectId: moving.id, expectedVersion: versions.get(moving.id), toStage: stage, before: null, after },
      };
    },
    (written) => {
      for (const write of written) if (write.collection === 'projects') versions.set(write.id, write.version);
    },
  );
  return figure('core.moveThroughput.perSecond', 'core: project.move on the in-memory store (400 projects)', Math.round(perSecond), 'commands/s');
}

/** Approved and not yet drawn, in yuan. */
function awaiting(line: LoanLine): number {
  if (line.status === 'declined' || !line.approved) return 0;
  return line.approved - line.tranches.reduce((sum, tranche) => sum + tranche.amount, 0);
}

async function trancheThroughput(now: Date): Promise<Figure> {
  const store = await seededStore(now);
  const today = dayOf(now);
  const lines = (await store.query<LoanLine>('loanLines')).filter(
    (doc) => awaiting(doc.data) >= COMMANDS_PER_KIND && doc.data.approvedDate !== null && doc.data.approvedDate <= today,
  );
  if (lines.length === 0) throw new Error('the sample has no line awaiting disbursement');
  const versions = new Map(lines.map((doc) => [doc.id, doc.version]));
  const perSecond = await throughput(
    store,
    actorWithRole('admin'),
    now,
    COMMANDS_PER_KIND,
    (i) => {
      const line = lines[i % lines.length] as StoredDoc<LoanLine>;
      return { name: 'line.addTranche', payload: { lineId: line.id, expectedVersion: versions.get(line.id), date: today, amount: 1 } };
    },
    (written) => {
      for (const write of written) if (write.collection === 'loanLines') versions.set(write.id, write.version);
    },
  );
  return figure('core.trancheThroughput.perSecond', 'core: line.addTranche on the in-memory store (400 projects)', Math.round(perSecond), 'commands/s');
}

await runSuite('core', async () => {
  const now = new Date();
  const figures = evaluationFigures(now);
  progress('core: command throughput');
  figures.push(await moveThroughput(now), await trancheThroughput(now));
  return figures;
});
