/**
 * Firestore cost, counted at the Firestore `DocumentStore` (its own read/write counter, plus a
 * per-collection tally of what handlers read) against the Firestore protocol server
 * (`@firestore-emulator/server`, the same one the tests use): reads and writes per command, the
 * reads to open the board (what the board's two listeners ask for: every project and the banks;
 * never a loan line) and the reads of the daily stall scan over 5,000 projects of which 50 are
 * due. Firestore bills a query that returns nothing as one read; so does the counter.
 */
import { deleteApp, initializeApp } from 'firebase-admin/app';
import { getFirestore, type Firestore } from 'firebase-admin/firestore';
import {
  dayOf,
  executeCommand,
  type Actor,
  type CollectionName,
  type CommandEnvelope,
  type DocumentStore,
  type LoanLine,
  type Project,
  type QuerySpec,
  type StoredDoc,
  type TransactionContext,
} from '@clearway/core';
import { SAMPLE_IDENTITIES, sampleActor, seedStore } from '@clearway/core/sample';
import { FirestoreDocumentStore } from '../functions/src/firestoreDocumentStore';
import { withReadProjections } from '../functions/src/readProjections';
import { runStallScan } from '../functions/src/handlers/stallScan';
import { startFirestoreProtocolServer } from '../functions/src/testing/firestoreProtocolServer';
import { atMost, exactly, figure, progress, round, runSuite, type Figure } from './lib/figures';
import { workspaceOf } from './lib/workload';

const SCAN_PROJECTS = 5000;
const SCAN_CANDIDATES = 50;
const COMMAND_WORKSPACE = 60;

/**
 * Reads by collection, as the handlers ask for them (the adapter's counter has the totals). Commands
 * run through the functions' read-projection decorator, as deployed, so writes include the
 * bureau's board cards and the liaisons' board views.
 */
class ReadTally implements DocumentStore {
  readonly reads = new Map<CollectionName, number>();
  private readonly inner: DocumentStore;

  constructor(readonly raw: FirestoreDocumentStore) {
    this.inner = withReadProjections(raw);
  }

  get usage() {
    return this.raw.usage;
  }

  reset(): void {
    this.reads.clear();
    this.raw.usage.reads = 0;
    this.raw.usage.writes = 0;
  }

  readsOf(collection: CollectionName): number {
    return this.reads.get(collection) ?? 0;
  }

  private count(collection: CollectionName, n: number): void {
    this.reads.set(collection, (this.reads.get(collection) ?? 0) + n);
  }

  async get<T>(collection: CollectionName, id: string): Promise<StoredDoc<T> | null> {
    this.count(collection, 1);
    return this.inner.get<T>(collection, id);
  }

  async query<T>(collection: CollectionName, spec?: QuerySpec): Promise<StoredDoc<T>[]> {
    const docs = await this.inner.query<T>(collection, spec);
    this.count(collection, Math.max(1, docs.length));
    return docs;
  }

  newId(collection: CollectionName): string {
    return this.inner.newId(collection);
  }

  runTransaction<R>(fn: (tx: TransactionContext) => Promise<R>): Promise<R> {
    return this.inner.runTransaction((tx) => {
      const counted: TransactionContext = {
        get: async <T>(collection: CollectionName, id: string) => {
          this.count(collection, 1);
          return tx.get<T>(collection, id);
        },
        query: async <T>(collection: CollectionName, spec?: QuerySpec) => {
          const docs = await tx.query<T>(collection, spec);
          this.count(collection, Math.max(1, docs.length));
          return docs;
        },
        create: (collection, id, data) => tx.create(collection, id, data),
        update: (collection, id, data, expectedVersion) => tx.update(collection, id, data, expectedVersion),
        delete: (collection, id, expectedVersion) => tx.delete(collection, id, expectedVersion),
      };
      return fn(counted);
    });
  }
}

