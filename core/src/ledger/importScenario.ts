/**
 * The ledger import end to end on a backend, the same story for each (team server over HTTP,
 * Firebase through the callable): the browser's preview of the quirky 台账 against what the
 * backend holds, then its `ledger.importProject` commands as each person. Staff import and undo;
 * a liaison or a viewer is refused and nothing is written; a project the handler refuses writes
 * nothing of itself (all or nothing). Test code only (it imports vitest).
 */
import { describe, expect, it } from 'vitest';
import type { CommandEnvelope, CommandName, CommandResult } from '../commands/contract';
import type { DocumentReader, StoredDoc } from '../store/documentStore';
import type { LoanLine, Project } from '../types';
import { applyLedgerImport } from './apply';
import type { LedgerImportInput } from './payload';
import { importCommands, ledgerToday } from './preview';
import { previewMarkedQuirky, QUIRKY_IMPORTED } from './testing';

export type ScenarioPerson = 'staff' | 'liaison' | 'viewer';

/** A refusal as core names it (`failed-precondition`, …), whatever the transport's own spelling. */
export interface ScenarioRefusal {
  code: string;
  messageKey: string;
  params: Record<string, unknown>;
  fieldErrors: { path: string }[];
}

export type ScenarioOutcome = { ok: true; result: CommandResult } | ({ ok: false } & ScenarioRefusal);

export interface LedgerImportBackend {
  /** What the backend holds, read as the page reads it for the preview. */
  reader(): DocumentReader;
  /** Runs one command as the person, over the backend's own transport. */
  run(person: ScenarioPerson, name: CommandName, payload: unknown): Promise<ScenarioOutcome>;
  count(collection: 'projects' | 'loanLines' | 'activity'): Promise<number>;
  /** Marks the ledger's project names, apart from those of other tests on the same backend. */
  mark: string;
  /** Also show that an import touched after it cannot be undone (leaves four projects behind). */
  touchedUndo: boolean;
}

const FILE = '昭通市重点项目融资台账.xlsx';

