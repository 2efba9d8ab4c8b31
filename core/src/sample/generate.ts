/**
 * The sample workspace of the local backend and the benchmark: a prefecture-level city's key
 * projects at every stage of financing, with their banks, loan lines, tranches, checklists,
 * blockers and a share of stalled projects. Deterministic for a given seed and `now`.
 */
import { defaultStallRules, emptyClearance, emptyStall } from '../defaults';
import { deriveProject } from '../derive';
import { ranksForAppend } from '../rank';
import { STAGE_IDS } from '../types';
import type { AnnualTargets, Bank, BuildStatus, LoanLine, LoanProduct, Member, Project, ProjectSource, StageId, StallRules } from '../types';
import {
  CITY,
  DISTRICTS,
  GIVEN_NAMES,
  LENDING_BANK_IDS,
  OWNER_PATTERNS,
  SAMPLE_BANKS,
  SECTORS,
  SECURITIES_BANK_IDS,
  SURNAMES,
} from './catalog';
import type { District, Sector } from './catalog';
import { clockAt, isoInstant, year } from './clock';
import type { Clock } from './clock';
import { makeCreditCode } from './creditCode';
import { buildActionPlan, buildAssignments, buildBlockers, buildPrerequisites } from './details';
import { SAMPLE_IDENTITIES } from './identities';
import { MILLION, buildLine, roundMillions } from './lines';
import { planSlots } from './plan';
import type { Slot } from './plan';
import { createRandom } from './prng';
import type { Random } from './prng';
import { buildTimeline } from './timeline';
import { addMonths } from '../dates';

export const DEFAULT_SAMPLE_PROJECTS = 48;
export const DEFAULT_SAMPLE_SEED = 20220101;

export interface SampleOptions {
  /** The moment the workspace is "as of"; stall flags are computed against it. Default: now. */
  now?: Date;
  /** Number of projects, default 48. */
  projects?: number;
  seed?: number;
}

export interface SampleWorkspace {
  projects: Project[];
  loanLines: LoanLine[];
  banks: Bank[];
  members: Member[];
  settings: { stallRules: StallRules; targets: AnnualTargets };
}