function actorWithRole(role: 'admin' | 'staff'): Actor {
  const member = SAMPLE_IDENTITIES.find((candidate) => candidate.role === role);
  if (!member) throw new Error(`the sample has no ${role}`);
  return sampleActor(member);
}

function storeOn(db: Firestore): ReadTally {
  return new ReadTally(new FirestoreDocumentStore(db));
}

interface CommandCost {
  reads: number;
  writes: number;
  lineReads: number;
}

async function costOf(store: ReadTally, actor: Actor, now: Date, command: CommandEnvelope): Promise<CommandCost> {
  store.reset();
  await executeCommand(store, { actor, now }, command);
  return { reads: store.usage.reads, writes: store.usage.writes, lineReads: store.readsOf('loanLines') };
}

async function commandFigures(db: Firestore, now: Date): Promise<Figure[]> {
  progress('firestore: per-command cost');
  const store = storeOn(db);
  await seedStore(store, workspaceOf(COMMAND_WORKSPACE, now));
  const projects = await store.query<Project>('projects');
  const movable = projects.find((doc) => doc.data.flag === null && doc.data.stage !== 'pipeline') as StoredDoc<Project>;
  const staff = actorWithRole('staff');
  const admin = actorWithRole('admin');

  const move = await costOf(store, staff, now, {
    name: 'project.move',
    payload: { projectId: movable.id, expectedVersion: movable.version, toStage: 'pipeline', before: null, after: null },
  });

  const today = dayOf(now);
  const lines = await store.query<LoanLine>('loanLines');
  const drawable = lines.find((doc) => {
    const line = doc.data;
    const drawn = line.tranches.reduce((sum, tranche) => sum + tranche.amount, 0);
    return line.status !== 'declined' && line.approved !== null && line.approved - drawn >= 10_000 && line.approvedDate !== null && line.approvedDate <= today;
  });
  if (!drawable) throw new Error('the sample has no line to draw on');
  const tranche = await costOf(store, admin, now, {
    name: 'line.addTranche',
    payload: { lineId: drawable.id, expectedVersion: drawable.version, date: today, amount: 10_000 },
  });

  const target = (await store.get<Project>('projects', movable.id)) as StoredDoc<Project>;
  const blocker = await costOf(store, staff, now, {
    name: 'blocker.add',
    payload: { projectId: target.id, expectedVersion: target.version, tag: 'permits', description: '用地预审待批复', party: '自然资源局', dueDate: null },
  });

  return [
    figure('firestore.move.reads', 'firestore: project.move reads', move.reads, 'reads', atMost(3), `${move.lineReads} loan-line reads`),
    // project + activity + its two read projections (the bureau's board card, the liaisons' board view).
    figure('firestore.move.writes', 'firestore: project.move writes', move.writes, 'writes', atMost(4)),
    figure('firestore.addTranche.reads', 'firestore: line.addTranche reads', tranche.reads, 'reads', undefined, `${tranche.lineReads} loan-line reads`),
    figure('firestore.addTranche.writes', 'firestore: line.addTranche writes', tranche.writes, 'writes'),
    figure('firestore.blockerAdd.reads', 'firestore: blocker.add reads', blocker.reads, 'reads', undefined, `${blocker.lineReads} loan-line reads`),
    figure('firestore.blockerAdd.writes', 'firestore: blocker.add writes', blocker.writes, 'writes'),
  ];
}

/**
 * A workspace of SCAN_PROJECTS projects, stored. Every project was derived at `now`, so none is
 * due; exactly SCAN_CANDIDATES of them are made due an hour ago, as yesterday's changes would.
 */
