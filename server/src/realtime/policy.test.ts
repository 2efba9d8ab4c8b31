/**
 * The hub projects a change once per audience key: that is only right if core's read policy shows
 * every actor of one key the same of each document and scopes their queries alike. Checked over
 * the sample workspace, with several people per audience.
 */
import { describe, expect, it } from 'vitest';
import { COLLECTIONS, type Activity, type Actor, type CollectionName, type QuerySpec, type StoredDoc } from '@clearway/core';
import { createSampleWorkspace } from '@clearway/core/sample';
import { CORE_READ_POLICY } from './policy';

const NOW = new Date('2026-03-10T02:00:00.000Z');

describe('the read policy’s audience key', () => {
  it('actors of one key see the same of every document, and scope their queries alike', () => {
    const sample = createSampleWorkspace({ projects: 24, now: NOW });
    const [bankA, bankB] = sample.banks.map((bank) => bank.id);
    const unit = sample.projects[0]!.responsibleUnit;
    const person = (uid: string, role: Actor['role'], extra: Partial<Actor> = {}): Actor => ({ uid, name: uid, role, bankId: null, unit: null, ...extra });
    const actors: Actor[] = [
      person('admin-1', 'admin'),
      person('admin-2', 'admin'),
      person('staff-1', 'staff'),
      person('staff-2', 'staff'),
      person('viewer-1', 'viewer'),
      person('liaison-a1', 'liaison', { bankId: bankA! }),
      person('liaison-a2', 'liaison', { bankId: bankA! }),
      person('liaison-b1', 'liaison', { bankId: bankB! }),
      person('unit-1', 'unit', { unit }),
      person('unit-2', 'unit', { unit }),
      person('unit-other', 'unit', { unit: '另一个单位' }),
    ];
    const activity = (id: string, data: Partial<Activity>): StoredDoc => ({ id, version: 1, data: { projectId: sample.projects[0]!.id, lineId: null, bankId: null, command: 'project.setActionPlan', ...data } });
    const docs: Partial<Record<CollectionName, StoredDoc[]>> = {
      projects: sample.projects.map((data) => ({ id: data.id, version: 1, data })),
      loanLines: sample.loanLines.map((data) => ({ id: data.id, version: 1, data })),
      banks: sample.banks.map((data) => ({ id: data.id, version: 1, data })),
      members: [...sample.members, ...actors.map((actor) => ({ ...actor, email: null, disabled: false }))].map((data) => ({ id: data.uid, version: 1, data })),
      activity: [
        activity('a-project', {}),
        activity('a-line-a', { lineId: 'l1', bankId: bankA! }),
        activity('a-line-b', { lineId: 'l2', bankId: bankB! }),
        activity('a-member', { command: 'member.upsert' }),
      ],
    };
    const specs: QuerySpec[] = [{}, { where: [{ field: 'bankId', op: '==', value: bankA! }] }, { where: [{ field: 'projectId', op: '==', value: sample.projects[0]!.id }] }];
    let pairs = 0;
    for (const collection of COLLECTIONS) {
      for (const first of actors) {
        for (const second of actors) {
          if (first === second || CORE_READ_POLICY.audienceKey(first, collection) !== CORE_READ_POLICY.audienceKey(second, collection)) continue;
          pairs += 1;
          for (const doc of docs[collection] ?? []) {
            expect(CORE_READ_POLICY.apply(second, collection, doc), `${collection}/${doc.id} for ${first.uid} and ${second.uid}`).toEqual(CORE_READ_POLICY.apply(first, collection, doc));
          }
          for (const spec of specs) expect(CORE_READ_POLICY.scope(second, collection, spec)).toEqual(CORE_READ_POLICY.scope(first, collection, spec));
        }
      }
    }
    // The keys do group people: two admins, the bureau's staff and viewer, two liaisons of a bank, two of a unit.
    expect(CORE_READ_POLICY.audienceKey(actors[2]!, 'projects')).toBe(CORE_READ_POLICY.audienceKey(actors[4]!, 'projects'));
    expect(CORE_READ_POLICY.audienceKey(actors[5]!, 'projects')).not.toBe(CORE_READ_POLICY.audienceKey(actors[7]!, 'projects'));
    expect(CORE_READ_POLICY.audienceKey(actors[8]!, 'projects')).not.toBe(CORE_READ_POLICY.audienceKey(actors[10]!, 'projects'));
    expect(CORE_READ_POLICY.audienceKey(actors[0]!, 'members')).not.toBe(CORE_READ_POLICY.audienceKey(actors[1]!, 'members'));
    expect(pairs).toBeGreaterThan(50);
  });
});
