/**
 * Every visible string has a text in both languages: the board and a project drawer show no raw
 * message keys in Chinese (the default) nor after switching to English.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useBrowser } from './fixture';
import { cardIdsIn, openBoard } from './harness';

const RAW_KEY = /\b(?:app|board|project|domain|errors|meeting|admin|bank|common)\.[A-Za-z]+(?:\.[A-Za-z]+)*\b/g;

const browser = useBrowser();
let page: Page;
beforeEach(() => {
  page = browser.page;
});

async function rawKeysOnScreen(): Promise<string[]> {
  const text = await page.locator('body').innerText();
  return [...new Set(text.match(RAW_KEY) ?? [])];
}

async function openFirstDisbursingProject(): Promise<void> {
  const [projectId] = await cardIdsIn(page, 'disbursing');
  await page.locator(`article[data-project-id="${projectId}"]`).click();
  await page.locator('.el-drawer').first().waitFor({ state: 'visible' });
  for (const tab of await page.getByRole('tab').all()) {
    await tab.click();
    expect(await rawKeysOnScreen(), await tab.innerText()).toEqual([]);
  }
}

describe('languages', () => {
  it('shows the board and a project in Chinese without raw message keys', async () => {
    await openBoard(page);
    expect(await rawKeysOnScreen()).toEqual([]);
    await openFirstDisbursingProject();
  });

  it('switches to English, and keeps every text translated', async () => {
    await openBoard(page);
    await page.locator('.el-radio-button', { hasText: 'English' }).click();
    await page.locator('section[data-stage-column] h2', { hasText: 'Pipeline' }).waitFor({ state: 'visible' });
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    const headings = await page.locator('section[data-stage-column] h2').allInnerTexts();
    expect(headings.every((heading) => !/[\u4e00-\u9fff]/.test(heading)), headings.join(' | ')).toBe(true);
    expect(await rawKeysOnScreen()).toEqual([]);
    await openFirstDisbursingProject();
  });

  it("starts in English after a reload once English is chosen, Element Plus' own texts included", async () => {
    await openBoard(page);
    await page.locator('.el-radio-button', { hasText: 'English' }).click();
    await page.locator('section[data-stage-column] h2', { hasText: 'Pipeline' }).waitFor({ state: 'visible' });
    // English is a chunk of its own: the reload fetches it before the first paint.
    await openBoard(page);
    expect(await page.locator('section[data-stage-column] h2').first().innerText()).toBe('Pipeline');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await rawKeysOnScreen()).toEqual([]);
    await page.locator('[data-filter="district"]').click();
    await page.keyboard.type('zzz');
    await page.getByText('No matching data').waitFor({ state: 'visible' });
  });
});