async function seedLarge(store: ReadTally, now: Date): Promise<void> {
  const workspace = workspaceOf(SCAN_PROJECTS, now);
  const due = new Date(now.getTime() - 3_600_000).toISOString();
  const later = new Date(now.getTime() + 30 * 86_400_000).toISOString();
  const every = SCAN_PROJECTS / SCAN_CANDIDATES;
  const candidates = new Set<string>();
  workspace.projects.forEach((project, i) => {
    if (i % every === 0) candidates.add(project.id);
    project.stall = { ...project.stall, nextCheckAt: candidates.has(project.id) ? due : later };
  });
  // Only the candidates' loan lines: no query measured here may touch another project's lines,
  // and seeding 5,000 more documents into the protocol server would double the run.
  const loanLines = workspace.loanLines.filter((line) => candidates.has(line.projectId));
  progress(`firestore: seeding ${workspace.projects.length} projects and ${loanLines.length} loan lines`);
  // Seeded without the liaisons' board views: nothing measured here reads them.
  await seedStore(store.raw, { ...workspace, loanLines });
}

async function scaleFigures(db: Firestore, now: Date): Promise<Figure[]> {
  const store = storeOn(db);
  await seedLarge(store, now);

  progress('firestore: opening the board');
  store.reset();
  // The board store's two listeners (web/src/stores/board.ts): every project, every bank.
  const [boardProjects, boardBanks] = await Promise.all([store.query<Project>('projects', {}), store.query('banks', {})]);
  const boardReads = store.usage.reads;
  const projectReads = store.readsOf('projects');
  const boardLineReads = store.readsOf('loanLines');

  progress('firestore: daily stall scan');
  store.reset();
  const summary = await runStallScan(store, now, () => undefined);
  const scanReads = store.usage.reads;
  const scanWrites = store.usage.writes;
  store.reset();
  await runStallScan(store, now, () => undefined);
  const secondScanReads = store.usage.reads;
  const secondScanWrites = store.usage.writes;

  return [
    figure('firestore.boardOpen.reads', `firestore: reads to open the board (${boardProjects.length.toLocaleString('en')} cards, ${boardBanks.length} banks)`, boardReads, 'reads', undefined, `${projectReads} project reads`),
    figure('firestore.boardOpen.readsPerCard', 'firestore: project reads per card when opening the board', round(projectReads / boardProjects.length, 3), 'reads', exactly(1)),
    figure('firestore.boardOpen.lineReads', 'firestore: loan-line reads when opening the board', boardLineReads, 'reads', exactly(0)),
    figure(
      'firestore.stallScan.reads',
      `firestore: daily stall scan reads, ${SCAN_PROJECTS.toLocaleString('en')} projects, ${summary.candidates} due`,
      scanReads,
      'reads',
      atMost(SCAN_CANDIDATES * 4),
      `${scanWrites} writes; ${store.readsOf('loanLines')} loan-line reads on the rerun`,
    ),
    figure('firestore.stallScan.readsPerCandidate', 'firestore: stall scan reads per due project', round(scanReads / Math.max(1, summary.candidates), 2), 'reads', atMost(4)),
    // Nothing due: the candidates' query, the stall rules and when they last changed (settings/stallRulesChange).
    figure('firestore.stallScan.rerunReads', 'firestore: stall scan rerun at once (nothing due) reads', secondScanReads, 'reads', atMost(3), `${secondScanWrites} writes`),
  ];
}

await runSuite('firestore', async () => {
  process.env.METADATA_SERVER_DETECTION = 'none';
  const server = await startFirestoreProtocolServer();
  process.env.FIRESTORE_EMULATOR_HOST = server.host;
  // One project per scenario: the protocol server keeps each project's documents apart.
  const apps = ['commands', 'scale'].map((name) => initializeApp({ projectId: `demo-bench-${name}` }, `bench-${name}-${Date.now()}`));
  try {
    const now = new Date();
    const [commands, scale] = apps.map((app) => getFirestore(app)) as [Firestore, Firestore];
    return [...(await commandFigures(commands, now)), ...(await scaleFigures(scale, now))];
  } finally {
    await Promise.all(apps.map((app) => deleteApp(app)));
    server.stop();
  }
});
