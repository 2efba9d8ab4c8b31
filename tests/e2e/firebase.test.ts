/**
 * The Firebase mode in Chromium, as people use it: the real Firebase web SDK against the Auth and
 * Functions emulators and the Firestore protocol server behind the WebChannel bridge (one stack
 * for this file, see firebaseStack.ts). Every change goes through the `command` callable and
 * comes back over the Listen channel to every open board; what reached a liaison's browser is
 * checked against the read policy document by document.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { Page } from 'playwright-core';
import { boardCardOf, formatWan, type CollectionName, type LoanLine, type Project, type StoredDoc } from '@clearway/core';
import { createSampleWorkspace } from '@clearway/core/sample';
import { readPolicyViolationsOfAll, readPolicyWorld } from '@clearway/core/testing/readPolicyChecks';
import { PATIENTLY } from './fixture';
import { cardIdsIn, cardOf, dragCardTo, reportFailure, stageOfCard } from './harness';
import { sampleMember, startFirebaseApp, type FirebaseApp, type RecordedListen } from './firebaseStack';

const sample = createSampleWorkspace({ now: new Date() });
const nameOf = (id: string): string => sample.projects.find((project) => project.id === id)?.name ?? id;
const drawn = (line: LoanLine): number => line.tranches.reduce((sum, tranche) => sum + tranche.amount, 0);
const projectOf = (line: LoanLine) => sample.projects.find((project) => project.id === line.projectId);
const ICBC_LINE = sample.loanLines.find(
  (line) => line.bankId === 'icbc' && (line.approved ?? 0) > drawn(line) && projectOf(line)?.flag === null,
) as LoanLine;
/** A pipeline project with no lead bank: it may not enter 推介对接. */
const NO_LEAD_BANK = sample.projects.find((project) => project.stage === 'pipeline' && !project.leadBankId)!;
const STAFF = sampleMember('staff');
const LIAISON = sampleMember('liaison', 'icbc');
const VIEWER = sampleMember('viewer');
const ADMIN = sampleMember('admin');

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

async function signedIn(...members: Parameters<FirebaseApp['signedInPage']>[0][]): Promise<Page[]> {
  const opened = await Promise.all(members.map((member) => app.signedInPage(member)));
  pages.push(...opened);
  onTestFailed(async ({ task }) => {
    await Promise.all(opened.map((page, index) => reportFailure(page, `${task.name} ${index}`)));
  });
  return opened;
}

async function openDrawer(page: Page, projectId: string) {
  await cardOf(page, projectId).click();
  const drawer = page.locator('.el-drawer').first();
  await drawer.waitFor({ state: 'visible' });
  return drawer;
}

const lineCard = (page: Page, lineId: string) => page.locator(`[data-test="line-${lineId}"]`);
const trancheRows = (page: Page, lineId: string) => lineCard(page, lineId).locator('table tr');

async function recordTranche(page: Page, lineId: string, wan: string): Promise<void> {
  await lineCard(page, lineId).locator('[data-test="record-tranche"]').click();
  const dialog = page.locator('.el-dialog').filter({ has: page.locator('.money-input') }).first();
  await dialog.waitFor({ state: 'visible' });
  await dialog.locator('.money-input input').fill(wan);
  await dialog.locator('[data-test="submit"]').click();
}

/** A Firestore value in proto3 JSON → the JS value the SDK would give. */
function fromValue(value: Record<string, unknown>): unknown {
  if ('nullValue' in value) return null;
  if ('booleanValue' in value) return value.booleanValue;
  if ('integerValue' in value) return Number(value.integerValue);
  if ('doubleValue' in value) return Number(value.doubleValue);
  if ('stringValue' in value) return value.stringValue;
  if ('timestampValue' in value) return value.timestampValue;
  if ('referenceValue' in value) return value.referenceValue;
  if ('arrayValue' in value) return ((value.arrayValue as { values?: Record<string, unknown>[] }).values ?? []).map(fromValue);
  if ('mapValue' in value) return fromFields((value.mapValue as { fields?: Record<string, Record<string, unknown>> }).fields ?? {});
  return value;
}
function fromFields(fields: Record<string, Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, fromValue(value)]));
}

/** A liaison's projections are checked as what they stand for (firebase/policyReads.ts). */
const CHECKED_AS: Record<string, string> = { boardViews: 'projects', bankSnapshots: 'snapshots' };

interface Received {
  /** Where it was read from. */
  path: string;
  collection: CollectionName;
  doc: StoredDoc;
}

/** The documents the bridge sent to `uid`'s browser sessions, as the app reads them. */
function documentsReceivedBy(log: RecordedListen[], uid: string): Received[] {
  const received: Received[] = [];
  for (const entry of log) {
    if (entry.uid !== uid) continue;
    const document = (entry.response.documentChange as { document?: { name: string; fields?: Record<string, Record<string, unknown>> } } | undefined)?.document;
    if (!document) continue;
    const segments = document.name.split('/documents/')[1]!.split('/');
    const { _v: version, ...data } = fromFields(document.fields ?? {});
    const collection = segments.at(-2)!;
    received.push({
      path: segments.join('/'),
      collection: (CHECKED_AS[collection] ?? collection) as CollectionName,
      doc: { id: segments.at(-1)!, version: typeof version === 'number' ? version : 0, data },
    });
  }
  return received;
}

