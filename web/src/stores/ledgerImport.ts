/**
 * The ledger import page's state: the file read into a cell grid (core's readers, exceljs loaded
 * on first use), the column mapping with the person's corrections (saved per header, offered next
 * time), the synonym tables (kept on this computer), the preview core computes against the
 * workspace as it is now, and applying it as one `ledger.importProject` command per project, with
 * progress, a stop, and the undo of the last import. The workspace is read once per file (and again
 * after an apply or an undo), not watched: a preview that changed under the person's eyes while
 * they correct the mapping would be harder to check. A failed read of it is the page's ReadFailed,
 * with a retry that keeps the file.
 */
import { computed, ref, shallowRef } from 'vue';
import { defineStore } from 'pinia';
import {
  applyLedgerImport,
  buildLedgerWorkbook,
  DEFAULT_VOCABULARY,
  detectedMapping,
  importCommands,
  ledgerFileName,
  ledgerToday,
  monthOf,
  pickLedgerGrid,
  previewLedger,
  readLedgerFile,
  workbookToBuffer,
} from '@clearway/core';
import type {
  AppliedProject,
  Bank,
  CellGrid,
  CollectionName,
  DomainErrorShape,
  IsoDate,
  IsoMonth,
  ColumnMapping,
  LedgerField,
  LedgerHeader,
  LedgerUnit,
  LedgerVocabulary,
  LedgerWorkspace,
  LoanLine,
  Project,
  StoredDoc,
} from '@clearway/core';
import type { Backend } from '@/backend/types';
import { asDomainErrorShape, refusalOf, runCommand, SIGNED_OUT_REFUSAL, whileSaving } from '@/backend/commands';
import { saveBytes } from '@/composables/useWorkbookExport';
import { useClockStore } from './clock';
import { useSessionStore } from './session';
import { firstValue, type ReadState } from './watched';

const VOCABULARY_KEY = 'clearway.ledger.vocabulary';
const MAPPINGS_KEY = 'clearway.ledger.mappings';
const LAST_IMPORT_KEY = 'clearway.ledger.lastImport';
/**
 * Projects per undo transaction on Firebase, under its 500 writes: each project is its own write,
 * its board card and board view, a history record, and one write per line the import touched,
 * so 25 leaves room for sixteen lines a project.
 */
const FIREBASE_UNDO_BATCH = 25;

export type LedgerPhase = 'idle' | 'reading' | 'parsing' | 'ready' | 'applying' | 'applied' | 'undoing';

export interface LastImport {
  importId: string;
  fileName: string;
  at: string;
  projects: number;
}

export interface LedgerMessage {
  messageKey: string;
  params: Record<string, unknown>;
}

function loadJson<T>(key: string, fallback: T): T {
  try {
    const text = globalThis.localStorage?.getItem(key);
    return text ? (JSON.parse(text) as T) : fallback;
  } catch {
    return fallback;
  }
}

function saveJson(key: string, value: unknown): void {
  try {
    if (value === null) globalThis.localStorage?.removeItem(key);
    else globalThis.localStorage?.setItem(key, JSON.stringify(value));
  } catch {
    // A full or disabled storage only loses the convenience of remembering.
  }
}

/** The documents of one collection as the backend has them now (the first snapshot of a watch). */
function readOnce<T>(backend: Backend, collection: CollectionName): Promise<StoredDoc<T>[]> {
  return firstValue<StoredDoc<T>[]>((next, fail) => backend.watchQuery<T>(collection, {}, next, fail));
}

function readFileBytes(file: File, onProgress: (fraction: number) => void): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    reader.onload = () => resolve(new Uint8Array(reader.result as ArrayBuffer));
    reader.onerror = () => reject(reader.error);
    reader.readAsArrayBuffer(file);
  });
}

