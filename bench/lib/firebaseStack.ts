/**
 * The Firebase stack for the board bench, as far as this machine can run one: the Auth and
 * Functions emulators, the repo's Firestore protocol server and the WebChannel bridge a browser's
 * Firestore SDK talks to (functions/src/testing/emulatorStack.ts), seeded with a generated
 * workspace of `projects` projects through the admin SDK straight into the protocol server (not
 * through the bridge: seeding is not what is measured), with the read projections the command
 * function writes (boardCards, boardViews); the app built in Firebase mode for that stack into
 * `<BENCH_DIR>/web-dist-firebase` and served like the demo build. A context is signed in as
 * staff once through the sign-in page (Firebase Auth keeps the session in IndexedDB, as a
 * person's browser would): the measured first visit is that person opening the board in a fresh
 * tab of a browser that holds no copy of the app (a fresh context's empty cache); a reload and a
 * second tab take the hashed assets from the HTTP cache, as from any static host.
 *
 * The emulators and the bridge are not Google's servers (no TLS, no network distance, one Node
 * process answering every Listen): the figures say what the app does with the data, not what a
 * real Firestore region adds.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { startEmulatorStack, type EmulatorStack } from '../../functions/src/testing/emulatorStack';
import { SAMPLE_PASSWORD, seedEmulators } from '../../functions/src/testing/seedEmulators';
import { serveStatic, type StaticServer } from '../../tests/e2e/harness';
import { buildFirebaseApp, sampleMember } from '../../tests/e2e/firebaseStack';
import { progress } from './figures';
import { BENCH_WEB_DIST, REPO_ROOT } from './paths';

export const BENCH_FIREBASE_PROJECT_ID = 'demo-clearway-bench';

export interface FirebaseBenchStack {
  baseUrl: string;
  /** The Firebase-mode build, to gzip the scripts a page fetched. */
  webDist: string;
  /** Signs a fresh context in as staff (the bench's `NavigationTarget.prepare`). */
  signIn(context: BrowserContext): Promise<void>;
  stop(): Promise<void>;
}

export async function startFirebaseStack(projects: number): Promise<FirebaseBenchStack> {
  const webDist = join(dirname(BENCH_WEB_DIST), 'web-dist-firebase');
  progress('board: Firebase stack: starting the emulators and the WebChannel bridge');
  const stack: EmulatorStack = await startEmulatorStack({ repoRoot: REPO_ROOT, projectId: BENCH_FIREBASE_PROJECT_ID });
  let server: StaticServer | null = null;
  try {
    progress(`board: Firebase stack: seeding ${projects} projects through the admin SDK`);
    await seedEmulators(stack, { projects, password: SAMPLE_PASSWORD });
    progress(`board: Firebase stack: building the app in Firebase mode into ${webDist}`);
    rmSync(webDist, { recursive: true, force: true });
    mkdirSync(webDist, { recursive: true });
    buildFirebaseApp(stack, webDist);
    server = await serveStatic(webDist, { cacheAssets: true });
  } catch (error) {
    await stack.stop();
    throw error;
  }
  const staff = sampleMember('staff');
  const served = server;
  return {
    baseUrl: served.url,
    webDist,
    async signIn(context) {
      // After a failed request the WebChannel client pings google.com; there is no network here.
      await context.route(/^https:\/\/www\.google\.com\//, (route) => route.fulfill({ status: 204, body: '' }));
      const page = await context.newPage();
      await page.goto('/sign-in');
      await page.locator('input[data-test="sign-in-email"], [data-test="sign-in-email"] input').fill(staff.email!);
      await page.locator('input[data-test="sign-in-password"], [data-test="sign-in-password"] input').fill(SAMPLE_PASSWORD);
      await page.locator('[data-test="sign-in-submit"]').click();
      await page.locator('article[data-project-id]').first().waitFor({ state: 'visible', timeout: 120_000 });
      await page.close();
    },
    async stop() {
      await served.close();
      await stack.stop();
    },
  };
}