const LIAISON_BANK_IDS = SAMPLE_IDENTITIES.flatMap((member) => (member.role === 'liaison' && member.bankId ? [member.bankId] : []));
const CHINESE_PHASES = ['', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
const YI = 100_000_000;

/** Mutable state shared across the projects of one workspace. */
class Generator {
  private readonly names = new Map<string, number>();
  private readonly creditCodes = new Map<string, string>();
  private leadCursor = 0;
  private liaisonCursor = 0;
  private bondCursor = 0;
  private tagCounter = 0;

  constructor(
    readonly random: Random,
    readonly clock: Clock,
    readonly rules: StallRules,
  ) {}

  uniqueName(base: string): string {
    const seen = (this.names.get(base) ?? 0) + 1;
    this.names.set(base, seen);
    if (seen === 1) return base;
    const phase = CHINESE_PHASES[seen - 1] ?? String(seen);
    return `${base}（${phase}期）`;
  }

  creditCodeOf(ownerName: string, divisionCode: string): string {
    let code = this.creditCodes.get(ownerName);
    if (!code) {
      code = makeCreditCode(this.random, divisionCode);
      this.creditCodes.set(ownerName, code);
    }
    return code;
  }

  /**
   * The banks with a sample liaison lead two approved projects each (so a liaison has a line to
   * draw on); otherwise round-robin over all lenders first so every bank shows up, then sector
   * preferences.
   */
  leadBank(sector: Sector, stage: StageId): string {
    if ((stage === 'approved' || stage === 'disbursing') && this.liaisonCursor < LIAISON_BANK_IDS.length * 2) {
      return LIAISON_BANK_IDS[this.liaisonCursor++ % LIAISON_BANK_IDS.length] as string;
    }
    if (this.leadCursor < LENDING_BANK_IDS.length || this.random.chance(0.4)) {
      return LENDING_BANK_IDS[this.leadCursor++ % LENDING_BANK_IDS.length] as string;
    }
    return this.random.pick(sector.preferredBanks);
  }

  /** The first few second lines are bond issues so that every securities firm appears. */
  secondLine(sector: Sector, ownerType: string, leadBankId: string): { bankId: string; product: LoanProduct } | null {
    const forcedBond = this.bondCursor < SECURITIES_BANK_IDS.length;
    if (forcedBond || (ownerType !== 'private' && sector.products.includes('bond') && this.random.chance(0.3))) {
      return { bankId: SECURITIES_BANK_IDS[this.bondCursor++ % SECURITIES_BANK_IDS.length] as string, product: 'bond' };
    }
    if (!this.random.chance(0.3)) return null;
    const others = LENDING_BANK_IDS.filter((id) => id !== leadBankId);
    const products = sector.products.filter((product) => product !== 'bond');
    return { bankId: this.random.pick(others), product: this.random.pick(products.length ? products : ['projectLoan']) };
  }

  nextTag = (): number => this.tagCounter++;

  personName(): string {
    return this.random.pick([...SURNAMES]) + this.random.pick(GIVEN_NAMES);
  }
}

function needInYuan(random: Random, sector: Sector): number {
  const [minWan, maxWan] = sector.needWan;
  // Log-uniform: many mid-sized projects, a few very large ones.
  const wan = Math.exp(Math.log(minWan) + random.next() * (Math.log(maxWan) - Math.log(minWan)));
  return Math.min(3_000 * 1_000_000, Math.max(20 * 1_000_000, roundMillions(wan * 10_000)));
}

function buildStatusFor(random: Random, stageIdx: number): BuildStatus {
  if (stageIdx <= 1) return random.chance(0.8) ? 'preparation' : 'new';
  if (stageIdx >= 6) return 'continuing';
  return random.chance(0.5) ? 'new' : 'continuing';
}

function buildProject(gen: Generator, index: number, slot: Slot, district: District, sector: Sector): { project: Project; lines: LoanLine[] } {
  const { random, clock, rules } = gen;
  const id = `p-${String(index + 1).padStart(4, '0')}`;
  const stageIdx = STAGE_IDS.indexOf(slot.stage);
  const timeline = buildTimeline(random, clock, slot.stage, slot.scenario, rules);

  const ownerType = random.pick(sector.ownerTypes);
  const ownerName = random.pick(OWNER_PATTERNS[ownerType]).replace('{d}', district.short);
  const creditCode = gen.creditCodeOf(ownerName, ownerName.startsWith(CITY) ? '530600' : district.code);
  const needTotal = needInYuan(random, sector);
  const totalInvestment = roundMillions(needTotal / (0.55 + random.next() * 0.3));
  const equityRequired = roundMillions(totalInvestment * (0.2 + random.next() * 0.15));
  const equityShare = stageIdx >= 5 ? 1 : stageIdx === 4 ? 0.5 + random.next() * 0.5 : random.next() * 0.5;

  const leadBankId = stageIdx >= 1 ? gen.leadBank(sector, slot.stage) : null;
  const lines: LoanLine[] = [];
  if (leadBankId) {
    const leadProducts = sector.products.filter((product) => product !== 'bond');
    const requested = Math.min(needTotal, roundMillions(needTotal * (0.55 + random.next() * 0.45)));
    const product = random.pick(leadProducts.length ? leadProducts : ['projectLoan' as const]);
    lines.push(buildLine(random, clock, { id: `${id}-l1`, projectId: id, bankId: leadBankId, product, requested, stage: slot.stage, flag: slot.flag, secondary: false }, timeline));
    const remaining = needTotal - requested;
    const second = stageIdx >= 2 && remaining >= 10 * MILLION ? gen.secondLine(sector, ownerType, leadBankId) : null;
    if (second) {
      const spec = { id: `${id}-l2`, projectId: id, ...second, requested: roundMillions(remaining * (0.5 + random.next() * 0.5)), stage: slot.stage, flag: slot.flag, secondary: true };
      lines.push(buildLine(random, clock, spec, timeline));
    }
  }

  const responsibleUnit = random.chance(0.5) ? sector.department : `${district.name}人民政府`;
  const responsiblePerson = gen.personName();
  const expectedMonth =
    slot.stage === 'disbursed' || (stageIdx === 0 && random.chance(0.3))
      ? null
      : slot.scenario === 'milestonePassed'
        ? addMonths(clock.month, -random.int(1, 3))
        : addMonths(clock.month, stageIdx === 0 ? random.int(3, 12) : random.int(0, 6));
  const blockers = buildBlockers({ random, clock, stage: slot.stage, flag: slot.flag, scenario: slot.scenario, timeline, projectId: id, leadBankId, nextTag: gen.nextTag });
  const hasOpenBlocker = blockers.some((blocker) => blocker.resolvedAt === null);
  const source: ProjectSource = random.pick(['matchmaking', 'strategic', 'strategic', 'ndrc', 'self']);
  const updatedMs = Math.max(timeline.stageEnteredMs, clock.nowMs - random.int(0, 10) * 86_400_000);

  const project: Project = {
    id,
    name: gen.uniqueName(`${district.name}${random.pick(sector.templates)}`),
    owner: { name: ownerName, creditCode, type: ownerType },
    district: district.name,
    sector: sector.name,
    source,
    buildStatus: buildStatusFor(random, stageIdx),
    totalInvestment,
    equityRequired,
    equityPaid: equityShare >= 1 ? equityRequired : Math.round((equityRequired * equityShare) / 10_000) * 10_000,
    needTotal,
    needThisYear: Math.min(needTotal, roundMillions(needTotal * (0.3 + random.next() * 0.7))),
    leadBankId,
    responsibleUnit,
    responsiblePerson,
    stage: slot.stage,
    rank: '',
    stageEnteredAt: isoInstant(timeline.stageEnteredMs),
    flag: slot.flag,
    expectedMonth,
    prerequisites: buildPrerequisites(random, clock, slot.stage, timeline, district, creditCode, lines[0] ?? null),
    blockers,
    actionPlan:
      hasOpenBlocker || (stageIdx >= 1 && stageIdx <= 5 && random.chance(0.6))
        ? buildActionPlan(random, responsibleUnit, responsiblePerson, leadBankId, expectedMonth)
        : '',
    assignments:
      slot.flag === null && slot.stage !== 'disbursed'
        ? buildAssignments(random, clock, id, slot.scenario, responsibleUnit, leadBankId)
        : [],
    bankIds: [],
    lastBankUpdateAt: null,
    lines: [],
    clearance: emptyClearance(),
    stall: emptyStall(),
    createdAt: isoInstant(timeline.createdMs),
    updatedAt: isoInstant(Math.min(clock.nowMs, updatedMs)),
    updatedBy: 'u-staff',
  };
  return { project, lines };
}

function assignRanks(projects: Project[]): void {
  const byStage = new Map<StageId, Project[]>();
  for (const project of projects) {
    const column = byStage.get(project.stage) ?? [];
    column.push(project);
    byStage.set(project.stage, column);
  }
  for (const column of byStage.values()) {
    const ranks = ranksForAppend(null, column.length);
    column.forEach((project, i) => (project.rank = ranks[i] as string));
  }
}

export function createSampleWorkspace(options: SampleOptions = {}): SampleWorkspace {
  const count = options.projects ?? DEFAULT_SAMPLE_PROJECTS;
  if (!Number.isInteger(count) || count < 0) throw new RangeError('createSampleWorkspace: `projects` must be a non-negative integer');
  const now = options.now ?? new Date();
  const random = createRandom(options.seed ?? DEFAULT_SAMPLE_SEED);
  const rules = defaultStallRules();
  const gen = new Generator(random, clockAt(now), rules);

  const slots = planSlots(count, random, rules);
  const districts = random.shuffle(DISTRICTS);
  const sectors = random.shuffle(SECTORS);
  const built = slots.map((slot, i) =>
    // Cycling both lists (11 districts, 10 sectors) covers every one and varies the pairs.
    buildProject(gen, i, slot, districts[i % districts.length] as District, sectors[i % sectors.length] as Sector),
  );
  const rawProjects = built.map((entry) => entry.project);
  assignRanks(rawProjects);
  const projects = built.map(({ project, lines }) => deriveProject(project, lines, rules, now));
  const loanLines = built.flatMap((entry) => entry.lines);

  const need = projects.reduce((sum, project) => sum + project.needTotal, 0);
  const targets: AnnualTargets = {
    year: year(now.getTime()),
    approved: Math.max(YI, Math.round((need * 0.5) / YI) * YI),
    disbursed: Math.max(YI, Math.round((need * 0.35) / YI) * YI),
    projects: Math.max(1, Math.round(count * 0.6)),
  };
  return {
    projects,
    loanLines,
    banks: SAMPLE_BANKS.map((bank) => ({ ...bank })),
    members: SAMPLE_IDENTITIES.map((member) => ({ ...member })),
    settings: { stallRules: rules, targets },
  };
}
