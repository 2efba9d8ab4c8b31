/**
 * Stored data in Chromium: a corrupt row in IndexedDB does not stop the demo, the banner says how
 * many records were put aside and hands them over; an admin exports the workspace as a versioned
 * file, empties the workspace and imports the file back, and the board is as it was.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { PATIENTLY, useBrowser } from './fixture';
import { cardIdsIn, openBoard, stageOfCard, switchIdentity } from './harness';

const browser = useBrowser();

async function cardCount(page: Page): Promise<number> {
  return page.locator('article[data-project-id]').count();
}

/** Writes one unreadable row into the demo's IndexedDB, as a damaged or foreign record would be. */
async function plantCorruptRow(page: Page): Promise<void> {
  await page.evaluate(async () => {
    // The app has the database open: wait for its writes, then add the row beside them.
    await new Promise<void>((resolve, reject) => {
      const request = indexedDB.open('clearway-local');
      request.onerror = () => reject(request.error);
      request.onsuccess = () => {
        const db = request.result;
        const tx = db.transaction('docs', 'readwrite');
        tx.objectStore('docs').put({ collection: 'projects', id: 'damaged', version: 1, data: 'not a project' }, 'projects/damaged');
        tx.oncomplete = () => {
          db.close();
          resolve();
        };
        tx.onerror = () => reject(tx.error);
      };
    });
  });
}

describe('stored data in the browser', () => {
  it('starts with a corrupt row, says so on screen and offers the record for download', async () => {
    const page = browser.page;
    await openBoard(page);
    const cards = await cardCount(page);
    await plantCorruptRow(page);

    await page.reload();
    await openBoard(page);
    const notice = page.locator('[data-test="storage-notice"]');
    await notice.waitFor({ state: 'visible' });
    await expect.poll(() => notice.textContent(), PATIENTLY).toContain('有 1 条本地存储的记录无法读取');
    expect(await cardCount(page)).toBe(cards);

    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test="download-quarantined"]').click()]);
    const saved = JSON.parse(await readFile((await download.path())!, 'utf8')) as { quarantined: { key: string; row: unknown }[] };
    expect(saved.quarantined).toEqual([
      expect.objectContaining({ key: 'projects/damaged', row: { collection: 'projects', id: 'damaged', version: 1, data: 'not a project' } }),
    ]);
  });

  it('a move the browser refuses to save is reported, snaps back and is not there after a reload', async () => {
    const page = browser.page;
    await openBoard(page);
    const [id] = await cardIdsIn(page, 'approval');
    const projectId = id as string;
    // The browser's storage refuses every document write from now on, as a full disk would.
    await page.evaluate(() => {
      const put = IDBObjectStore.prototype.put;
      IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
        if (this.name === 'docs') throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        return put.apply(this, args);
      };
    });
    const menuButton = page.locator(`article[data-project-id="${projectId}"]`).getByRole('button', { name: /移动项目/ });
    await menuButton.click();
    await page.getByRole('menuitem', { name: '移到「调查评估」' }).click();
    await page.locator('.el-message--error').filter({ hasText: '浏览器拒绝保存' }).first().waitFor({ state: 'visible' });
    await expect.poll(() => stageOfCard(page, projectId), PATIENTLY).toBe('approval');

    await page.reload();
    await openBoard(page);
    expect(await stageOfCard(page, projectId)).toBe('approval');
  });

  it('exports the workspace, empties it and imports the file back (admin)', async () => {
    const page = browser.page;
    await openBoard(page);
    await switchIdentity(page, /管理员/);
    const cards = await cardCount(page);
    await page.locator('a', { hasText: '备份与恢复' }).click();
    await page.locator('[data-test="export-workspace"]').waitFor({ state: 'visible' });

    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test="export-workspace"]').click()]);
    const filePath = (await download.path())!;
    const file = JSON.parse(await readFile(filePath, 'utf8')) as { format: string; schemaVersion: number; collections: Record<string, unknown[]> };
    expect(file.format).toBe('clearway-workspace');
    expect(file.collections.projects).toHaveLength(cards);

    // A non-empty workspace refuses the import with a reason.
    await page.locator('[data-test="import-file"]').setInputFiles(filePath);
    await page.locator('[data-test="import-workspace"]').click();
    await page.locator('.el-message--error').filter({ hasText: '只能导入到空的工作区' }).first().waitFor({ state: 'visible' });

    await page.locator('[data-test="clear-workspace"]').click();
    await page.locator('.el-message-box').getByRole('button', { name: '清空' }).click();
    await page.locator('.el-message').filter({ hasText: '工作区已清空' }).first().waitFor({ state: 'visible' });
    await page.locator('[data-test="import-workspace"]').click();
    await page.locator('.el-message').filter({ hasText: '已导入' }).first().waitFor({ state: 'visible' });

    await page.reload();
    await openBoard(page);
    await expect.poll(() => cardCount(page), PATIENTLY).toBe(cards);
  });
});
