import { describe, expect, it } from 'vitest';
import { digestLines } from '../lineDigest';
import { checkStageGate } from '../stages';
import { MemoryDocumentStore } from '../store/memoryDocumentStore';
import { OFF_FLOW_FLAGS, STAGE_IDS, STALL_RULES } from '../types';
import type { Bank, LoanLine, Project } from '../types';
import { isValidCreditCode } from '../creditCode';
import { SAMPLE_IDENTITIES, createSampleWorkspace, seedStore } from '.';

const NOW = new Date('2026-03-15T02:00:00Z');
const ws = createSampleWorkspace({ now: NOW, seed: 7 });
const linesOf = (project: Project): LoanLine[] => ws.loanLines.filter((line) => line.projectId === project.id);
const disbursedOf = (line: LoanLine): number => line.tranches.reduce((sum, tranche) => sum + tranche.amount, 0);
const stageAtLeast = (project: Project, stage: (typeof STAGE_IDS)[number]) => STAGE_IDS.indexOf(project.stage) >= STAGE_IDS.indexOf(stage);

describe('createSampleWorkspace', () => {
  it('has 48 projects by default over every stage, and some off the main flow', () => {
    expect(ws.projects).toHaveLength(48);
    for (const stage of STAGE_IDS) expect(ws.projects.some((p) => p.stage === stage && p.flag === null), stage).toBe(true);
    for (const flag of OFF_FLOW_FLAGS) expect(ws.projects.some((p) => p.flag === flag), flag).toBe(true);
    expect(new Set(ws.projects.map((p) => p.id)).size).toBe(48);
    expect(new Set(ws.projects.map((p) => p.name)).size).toBe(48);
  });

  it('lists at least 8 banks, the ones named in the work plan among them, each with a loan line', () => {
    expect(ws.banks.length).toBeGreaterThanOrEqual(8);
    const byName = new Map(ws.banks.map((bank): [string, Bank] => [bank.name, bank]));
    for (const name of ['光大银行', '华夏银行', '红塔银行', '交通银行', '工商银行', '银河证券', '光大证券', '华创证券']) {
      const bank = byName.get(name);
      expect(bank, name).toBeDefined();
      expect(bank?.agreementAmount).toBeGreaterThan(0);
      expect(ws.loanLines.some((line) => line.bankId === bank?.id), `${name} has a line`).toBe(true);
    }
    expect(byName.get('银河证券')?.category).toBe('securities');
  });

  it('is deterministic for a seed and differs across seeds', () => {
    expect(createSampleWorkspace({ now: NOW, seed: 7 })).toEqual(ws);
    const other = createSampleWorkspace({ now: NOW, seed: 8 });
    expect(other.projects.map((p) => p.name)).not.toEqual(ws.projects.map((p) => p.name));
  });

  it('gives owners valid credit codes and needs between 2,000万 and 30亿 in whole yuan', () => {
    for (const project of ws.projects) {
      expect(isValidCreditCode(project.owner.creditCode ?? ''), project.owner.creditCode ?? '').toBe(true);
      expect(Number.isInteger(project.needTotal)).toBe(true);
      expect(project.needTotal).toBeGreaterThanOrEqual(20_000_000);
      expect(project.needTotal).toBeLessThanOrEqual(3_000_000_000);
      expect(project.needThisYear).toBeLessThanOrEqual(project.needTotal);
      expect(project.equityPaid).toBeLessThanOrEqual(project.equityRequired);
    }
  });

  it('keeps loan lines consistent with the stage: no approval before 已审批待投放, never more drawn than approved', () => {
    for (const project of ws.projects) {
      const lines = linesOf(project);
      expect(project.bankIds).toEqual([...new Set(lines.map((line) => line.bankId))].sort());
      expect(project.lines).toEqual(digestLines(lines));
      if (project.leadBankId) expect(lines.map((line) => line.bankId)).toContain(project.leadBankId);
      else expect(lines).toHaveLength(0);
      for (const line of lines) {
        for (const value of [line.requested, line.approved ?? 0, line.contracted ?? 0, ...line.tranches.map((t) => t.amount)]) {
          expect(Number.isInteger(value) && value >= 0).toBe(true);
        }
        if (!stageAtLeast(project, 'approved')) expect(line.approved, project.id).toBeNull();
        if (!stageAtLeast(project, 'disbursing')) expect(line.tranches, project.id).toHaveLength(0);
        expect(disbursedOf(line)).toBeLessThanOrEqual(line.approved ?? 0);
        if (line.approvedDate && line.tranches[0]) expect(line.tranches[0].date >= line.approvedDate).toBe(true);
        const dates = line.tranches.map((t) => t.date);
        expect(dates).toEqual([...dates].sort());
      }
      if (project.stage === 'disbursed') expect(project.clearance.disbursed).toBe(project.clearance.approved);
      if (project.stage === 'disbursing') expect(project.clearance.disbursed).toBeLessThan(project.clearance.approved);
      if (project.stage === 'approved' && project.flag === null) expect(project.clearance.approved).toBeGreaterThan(0);
    }
    expect(ws.loanLines.some((line) => line.tranches.length >= 2)).toBe(true);
  });

  it('puts every project where the stage gates would have let it go', () => {
    for (const project of ws.projects.filter((p) => p.flag === null)) {
      const fromStart = { ...project, stage: 'pipeline' as const };
      expect(checkStageGate(fromStart, project.stage), project.id).toBeNull();
    }
  });

  it('obtains every prerequisite of the stages a project has passed', () => {
    for (const project of ws.projects) {
      if (stageAtLeast(project, 'diligence')) expect(project.prerequisites.businessLicence.status).toBe('done');
      if (stageAtLeast(project, 'approval')) expect(project.prerequisites.feasibility.status).toBe('done');
      if (stageAtLeast(project, 'disbursing')) expect(project.prerequisites.contractSigned.status).toBe('done');
      if (!stageAtLeast(project, 'approved')) expect(project.prerequisites.contractSigned.status).not.toBe('done');
    }
  });

  it('has open and resolved blockers over every tag, each with a responsible party', () => {
    const blockers = ws.projects.flatMap((p) => p.blockers);
    expect(blockers.some((b) => b.resolvedAt === null)).toBe(true);
    expect(blockers.some((b) => b.resolvedAt !== null && b.resolution)).toBe(true);
    expect(new Set(blockers.map((b) => b.tag)).size).toBe(9);
    for (const blocker of blockers) expect(blocker.party.length).toBeGreaterThan(0);
  });

  it('has stalled projects, each carrying the flags that say why, over several rules', () => {
    const stalled = ws.projects.filter((p) => p.stall.stalled);
    expect(stalled.length).toBeGreaterThanOrEqual(5);
    expect(stalled.length).toBeLessThan(ws.projects.length / 2);
    for (const project of stalled) expect(project.stall.flags.some((flag) => flag.params.level === 'alarm')).toBe(true);
    const rules = new Set(stalled.flatMap((p) => p.stall.flags.map((flag) => flag.rule)));
    for (const rule of STALL_RULES) expect(rules.has(rule), rule).toBe(true);
    expect(
      stalled.some((p) => p.stall.flags.some((flag) => flag.params.basis === 'approvedNotDisbursed' && flag.params.level === 'alarm')),
    ).toBe(true);
    expect(ws.projects.some((p) => p.clearance.status === 'cleared')).toBe(true);
    expect(ws.projects.some((p) => p.clearance.status === 'blocked')).toBe(true);
  });

  it('ranks each column in a strict order', () => {
    for (const stage of STAGE_IDS) {
      const ranks = ws.projects.filter((p) => p.stage === stage).map((p) => p.rank);
      expect(new Set(ranks).size).toBe(ranks.length);
      expect(ranks.every((rank) => rank.length > 0)).toBe(true);
    }
  });

  it('scales to the benchmark size', () => {
    const big = createSampleWorkspace({ now: NOW, projects: 5000, seed: 3 });
    expect(big.projects).toHaveLength(5000);
    expect(new Set(big.projects.map((p) => p.name)).size).toBe(5000);
    for (const stage of STAGE_IDS) expect(big.projects.some((p) => p.stage === stage)).toBe(true);
  }, 60_000);

  it('gives every sample liaison an approved line to draw on', () => {
    for (const member of SAMPLE_IDENTITIES.filter((m) => m.role === 'liaison')) {
      const drawable = ws.loanLines.filter((line) => {
        const project = ws.projects.find((p) => p.id === line.projectId);
        return line.bankId === member.bankId && project?.flag === null && (line.approved ?? 0) > disbursedOf(line);
      });
      expect(drawable.length, member.bankId ?? '').toBeGreaterThan(0);
    }
  });

  it('offers one identity per role and liaisons of 工商银行 and 光大银行', () => {
    const roles = new Set(SAMPLE_IDENTITIES.map((member) => member.role));
    expect([...roles].sort()).toEqual(['admin', 'liaison', 'staff', 'viewer']);
    const liaisonBanks = SAMPLE_IDENTITIES.filter((m) => m.role === 'liaison').map((m) => m.bankId);
    expect(liaisonBanks).toEqual(expect.arrayContaining(['icbc', 'ceb']));
    for (const bankId of liaisonBanks) expect(ws.banks.some((bank) => bank.id === bankId)).toBe(true);
  });
});

describe('seedStore', () => {
  it('writes every document through transactions, readable back through the port', async () => {
    const store = new MemoryDocumentStore();
    await seedStore(store, ws);
    expect(await store.query('projects')).toHaveLength(ws.projects.length);
    expect(await store.query('loanLines')).toHaveLength(ws.loanLines.length);
    expect(await store.query('banks')).toHaveLength(ws.banks.length);
    expect(await store.query('members')).toHaveLength(ws.members.length);
    const rules = await store.get('settings', 'stallRules');
    expect(rules?.data).toEqual(ws.settings.stallRules);
    const first = ws.projects[0] as Project;
    expect((await store.get<Project>('projects', first.id))?.data).toEqual(first);
    expect((await store.get('projects', first.id))?.version).toBe(1);
  });

  it('refuses to seed a store twice instead of overwriting', async () => {
    const store = new MemoryDocumentStore();
    await seedStore(store, ws);
    await expect(seedStore(store, ws)).rejects.toThrow();
  });
});
