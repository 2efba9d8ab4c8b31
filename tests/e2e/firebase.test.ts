/**
 * The Firebase mode in Chromium, as people use it: the real Firebase web SDK against the Auth and
 * Functions emulators and the Firestore protocol server behind the WebChannel bridge (one stack
 * for this file, see firebaseStack.ts). Every change goes through the `command` callable and
 * comes back over the Listen channel to every open board.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { Page } from 'playwright-core';
import { createSampleWorkspace } from '@clearway/core';
import { PATIENTLY } from './fixture';
import { cardIdsIn, cardOf, dragCardTo, reportFailure, stageOfCard } from './harness';
import { sampleMember, startFirebaseApp, type FirebaseApp } from './firebaseStack';

const sample = createSampleWorkspace({ now: new Date() });
const nameOf = (id: string): string => sample.projects.find((project) => project.id === id)?.name ?? id;

let app: FirebaseApp;
const pages: Page[] = [];

beforeAll(async () => {
  app = await startFirebaseApp();
}, 300_000);

afterAll(async () => {
  await app?.close();
});

afterEach(async () => {
  await Promise.all(pages.splice(0).map((page) => page.context().close().catch(() => undefined)));
});

async function signedIn(...members: Parameters<FirebaseApp['signedInPage']>[0][]): Promise<Page[]> {
  const opened = await Promise.all(members.map((member) => app.signedInPage(member)));
  pages.push(...opened);
  onTestFailed(async ({ task }) => {
    await Promise.all(opened.map((page, index) => reportFailure(page, `${task.name} ${index}`)));
  });
  return opened;
}

describe('Firebase mode in the browser', () => {
  it('staff drags a card, and the liaison’s and the viewer’s boards show it without a reload', async () => {
    const [staff, liaison, viewer] = await signedIn(sampleMember('staff'), sampleMember('liaison', 'icbc'), sampleMember('viewer'));
    const [id] = await cardIdsIn(staff!, 'matched');
    expect(id).toBeDefined();
    await expect.poll(() => stageOfCard(liaison!, id!), PATIENTLY).toBe('matched');
    await expect.poll(() => stageOfCard(viewer!, id!), PATIENTLY).toBe('matched');

    await dragCardTo(staff!, id!, 'pipeline');
    await expect.poll(() => stageOfCard(staff!, id!), PATIENTLY).toBe('pipeline');
    await expect.poll(() => cardOf(staff!, id!).getAttribute('aria-busy'), PATIENTLY).toBeNull();
    await expect.poll(() => stageOfCard(liaison!, id!), PATIENTLY).toBe('pipeline');
    await expect.poll(() => stageOfCard(viewer!, id!), PATIENTLY).toBe('pipeline');
    expect(nameOf(id!)).not.toBe(id);
  });
});