function newImportId(at: Date): string {
  return `imp-${at.getTime().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** A repaint between the steps of reading, so the progress bar moves. */
const nextFrame = () => new Promise((resolve) => setTimeout(resolve, 0));

export const useLedgerImportStore = defineStore('ledgerImport', () => {
  const session = useSessionStore();
  const clock = useClockStore();
  const phase = ref<LedgerPhase>('idle');
  const fileName = ref('');
  const readProgress = ref(0);
  const fileError = shallowRef<LedgerMessage | null>(null);
  const grid = shallowRef<CellGrid | null>(null);
  const header = shallowRef<LedgerHeader | null>(null);
  const mapping = ref<ColumnMapping>({});
  const mappingFromSaved = ref(false);
  const unitOverride = ref<LedgerUnit | null>(null);
  const vocabulary = ref<LedgerVocabulary>(loadJson(VOCABULARY_KEY, DEFAULT_VOCABULARY));
  const workspace = shallowRef<LedgerWorkspace | null>(null);
  const workspaceReading = ref(false);
  const workspaceError = shallowRef<DomainErrorShape | null>(null);
  /** The day the preview dates against: the day the file was read. */
  const today = ref<IsoDate>(clock.today);
  const importId = ref(newImportId(clock.current()));
  const applyProgress = ref({ done: 0, total: 0 });
  const applied = shallowRef<AppliedProject[]>([]);
  const lastImport = ref<LastImport | null>(loadJson<LastImport | null>(LAST_IMPORT_KEY, null));
  const working = ref(false);
  let stopRequested = false;

  const preview = computed(() => {
    if (!grid.value || !header.value || !workspace.value) return null;
    return previewLedger(grid.value, header.value, workspace.value, {
      mapping: mapping.value,
      vocabulary: vocabulary.value,
      today: today.value,
      importId: importId.value,
      ...(unitOverride.value ? { unit: unitOverride.value } : {}),
    });
  });
  const commands = computed(() => (preview.value ? importCommands(preview.value) : []));

  function requireBackend(): Backend {
    const backend = session.backend;
    if (!backend) throw SIGNED_OUT_REFUSAL;
    return backend;
  }

  /** Reads the workspace the preview compares with; false (and `read` says why) when it could not. */
  async function loadWorkspace(): Promise<boolean> {
    workspaceReading.value = true;
    workspaceError.value = null;
    try {
      const backend = requireBackend();
      const [projects, lines, banks, months] = await Promise.all([
        readOnce<Project>(backend, 'projects'),
        readOnce<LoanLine>(backend, 'loanLines'),
        readOnce<Bank>(backend, 'banks'),
        readOnce<{ month: IsoMonth; status: string }>(backend, 'months'),
      ]);
      // The latest closed month, as core's latestClosedMonth reads it: the preview refuses dates in it.
      const closed = months.filter((doc) => doc.data.status === 'closed').map((doc) => doc.data.month).sort();
      workspace.value = { projects, lines, banks: banks.map((doc) => doc.data), closedThrough: closed[closed.length - 1] ?? null };
      return true;
    } catch (caught) {
      // No preview against a workspace that may be stale: the page says the read failed instead.
      workspace.value = null;
      workspaceError.value = refusalOf(caught);
      return false;
    } finally {
      workspaceReading.value = false;
    }
  }

  /** The workspace read as the page shows it: a failure with a retry that keeps the file. */
  const read = computed<ReadState>(() => ({
    pending: workspaceReading.value,
    error: workspaceError.value,
    retry: () => void loadWorkspace(),
  }));

  function reset(): void {
    phase.value = 'idle';
    fileName.value = '';
    readProgress.value = 0;
    fileError.value = null;
    grid.value = null;
    header.value = null;
    mapping.value = {};
    mappingFromSaved.value = false;
    unitOverride.value = null;
    applied.value = [];
    applyProgress.value = { done: 0, total: 0 };
    importId.value = newImportId(clock.current());
  }

  async function readFile(file: File): Promise<void> {
    reset();
    fileName.value = file.name;
    today.value = ledgerToday(clock.current());
    phase.value = 'reading';
    try {
      const bytes = await readFileBytes(file, (fraction) => {
        readProgress.value = Math.round(fraction * 50);
      });
      phase.value = 'parsing';
      readProgress.value = 60;
      await nextFrame();
      const [grids] = await Promise.all([readLedgerFile(file.name, bytes), loadWorkspace()]);
      readProgress.value = 90;
      await nextFrame();
      const picked = pickLedgerGrid(grids);
      if (!picked) throw Object.assign(new Error('no ledger'), { messageKey: 'ledger.file.noLedger', params: { fileName: file.name } });
      grid.value = picked.grid;
      header.value = picked.header;
      const saved = loadJson<Record<string, ColumnMapping>>(MAPPINGS_KEY, {})[picked.header.signature];
      mapping.value = saved ?? detectedMapping(picked.header);
      mappingFromSaved.value = saved !== undefined;
      readProgress.value = 100;
      phase.value = 'ready';
    } catch (error) {
      const shape = asDomainErrorShape(error) ?? (error as { messageKey?: string; params?: Record<string, unknown> });
      fileError.value = { messageKey: shape?.messageKey ?? 'ledger.file.unreadable', params: shape?.params ?? { fileName: file.name } };
      phase.value = 'idle';
    }
  }

  function setMapping(columnIndex: number, field: LedgerField | null): void {
    mapping.value = { ...mapping.value, [columnIndex]: field };
  }

  function setUnit(unit: LedgerUnit): void {
    unitOverride.value = unit;
  }

  function setVocabulary(next: LedgerVocabulary): void {
    vocabulary.value = next;
    saveJson(VOCABULARY_KEY, next);
  }

  function resetVocabulary(): void {
    setVocabulary(DEFAULT_VOCABULARY);
  }

  async function apply(): Promise<void> {
    const toApply = commands.value;
    if (toApply.length === 0 || !header.value) return;
    const backend = requireBackend();
    const mappings = loadJson<Record<string, ColumnMapping>>(MAPPINGS_KEY, {});
    saveJson(MAPPINGS_KEY, { ...mappings, [header.value.signature]: mapping.value });
    phase.value = 'applying';
    stopRequested = false;
    applyProgress.value = { done: 0, total: toApply.length };
    const names = new Map((preview.value?.projects ?? []).map((p) => [p.rowNumbers.join(','), p.name]));
    // One pending change for the whole batch: closing the tab midway would leave the import half done.
    const results = await whileSaving(
      applyLedgerImport(toApply, (command) => backend.execute(command), {
        onProgress: (done, total) => {
          applyProgress.value = { done, total };
        },
        shouldStop: () => stopRequested,
      }),
    );
    applied.value = results.map((result) => ({ ...result, name: result.name || (names.get(result.rowNumbers.join(',')) ?? '') }));
    const ok = results.filter((r) => r.error === null).length;
    if (ok > 0) {
      lastImport.value = { importId: importId.value, fileName: fileName.value, at: clock.current().toISOString(), projects: ok };
      saveJson(LAST_IMPORT_KEY, lastImport.value);
    }
    await loadWorkspace();
    phase.value = 'applied';
  }

  function stop(): void {
    stopRequested = true;
  }

  /** Takes the last import back as a whole; rejects with the core's reason when it cannot. */
  async function undo(): Promise<LastImport> {
    const last = lastImport.value;
    if (!last) throw new Error('nothing to undo');
    phase.value = 'undoing';
    try {
      const backend = requireBackend();
      // Firestore caps a transaction at 500 writes: there the import goes back in batches, the first
      // of which checks the whole import; the other backends take it back in one transaction.
      const limit = backend.kind === 'firebase' ? FIREBASE_UNDO_BATCH : undefined;
      for (;;) {
        const outcome = await runCommand(session.execute, { name: 'ledger.undoImport', payload: { importId: last.importId, ...(limit ? { limit } : {}) } });
        if (!outcome.ok) throw outcome.error;
        if (!outcome.result.stats?.remaining) break;
      }
      lastImport.value = null;
      saveJson(LAST_IMPORT_KEY, null);
      if (grid.value) {
        await loadWorkspace();
        importId.value = newImportId(clock.current());
        applied.value = [];
      }
      return last;
    } finally {
      phase.value = grid.value ? 'ready' : 'idle';
    }
  }

  /** Downloads the workspace in the ledger layout (exceljs loads on this first use); null when it could not be read (`read` says why). */
  async function exportWorkbook(): Promise<string | null> {
    working.value = true;
    try {
      if (!(await loadWorkspace())) return null;
      const ws = workspace.value!;
      const month = monthOf(clock.current());
      const workbook = await buildLedgerWorkbook({ projects: ws.projects.map((d) => d.data), lines: ws.lines.map((d) => d.data), banks: ws.banks, month });
      const name = ledgerFileName(month);
      saveBytes(await workbookToBuffer(workbook), name);
      return name;
    } finally {
      working.value = false;
    }
  }

  return {
    phase,
    fileName,
    readProgress,
    fileError,
    grid,
    header,
    mapping,
    mappingFromSaved,
    unitOverride,
    vocabulary,
    preview,
    commands,
    applyProgress,
    applied,
    lastImport,
    working,
    read,
    readFile,
    setMapping,
    setUnit,
    setVocabulary,
    resetVocabulary,
    apply,
    stop,
    undo,
    reset,
    exportWorkbook,
  };
});
