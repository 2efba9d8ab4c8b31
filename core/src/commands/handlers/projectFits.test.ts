import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { storedSize } from '../../meeting/snapshotStorage';
import { createSampleWorkspace } from '../../sample';
import type { Project } from '../../types';
import { assertProjectFits, PROJECT_DOCUMENT_BUDGET_BYTES, storedSizeBound } from './shared';

describe('a project document’s size', () => {
  it('the bound from the JSON length is never below the stored size, for any JSON value', () => {
    fc.assert(
      fc.property(fc.string(), fc.jsonValue(), (id, data) => {
        expect(storedSizeBound('projects', id, JSON.stringify(data))).toBeGreaterThanOrEqual(storedSize('projects', id, data));
      }),
      { numRuns: 500 },
    );
    const numbers = { list: Array.from({ length: 1000 }, (_, i) => i % 10) };
    expect(storedSizeBound('projects', 'p', JSON.stringify(numbers))).toBeGreaterThanOrEqual(storedSize('projects', 'p', numbers));
  });

  it('a sample project fits; one over the budget is refused', () => {
    const project = createSampleWorkspace({ projects: 3, now: new Date('2026-03-10T02:00:00Z') }).projects[0] as Project;
    expect(() => assertProjectFits(project)).not.toThrow();
    // Small digits: the JSON is short, Firestore's count is not (8 bytes per number).
    const digits = { ...project, assignments: Array.from({ length: PROJECT_DOCUMENT_BUDGET_BYTES / 8 }, () => 1) } as unknown as Project;
    expect(() => assertProjectFits(digits)).toThrow(expect.objectContaining({ code: 'failed-precondition', messageKey: 'errors.project.tooLarge' }));
    const text = { ...project, actionPlan: '措'.repeat(PROJECT_DOCUMENT_BUDGET_BYTES / 3) };
    expect(() => assertProjectFits(text)).toThrow(expect.objectContaining({ messageKey: 'errors.project.tooLarge' }));
  });
});
