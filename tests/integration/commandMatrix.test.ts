/**
 * The full server path: real ID tokens from the Auth emulator, the `command` callable on the
 * Functions emulator, the core handlers on Firestore. Every role x command answer is checked
 * against what Firestore then holds, including the activity record.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { canRun } from '@clearway/core';
import type { Activity, Bank, CommandName, LoanLine, Member, Project, StoredDoc } from '@clearway/core';
import { adminDb, callFunction, countDocs, readDoc, runCommand, sampleMember } from './support/client';

const admin = sampleMember('admin');
const staff = sampleMember('staff');
const liaison = sampleMember('liaison', 'icbc');
const viewer = sampleMember('viewer');
const PEOPLE: Member[] = [admin, staff, liaison, viewer];

let project: StoredDoc<Project>;
let ownLine: StoredDoc<LoanLine>;
let otherLine: StoredDoc<LoanLine>;

async function firstDoc<T>(collection: string, where: [string, '==' | '!=', unknown][]): Promise<StoredDoc<T>> {
  let query: FirebaseFirestore.Query = adminDb().collection(collection);
  for (const [field, op, value] of where) query = query.where(field, op, value);
  const snap = await query.limit(1).get();
  const doc = snap.docs[0];
  if (!doc) throw new Error(`no ${collection} matching ${JSON.stringify(where)}`);
  const { _v, _schema, ...data } = doc.data();
  return { id: doc.id, version: _v as number, data: data as T };
}

beforeAll(async () => {
  project = await firstDoc<Project>('projects', [['stage', '==', 'pipeline'], ['flag', '==', null]]);
  ownLine = await firstDoc<LoanLine>('loanLines', [['bankId', '==', 'icbc']]);
  otherLine = await firstDoc<LoanLine>('loanLines', [['bankId', '==', 'ceb']]);
});

interface Case {
  name: CommandName;
  /** The document the command changes (null: it creates one). */
  target: () => { collection: string; id: string } | null;
  payload: (member: Member) => Promise<unknown>;
}

const version = async (collection: string, id: string) => (await readDoc(collection, id))?.version ?? null;

const CASES: Case[] = [
  {
    name: 'project.move',
    target: () => ({ collection: 'projects', id: project.id }),
    payload: async () => ({ projectId: project.id, expectedVersion: await version('projects', project.id), toStage: 'pipeline', before: null, after: null }),
  },
  {
    name: 'project.setActionPlan',
    target: () => ({ collection: 'projects', id: project.id }),
    payload: async (m) => ({ projectId: project.id, expectedVersion: await version('projects', project.id), actionPlan: `一项一策 by ${m.uid}` }),
  },
  {
    name: 'blocker.add',
    target: () => ({ collection: 'projects', id: project.id }),
    payload: async (m) => ({
      projectId: project.id,
      expectedVersion: await version('projects', project.id),
      tag: 'permits',
      description: `用地手续未办结 (${m.uid})`,
      party: '市自然资源局',
      dueDate: '2026-07-31',
    }),
  },
  {
    name: 'line.setNote',
    target: () => ({ collection: 'loanLines', id: ownLine.id }),
    payload: async (m) => ({ lineId: ownLine.id, expectedVersion: await version('loanLines', ownLine.id), note: `note by ${m.uid}` }),
  },
  {
    name: 'targets.set',
    target: () => ({ collection: 'settings', id: 'targets-2026' }),
    payload: async () => ({
      expectedVersion: await version('settings', 'targets-2026'),
      year: 2026,
      approved: 50_0000_0000,
      disbursed: 30_0000_0000,
      projects: 30,
    }),
  },
  {
    name: 'bank.upsert',
    target: () => null,
    payload: async (m) => ({ expectedVersion: null, name: `测试农商银行-${m.uid}`, category: 'rural', agreementAmount: 10_0000_0000 }),
  },
];

describe('role x command over the callable', () => {
  for (const command of CASES) {
    for (const member of PEOPLE) {
      const allowed = canRun(member, command.name);
      it(`${member.role} ${allowed ? 'may' : 'may not'} run ${command.name}`, async () => {
        const target = command.target();
        const versionBefore = target ? await version(target.collection, target.id) : null;
        const activityBefore = await countDocs('activity');
        const banksBefore = await countDocs('banks');

        const outcome = await runCommand(member, command.name, await command.payload(member));

        if (allowed) {
          expect(outcome).toMatchObject({ ok: true });
          if (!outcome.ok) return;
          if (target) {
            expect(await version(target.collection, target.id)).toBe((versionBefore ?? 0) + 1);
            expect(outcome.result.written).toContainEqual({ ...target, version: (versionBefore ?? 0) + 1 });
          } else {
            expect(await countDocs('banks')).toBe(banksBefore + 1);
            const bank = await readDoc<Bank>('banks', outcome.result.createdId!);
            expect(bank?.data.name).toBe(`测试农商银行-${member.uid}`);
          }
          expect(await countDocs('activity')).toBe(activityBefore + 1);
          const activity = await readDoc<Activity>('activity', outcome.result.activityId!);
          expect(activity?.data).toMatchObject({ command: command.name, actor: { uid: member.uid, name: member.name, role: member.role } });
        } else {
          expect(outcome).toMatchObject({ ok: false, status: 'PERMISSION_DENIED', messageKey: 'errors.permission.role' });
          if (target) expect(await version(target.collection, target.id)).toBe(versionBefore);
          expect(await countDocs('banks')).toBe(banksBefore);
          expect(await countDocs('activity')).toBe(activityBefore);
        }
      });
    }
  }
});

