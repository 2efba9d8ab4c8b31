/**
 * What a unit contact 责任单位联系人 asks Firestore for (policyReads.ts `unitRead`): the board views
 * naming its unit, banks, settings and its own member document, as firestore.rules allow; and no
 * query at all where core's read policy gives it nothing, so the rules never refuse one of its reads.
 */
import { describe, expect, it } from 'vitest';
import type { DocumentSnapshot } from 'firebase/firestore';
import { COLLECTIONS, applyReadPolicy, publicProjectView, type Actor, type CollectionName, type Project, type StoredDoc } from '@clearway/core';
import { createSampleWorkspace } from '@clearway/core/sample';
import { joinOwnLines, unitRead } from './policyReads';
import { BOARD_VIEWS, UNIT_PARTIES_FIELD, toBoardView } from './queries';

const workspace = createSampleWorkspace({ now: new Date('2026-11-20T04:00:00.000Z'), projects: 30 });
const UNIT = workspace.projects[0]!.responsibleUnit;
const unit: Actor = { uid: 'u-unit', name: '联系人', role: 'unit', bankId: null, unit: UNIT };

/** One stored document of every collection the sample has, for asking the policy about it. */
function sampleDocs(): Record<CollectionName, StoredDoc[]> {
  const docs = Object.fromEntries(COLLECTIONS.map((name) => [name, [] as StoredDoc[]])) as Record<CollectionName, StoredDoc[]>;
  const put = (name: CollectionName, id: string, data: unknown) => docs[name].push({ id, version: 1, data });
  for (const project of workspace.projects) put('projects', project.id, project);
  for (const line of workspace.loanLines) put('loanLines', line.id, line);
  for (const bank of workspace.banks) put('banks', bank.id, bank);
  put('members', unit.uid, { uid: unit.uid, role: 'unit', unit: UNIT });
  put('settings', 'stallRules', workspace.settings.stallRules);
  put('activity', 'a1', { command: 'project.move', projectId: workspace.projects[0]!.id, lineId: null, at: '2026-11-20T04:00:00.000Z' });
  put('months', '2026-10', { month: '2026-10', closedAt: '2026-11-03T02:00:00.000Z' });
  put('snapshots', '2026-10', { month: '2026-10' });
  return docs;
}

/** A Firestore snapshot as the SDK hands one over: the stored fields, `_v` and `_schema` included. */
function snapshotOf(id: string, raw: Record<string, unknown>): DocumentSnapshot {
  return { id, data: () => raw } as unknown as DocumentSnapshot;
}

describe('a unit contact’s reads on Firestore', () => {
  it('asks for the board views whose unitParties hold its unit, keeping the page’s own filters', () => {
    expect(unitRead(unit, 'projects', {})).toEqual({
      collection: BOARD_VIEWS,
      spec: { where: [{ field: UNIT_PARTIES_FIELD, op: 'array-contains', value: UNIT }] },
    });
    const byStage = { where: [{ field: 'stage', op: '==' as const, value: 'matched' }], limit: 5 };
    expect(unitRead(unit, 'projects', byStage)?.spec).toEqual({
      where: [...byStage.where, { field: UNIT_PARTIES_FIELD, op: 'array-contains', value: UNIT }],
      limit: 5,
    });
  });

  it('asks only for its own member document, and for banks and settings as they are', () => {
    expect(unitRead(unit, 'members', {})).toEqual({ collection: 'members', spec: { where: [{ field: 'uid', op: '==', value: unit.uid }] } });
    expect(unitRead(unit, 'banks', {})).toEqual({ collection: 'banks', spec: {} });
    expect(unitRead(unit, 'settings', {})).toEqual({ collection: 'settings', spec: {} });
  });

  it('asks for nothing where core’s read policy gives a unit nothing, and for every collection where it gives something', () => {
    const docs = sampleDocs();
    for (const name of COLLECTIONS) {
      const visible = docs[name].some((doc) => applyReadPolicy(unit, name, doc) !== null);
      expect(unitRead(unit, name, {}) !== null, name).toBe(visible);
    }
    // Without a unit it reads nothing of the board (the policy's answer too).
    const noUnit = { ...unit, unit: null };
    expect(unitRead(noUnit, 'projects', {})).toBeNull();
    expect(docs.projects.some((doc) => applyReadPolicy(noUnit, 'projects', doc) !== null)).toBe(false);
  });

  it('reads a stored board view as the very card core gives a unit, without the rules’ helper field', () => {
    const concerning = workspace.projects.filter((project) => applyReadPolicy(unit, 'projects', { id: project.id, version: 4, data: project }));
    expect(concerning.length).toBeGreaterThan(0);
    for (const project of concerning) {
      const stored = { ...publicProjectView(project), [UNIT_PARTIES_FIELD]: [UNIT], _v: 4, _schema: 3 };
      const view = toBoardView<Project>(snapshotOf(project.id, stored as unknown as Record<string, unknown>))!;
      expect(view.data).not.toHaveProperty(UNIT_PARTIES_FIELD);
      expect(view.version).toBe(4);
      const [card] = joinOwnLines([view], []);
      expect(card).toEqual(applyReadPolicy(unit, 'projects', { id: project.id, version: 4, data: project }));
    }
  });
});
