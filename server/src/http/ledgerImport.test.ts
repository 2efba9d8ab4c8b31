/**
 * The ledger import on the team server, end to end: the browser's preview of the quirky 台账
 * against what the server holds, then its `ledger.importProject` commands over HTTP with real
 * sessions, on the real store (PGlite). Staff import and undo; a liaison or a viewer is refused
 * and nothing is written; a project the server refuses writes nothing of itself (all or nothing).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyLedgerImport, importCommands, ledgerToday } from '@clearway/core';
import type { CommandResult, LoanLine, Project, StoredDoc } from '@clearway/core';
import { SAMPLE_IDENTITIES } from '@clearway/core/sample';
import { previewMarkedQuirky, QUIRKY_IMPORTED } from '@clearway/core/testing';
import { startTestServer, TestClient, type TestServer } from '../testing/harness';

type LedgerImportInput = ReturnType<typeof importCommands>[number];

const FILE = '昭通市重点项目融资台账.xlsx';
const MARK = '（台账导入）';

let server: TestServer;
const clients = new Map<string, TestClient>();

const store = () => server.db.store;
const count = async (collection: 'activity' | 'projects' | 'loanLines') => (await store().query(collection)).length;
const counts = async () => ({ projects: await count('projects'), loanLines: await count('loanLines'), activity: await count('activity') });
const client = (uid: string) => clients.get(uid)!;

function preview(importId: string) {
  return previewMarkedQuirky(store(), { mark: MARK, importId, fileName: FILE, today: ledgerToday(new Date()) });
}

/** The page's executor over HTTP: a refusal is thrown with the server's message key, as the web's runner does. */
function overHttp(uid: string) {
  return async (command: { name: string; payload: unknown }): Promise<CommandResult> => {
    const answer = await client(uid).command(command.name, command.payload);
    if (answer.status !== 200) throw (answer.body as unknown as { error: unknown }).error;
    return answer.body;
  };
}

async function importedProjects(): Promise<Map<string, StoredDoc<Project>>> {
  const docs = await store().query<Project>('projects');
  return new Map(docs.filter((doc) => doc.data.name.endsWith(MARK)).map((doc) => [doc.data.name.slice(0, -MARK.length), doc]));
}

async function importRecords(importId: string, command: string) {
  const docs = await store().query<{ command: string; importId: string; projectId: string; actor: { uid: string }; after: Record<string, unknown> }>('activity', {
    where: [{ field: 'importId', op: '==', value: importId }],
  });
  return docs.map((doc) => doc.data).filter((a) => a.command === command);
}

beforeAll(async () => {
  server = await startTestServer();
  for (const uid of ['u-staff', 'u-liaison-icbc', 'u-viewer']) {
    const member = SAMPLE_IDENTITIES.find((m) => m.uid === uid)!;
    const signedIn = new TestClient(server);
    expect((await signedIn.signIn(member.email!)).status).toBe(200);
    clients.set(uid, signedIn);
  }
});
afterAll(async () => {
  await server?.close();
});