export function describeLedgerImportEndToEnd(label: string, backend: LedgerImportBackend): void {
  const { mark } = backend;
  const importId = (n: number | string) => `imp-e2e-${n}`;
  const counts = async () => ({ projects: await backend.count('projects'), loanLines: await backend.count('loanLines'), activity: await backend.count('activity') });
  const preview = (id: string) => previewMarkedQuirky(backend.reader(), { mark, importId: id, fileName: FILE, today: ledgerToday(new Date()) });
  /** The page's executor: a refusal is thrown with its message key, as the web's command runner does. */
  const executor = (person: ScenarioPerson) => async (command: CommandEnvelope) => {
    const outcome = await backend.run(person, command.name, command.payload);
    if (!outcome.ok) throw outcome;
    return outcome.result;
  };
  const importedProjects = async (): Promise<Map<string, StoredDoc<Project>>> => {
    const docs = await backend.reader().query<Project>('projects');
    return new Map(docs.filter((doc) => doc.data.name.endsWith(mark)).map((doc) => [doc.data.name.slice(0, -mark.length), doc]));
  };
  const records = async (id: string, command: string) => {
    const docs = await backend.reader().query<{ command: string; projectId: string; actor: { uid: string; role: string }; after: Record<string, unknown> }>('activity', {
      where: [{ field: 'importId', op: '==', value: id }],
    });
    return docs.map((doc) => doc.data).filter((a) => a.command === command);
  };
  const names = Object.keys(QUIRKY_IMPORTED);

  describe(`the ledger import ${label}`, () => {
    let commands: LedgerImportInput[] = [];

    it('previews the four projects of the ledger as new against the seeded workspace', async () => {
      const previewed = await preview(importId(1));
      expect(previewed.projects.map((p) => [p.name.slice(0, -mark.length), p.outcome])).toEqual(names.map((name) => [name, 'create']));
      commands = importCommands(previewed);
      expect(commands).toHaveLength(4);
    });

    for (const person of ['liaison', 'viewer'] as const) {
      it(`a ${person} may not import or undo: refused for every project, nothing written`, async () => {
        const before = await counts();
        const applied = await applyLedgerImport(commands, executor(person));
        expect(applied.map((a) => a.error?.messageKey)).toEqual(commands.map(() => 'errors.permission.role'));
        const undo = await backend.run(person, 'ledger.undoImport', { importId: importId(1) });
        expect(undo).toMatchObject({ ok: false, code: 'permission-denied', messageKey: 'errors.permission.role' });
        expect(await counts()).toEqual(before);
        expect((await importedProjects()).size).toBe(0);
      });
    }

    it('staff import it: every project at its stage with its banks, amounts and problems, one activity each marked with the file', async () => {
      const before = await counts();
      const applied = await applyLedgerImport(commands, executor('staff'));
      expect(applied.map((a) => a.error)).toEqual([null, null, null, null]);
      const projects = await importedProjects();
      expect([...projects.keys()].sort()).toEqual([...names].sort());
      for (const [name, expected] of Object.entries(QUIRKY_IMPORTED)) {
        const doc = projects.get(name)!;
        expect(doc.data).toMatchObject(expected.project);
        expect(doc.data.blockers.map((b) => b.description)).toEqual(expected.blockers);
        const lines = await backend.reader().query<LoanLine>('loanLines', { where: [{ field: 'projectId', op: '==', value: doc.id }] });
        expect(Object.fromEntries(lines.map((l) => [l.data.bankId, l.data.approved]))).toEqual(expected.approvedByBank);
      }
      const imported = await records(importId(1), 'ledger.importProject');
      expect(imported.map((r) => r.projectId).sort()).toEqual([...projects.values()].map((doc) => doc.id).sort());
      expect(imported.every((r) => r.actor.role === 'staff' && r.after.importedFrom === FILE)).toBe(true);
      expect(await counts()).toEqual({ projects: before.projects + 4, loanLines: before.loanLines + 5, activity: before.activity + 4 });

      // The same ledger again changes nothing.
      const again = await preview(importId(2));
      expect(again.projects.map((p) => p.outcome)).toEqual(['unchanged', 'unchanged', 'unchanged', 'unchanged']);
    });

    it('a project the handler refuses writes nothing of itself: not the project, not its first line, no activity', async () => {
      const before = await counts();
      const valid = commands.find((c) => c.lines.length === 2)!;
      const refused: LedgerImportInput = {
        ...valid,
        importId: importId('refused'),
        fields: { ...valid.fields, name: `全有或全无${mark}` },
        // The second bank pays out without an approval: refused after the project and the first line were drafted.
        lines: [valid.lines[0]!, { ...valid.lines[1]!, approved: null, approvedDate: null, disbursed: 1_000_000, disbursedDate: ledgerToday(new Date()) }],
      };
      const outcome = await backend.run('staff', 'ledger.importProject', refused);
      expect(outcome).toMatchObject({ ok: false, code: 'failed-precondition', messageKey: 'errors.line.notApproved' });
      expect(outcome.ok ? [] : outcome.fieldErrors.map((f) => f.path)).toEqual(['lines.1.disbursed']);
      expect(await counts()).toEqual(before);
      expect((await importedProjects()).has('全有或全无')).toBe(false);
      expect(await records(importId('refused'), 'ledger.importProject')).toEqual([]);
    });

    it('staff undo the import as a whole: the projects and their lines go, each undo recorded; a second undo is refused', async () => {
      const before = await counts();
      expect(await backend.run('staff', 'ledger.undoImport', { importId: importId(1) })).toMatchObject({ ok: true });
      expect((await importedProjects()).size).toBe(0);
      const after = { projects: before.projects - 4, loanLines: before.loanLines - 5, activity: before.activity + 4 };
      expect(await counts()).toEqual(after);
      const undone = await records(importId(1), 'ledger.undoImport');
      expect(undone.map((r) => r.after.removed).sort()).toEqual(names.map((name) => `${name}${mark}`).sort());

      const again = await backend.run('staff', 'ledger.undoImport', { importId: importId(1) });
      expect(again).toMatchObject({ ok: false, code: 'failed-precondition', messageKey: 'errors.ledger.alreadyUndone' });
      expect(await counts()).toEqual(after);
    });

    if (backend.touchedUndo) {
      it('an import touched after it cannot be undone, and stays whole', async () => {
        const applied = await applyLedgerImport(importCommands(await preview(importId(3))), executor('staff'));
        expect(applied.map((a) => a.error)).toEqual([null, null, null, null]);
        const touched = (await importedProjects()).get('鲁甸县文旅康养项目')!;
        const plan = await backend.run('staff', 'project.setActionPlan', { projectId: touched.id, expectedVersion: touched.version, actionPlan: '县文旅局牵头办理用地手续' });
        expect(plan).toMatchObject({ ok: true });
        const before = await counts();
        const outcome = await backend.run('staff', 'ledger.undoImport', { importId: importId(3) });
        expect(outcome).toMatchObject({ ok: false, code: 'failed-precondition', messageKey: 'errors.ledger.undoTouched', params: { name: touched.data.name } });
        expect(await counts()).toEqual(before);
        expect((await importedProjects()).size).toBe(4);
      });
    }
  });
}
