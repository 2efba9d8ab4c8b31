/**
 * A unit contact 责任单位联系人 in Firebase mode, in Chromium (firebaseStack.ts: the real Firebase web
 * SDK, the Auth and Functions emulators, the Firestore protocol server behind the WebChannel
 * bridge). The contact is made as an admin makes one (an Auth user, then `member.upsert` through
 * the command callable, which sets its claims). It signs in and sees exactly the projects whose
 * parties name its unit, an assignment staff give it in 待我处理, and a blocker naming it arrive
 * without a reload. The bridge enforces no rules, so what reached its browser is held to
 * firestore.rules as written, document by document: nothing it read would have been refused.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { Page } from 'playwright-core';
import { deleteApp, initializeApp, type App } from 'firebase-admin/app';
import { getAuth } from 'firebase-admin/auth';
import { addMonths, dayOf, monthOf, namedParties, projectConcernsUnit, type Member, type Project } from '@clearway/core';
import { SAMPLE_PASSWORD } from '../../functions/src/testing/seedEmulators';
import { FirestoreRules } from '../../functions/src/testing/rulesEvaluator';
import { PATIENTLY } from './fixture';
import { REPO_ROOT, reportFailure } from './harness';
import { sampleMember, startFirebaseApp, type FirebaseApp } from './firebaseStack';

const ADMIN = sampleMember('admin');
const STAFF = sampleMember('staff');
const rules = new FirestoreRules(readFileSync(join(REPO_ROOT, 'firestore.rules'), 'utf8'));

let app: FirebaseApp;
let adminApp: App;
let UNIT = '';
let CONTACT: Member;
/** Given to the unit by an assignment in beforeAll (its parties named no unit of ours before). */
let assigned: { id: string; name: string } = { id: '', name: '' };
const ASSIGNMENT_WHAT = '协调办理施工许可（责任单位联系人测试）';
const pages: Page[] = [];

type StoredProject = Project & { _v: number };

async function storedProjects(): Promise<StoredProject[]> {
  return (await app.admin.collection('projects').get()).docs.map((doc) => ({ ...(doc.data() as StoredProject), id: doc.id }));
}

/** The projects the rules let the unit read: their parties name it as one item of the list. */
async function projectsOfUnit(): Promise<string[]> {
  return (await storedProjects())
    .filter((project) => namedParties(project).includes(UNIT))
    .map((project) => project.id)
    .sort();
}

async function cardsOnBoard(page: Page): Promise<string[]> {
  const ids = await page.locator('ol[data-stage] > li[data-id]').evaluateAll((items) => items.map((item) => (item as HTMLElement).dataset.id ?? ''));
  return ids.sort();
}

beforeAll(async () => {
  app = await startFirebaseApp();
  const now = new Date();
  // A closed month, so that months, snapshots and their bank projections exist to be (not) read.
  const closed = await app.runCommand(STAFF, 'month.close', { month: addMonths(monthOf(now), -1) });
  expect(closed.error).toBeUndefined();
  // The unit: the responsible unit with the fewest projects, so that most of the board is not its.
  const projects = await storedProjects();
  const counts = new Map<string, number>();
  for (const project of projects) if (project.responsibleUnit) counts.set(project.responsibleUnit, (counts.get(project.responsibleUnit) ?? 0) + 1);
  UNIT = [...counts.entries()].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1))[0]![0];
  CONTACT = { uid: 'u-unit-e2e', name: '周联系', email: 'unit.contact@clearway.local', role: 'unit', bankId: null, unit: UNIT, disabled: false } as Member;

  adminApp = initializeApp({ projectId: app.stack.projectId }, `unit-e2e-${Date.now()}`);
  await getAuth(adminApp).createUser({ uid: CONTACT.uid, email: CONTACT.email!, password: SAMPLE_PASSWORD, displayName: CONTACT.name });
  const upserted = await app.runCommand(ADMIN, 'member.upsert', {
    uid: CONTACT.uid,
    expectedVersion: null,
    name: CONTACT.name,
    email: CONTACT.email,
    role: 'unit',
    unit: UNIT,
  });
  expect(upserted.error).toBeUndefined();

  const other = projects.find((project) => !projectConcernsUnit(project, UNIT))!;
  assigned = { id: other.id, name: other.name };
  const due = dayOf(new Date(now.getTime() + 20 * 86_400_000));
  const added = await app.runCommand(STAFF, 'assignment.add', {
    projectId: other.id,
    expectedVersion: other._v,
    month: monthOf(now),
    what: ASSIGNMENT_WHAT,
    who: UNIT,
    dueDate: due,
  });
  expect(added.error).toBeUndefined();
}, 360_000);

