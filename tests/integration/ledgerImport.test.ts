/**
 * The ledger import on Firebase, end to end: the browser's preview of the quirky 台账 against what
 * Firestore holds, then its `ledger.importProject` commands through the `command` callable on the
 * Functions emulator with real ID tokens, the core handlers on Firestore. Staff import and undo; a
 * liaison or a viewer is refused and nothing is written; a project the handler refuses writes
 * nothing of itself (its transaction is all or nothing). The workspace ends as it began (other
 * files share the emulators); that a touched import cannot be undone is the team server test's.
 */
import { describe, expect, it } from 'vitest';
import { applyLedgerImport, importCommands, ledgerToday } from '@clearway/core';
import type { CommandResult, LoanLine, Member, Project, StoredDoc } from '@clearway/core';
import { previewMarkedQuirky, QUIRKY_IMPORTED } from '@clearway/core/testing';
import { FirestoreDocumentStore } from '../../functions/src/firestoreDocumentStore';
import { adminDb, countDocs, runCommand, sampleMember } from './support/client';

type LedgerImportInput = ReturnType<typeof importCommands>[number];

const FILE = '昭通市重点项目融资台账.xlsx';
const MARK = '（云端导入）';
const staff = sampleMember('staff');
const liaison = sampleMember('liaison', 'icbc');
const viewer = sampleMember('viewer');

const store = () => new FirestoreDocumentStore(adminDb());
const counts = async () => ({ projects: await countDocs('projects'), loanLines: await countDocs('loanLines'), activity: await countDocs('activity') });

function preview(importId: string) {
  return previewMarkedQuirky(store(), { mark: MARK, importId, fileName: FILE, today: ledgerToday(new Date()) });
}

/** The page's executor over the callable: a refusal is thrown with its message key, as the web's runner does. */
function overCallable(member: Member) {
  return async (command: { name: 'ledger.importProject'; payload: unknown }): Promise<CommandResult> => {
    const outcome = await runCommand(member, command.name, command.payload);
    if (!outcome.ok) throw { messageKey: outcome.messageKey, params: outcome.details?.params ?? {} };
    return outcome.result;
  };
}

async function importedProjects(): Promise<Map<string, StoredDoc<Project>>> {
  const docs = await store().query<Project>('projects');
  return new Map(docs.filter((doc) => doc.data.name.endsWith(MARK)).map((doc) => [doc.data.name.slice(0, -MARK.length), doc]));
}

async function importRecords(importId: string, command: string) {
  const docs = await store().query<{ command: string; projectId: string; actor: { uid: string }; after: Record<string, unknown> }>('activity', {
    where: [{ field: 'importId', op: '==', value: importId }],
  });
  return docs.map((doc) => doc.data).filter((a) => a.command === command);
}

describe('the ledger import through the callable on Firestore', () => {
  let commands: LedgerImportInput[] = [];

  it('previews the four projects of the ledger as new against the seeded workspace', async () => {
    const previewed = await preview('imp-fb-1');
    expect(previewed.projects.map((p) => [p.name.slice(0, -MARK.length), p.outcome])).toEqual(Object.keys(QUIRKY_IMPORTED).map((name) => [name, 'create']));
    commands = importCommands(previewed);
    expect(commands).toHaveLength(4);
  });

  for (const member of [liaison, viewer]) {
    it(`a ${member.role} may not import or undo: PERMISSION_DENIED for every project, nothing written`, async () => {
      const before = await counts();
      const applied = await applyLedgerImport(commands, overCallable(member));
      expect(applied.map((a) => a.error?.messageKey)).toEqual(commands.map(() => 'errors.permission.role'));
      const undo = await runCommand(member, 'ledger.undoImport', { importId: 'imp-fb-1' });
      expect(undo).toMatchObject({ ok: false, status: 'PERMISSION_DENIED', messageKey: 'errors.permission.role' });
      expect(await counts()).toEqual(before);
      expect((await importedProjects()).size).toBe(0);
    });
  }

  it('staff import it: every project at its stage with its banks, amounts and problems, one activity each marked with the file', async () => {
    const before = await counts();
    const applied = await applyLedgerImport(commands, overCallable(staff));
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
    const records = await importRecords('imp-fb-1', 'ledger.importProject');
    expect(records.map((r) => r.projectId).sort()).toEqual([...projects.values()].map((doc) => doc.id).sort());
    expect(records.every((r) => r.actor.uid === staff.uid && r.after.importedFrom === FILE)).toBe(true);
    expect(await counts()).toEqual({ projects: before.projects + 4, loanLines: before.loanLines + 5, activity: before.activity + 4 });

    // The same ledger again changes nothing.
    const again = await preview('imp-fb-2');
    expect(again.projects.map((p) => p.outcome)).toEqual(['unchanged', 'unchanged', 'unchanged', 'unchanged']);
  });

  it('a project the handler refuses writes nothing of itself: not the project, not its first line, no activity', async () => {
    const before = await counts();
    const valid = commands.find((c) => c.lines.length === 2)!;
    const refused: LedgerImportInput = {
      ...valid,
      importId: 'imp-fb-refused',
      fields: { ...valid.fields, name: `全有或全无${MARK}` },
      // The second bank pays out without an approval: refused after the project and the first line were drafted.
      lines: [valid.lines[0]!, { ...valid.lines[1]!, approved: null, approvedDate: null, disbursed: 1_000_000, disbursedDate: ledgerToday(new Date()) }],
    };
    const outcome = await runCommand(staff, 'ledger.importProject', refused);
    expect(outcome).toMatchObject({ ok: false, status: 'FAILED_PRECONDITION', messageKey: 'errors.line.notApproved' });
    expect((outcome as { details?: { fieldErrors?: { path: string }[] } }).details?.fieldErrors?.map((f) => f.path)).toEqual(['lines.1.disbursed']);
    expect(await counts()).toEqual(before);
    expect((await importedProjects()).has('全有或全无')).toBe(false);
    expect(await importRecords('imp-fb-refused', 'ledger.importProject')).toEqual([]);
  });

  it('staff undo the import as a whole: the projects and their lines go, each undo recorded; a second undo is refused', async () => {
    const before = await counts();
    const outcome = await runCommand(staff, 'ledger.undoImport', { importId: 'imp-fb-1' });
    expect(outcome).toMatchObject({ ok: true });
    expect((await importedProjects()).size).toBe(0);
    const after = { projects: before.projects - 4, loanLines: before.loanLines - 5, activity: before.activity + 4 };
    expect(await counts()).toEqual(after);
    const undone = await importRecords('imp-fb-1', 'ledger.undoImport');
    expect(undone.map((r) => r.after.removed).sort()).toEqual(Object.keys(QUIRKY_IMPORTED).map((name) => `${name}${MARK}`).sort());

    const again = await runCommand(staff, 'ledger.undoImport', { importId: 'imp-fb-1' });
    expect(again).toMatchObject({ ok: false, status: 'FAILED_PRECONDITION', messageKey: 'errors.ledger.alreadyUndone' });
    expect(await counts()).toEqual(after);
  });
});