describe('the ledger import on the team server', () => {
  let commands: LedgerImportInput[] = [];

  it('previews the four projects of the ledger as new against the seeded workspace', async () => {
    const previewed = await preview('imp-server-1');
    expect(previewed.projects.map((p) => [p.name.slice(0, -MARK.length), p.outcome])).toEqual(Object.keys(QUIRKY_IMPORTED).map((name) => [name, 'create']));
    commands = importCommands(previewed);
    expect(commands).toHaveLength(4);
  });

  for (const uid of ['u-liaison-icbc', 'u-viewer']) {
    it(`${uid} may not import or undo: 403 for every project, nothing written`, async () => {
      const before = await counts();
      const applied = await applyLedgerImport(commands, overHttp(uid));
      expect(applied.map((a) => a.error?.messageKey)).toEqual(commands.map(() => 'errors.permission.role'));
      const undo = await client(uid).command('ledger.undoImport', { importId: 'imp-server-1' });
      expect(undo.status).toBe(403);
      expect(undo.body).toMatchObject({ error: { code: 'permission-denied', messageKey: 'errors.permission.role' } });
      expect(await counts()).toEqual(before);
      expect((await importedProjects()).size).toBe(0);
    });
  }

  it('staff import it: every project at its stage with its banks, amounts and problems, one activity each marked with the file', async () => {
    const before = await counts();
    const applied = await applyLedgerImport(commands, overHttp('u-staff'));
    expect(applied.map((a) => a.error)).toEqual([null, null, null, null]);
    const projects = await importedProjects();
    expect([...projects.keys()].sort()).toEqual(Object.keys(QUIRKY_IMPORTED).sort());
    for (const [name, expected] of Object.entries(QUIRKY_IMPORTED)) {
      const doc = projects.get(name)!;
      expect(doc.data).toMatchObject(expected.project);
      expect(doc.data.blockers.map((b) => b.description)).toEqual(expected.blockers);
      const lines = await store().query<LoanLine>('loanLines', { where: [{ field: 'projectId', op: '==', value: doc.id }] });
      expect(Object.fromEntries(lines.map((l) => [l.data.bankId, l.data.approved]))).toEqual(expected.approvedByBank);
    }
    const records = await importRecords('imp-server-1', 'ledger.importProject');
    expect(records.map((r) => r.projectId).sort()).toEqual([...projects.values()].map((doc) => doc.id).sort());
    expect(records.every((r) => r.actor.uid === 'u-staff' && r.after.importedFrom === FILE)).toBe(true);
    expect(await counts()).toEqual({ projects: before.projects + 4, loanLines: before.loanLines + 5, activity: before.activity + 4 });

    // The same ledger again changes nothing.
    const again = await preview('imp-server-2');
    expect(again.projects.map((p) => p.outcome)).toEqual(['unchanged', 'unchanged', 'unchanged', 'unchanged']);
  });

  it('a project the server refuses writes nothing of itself: not the project, not its first line, no activity', async () => {
    const before = await counts();
    const valid = commands.find((c) => c.lines.length === 2)!;
    const refused: LedgerImportInput = {
      ...valid,
      importId: 'imp-server-refused',
      fields: { ...valid.fields, name: `全有或全无${MARK}` },
      // The second bank pays out without an approval: refused after the project and the first line were drafted.
      lines: [valid.lines[0]!, { ...valid.lines[1]!, approved: null, approvedDate: null, disbursed: 1_000_000, disbursedDate: ledgerToday(new Date()) }],
    };
    const answer = await client('u-staff').command('ledger.importProject', refused);
    expect(answer.status).toBe(409);
    expect(answer.body).toMatchObject({ error: { code: 'failed-precondition', messageKey: 'errors.line.notApproved', fieldErrors: [{ path: 'lines.1.disbursed' }] } });
    expect(await counts()).toEqual(before);
    expect((await importedProjects()).has('全有或全无')).toBe(false);
    expect(await importRecords('imp-server-refused', 'ledger.importProject')).toEqual([]);
  });

  it('staff undo the import as a whole: the projects and their lines go, each undo recorded; a second undo is refused', async () => {
    const before = await counts();
    const answer = await client('u-staff').command('ledger.undoImport', { importId: 'imp-server-1' });
    expect(answer.status).toBe(200);
    expect((await importedProjects()).size).toBe(0);
    expect(await counts()).toEqual({ projects: before.projects - 4, loanLines: before.loanLines - 5, activity: before.activity + 4 });
    const undone = await importRecords('imp-server-1', 'ledger.undoImport');
    expect(undone.map((r) => r.after.removed).sort()).toEqual(Object.keys(QUIRKY_IMPORTED).map((name) => `${name}${MARK}`).sort());

    const again = await client('u-staff').command('ledger.undoImport', { importId: 'imp-server-1' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: { code: 'failed-precondition', messageKey: 'errors.ledger.alreadyUndone' } });
    expect(await counts()).toEqual({ ...before, projects: before.projects - 4, loanLines: before.loanLines - 5, activity: before.activity + 4 });
  });

  it('an import touched after it cannot be undone, and stays whole', async () => {
    const applied = await applyLedgerImport(importCommands(await preview('imp-server-3')), overHttp('u-staff'));
    expect(applied.map((a) => a.error)).toEqual([null, null, null, null]);
    const touched = (await importedProjects()).get('鲁甸县文旅康养项目')!;
    const plan = await client('u-staff').command('project.setActionPlan', { projectId: touched.id, expectedVersion: touched.version, actionPlan: '县文旅局牵头办理用地手续' });
    expect(plan.status).toBe(200);
    const before = await counts();
    const answer = await client('u-staff').command('ledger.undoImport', { importId: 'imp-server-3' });
    expect(answer.status).toBe(409);
    expect(answer.body).toMatchObject({ error: { code: 'failed-precondition', messageKey: 'errors.ledger.undoTouched', params: { name: touched.data.name } } });
    expect(await counts()).toEqual(before);
    expect((await importedProjects()).size).toBe(4);
  });
});
