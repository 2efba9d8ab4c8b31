/**
 * The "still saving" guard in Chromium on the demo backend: while a card's move is unanswered
 * (the page holds the demo's writer lock, so the command waits for it), the header says 保存中…
 * and closing the tab asks first (the browser's beforeunload dialog); once the move is stored it
 * asks nothing and the move is there in a new tab. A route change meanwhile loses nothing.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Dialog, Page } from 'playwright-core';
import { PATIENTLY, useBrowser } from './fixture';
import { cardIdsIn, cardOf, openBoard, stageOfCard } from './harness';

const WRITER_LOCK = 'clearway-local-writer';

const browser = useBrowser();
let page: Page;
beforeEach(() => {
  page = browser.page;
});

/** Takes the demo's writer lock in the page: every command waits until `releaseWriter`. */
async function holdWriter(): Promise<void> {
  await page.evaluate(
    (name) =>
      new Promise<void>((granted) => {
        void navigator.locks.request(name, () => {
          granted();
          return new Promise<void>((release) => ((window as unknown as { releaseWriter: () => void }).releaseWriter = release));
        });
      }),
    WRITER_LOCK,
  );
}

async function releaseWriter(): Promise<void> {
  await page.evaluate(() => (window as unknown as { releaseWriter: () => void }).releaseWriter());
}

/** Moves the first card under approval back to 调查评估 through its "移动到…" menu (a click: the page has had a gesture). */
async function moveBackToDiligence(): Promise<string> {
  const [projectId] = await cardIdsIn(page, 'approval');
  if (!projectId) throw new Error('no card under approval');
  await cardOf(page, projectId).getByRole('button', { name: /移动项目/ }).click();
  await page.getByRole('menuitem', { name: '移到「调查评估」' }).click();
  await expect.poll(() => stageOfCard(page, projectId), PATIENTLY).toBe('diligence');
  return projectId;
}

const savingText = () => page.locator('[data-test="saving-status"] .header-saving__text');

/** Waits until nothing is being saved any more: the header's status is gone and the card is no longer busy. */
async function saved(projectId: string): Promise<void> {
  await savingText().waitFor({ state: 'detached', timeout: PATIENTLY.timeout });
  await expect.poll(() => cardOf(page, projectId).getAttribute('aria-busy'), PATIENTLY).toBeNull();
}

describe('the still-saving guard', () => {
  it('asks before the tab is closed while a move is unanswered, and not once it is stored', async () => {
    await openBoard(page);
    const dialogs: Dialog[] = [];
    page.on('dialog', (dialog) => dialogs.push(dialog));
    // Nothing pending: the status is an empty live region.
    const status = page.locator('[data-test="saving-status"]');
    expect(await status.getAttribute('aria-live')).toBe('polite');
    expect(await savingText().count()).toBe(0);

    await holdWriter();
    const projectId = await moveBackToDiligence();
    expect(await savingText().innerText()).toBe('保存中…');
    expect(await cardOf(page, projectId).getAttribute('aria-busy')).toBe('true');

    const asked = page.waitForEvent('dialog');
    await page.close({ runBeforeUnload: true });
    const dialog = await asked;
    expect(dialog.type()).toBe('beforeunload');
    await dialog.dismiss();
    // Staying: the page is still there, still saving.
    expect(page.isClosed()).toBe(false);
    expect(await savingText().innerText()).toBe('保存中…');

    await releaseWriter();
    await saved(projectId);
    const closed = page.waitForEvent('close');
    await page.close({ runBeforeUnload: true });
    await closed;
    expect(dialogs.map((each) => each.type())).toEqual(['beforeunload']);

    // The move was stored: a new tab of the same browser shows it.
    page = await page.context().newPage();
    await openBoard(page);
    expect(await stageOfCard(page, projectId)).toBe('diligence');
  });

  it('keeps a move running across a route change and stores it', async () => {
    await openBoard(page);
    await holdWriter();
    const projectId = await moveBackToDiligence();
    await page.getByRole('navigation').getByRole('link', { name: '月度调度会' }).click();
    await page.waitForURL(/\/meeting$/);
    // The shell outlives the page: still saving, still asking before the tab goes.
    expect(await savingText().innerText()).toBe('保存中…');
    const asked = page.waitForEvent('dialog');
    await page.close({ runBeforeUnload: true });
    const dialog = await asked;
    expect(dialog.type()).toBe('beforeunload');
    await dialog.dismiss();

    await releaseWriter();
    await savingText().waitFor({ state: 'detached', timeout: PATIENTLY.timeout });
    await page.getByRole('navigation').getByRole('link', { name: '看板' }).click();
    await page.locator(`article[data-project-id="${projectId}"]`).waitFor({ state: 'visible', timeout: 30_000 });
    await saved(projectId);
    expect(await stageOfCard(page, projectId)).toBe('diligence');
    await page.reload();
    await openBoard(page);
    expect(await stageOfCard(page, projectId)).toBe('diligence');
  });
});
