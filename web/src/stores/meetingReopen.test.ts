/**
 * Closing and reopening from the meeting store: the running month closes only on an admin's early
 * close, the admin reopens the latest closed month with a reason, and closing again freezes the
 * month anew (the cached snapshot is not the old one).
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import {
  MemoryDocumentStore,
  addMonths,
  executeCommand,
  monthOf,
  type Actor,
} from '@clearway/core';
import { createSampleWorkspace, sampleActor, SAMPLE_IDENTITIES, seedStore } from '@clearway/core/sample';
import { memoryBackend } from '@/test/projectFixtures';
import { useBoardStore } from './board';
import { useMeetingStore } from './meeting';
import { useSessionStore } from './session';

const actor = (uid: string): Actor => sampleActor(SAMPLE_IDENTITIES.find((member) => member.uid === uid)!);

async function meetingAs(reader: Actor) {
  const now = new Date();
  const store = new MemoryDocumentStore();
  await seedStore(store, createSampleWorkspace({ now, projects: 20 }));
  const previous = addMonths(monthOf(now), -1);
  await executeCommand(store, { actor: actor('u-staff'), now }, { name: 'month.close', payload: { month: previous } });
  useSessionStore().attach(memoryBackend(store, reader));
  useBoardStore().start();
  const meeting = useMeetingStore();
  await vi.waitFor(() => expect(meeting.latestClosedMonth).toBe(previous), { timeout: 5000 });
  return { meeting, store, previous, current: monthOf(now) };
}

describe('meeting store: close and reopen', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
  });

  it('lets an admin reopen the latest closed month with a reason, and close it again', async () => {
    const { meeting, previous } = await meetingAs(actor('u-admin'));
    meeting.setMonth(previous);
    await vi.waitFor(() => expect(meeting.isClosed).toBe(true));
    const reopened = await meeting.reopenMonth('补录迟到的投放');
    expect(reopened.ok).toBe(true);
    await vi.waitFor(() => expect(meeting.isClosed).toBe(false));
    expect(meeting.monthDoc).toMatchObject({ status: 'open', reopenReason: '补录迟到的投放' });
    expect(meeting.latestClosedMonth).toBeNull();
    expect((await meeting.closeMonth()).ok).toBe(true);
    await vi.waitFor(() => expect(meeting.isClosed).toBe(true));
  });

  it('closes the running month only on an admin’s early close', async () => {
    const staff = await meetingAs(actor('u-staff'));
    staff.meeting.setMonth(staff.current);
    const refused = await staff.meeting.closeMonth();
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.error.messageKey).toBe('errors.month.notEnded');
    const reopen = await staff.meeting.reopenMonth('试试');
    expect(!reopen.ok && reopen.error.code).toBe('permission-denied');

    setActivePinia(createPinia());
    const admin = await meetingAs(actor('u-admin'));
    admin.meeting.setMonth(admin.current);
    expect((await admin.meeting.closeMonth(true)).ok).toBe(true);
    await vi.waitFor(() => expect(admin.meeting.latestClosedMonth).toBe(admin.current));
  });
});