describe('refusals write nothing', () => {
  it('a liaison recording on another bank’s line is refused as an unknown line', async () => {
    const activityBefore = await countDocs('activity');
    const before = await readDoc<LoanLine>('loanLines', otherLine.id);
    const outcome = await runCommand(liaison, 'line.addTranche', {
      lineId: otherLine.id,
      expectedVersion: before!.version,
      date: '2026-06-10',
      amount: 1_000_000,
    });
    // Answered as an unknown line would be: no existence oracle, no bank named.
    expect(outcome).toMatchObject({ ok: false, status: 'NOT_FOUND', messageKey: 'errors.notFound.line' });
    expect(JSON.stringify(outcome)).not.toContain(otherLine.data.bankId);
    expect(await readDoc<LoanLine>('loanLines', otherLine.id)).toEqual(before);
    expect(await countDocs('activity')).toBe(activityBefore);
  });

  it('a liaison records a tranche on their own bank’s line when it is within the approved amount', async () => {
    const line = await readDoc<LoanLine>('loanLines', ownLine.id);
    const disbursed = line!.data.tranches.reduce((sum, t) => sum + t.amount, 0);
    const room = (line!.data.approved ?? 0) - disbursed;
    const outcome = await runCommand(liaison, 'line.addTranche', {
      lineId: ownLine.id,
      expectedVersion: line!.version,
      date: '2026-06-10',
      amount: room + 10_000,
    });
    // More than approved is refused, whatever the role: the core rule holds on the server.
    expect(outcome.ok).toBe(false);
    expect(await version('loanLines', ownLine.id)).toBe(line!.version);
  });

  it('a caller without a token is unauthenticated', async () => {
    const outcome = await callFunction('command', { name: 'project.move', payload: {} }, null);
    expect(outcome).toMatchObject({ ok: false, status: 'UNAUTHENTICATED', messageKey: 'auth.error.signInRequired' });
  });

  it('bad input is invalid-argument with field errors in message keys', async () => {
    const outcome = await runCommand(staff, 'project.setActionPlan', { projectId: project.id, expectedVersion: 'one' });
    expect(outcome).toMatchObject({ ok: false, status: 'INVALID_ARGUMENT', messageKey: 'errors.validation' });
    const fieldErrors = (outcome as unknown as { details: { fieldErrors: { path: string; messageKey: string }[] } }).details.fieldErrors;
    expect(fieldErrors.map((f) => f.path)).toContain('expectedVersion');
    expect(fieldErrors.every((f) => f.messageKey.startsWith('errors.'))).toBe(true);
  });

  it('a stage gate is failed-precondition and says what is missing', async () => {
    const current = await readDoc<Project>('projects', project.id);
    const outcome = await runCommand(staff, 'project.move', {
      projectId: project.id,
      expectedVersion: current!.version,
      toStage: 'disbursed',
      before: null,
      after: null,
    });
    expect(outcome).toMatchObject({ ok: false, status: 'FAILED_PRECONDITION' });
    expect((outcome as { messageKey: string }).messageKey).toMatch(/^errors\.gate\./);
    expect(await version('projects', project.id)).toBe(current!.version);
  });

  it('an unknown project is not-found', async () => {
    const outcome = await runCommand(staff, 'project.setActionPlan', { projectId: 'no-such-project', expectedVersion: 1, actionPlan: 'x' });
    expect(outcome).toMatchObject({ ok: false, status: 'NOT_FOUND' });
  });
});

describe('two clients moving the same card from the same version', () => {
  it('the first wins, the second gets a conflict, nothing is lost', async () => {
    const seen = await readDoc<Project>('projects', project.id);
    const activityBefore = await countDocs('activity');
    const move = (by: Member, before: string | null) =>
      runCommand(by, 'project.move', { projectId: project.id, expectedVersion: seen!.version, toStage: 'pipeline', before, after: null });

    const first = await move(staff, 'a0');
    const second = await move(admin, 'a5');

    expect(first.ok).toBe(true);
    expect(second).toMatchObject({ ok: false, status: 'FAILED_PRECONDITION', messageKey: 'errors.conflict' });
    const after = await readDoc<Project>('projects', project.id);
    expect(after!.version).toBe(seen!.version + 1);
    expect(after!.data.rank > 'a0').toBe(true);
    expect(after!.data.rank < 'a5').toBe(true);
    expect(await countDocs('activity')).toBe(activityBefore + 1);
  });
});
