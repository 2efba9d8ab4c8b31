/**
 * The Firebase mode in Chromium: one emulator stack (Auth + Functions emulators, the Firestore
 * protocol server and the WebChannel bridge browsers talk to), seeded with the sample workspace;
 * the app built with the VITE_FIREBASE_* variables of that stack into a folder of its own under
 * web/dist-firebase (the emulators' ports are known only once they run, so the build happens here,
 * once per file, and runs at the same time on one machine do not share a build); the
 * build served on a free port; and one browser. Every page is a fresh context signed in as one
 * sample member. What the bridge sends each browser session over Listen is recorded, so a test can
 * check what reached a browser.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { Firestore } from 'firebase-admin/firestore';
import { type CommandName, type Member, type Role } from '@clearway/core';
import { SAMPLE_IDENTITIES } from '@clearway/core/sample';
import { startEmulatorStack, type EmulatorStack } from '../../functions/src/testing/emulatorStack';
import { SAMPLE_PASSWORD, seedEmulators } from '../../functions/src/testing/seedEmulators';
import type { JsonObject } from '../../functions/src/testing/webChannel/protoJson';
import { CHROMIUM_ARGS, DESKTOP, REPO_ROOT, chromiumPath, serveStatic, type StaticServer } from './harness';

export const FIREBASE_E2E_PROJECT_ID = 'demo-clearway-e2e';
export const WEB_DIST_FIREBASE = join(REPO_ROOT, 'web', 'dist-firebase');

export interface RecordedListen {
  sessionId: string;
  uid: string | null;
  response: JsonObject;
}

export interface FirebaseApp {
  stack: EmulatorStack;
  url: string;
  browser: Browser;
  /** Every Listen response the bridge sent, in order. */
  listenLog: RecordedListen[];
  /** A fresh context signed in as `member` on the board. */
  signedInPage(member: Member): Promise<Page>;
  /** A fresh context on the sign-in page. */
  newPage(): Promise<Page>;
  /** The admin SDK's view of the protocol server. */
  admin: Firestore;
  /** Runs a command through the callable as `member` (from Node, as another person's browser would). */
  runCommand(member: Member, name: CommandName, payload: unknown): Promise<{ result?: unknown; error?: { status: string; details?: { messageKey?: string } } }>;
  close(): Promise<void>;
}

export function sampleMember(role: Role, bankId?: string): Member {
  const member = SAMPLE_IDENTITIES.find((m) => m.role === role && (bankId === undefined || m.bankId === bankId) && m.email);
  if (!member) throw new Error(`no sample ${role} ${bankId ?? ''}`);
  return member;
}

/** Builds the app in Firebase mode for `stack` into `outDir` (also the board bench's Firebase build). */
export function buildFirebaseApp(stack: EmulatorStack, outDir: string): void {
  const result = spawnSync(
    process.execPath,
    [join(REPO_ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--outDir', relative(join(REPO_ROOT, 'web'), outDir), '--emptyOutDir', '--logLevel', 'warn'],
    {
      cwd: join(REPO_ROOT, 'web'),
      stdio: ['ignore', 'inherit', 'inherit'],
      env: {
        ...process.env,
        VITE_FIREBASE_PROJECT_ID: stack.projectId,
        VITE_FIREBASE_EMULATOR_HOST: stack.host,
        VITE_FIREBASE_AUTH_EMULATOR_PORT: String(stack.authPort),
        VITE_FIREBASE_FIRESTORE_EMULATOR_PORT: String(stack.browserFirestorePort),
        VITE_FIREBASE_FUNCTIONS_EMULATOR_PORT: String(stack.functionsPort),
        VITE_FIREBASE_FUNCTIONS_REGION: stack.region,
      },
      timeout: 240_000,
    },
  );
  if (result.status !== 0) throw new Error(`the Firebase-mode build failed (${result.status ?? result.signal})`);
}

export async function startFirebaseApp(): Promise<FirebaseApp> {
  const listenLog: RecordedListen[] = [];
  const stack = await startEmulatorStack({
    repoRoot: REPO_ROOT,
    projectId: FIREBASE_E2E_PROJECT_ID,
    webChannel: { onListenResponse: (session, response) => listenLog.push({ sessionId: session.id, uid: session.uid, response }) },
  });
  let server: StaticServer | null = null;
  let browser: Browser | null = null;
  mkdirSync(WEB_DIST_FIREBASE, { recursive: true });
  const outDir = join(WEB_DIST_FIREBASE, `run-${process.pid}-${Date.now()}`);
  const removeBuild = () => rmSync(outDir, { recursive: true, force: true });
  try {
    await seedEmulators(stack, { password: SAMPLE_PASSWORD });
    buildFirebaseApp(stack, outDir);
    server = await serveStatic(outDir);
    browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS });
  } catch (error) {
    await server?.close();
    await stack.stop();
    removeBuild();
    throw error;
  }
  const url = server.url;
  const admin = new Firestore({ projectId: stack.projectId, host: stack.firestoreHost, ssl: false });
  async function idTokenOf(member: Member): Promise<string> {
    const response = await fetch(`http://${stack.authHost}/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=demo-api-key`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: member.email, password: SAMPLE_PASSWORD, returnSecureToken: true }),
    });
    const body = (await response.json()) as { idToken?: string };
    if (!body.idToken) throw new Error(`sign-in of ${member.email ?? member.uid} failed`);
    return body.idToken;
  }
  const contexts = new Set<BrowserContext>();
  const launched = browser;

  async function newPage(): Promise<Page> {
    const context = await launched.newContext({ baseURL: url, viewport: DESKTOP, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    contexts.add(context);
    context.on('close', () => contexts.delete(context));
    context.setDefaultTimeout(20_000);
    // After a failed request the WebChannel client pings google.com; there is no network here.
    await context.route(/^https:\/\/www\.google\.com\//, (route) => route.fulfill({ status: 204, body: '' }));
    const page = await context.newPage();
    await page.goto('/sign-in');
    return page;
  }

  return {
    stack,
    url,
    browser: launched,
    listenLog,
    newPage,
    admin,
    async runCommand(member, name, payload) {
      const response = await fetch(`${stack.functionsBaseUrl}/command`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await idTokenOf(member)}` },
        body: JSON.stringify({ data: { name, payload } }),
      });
      return (await response.json()) as { result?: unknown; error?: { status: string; details?: { messageKey?: string } } };
    },
    async signedInPage(member) {
      const page = await newPage();
      await page.locator('input[data-test="sign-in-email"], [data-test="sign-in-email"] input').fill(member.email!);
      await page.locator('input[data-test="sign-in-password"], [data-test="sign-in-password"] input').fill(SAMPLE_PASSWORD);
      await page.locator('[data-test="sign-in-submit"]').click();
      await page.locator('article[data-project-id]').first().waitFor({ state: 'visible', timeout: 45_000 });
      return page;
    },
    async close() {
      await Promise.all([...contexts].map((context) => context.close().catch(() => undefined)));
      await launched.close().catch(() => undefined);
      await server?.close();
      await admin.terminate().catch(() => undefined);
      await stack.stop();
      removeBuild();
    },
  };
}
