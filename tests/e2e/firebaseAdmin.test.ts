/**
 * The admin page 系统管理 in Firebase mode, in Chromium: the real Firebase web SDK against the
 * emulators and the Firestore protocol server behind the WebChannel bridge (firebaseStack.ts).
 * An admin invites a member (the memberInvite callable), adds a bank, changes a bank's strategic
 * agreement and sets the annual targets through the `command` callable; each is in Firestore
 * afterwards, comes back to the page over Listen, and is still there after a reload.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { Page } from 'playwright-core';
import { PATIENTLY } from './fixture';
import { reportFailure } from './harness';
import { sampleMember, startFirebaseApp, type FirebaseApp } from './firebaseStack';

const ADMIN = sampleMember('admin');
const WAN = 10_000;
const YEAR = Number(new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(new Date()));

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

async function adminPage(tab: string): Promise<Page> {
  const page = await app.signedInPage(ADMIN);
  pages.push(page);
  onTestFailed(async ({ task }) => {
    await reportFailure(page, task.name);
  });
  await page.goto(`/admin?tab=${tab}`);
  await page.locator('[data-test="admin-tabs"]').waitFor({ state: 'visible' });
  return page;
}

/** Element Plus puts a field's data-test on its wrapper or on the <input> itself. */
const field = (page: Page, name: string) => page.locator(`input[data-test="${name}"], [data-test="${name}"] input`).first();

async function fill(page: Page, name: string, value: string): Promise<void> {
  const input = field(page, name);
  await input.fill(value);
  await input.blur();
}

async function firestoreDoc(path: string): Promise<Record<string, unknown> | undefined> {
  return (await app.admin.doc(path).get()).data();
}

describe('the admin page in Firebase mode', () => {
  it('invites a member by email: the membership is in Firestore and the page lists them', async () => {
    const page = await adminPage('members');
    await page.locator('[data-test="member-add"]').click();
    await fill(page, 'member-email', 'Sun.Li@clearway.local ');
    await fill(page, 'member-name', '孙立');
    await page.locator('[data-test="member-role"] label').filter({ hasText: '领导' }).first().click();
    await page.locator('[data-test="member-submit"]').click();
    // The invite answers with a link to set the password (Firebase makes no temporary passwords).
    await page.locator('[data-test="created-member"]').waitFor({ state: 'visible', timeout: 30_000 });
    await expect.poll(() => page.locator('[data-test="password-setup-link"]').textContent(), PATIENTLY).toMatch(/^https?:\/\//);
    await page.locator('[data-test="created-close"]').click();

    const invited = await app.admin.collection('members').where('email', '==', 'sun.li@clearway.local').get();
    expect(invited.docs).toHaveLength(1);
    const member = invited.docs[0]!;
    expect(member.data()).toMatchObject({ name: '孙立', role: 'viewer', disabled: false });
    await expect.poll(() => page.locator(`[data-member-uid="${member.id}"]`).count(), PATIENTLY).toBeGreaterThan(0);

    await page.reload();
    await expect.poll(() => page.locator(`[data-member-uid="${member.id}"]`).count(), PATIENTLY).toBeGreaterThan(0);
  });

  it('adds a bank and changes a bank’s strategic agreement; both persist', async () => {
    const page = await adminPage('banks');
    await page.locator('[data-test="bank-add"]').click();
    await fill(page, 'bank-name', '恒丰银行');
    await fill(page, 'bank-agreement', '30,000');
    await page.locator('[data-test="bank-submit"]').click();
    await expect
      .poll(async () => (await app.admin.collection('banks').where('name', '==', '恒丰银行').get()).docs.map((doc) => doc.data().agreementAmount), PATIENTLY)
      .toEqual([30_000 * WAN]);
    const added = (await app.admin.collection('banks').where('name', '==', '恒丰银行').get()).docs[0]!;
    await expect.poll(() => page.locator(`[data-test="bank-agreement-${added.id}"]`).textContent(), PATIENTLY).toContain('30,000');

    await page.locator('[data-test="bank-edit-icbc"]').click();
    await fill(page, 'bank-agreement', '123,456.78');
    await page.locator('[data-test="bank-submit"]').click();
    await expect.poll(async () => (await firestoreDoc('banks/icbc'))?.agreementAmount, PATIENTLY).toBe(123_456.78 * WAN);
    await expect.poll(() => page.locator('[data-test="bank-agreement-icbc"]').textContent(), PATIENTLY).toContain('123,456.78');

    await page.reload();
    await expect.poll(() => page.locator('[data-test="bank-agreement-icbc"]').textContent(), PATIENTLY).toContain('123,456.78');
    await expect.poll(() => page.locator(`[data-test="bank-agreement-${added.id}"]`).count(), PATIENTLY).toBe(1);
  });

  it('sets the annual targets in 万元; Firestore holds them in yuan and the page shows them after a reload', async () => {
    const page = await adminPage('targets');
    await page.locator('[data-test="admin-targets-form"]').waitFor({ state: 'visible' });
    await fill(page, 'targets-approved', '880,000');
    await fill(page, 'targets-disbursed', '450,000.5');
    await fill(page, 'targets-projects', '60');
    await page.locator('[data-test="targets-submit"]').click();
    await expect
      .poll(async () => {
        const targets = await firestoreDoc(`settings/targets-${YEAR}`);
        return targets && { approved: targets.approved, disbursed: targets.disbursed, projects: targets.projects };
      }, PATIENTLY)
      .toEqual({ approved: 880_000 * WAN, disbursed: 450_000.5 * WAN, projects: 60 });

    await page.reload();
    await expect.poll(() => field(page, 'targets-approved').inputValue(), PATIENTLY).toBe('880,000');
    expect(await field(page, 'targets-disbursed').inputValue()).toBe('450,000.5');
    expect(await field(page, 'targets-projects').inputValue()).toBe('60');
  });
});
