/**
 * `npm run screenshots`: PNGs of the board and of a project drawer on two desktop (1280x800, 1440x900) and a
 * phone (390x844) viewport, saved in test-results/screenshots/ for a person to review. It serves
 * the built app the same way the browser tests do (the npm script builds it first).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { DESKTOP, PHONE, RESULTS_DIR, cardIdsIn, openBoard, startApp, type Viewport } from './harness';

const OUT_DIR = join(RESULTS_DIR, 'screenshots');

/** Lets animations and lazy chunks settle before a picture is taken. */
async function quiet(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle');
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
  await page.waitForTimeout(400);
}

async function shoot(page: Page, name: string): Promise<void> {
  const path = join(OUT_DIR, `${name}.png`);
  await page.screenshot({ path });
  console.log(`[screenshots] ${path}`);
}

async function captureViewport(page: Page, label: string, viewport: Viewport): Promise<void> {
  await page.setViewportSize(viewport);
  await openBoard(page);
  await quiet(page);
  await shoot(page, `board-${label}`);

  // A project being drawn down shows lines, tranches, checklist and blockers at once.
  const [projectId] = await cardIdsIn(page, 'disbursing');
  if (!projectId) throw new Error('no project in 投放中 to open');
  await page.goto(`/?project=${encodeURIComponent(projectId)}`);
  await page.locator('.el-drawer').first().waitFor({ state: 'visible', timeout: 30_000 });
  await quiet(page);
  await shoot(page, `drawer-${label}`);
  await page.getByRole('tab', { name: /融资事项/ }).click();
  await quiet(page);
  await shoot(page, `drawer-lines-${label}`);
}

async function main(): Promise<void> {
  await mkdir(OUT_DIR, { recursive: true });
  const app = await startApp();
  try {
    for (const [label, viewport] of [
      ['1280x800', DESKTOP],
      ['1440x900', { width: 1440, height: 900 }],
      ['390x844', PHONE],
    ] as const) {
      const page = await app.newPage({ viewport });
      await captureViewport(page, label, viewport);
      await page.context().close();
    }
  } finally {
    await app.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
