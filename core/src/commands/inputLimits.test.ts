/**
 * Input limits: payload size and shape before validation, sane dates, normalised text, ids, money
 * caps, approval against contract, and a project document that stays under Firestore's 1 MiB
 * however many blockers and assignments it has seen.
 */
import { describe, expect, it } from 'vitest';
import { dayNumberOfIsoDate } from '../dates';
import { firestoreDocumentSize } from '../meeting/snapshotStorage';
import { MAX_YUAN } from '../money';
import { PROJECT_ITEM_LIMITS } from './handlers/checklist';
import { assertPayloadWithinLimits, normalizeText, parseCommandPayload, PAYLOAD_LIMITS } from './schemas';
import { addLine, createProject, project, refused, run, STAFF, WAN, workspace } from './testing';
import { DomainError } from '../errors';
import type { Assignment, Blocker, Project } from '../types';
import { assertProjectFits, PROJECT_DOCUMENT_BUDGET_BYTES } from './handlers/shared';

function fieldErrorsOf(run: () => unknown) {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error.fieldErrors;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('payload limits, before validation', () => {
  it('refuses a payload of many unknown keys without validating it, in every entry point (executeCommand)', async () => {
    const store = await workspace();
    const payload: Record<string, unknown> = { month: '2026-02' };
    for (let i = 0; i < 100_000; i++) payload[`k${i}`] = i;
    const error = await refused(store, STAFF, 'month.close', payload as never);
    expect(error).toMatchObject({ code: 'resource-exhausted', messageKey: 'errors.payload.tooComplex', params: { max: PAYLOAD_LIMITS.maxFields } });
    // Just under the bound, validation runs and names every unknown key once.
    const fewer: Record<string, unknown> = { month: '2026-02' };
    for (let i = 0; i < PAYLOAD_LIMITS.maxFields - 1; i++) fewer[`k${i}`] = i;
    expect(() => assertPayloadWithinLimits(fewer)).not.toThrow();
    expect(fieldErrorsOf(() => parseCommandPayload('month.close', fewer))).toHaveLength(PAYLOAD_LIMITS.maxFields - 1);
  });

  it('refuses a huge string, deep nesting and long arrays', () => {
    expect(() => assertPayloadWithinLimits({ note: 'x'.repeat(PAYLOAD_LIMITS.maxSize + 1) })).toThrow(
      expect.objectContaining({ code: 'resource-exhausted', messageKey: 'errors.payload.tooLarge' }),
    );
    let deep: unknown = 1;
    for (let i = 0; i < PAYLOAD_LIMITS.maxDepth + 1; i++) deep = { deep };
    expect(() => assertPayloadWithinLimits(deep)).toThrow(expect.objectContaining({ messageKey: 'errors.payload.tooComplex' }));
    expect(() => assertPayloadWithinLimits({ list: new Array(10_000).fill(0) })).toThrow(
      expect.objectContaining({ messageKey: 'errors.payload.tooComplex' }),
    );
    // The largest real payload passes: a project with every text at its limit.
    expect(() => assertPayloadWithinLimits({ name: '项'.repeat(100), actionPlan: '措'.repeat(4000), owner: { name: '业'.repeat(100) } })).not.toThrow();
  });
});

describe('dates, text, ids and amounts', () => {
  const tranche = (changes: Record<string, unknown>) => ({ lineId: 'l1', expectedVersion: 1, date: '2026-03-01', amount: 100, ...changes });

  it('refuses dates and months before 1900 and after 2100; years 0000–0099 are not 1900–1999', () => {
    for (const date of ['1899-12-31', '0050-06-01', '0000-01-01', '2101-01-01']) {
      expect(fieldErrorsOf(() => parseCommandPayload('line.addTranche', tranche({ date })))).toEqual([
        { path: 'date', messageKey: 'errors.date.outOfRange', params: { min: '1900-01-01', max: '2100-12-31' } },
      ]);
    }
    expect(parseCommandPayload('line.addTranche', tranche({ date: '1900-01-01' })).date).toBe('1900-01-01');
    expect(fieldErrorsOf(() => parseCommandPayload('project.reschedule', { projectId: 'p1', expectedVersion: 1, expectedMonth: '0099-12' }))).toEqual([
      { path: 'expectedMonth', messageKey: 'errors.month.outOfRange', params: { min: '1900-01', max: '2100-12' } },
    ]);
    expect(dayNumberOfIsoDate('0050-01-01')).not.toBe(dayNumberOfIsoDate('1950-01-01'));
    expect(dayNumberOfIsoDate('0050-01-01')).toBe(Date.parse('0050-01-01T00:00:00Z') / 86_400_000);
  });

  it('refuses required text made only of invisible characters, and normalises the rest', () => {
    const blocker = (description: string) => ({ projectId: 'p1', expectedVersion: 1, tag: 'land', description, party: '市自然资源局' });
    for (const invisible of ['\u200b\u200c\u200d', '\u202e\u2066\u2069', '\u0000\u0007\u001b', '\ud800', '\udc00\ufeff', '\u00ad\u2060']) {
      expect(fieldErrorsOf(() => parseCommandPayload('blocker.add', { ...blocker(invisible), tag: 'permits' }))).toEqual([
        { path: 'description', messageKey: 'errors.field.invisibleOnly' },
      ]);
    }
    expect(parseCommandPayload('blocker.add', { ...blocker(' 用地\u200b指标\u202e未落实\r\n第二行 '), tag: 'permits' }).description).toBe('用地指标未落实\n第二行');
    // NFC: a decomposed é is stored composed.
    expect(normalizeText('Cafe\u0301')).toBe('Caf\u00e9');
    expect(normalizeText('\ud83d\ude00 ok')).toBe('\ud83d\ude00 ok');
  });

  it('holds the ledger import to the same text, id and date rules (its payload uses the same parts)', () => {
    const errors = fieldErrorsOf(() =>
      parseCommandPayload('ledger.importProject', {
        importId: '__name__',
        fileName: '\u200b\u202e',
        rowNumbers: [1],
        projectId: null,
        expectedVersion: null,
        fields: { name: '项目', owner: { name: '业主', type: 'soe' }, district: '城南区', sector: '水务' },
        stage: 'pipeline',
        lines: [{ bankId: 'icbc', requested: null, approved: 100, approvedDate: '0050-01-01', disbursed: null, disbursedDate: null }],
        blockers: [],
      }),
    );
    expect(errors).toContainEqual({ path: 'importId', messageKey: 'errors.id.invalid' });
    expect(errors).toContainEqual({ path: 'fileName', messageKey: 'errors.field.invisibleOnly' });
    expect(errors).toContainEqual(expect.objectContaining({ path: 'lines.0.approvedDate', messageKey: 'errors.date.outOfRange' }));
  });

  it('refuses ids outside the id pattern, e.g. Firestore’s reserved __name__', () => {
    for (const lineId of ['__name__', '.', '..', '-x', 'a b', 'a/b', '行1']) {
      expect(fieldErrorsOf(() => parseCommandPayload('line.addTranche', tranche({ lineId })))).toEqual([{ path: 'lineId', messageKey: 'errors.id.invalid' }]);
    }
    expect(parseCommandPayload('line.addTranche', tranche({ lineId: 'u-liaison-icbc_2.v1:x' })).lineId).toBe('u-liaison-icbc_2.v1:x');
  });

  it('refuses -0 and amounts above the cap', () => {
    expect(fieldErrorsOf(() => parseCommandPayload('line.recordApproval', { lineId: 'l1', expectedVersion: 1, approved: -0, approvedDate: '2026-03-01' }))).toEqual([
      { path: 'approved', messageKey: 'errors.money.invalid' },
    ]);
    expect(parseCommandPayload('line.recordApproval', { lineId: 'l1', expectedVersion: 1, approved: 0, approvedDate: '2026-03-01' }).approved).toBe(0);
    expect(fieldErrorsOf(() => parseCommandPayload('line.addTranche', tranche({ amount: Number.MAX_SAFE_INTEGER + 2 })))[0]!.messageKey).toBe('errors.money.tooLarge');
  });

  it('refuses a project total over its lines above the cap, so every sum stays a safe integer', async () => {
    const store = await workspace();
    const projectId = await createProject(store);
    await run(store, STAFF, 'line.add', { projectId, bankId: 'icbc', product: 'projectLoan', requested: MAX_YUAN });
    const error = await refused(store, STAFF, 'line.add', { projectId, bankId: 'ceb', product: 'projectLoan', requested: 1 });
    expect(error).toMatchObject({ messageKey: 'errors.money.totalTooLarge', fieldErrors: [{ path: 'requested' }] });

    const other = await createProject(store);
    const icbc = await addLine(store, other, 'icbc', 0);
    const ceb = await addLine(store, other, 'ceb', 0);
    await run(store, STAFF, 'line.recordApproval', { lineId: icbc, expectedVersion: 1, approved: MAX_YUAN, approvedDate: '2026-03-01' });
    expect(
      await refused(store, STAFF, 'line.recordApproval', { lineId: ceb, expectedVersion: 1, approved: MAX_YUAN, approvedDate: '2026-03-01' }),
    ).toMatchObject({ messageKey: 'errors.money.totalTooLarge', fieldErrors: [{ path: 'approved' }] });
  });
});

describe('approval against contract', () => {
  it('refuses re-recording an approval dated after the contract', async () => {
    const store = await workspace();
    const projectId = await createProject(store);
    const lineId = await addLine(store, projectId);
    await run(store, STAFF, 'line.recordApproval', { lineId, expectedVersion: 1, approved: 10_000 * WAN, approvedDate: '2026-02-01' });
    await run(store, STAFF, 'line.recordContract', { lineId, expectedVersion: 2, contracted: 8_000 * WAN, contractDate: '2026-02-10' });
    expect(
      await refused(store, STAFF, 'line.recordApproval', { lineId, expectedVersion: 3, approved: 10_000 * WAN, approvedDate: '2026-02-11' }),
    ).toMatchObject({
      messageKey: 'errors.line.approvalAfterContract',
      params: { approvedDate: '2026-02-11', contractDate: '2026-02-10' },
    });
    await run(store, STAFF, 'line.recordApproval', { lineId, expectedVersion: 3, approved: 12_000 * WAN, approvedDate: '2026-02-10' });
  });
});

describe('a project document at the limit', () => {
  const long = (char: string, length: number) => char.repeat(length);
  const at = (i: number) => new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString();
  const blocker = (i: number, resolved: boolean): Blocker => ({
    id: `b${i}`,
    tag: 'permits',
    description: long('难', 1000),
    party: long('方', 100),
    dueDate: null,
    openedAt: at(i),
    openedBy: STAFF.uid,
    resolvedAt: resolved ? at(i + 1) : null,
    resolution: resolved ? long('解', 500) : null,
  });
  const assignment = (i: number, done: boolean): Assignment => ({
    id: `a${i}`,
    month: '2026-03',
    what: long('办', 500),
    who: long('人', 100),
    dueDate: '2026-04-01',
    createdAt: at(i),
    doneAt: done ? at(i + 1) : null,
  });

  /** Replaces the stored project's blockers and assignments (as an old, overgrown document would have them). */
  async function overgrown(blockers: Blocker[], assignments: Assignment[]) {
    const store = await workspace();
    const projectId = await createProject(store, { actionPlan: long('措', 4000) });
    await store.runTransaction(async (tx) => {
      const doc = (await tx.get<Project>('projects', projectId))!;
      tx.update('projects', projectId, { ...doc.data, blockers, assignments }, doc.version);
    });
    return { store, projectId };
  }

  it('keeps only the latest closed items: 211 long resolved blockers and done assignments shrink to the limits', async () => {
    const range = (n: number) => Array.from({ length: n }, (_, i) => i);
    const { store, projectId } = await overgrown(
      [...range(211).map((i) => blocker(i, true)), blocker(999, false)],
      [...range(211).map((i) => assignment(i, true)), assignment(999, false)],
    );
    const before = await project(store, projectId);
    expect(firestoreDocumentSize('projects', projectId, before.data)).toBeGreaterThan(1_048_576);
    await run(store, STAFF, 'blocker.resolve', { projectId, expectedVersion: before.version, blockerId: 'b999', resolution: '已解决' });
    await run(store, STAFF, 'assignment.complete', { projectId, expectedVersion: before.version + 1, assignmentId: 'a999' });
    const after = (await project(store, projectId)).data;
    expect(after.blockers).toHaveLength(PROJECT_ITEM_LIMITS.resolvedBlockers);
    expect(after.assignments).toHaveLength(PROJECT_ITEM_LIMITS.doneAssignments);
    // The newest stay: the one just resolved and those resolved last before it.
    expect(after.blockers.map((b) => b.id)).toContain('b999');
    expect(after.blockers.map((b) => b.id)).toContain('b210');
    expect(after.blockers.map((b) => b.id)).not.toContain('b0');
    expect(firestoreDocumentSize('projects', projectId, after)).toBeLessThan(1_048_576);
  });

  it('at every limit with every text at its longest, stays under 1 MiB and refuses one more open item', async () => {
    const { store, projectId } = await overgrown(
      [
        ...Array.from({ length: PROJECT_ITEM_LIMITS.openBlockers }, (_, i) => blocker(i, false)),
        ...Array.from({ length: PROJECT_ITEM_LIMITS.resolvedBlockers }, (_, i) => blocker(100 + i, true)),
      ],
      [
        ...Array.from({ length: PROJECT_ITEM_LIMITS.openAssignments - 1 }, (_, i) => assignment(i, false)),
        ...Array.from({ length: PROJECT_ITEM_LIMITS.doneAssignments }, (_, i) => assignment(100 + i, true)),
      ],
    );
    let version = (await project(store, projectId)).version;
    await run(store, STAFF, 'assignment.add', { projectId, expectedVersion: version++, month: '2026-03', what: long('办', 500), who: long('人', 100), dueDate: '2026-04-01' });
    await run(store, STAFF, 'assignment.complete', { projectId, expectedVersion: version++, assignmentId: 'a0' });
    await run(store, STAFF, 'assignment.add', { projectId, expectedVersion: version++, month: '2026-03', what: long('办', 500), who: long('人', 100), dueDate: '2026-04-01' });
    const stored = await project(store, projectId);
    expect(stored.data.blockers).toHaveLength(PROJECT_ITEM_LIMITS.openBlockers + PROJECT_ITEM_LIMITS.resolvedBlockers);
    expect(stored.data.assignments).toHaveLength(PROJECT_ITEM_LIMITS.openAssignments + PROJECT_ITEM_LIMITS.doneAssignments);
    expect(firestoreDocumentSize('projects', projectId, stored.data)).toBeLessThan(PROJECT_DOCUMENT_BUDGET_BYTES);

    expect(
      await refused(store, STAFF, 'blocker.add', { projectId, expectedVersion: version, tag: 'equity', description: '再一个', party: '某方' }),
    ).toMatchObject({ messageKey: 'errors.blocker.tooMany', params: { max: PROJECT_ITEM_LIMITS.openBlockers } });
    expect(
      await refused(store, STAFF, 'assignment.add', { projectId, expectedVersion: version, month: '2026-03', what: '再一项', who: '某人', dueDate: '2026-04-01' }),
    ).toMatchObject({ messageKey: 'errors.assignment.tooMany', params: { max: PROJECT_ITEM_LIMITS.openAssignments } });
  });

  it('refuses any write that would pass the document budget', () => {
    const huge = { id: 'p1', actionPlan: long('措', 400_000) } as unknown as Project;
    expect(() => assertProjectFits(huge)).toThrow(expect.objectContaining({ code: 'failed-precondition', messageKey: 'errors.project.tooLarge' }));
  });
});
