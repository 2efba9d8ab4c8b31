/**
 * The board in Chromium on the local backend: the Chinese board with the sample data, a real
 * mouse drag that survives a reload, the keyboard "移动到…" menu, and a refused move that snaps
 * back with its reason.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { STAGE_IDS } from '@clearway/core';
import { createSampleWorkspace } from '@clearway/core/sample';
import { PATIENTLY, useBrowser } from './fixture';
import { cardIdsIn, cardOf, dragCardTo, openBoard, stageOfCard } from './harness';

// The app seeds the same workspace (default seed); only its dates follow the clock.
const sample = createSampleWorkspace({ now: new Date() });
const nameOf = (id: string): string => sample.projects.find((project) => project.id === id)?.name ?? id;

const browser = useBrowser();
let page: Page;
beforeEach(() => {
  page = browser.page;
});

/** Waits until a card is saved (the board marks a card busy while its move is in flight). */
async function settled(projectId: string): Promise<void> {
  await expect.poll(() => cardOf(page, projectId).getAttribute('aria-busy'), PATIENTLY).toBeNull();
}

describe('the board', () => {
  it('opens in Chinese with every stage and the sample projects', async () => {
    await openBoard(page);
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    const headings = await page.locator('section[data-stage-column] h2').allInnerTexts();
    expect(headings).toEqual(['储备谋划', '推介对接', '调查评估', '审批中', '已审批待投放', '投放中', '已投放']);
    for (const stage of STAGE_IDS) {
      const expected = sample.projects.filter((project) => project.stage === stage).map((project) => project.id).sort();
      expect((await cardIdsIn(page, stage)).sort(), stage).toEqual(expected);
    }
    const withLeadBank = sample.projects.find((project) => project.leadBankId === 'icbc');
    expect(withLeadBank).toBeDefined();
    const card = cardOf(page, withLeadBank?.id ?? '');
    await expect.poll(() => card.innerText(), PATIENTLY).toContain(withLeadBank?.name ?? '?');
    expect(await card.innerText()).toContain('工商银行');
    expect(await card.innerText()).toContain('万元');
    expect(await page.locator('.card__stall').count()).toBeGreaterThan(0);
  });

  it('moves a card to another column with a real mouse drag, and keeps it there after a reload', async () => {
    await openBoard(page);
    const [projectId] = await cardIdsIn(page, 'matched');
    expect(projectId).toBeDefined();
    const id = projectId as string;
    // Moving back a stage passes every gate.
    await dragCardTo(page, id, 'pipeline');
    await expect.poll(() => stageOfCard(page, id), PATIENTLY).toBe('pipeline');
    expect((await cardIdsIn(page, 'pipeline'))[0]).toBe(id);
    await settled(id);

    await page.reload();
    await openBoard(page);
    await expect.poll(() => stageOfCard(page, id), PATIENTLY).toBe('pipeline');
    expect(await cardIdsIn(page, 'matched')).not.toContain(id);
  });

  it('moves a card with the keyboard through its "移动到…" menu', async () => {
    await openBoard(page);
    const [projectId] = await cardIdsIn(page, 'approval');
    const id = projectId as string;
    const menuButton = page.getByRole('button', { name: `移动项目「${nameOf(id)}」` });
    await menuButton.focus();
    await page.keyboard.press('Enter');
    const focused = () => page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');
    const focusedRole = () => page.evaluate(() => document.activeElement?.getAttribute('role') ?? '');
    // The menu takes the focus when it opens; walk it with the arrow keys to the wanted entry.
    await expect.poll(focusedRole, PATIENTLY).toBe('menuitem');
    for (let step = 0; step < 12 && (await focused()) !== '移到「调查评估」'; step++) {
      await page.keyboard.press('ArrowDown');
    }
    expect(await focused()).toBe('移到「调查评估」');
    await page.keyboard.press('Enter');
    await expect.poll(() => stageOfCard(page, id), PATIENTLY).toBe('diligence');
    // The keyboard user keeps their place: the focus follows the card into its new column.
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-project-id') ?? null), PATIENTLY).toBe(id);
    await settled(id);
    await page.reload();
    await openBoard(page);
    expect(await stageOfCard(page, id)).toBe('diligence');
  });

  it('snaps a refused move back and says why', async () => {
    await openBoard(page);
    // A pipeline project has no lead bank yet, so it may not enter 推介对接.
    const [projectId] = await cardIdsIn(page, 'pipeline');
    const id = projectId as string;
    const before = await cardIdsIn(page, 'pipeline');
    await dragCardTo(page, id, 'matched');
    const message = page.locator('.el-message').filter({ hasText: nameOf(id) });
    await message.first().waitFor({ state: 'visible' });
    expect(await message.first().innerText()).toMatch(/未能移动「.+」：.*牵头/);
    await expect.poll(() => stageOfCard(page, id), PATIENTLY).toBe('pipeline');
    expect(await cardIdsIn(page, 'pipeline')).toEqual(before);
    await page.reload();
    await openBoard(page);
    expect(await stageOfCard(page, id)).toBe('pipeline');
  });
});
