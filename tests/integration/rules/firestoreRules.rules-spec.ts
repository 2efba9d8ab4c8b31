/**
 * firestore.rules on the OFFICIAL Firestore emulator, with @firebase/rules-unit-testing.
 * Run with `npm run test:rules` on a machine with Java 21 and network (the emulator jar is
 * downloaded on first use). Not part of `npm test`: this machine has neither.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  assertFails,
  assertSucceeds,
  initializeTestEnvironment,
  type RulesTestEnvironment,
} from '@firebase/rules-unit-testing';
import { collection, deleteDoc, doc, getDoc, getDocs, query, setDoc, updateDoc, where } from 'firebase/firestore';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const [host, port] = (process.env.FIRESTORE_EMULATOR_HOST ?? '127.0.0.1:8080').split(':');

let env: RulesTestEnvironment;

const MEMBERS = {
  admin: { uid: 'u-admin', name: 'admin', email: null, role: 'admin', bankId: null, disabled: false },
  staff: { uid: 'u-staff', name: 'staff', email: null, role: 'staff', bankId: null, disabled: false },
  viewer: { uid: 'u-viewer', name: 'viewer', email: null, role: 'viewer', bankId: null, disabled: false },
  liaison: { uid: 'u-liaison', name: 'liaison', email: null, role: 'liaison', bankId: 'icbc', disabled: false },
  disabled: { uid: 'u-disabled', name: 'gone', email: null, role: 'staff', bankId: null, disabled: true },
  unit: { uid: 'u-unit', name: 'unit', email: null, role: 'unit', bankId: null, unit: '市交通运输局', disabled: false },
} as const;

function as(who: keyof typeof MEMBERS | 'stranger') {
  if (who === 'stranger') return env.authenticatedContext('u-stranger', { role: 'admin' }).firestore();
  const member = MEMBERS[who];
  return env.authenticatedContext(member.uid, { role: member.role, bankId: member.bankId }).firestore();
}

beforeAll(async () => {
  env = await initializeTestEnvironment({
    projectId: 'demo-clearway-rules',
    firestore: { rules: readFileSync(`${root}firestore.rules`, 'utf8'), host: host!, port: Number(port) },
  });
  await env.withSecurityRulesDisabled(async (context) => {
    const db = context.firestore();
    for (const member of Object.values(MEMBERS)) await setDoc(doc(db, 'members', member.uid), { ...member, _v: 1 });
    await setDoc(doc(db, 'projects', 'p1'), { name: 'p1', stage: 'pipeline', _v: 1 });
    await setDoc(doc(db, 'boardCards', 'p1'), { cardJson: JSON.stringify({ name: 'p1', stage: 'pipeline', lineCount: 2, clearance: { approved: 100 } }), _v: 1 });
    await setDoc(doc(db, 'boardViews', 'p1'), { name: 'p1', stage: 'pipeline', lines: [], unitParties: ['市水务局'], _v: 1 });
    await setDoc(doc(db, 'boardViews', 'p-unit'), { name: 'p-unit', stage: 'pipeline', lines: [], unitParties: ['市交通运输局', '市自然资源局'], _v: 1 });
    await setDoc(doc(db, 'months', '2026-01'), { month: '2026-01', closedAt: '2026-02-01T00:00:00.000Z', _v: 1 });
    await setDoc(doc(db, 'snapshots', '2026-01'), { month: '2026-01', parts: 0, projects: [], _v: 1 });
    await setDoc(doc(db, 'bankSnapshots', 'icbc~2026-01'), { month: '2026-01', parts: 0, projects: [], bankId: 'icbc' });
    await setDoc(doc(db, 'bankSnapshots', 'ceb~2026-01'), { month: '2026-01', parts: 0, projects: [], bankId: 'ceb' });
    await setDoc(doc(db, 'bankSnapshots', '*~2026-01'), { month: '2026-01', parts: 0, projects: [], bankId: '*' });
    await setDoc(doc(db, 'activity', 'member-admin'), { projectId: null, lineId: null, command: 'member.upsert', at: '2026-01-03T00:00:00.000Z', _v: 1 });
    await setDoc(doc(db, 'banks', 'icbc'), { name: '工商银行', _v: 1 });
    await setDoc(doc(db, 'settings', 'stallRules'), { approvedWarnDays: 60, _v: 1 });
    await setDoc(doc(db, 'loanLines', 'own'), { projectId: 'p1', bankId: 'icbc', _v: 1 });
    await setDoc(doc(db, 'loanLines', 'other'), { projectId: 'p1', bankId: 'ceb', _v: 1 });
    await setDoc(doc(db, 'activity', 'project-level'), { projectId: 'p1', lineId: null, at: '2026-01-01T00:00:00.000Z', _v: 1 });
    await setDoc(doc(db, 'activity', 'line-level'), { projectId: 'p1', lineId: 'other', at: '2026-01-02T00:00:00.000Z', _v: 1 });
    await setDoc(doc(db, 'letters', 'day:2026-01-05~市水务局'), { year: 2026, serial: 1, key: '市水务局', party: '市水务局', scope: 'day:2026-01-05', date: '2026-01-05', issuedAt: '2026-01-05T02:00:00.000Z', issuedBy: 'u-staff', _v: 1 });
    await setDoc(doc(db, 'letters', 'counter-2026'), { year: 2026, next: 2, _v: 1 });
    await setDoc(doc(db, 'unknownCollection', 'x'), { secret: true });
  });
});

afterAll(async () => {
  await env?.cleanup();
});

describe('reads by role', () => {
  it.each(['admin', 'staff', 'viewer'] as const)('%s reads the board and the snapshots', async (who) => {
    const db = as(who);
    await assertSucceeds(getDocs(collection(db, 'projects')));
    await assertSucceeds(getDocs(collection(db, 'boardCards')));
    await assertSucceeds(getDoc(doc(db, 'snapshots', '2026-01')));
  });

  it.each(['liaison', 'unit', 'disabled', 'stranger'] as const)('%s never reads the bureau’s board cards (every bank’s line money)', async (who) => {
    const db = as(who);
    await assertFails(getDoc(doc(db, 'boardCards', 'p1')));
    await assertFails(getDocs(collection(db, 'boardCards')));
    await assertFails(setDoc(doc(db, 'boardCards', 'p1'), { name: 'changed' }));
  });

  it('a liaison reads the board and the snapshots as projected for liaisons, never the stored ones', async () => {
    const db = as('liaison');
    await assertSucceeds(getDocs(collection(db, 'boardViews')));
    await assertFails(getDocs(collection(db, 'projects')));
    await assertFails(getDoc(doc(db, 'snapshots', '2026-01')));
    await assertSucceeds(getDoc(doc(db, 'bankSnapshots', 'icbc~2026-01')));
    await assertSucceeds(getDoc(doc(db, 'bankSnapshots', 'icbc~2025-12')));
    await assertFails(getDoc(doc(db, 'bankSnapshots', 'ceb~2026-01')));
    // The projection for a bank added after the close: published figures only, any liaison.
    await assertSucceeds(getDoc(doc(db, 'bankSnapshots', '*~2026-01')));
  });

  it('a unit contact reads the board views naming its unit, banks, settings and its own member document, nothing else', async () => {
    const db = as('unit');
    await assertSucceeds(getDoc(doc(db, 'boardViews', 'p-unit')));
    await assertSucceeds(getDocs(query(collection(db, 'boardViews'), where('unitParties', 'array-contains', '市交通运输局'))));
    await assertFails(getDoc(doc(db, 'boardViews', 'p1')));
    await assertFails(getDocs(collection(db, 'boardViews')));
    await assertSucceeds(getDoc(doc(db, 'banks', 'icbc')));
    await assertSucceeds(getDoc(doc(db, 'settings', 'stallRules')));
    await assertSucceeds(getDoc(doc(db, 'members', 'u-unit')));
    await assertFails(getDoc(doc(db, 'members', 'u-staff')));
    await assertFails(getDoc(doc(db, 'months', '2026-01')));
    await assertFails(getDoc(doc(db, 'projects', 'p1')));
    await assertFails(getDoc(doc(db, 'loanLines', 'own')));
    await assertFails(getDoc(doc(db, 'activity', 'project-level')));
    await assertFails(getDoc(doc(db, 'bankSnapshots', '*~2026-01')));
    await assertFails(setDoc(doc(db, 'boardViews', 'p-unit'), { name: 'changed' }));
  });

  it.each(['admin', 'staff', 'viewer'] as const)('%s reads the register of issued 工作提醒函', async (who) => {
    const db = as(who);
    await assertSucceeds(getDoc(doc(db, 'letters', 'day:2026-01-05~市水务局')));
    await assertSucceeds(getDocs(query(collection(db, 'letters'), where('scope', '==', 'day:2026-01-05'))));
  });

  it.each(['liaison', 'unit', 'disabled', 'stranger'] as const)('%s never reads the letter register (which parties were sent one, by whom)', async (who) => {
    const db = as(who);
    await assertFails(getDoc(doc(db, 'letters', 'day:2026-01-05~市水务局')));
    await assertFails(getDoc(doc(db, 'letters', 'counter-2026')));
    await assertFails(getDocs(collection(db, 'letters')));
    await assertFails(setDoc(doc(db, 'letters', 'counter-2026'), { year: 2026, next: 1 }));
  });

  it('member administration history is for admins only', async () => {
    await assertSucceeds(getDoc(doc(as('admin'), 'activity', 'member-admin')));
    await assertFails(getDoc(doc(as('staff'), 'activity', 'member-admin')));
    await assertFails(getDoc(doc(as('liaison'), 'activity', 'member-admin')));
  });

  it.each(['admin', 'staff', 'viewer', 'liaison'] as const)('%s reads banks and settings', async (who) => {
    const db = as(who);
    await assertSucceeds(getDoc(doc(db, 'banks', 'icbc')));
    await assertSucceeds(getDoc(doc(db, 'settings', 'stallRules')));
  });

  it.each(['admin', 'staff', 'viewer'] as const)('%s reads every loan line and all activity', async (who) => {
    const db = as(who);
    await assertSucceeds(getDocs(collection(db, 'loanLines')));
    await assertSucceeds(getDocs(query(collection(db, 'activity'), where('projectId', '==', 'p1'))));
  });

  it('a liaison reads only their own bank’s lines', async () => {
    const db = as('liaison');
    await assertSucceeds(getDoc(doc(db, 'loanLines', 'own')));
    await assertSucceeds(getDocs(query(collection(db, 'loanLines'), where('projectId', '==', 'p1'), where('bankId', '==', 'icbc'))));
    await assertFails(getDoc(doc(db, 'loanLines', 'other')));
    await assertFails(getDocs(query(collection(db, 'loanLines'), where('projectId', '==', 'p1'))));
    await assertFails(getDocs(query(collection(db, 'loanLines'), where('bankId', '==', 'ceb'))));
  });

  it('a liaison reads project-level activity only', async () => {
    const db = as('liaison');
    await assertSucceeds(getDocs(query(collection(db, 'activity'), where('projectId', '==', 'p1'), where('lineId', '==', null))));
    await assertFails(getDoc(doc(db, 'activity', 'line-level')));
  });

  it('only admins read the member list; everyone reads their own member document', async () => {
    await assertSucceeds(getDocs(collection(as('admin'), 'members')));
    await assertFails(getDocs(collection(as('staff'), 'members')));
    await assertSucceeds(getDoc(doc(as('staff'), 'members', 'u-staff')));
    await assertFails(getDoc(doc(as('staff'), 'members', 'u-admin')));
  });

  it('a disabled member, a stranger with a forged claim and a signed-out visitor read nothing', async () => {
    for (const db of [as('disabled'), as('stranger'), env.unauthenticatedContext().firestore()]) {
      await assertFails(getDoc(doc(db, 'projects', 'p1')));
      await assertFails(getDoc(doc(db, 'banks', 'icbc')));
      await assertFails(getDoc(doc(db, 'loanLines', 'own')));
    }
  });

  it('a token whose role claim disagrees with the members document reads nothing', async () => {
    const db = env.authenticatedContext('u-viewer', { role: 'admin' }).firestore();
    await assertFails(getDoc(doc(db, 'projects', 'p1')));
  });

  it('nobody reads a collection the rules do not name', async () => {
    await assertFails(getDoc(doc(as('admin'), 'unknownCollection', 'x')));
  });
});

describe('every client write is denied', () => {
  it.each(['admin', 'staff', 'viewer', 'liaison'] as const)('%s cannot create, update or delete anything', async (who) => {
    const db = as(who);
    await assertFails(setDoc(doc(db, 'projects', 'new'), { name: 'x' }));
    await assertFails(updateDoc(doc(db, 'projects', 'p1'), { name: 'y' }));
    await assertFails(deleteDoc(doc(db, 'projects', 'p1')));
    await assertFails(updateDoc(doc(db, 'loanLines', 'own'), { approved: 1 }));
    await assertFails(setDoc(doc(db, 'members', MEMBERS[who].uid), { role: 'admin' }));
    await assertFails(setDoc(doc(db, 'activity', 'forged'), { projectId: 'p1' }));
  });
});
