/**
 * Firestore's persistent cache in the Firebase mode (web/src/backend/firebase/localCache.ts), in
 * Chromium against the emulator stack: a reload paints the cached board even while Firestore is
 * unreachable and then takes the server's changes; signing out (in one tab of two) leaves no
 * Firestore data in the browser, so the next person on a shared PC reads only their own.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { Page } from 'playwright-core';
import { createSampleWorkspace } from '@clearway/core/sample';
import { PATIENTLY } from './fixture';
import { cardIdsIn, reportFailure, stageOfCard } from './harness';
import { SAMPLE_PASSWORD } from '../../functions/src/testing/seedEmulators';
import { sampleMember, startFirebaseApp, type FirebaseApp } from './firebaseStack';

const sample = createSampleWorkspace({ now: new Date() });
const STAFF = sampleMember('staff');
const LIAISON = sampleMember('liaison', 'icbc');

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

function watchFailures(...opened: Page[]): void {
  onTestFailed(async ({ task }) => {
    await Promise.all(opened.map((page, index) => reportFailure(page, `${task.name} ${index}`)));
  });
}

/** The Firestore IndexedDB databases of the page's origin, with the keys of their documents. */
function firestoreData(page: Page): Promise<{ name: string; documentKeys: string[] }[]> {
  return page.evaluate(async () => {
    const names = (await indexedDB.databases()).map((info) => info.name ?? '').filter((name) => name.startsWith('firestore/'));
    const out: { name: string; documentKeys: string[] }[] = [];
    for (const name of names) {
      // Opening a database deleted since the listing would create it: that open is aborted.
      const db = await new Promise<IDBDatabase | null>((resolve) => {
        const request = indexedDB.open(name);
        request.onupgradeneeded = () => request.transaction?.abort();
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => resolve(null);
      });
      if (!db) continue;
      const stores = Array.from(db.objectStoreNames).filter((store) => store.startsWith('remoteDocuments'));
      const documentKeys: string[] = [];
      for (const store of stores) {
        const keys = await new Promise<IDBValidKey[]>((resolve, reject) => {
          const request = db.transaction(store, 'readonly').objectStore(store).getAllKeys();
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => reject(request.error);
        });
        documentKeys.push(...keys.map((key) => JSON.stringify(key)));
      }
      db.close();
      out.push({ name, documentKeys });
    }
    return out;
  });
}

const cardCount = (page: Page) => page.locator('article[data-project-id]').count();

describe('the Firebase mode’s local cache', () => {
  it('a reload paints the cached board while Firestore is unreachable, then applies the server’s change', async () => {
    const staff = await app.signedInPage(STAFF);
    pages.push(staff);
    watchFailures(staff);
    const [id] = await cardIdsIn(staff, 'diligence');
    expect(id).toBeDefined();
    const shownBefore = await cardCount(staff);
    expect(shownBefore).toBeGreaterThan(0);
    expect((await firestoreData(staff)).some((db) => db.documentKeys.some((key) => key.includes('boardCards')))).toBe(true);

    await app.stack.restartWebChannel({
      whileStopped: async () => {
        const project = await app.admin.doc(`projects/${id}`).get();
        const moved = await app.runCommand(STAFF, 'project.move', { projectId: id, expectedVersion: project.get('_v'), toStage: 'matched', before: null, after: null });
        expect(moved.error).toBeUndefined();
        // No Listen can reach the server: what paints is the cache, as it was before the move.
        await staff.reload();
        await staff.locator('article[data-project-id]').first().waitFor({ state: 'visible' });
        expect(await stageOfCard(staff, id!)).toBe('diligence');
        expect(await cardCount(staff)).toBe(shownBefore);
      },
    });
    // Firestore is back: the listen catches up and the card moves.
    await expect.poll(() => stageOfCard(staff, id!), { timeout: 45_000, interval: 200 }).toBe('matched');
  });

  it('signing out in one of two tabs leaves no Firestore data, and the next person reads only their own', async () => {
    const staff = await app.signedInPage(STAFF);
    pages.push(staff);
    const second = await staff.context().newPage();
    await second.goto('/');
    await second.locator('article[data-project-id]').first().waitFor({ state: 'visible' });
    watchFailures(staff, second);
    const before = await firestoreData(staff);
    expect(before.flatMap((db) => db.documentKeys).filter((key) => key.includes('boardCards')).length).toBe(sample.projects.length);

    await staff.locator('[data-test="sign-out"]').click();
    await staff.waitForURL(/\/sign-in/);
    await second.waitForURL(/\/sign-in/, { timeout: 20_000 });
    // Cleared once both tabs have closed their Firestore (the other tab hears of the sign-out from Auth).
    await expect.poll(async () => (await firestoreData(staff)).flatMap((db) => db.documentKeys), PATIENTLY).toEqual([]);

    // The liaison signs in on the same browser: its cache holds its own reads, never the bureau's cards.
    await second.close();
    await staff.locator('input[data-test="sign-in-email"], [data-test="sign-in-email"] input').fill(LIAISON.email!);
    await staff.locator('input[data-test="sign-in-password"], [data-test="sign-in-password"] input').fill(SAMPLE_PASSWORD);
    await staff.locator('[data-test="sign-in-submit"]').click();
    await staff.locator('article[data-project-id]').first().waitFor({ state: 'visible', timeout: 45_000 });
    const cachedKeys = async () => (await firestoreData(staff)).flatMap((db) => db.documentKeys);
    await expect.poll(async () => (await cachedKeys()).some((key) => key.includes('boardViews')), PATIENTLY).toBe(true);
    const keys = await cachedKeys();
    expect(keys.filter((key) => key.includes('boardCards'))).toEqual([]);
  });
});