afterAll(async () => {
  if (adminApp) await deleteApp(adminApp);
  await app?.close();
});

afterEach(async () => {
  await Promise.all(pages.splice(0).map((page) => page.context().close().catch(() => undefined)));
});

async function signedInContact(): Promise<Page> {
  const page = await app.signedInPage(CONTACT);
  pages.push(page);
  onTestFailed(async ({ task }) => {
    await reportFailure(page, task.name);
  });
  return page;
}

describe('a unit contact in Firebase mode', () => {
  it('sees exactly the projects naming its unit on the board, and its assignment in 待我处理', async () => {
    const expected = await projectsOfUnit();
    expect(expected).toContain(assigned.id);
    expect(expected.length).toBeGreaterThan(1);
    expect(expected.length).toBeLessThan((await storedProjects()).length / 2);
    const page = await signedInContact();
    await expect.poll(() => cardsOnBoard(page), PATIENTLY).toEqual(expected);

    await page.goto('/inbox');
    const item = page.locator('.due-list__item[data-kind="assignment"]').filter({ hasText: ASSIGNMENT_WHAT });
    await item.first().waitFor({ state: 'visible' });
    expect(await item.first().innerText()).toContain(assigned.name);
    expect(await page.locator('.read-failed').count()).toBe(0);
    // The pages the navigation offers it read what the policy gives it (nothing of months), no refusal.
    await page.goto('/meeting');
    await page.locator('.meeting-page').waitFor({ state: 'visible' });
    expect(await page.locator('.read-failed').count()).toBe(0);
  });

  it('a blocker naming its unit brings that project onto its open board without a reload', async () => {
    const page = await signedInContact();
    const before = await projectsOfUnit();
    await expect.poll(() => cardsOnBoard(page), PATIENTLY).toEqual(before);
    const target = (await storedProjects()).find((project) => !namedParties(project).includes(UNIT))!;
    const added = await app.runCommand(STAFF, 'blocker.add', {
      projectId: target.id,
      expectedVersion: target._v,
      tag: 'permits',
      description: '用地手续待办（联系人测试）',
      party: `市自然资源局、${UNIT}`,
      dueDate: null,
    });
    expect(added.error).toBeUndefined();
    await expect.poll(() => cardsOnBoard(page), PATIENTLY).toEqual([...before, target.id].sort());
  });

  it('everything that reached its browser is what the rules let it read: no project, line, history or month', async () => {
    const member = (await app.admin.doc(`members/${CONTACT.uid}`).get()).data()!;
    const database = (collection: string, id: string) => (collection === 'members' && id === CONTACT.uid ? member : null);
    const auth = { uid: CONTACT.uid, token: { role: 'unit', bankId: null } };
    const received = app.listenLog.flatMap((entry) => {
      if (entry.uid !== CONTACT.uid) return [];
      const document = (entry.response.documentChange as { document?: { name: string; fields?: Record<string, Record<string, unknown>> } } | undefined)?.document;
      return document ? [document] : [];
    });
    const paths = received.map((document) => document.name.split('/documents/')[1]!);
    const collections = new Set(paths.map((path) => path.split('/')[0]!));
    expect(collections.has('boardViews')).toBe(true);
    for (const path of paths) {
      const [collection, id] = path.split('/') as [string, string];
      const stored = (await app.admin.doc(path).get()).data() ?? null;
      expect(rules.allows({ auth, method: 'get', collection, id, resource: stored }, database), path).toBe(true);
    }
    expect([...collections].filter((c) => !['boardViews', 'banks', 'settings', 'members'].includes(c))).toEqual([]);
    expect([...new Set(paths.filter((path) => path.startsWith('members/')))]).toEqual([`members/${CONTACT.uid}`]);
  });
});