describe('Firebase mode in the browser', () => {
  it('staff drags a card, and the liaison’s and the viewer’s boards show it without a reload', async () => {
    const [staff, liaison, viewer] = await signedIn(STAFF, LIAISON, VIEWER);
    const [id] = (await cardIdsIn(staff!, 'matched')).filter((candidate) => candidate !== ICBC_LINE.projectId);
    expect(id).toBeDefined();
    await expect.poll(() => stageOfCard(liaison!, id!), PATIENTLY).toBe('matched');
    await expect.poll(() => stageOfCard(viewer!, id!), PATIENTLY).toBe('matched');

    await dragCardTo(staff!, id!, 'pipeline');
    await expect.poll(() => stageOfCard(staff!, id!), PATIENTLY).toBe('pipeline');
    await expect.poll(() => cardOf(staff!, id!).getAttribute('aria-busy'), PATIENTLY).toBeNull();
    await expect.poll(() => stageOfCard(liaison!, id!), PATIENTLY).toBe('pipeline');
    await expect.poll(() => stageOfCard(viewer!, id!), PATIENTLY).toBe('pipeline');
    expect((await app.admin.doc(`projects/${id}`).get()).get('stage')).toBe('pipeline');
    // The browsers held streaming (CI=0) back channels; long polling has its test below.
    expect(app.stack.webChannel!.stats().streaming).toBeGreaterThan(0);
  });

  it('the liaison records a tranche, and staff’s open drawer shows it', async () => {
    expect(ICBC_LINE, 'the sample has a drawable 工商银行 line').toBeDefined();
    const [staff, liaison] = await signedIn(STAFF, LIAISON);
    await openDrawer(staff!, ICBC_LINE.projectId);
    await staff!.getByRole('tab', { name: /融资事项/ }).click();
    const rowsBefore = ICBC_LINE.tranches.length;
    await expect.poll(() => trancheRows(staff!, ICBC_LINE.id).count(), PATIENTLY).toBe(rowsBefore);

    await openDrawer(liaison!, ICBC_LINE.projectId);
    await recordTranche(liaison!, ICBC_LINE.id, '100');
    await expect.poll(() => trancheRows(liaison!, ICBC_LINE.id).count(), PATIENTLY).toBe(rowsBefore + 1);
    await expect.poll(() => trancheRows(staff!, ICBC_LINE.id).count(), PATIENTLY).toBe(rowsBefore + 1);
    expect(await lineCard(staff!, ICBC_LINE.id).innerText()).toContain(formatWan(drawn(ICBC_LINE) + 1_000_000, { unit: false }));
  });

  it('a refused move snaps back with its reason in Chinese', async () => {
    const [staff] = await signedIn(STAFF);
    await dragCardTo(staff!, NO_LEAD_BANK.id, 'matched');
    // Read every toast's text while polling: waiting on the first matching element stalled now and then
    // (order-dependent, seen in CI) though the refusal's toast was on screen.
    await expect
      .poll(() => staff!.locator('.el-message').allInnerTexts(), PATIENTLY)
      .toContainEqual(expect.stringMatching(new RegExp(`未能移动「${nameOf(NO_LEAD_BANK.id)}」：.*牵头`)));
    await expect.poll(() => stageOfCard(staff!, NO_LEAD_BANK.id), PATIENTLY).toBe('pipeline');
    expect((await app.admin.doc(`projects/${NO_LEAD_BANK.id}`).get()).get('stage')).toBe('pipeline');
  });

  it('the viewer has nothing to write with, and the server refuses the viewer’s commands', async () => {
    const [viewer] = await signedIn(VIEWER);
    expect(await viewer!.getByRole('button', { name: /^移动项目「/ }).count()).toBe(0);
    const drawer = await openDrawer(viewer!, ICBC_LINE.projectId);
    await viewer!.getByRole('tab', { name: /融资事项/ }).click();
    await lineCard(viewer!, ICBC_LINE.id).waitFor({ state: 'visible' });
    expect(await drawer.locator('[data-test^="record-"]').count()).toBe(0);
    const project = await app.admin.doc(`projects/${ICBC_LINE.projectId}`).get();
    const refused = await app.runCommand(VIEWER, 'project.setActionPlan', { projectId: project.id, expectedVersion: project.get('_v'), actionPlan: '查看者' });
    expect([refused.error?.status, refused.error?.details?.messageKey]).toEqual(['PERMISSION_DENIED', 'errors.permission.role']);
  });

  it('the bureau’s board paints from the board cards: one per project, no project document until a drawer opens', async () => {
    const before = new Set(app.listenLog.map((entry) => entry.sessionId));
    const [viewer] = await signedIn(VIEWER);
    const fresh = () => documentsReceivedBy(app.listenLog.filter((entry) => !before.has(entry.sessionId)), VIEWER.uid);
    const cardIds = () => new Set(fresh().filter((entry) => entry.path.startsWith('boardCards/')).map((entry) => entry.doc.id));
    await expect.poll(() => cardIds().size, PATIENTLY).toBe(sample.projects.length);
    expect(fresh().some((entry) => entry.path.startsWith('projects/'))).toBe(false);
    const card = fresh().find((entry) => entry.path === `boardCards/${ICBC_LINE.projectId}`)!;
    const stored = await app.admin.doc(`projects/${ICBC_LINE.projectId}`).get();
    expect(card.doc.version).toBe(stored.get('_v'));
    // One string field: the card as JSON text (functions/src/readProjections.ts, CARD_JSON_FIELD).
    const packed = card.doc.data as Record<string, unknown>;
    expect(Object.keys(packed)).toEqual(['cardJson']);
    expect(JSON.parse(packed.cardJson as string)).toEqual(boardCardOf(stored.data() as Project));

    await openDrawer(viewer!, ICBC_LINE.projectId);
    await expect.poll(() => fresh().some((entry) => entry.path.startsWith('projects/')), PATIENTLY).toBe(true);
  });

  it('what reached the liaison’s browser obeys the read policy', () => {
    const received = documentsReceivedBy(app.listenLog, LIAISON.uid);
    const readFrom = new Set(received.map((entry) => entry.path.split('/')[0]));
    expect(readFrom.has('boardViews') && readFrom.has('loanLines')).toBe(true);
    expect(readFrom.has('projects')).toBe(false);
    // The bureau's cards hold every bank's line money.
    expect(readFrom.has('boardCards')).toBe(false);
    const reader = { uid: LIAISON.uid, role: LIAISON.role, bankId: LIAISON.bankId };
    expect(readPolicyViolationsOfAll(reader, received, readPolicyWorld(sample.loanLines))).toEqual([]);
  });

  it('the admin disables the liaison, whose next command is refused and who is signed out', async () => {
    const [liaison] = await signedIn(LIAISON);
    const member = await app.admin.doc(`members/${LIAISON.uid}`).get();
    // _v and _schema are the store's bookkeeping, not fields of the member a command takes.
    const { _v: version, _schema: _stamp, ...current } = member.data() as Record<string, unknown>;
    const disabled = await app.runCommand(ADMIN, 'member.upsert', { ...current, uid: LIAISON.uid, expectedVersion: version, disabled: true });
    expect(disabled.error).toBeUndefined();

    await openDrawer(liaison!, ICBC_LINE.projectId);
    const answer = liaison!.waitForResponse((response) => response.url().endsWith('/command') && response.request().method() === 'POST');
    await recordTranche(liaison!, ICBC_LINE.id, '1');
    const refusal = ((await (await answer).json()) as { error?: { status: string; details?: { messageKey?: string } } }).error;
    expect([refusal?.status, refusal?.details?.messageKey]).toEqual(['PERMISSION_DENIED', 'auth.error.disabled']);
    await liaison!.waitForURL(/\/sign-in/);
    const ended = liaison!.locator('[data-test="sign-in-ended"]');
    await ended.waitFor({ state: 'visible' });
    expect(await ended.innerText()).toMatch(/[\u4e00-\u9fff]/);
    expect((await app.admin.doc(`loanLines/${ICBC_LINE.id}`).get()).get('tranches')).toHaveLength(ICBC_LINE.tranches.length + 1);
  });

  it('the board recovers after the bridge restarts, over long polling too', async () => {
    const [staff, viewer] = await signedIn(STAFF, VIEWER);
    const [id] = await cardIdsIn(staff!, 'diligence');
    expect(id).toBeDefined();
    await expect.poll(() => stageOfCard(viewer!, id!), PATIENTLY).toBe('diligence');
    // Down: the move goes through the callable; the boards hear of it once the bridge is back,
    // now behaving like a buffering proxy, so the browsers fall back to long polling.
    await app.stack.restartWebChannel({
      overrides: { simulateBufferingProxy: true },
      whileStopped: async () => {
        const project = await app.admin.doc(`projects/${id}`).get();
        const moved = await app.runCommand(STAFF, 'project.move', { projectId: id, expectedVersion: project.get('_v'), toStage: 'matched', before: null, after: null });
        expect(moved.error).toBeUndefined();
      },
    });
    await expect.poll(() => stageOfCard(viewer!, id!), { timeout: 45_000, interval: 200 }).toBe('matched');
    await expect.poll(() => stageOfCard(staff!, id!), { timeout: 45_000, interval: 200 }).toBe('matched');
    expect(app.stack.webChannel!.stats().longPolling).toBeGreaterThan(0);

    // And later changes keep arriving over the long-polled channel.
    await dragCardTo(staff!, id!, 'pipeline');
    await expect.poll(() => stageOfCard(viewer!, id!), PATIENTLY).toBe('pipeline');
    await app.stack.restartWebChannel();
  });
});
