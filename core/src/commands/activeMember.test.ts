/** `requireActiveMember`: the membership is checked inside the command's own transaction. */
import { describe, expect, it } from 'vitest';
import { executeCommand } from './execute';
import { ADMIN, NOW, STAFF, run, workspace } from './testing';

const note = { projectId: 'p-none', expectedVersion: 1, actionPlan: 'x' };

describe('requireActiveMember', () => {
  it('refuses an actor with no members document, a disabled one, or another role than the document says', async () => {
    const store = await workspace();
    const checked = (actor = STAFF) =>
      executeCommand(store, { actor, now: NOW, requireActiveMember: true }, { name: 'project.setActionPlan', payload: note });
    await expect(checked()).rejects.toMatchObject({ code: 'permission-denied', messageKey: 'auth.error.notMember' });

    await run(store, ADMIN, 'member.upsert', { uid: STAFF.uid, expectedVersion: null, name: STAFF.name, role: 'viewer' });
    await expect(checked()).rejects.toMatchObject({ code: 'unauthenticated', messageKey: 'auth.error.sessionStale' });

    await run(store, ADMIN, 'member.upsert', { uid: STAFF.uid, expectedVersion: 1, name: STAFF.name, role: 'staff', disabled: true });
    await expect(checked()).rejects.toMatchObject({ code: 'permission-denied', messageKey: 'auth.error.disabled' });

    await run(store, ADMIN, 'member.upsert', { uid: STAFF.uid, expectedVersion: 2, name: STAFF.name, role: 'staff' });
    // Past the membership, the command itself answers (here: no such project).
    await expect(checked()).rejects.toMatchObject({ code: 'not-found', messageKey: 'errors.notFound.project' });
    // Without the option (the demo backend, whose identity is the member itself) nothing is read.
    await expect(executeCommand(store, { actor: { ...STAFF, uid: 'u-stranger' }, now: NOW }, { name: 'project.setActionPlan', payload: note })).rejects.toMatchObject({
      messageKey: 'errors.notFound.project',
    });
  });
});
