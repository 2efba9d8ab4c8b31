import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { executeCommand, SCHEMA_VERSION, type LoanLine, type Project } from '@clearway/core';
import { createSampleWorkspace, SAMPLE_IDENTITIES, sampleActor, seedStore } from '@clearway/core/sample';
import { openDatabase } from './database';
import { StoredSchemaTooNewError } from './storedDocuments';

describe('stored documents at the start of the team server', () => {
  let folder: string;
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'clearway-stored-'));
  });
  afterEach(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  /** A workspace stored before schema versions: one project misses a field, one line is corrupt. */
  async function storeOldWorkspace(): Promise<{ projectId: string; lineId: string }> {
    const db = await openDatabase({ dataDir: folder });
    try {
      expect(db.storedDocuments).toEqual({ from: 1, migrated: 0, quarantined: [] });
      await seedStore(db.store, createSampleWorkspace({ projects: 3, now: new Date('2026-06-15T00:00:00Z') }));
      const [project] = await db.store.query<Project>('projects');
      const [line] = await db.store.query<LoanLine>('loanLines');
      await db.sql(`UPDATE documents SET data = data - 'assignments' - 'blockers' WHERE collection = 'projects' AND id = $1`, [project!.id]);
      await db.sql(`UPDATE documents SET data = jsonb_set(data, '{tranches}', '"many"') WHERE collection = 'loanLines' AND id = $1`, [line!.id]);
      await db.sql('DELETE FROM document_schema');
      return { projectId: project!.id, lineId: line!.id };
    } finally {
      await db.close();
    }
  }

  it('migrates old documents and quarantines an unreadable one instead of refusing to start', async () => {
    const { projectId, lineId } = await storeOldWorkspace();
    const db = await openDatabase({ dataDir: folder });
    try {
      expect(db.storedDocuments?.from).toBe(1);
      expect(db.storedDocuments?.migrated).toBe(1);
      expect(db.storedDocuments?.quarantined).toEqual([{ collection: 'loanLines', id: lineId, reason: expect.stringContaining('tranches') }]);
      const project = await db.store.get<Project>('projects', projectId);
      expect(project?.data.assignments).toEqual([]);
      expect(project?.data.blockers).toEqual([]);
      expect(await db.store.get('loanLines', lineId)).toBeNull();
      // The old project takes commands again (before: `internal` on every one).
      const staff = sampleActor(SAMPLE_IDENTITIES.find((member) => member.role === 'staff')!);
      const now = new Date('2026-06-16T02:00:00Z');
      await executeCommand(db.store, { actor: staff, now }, { name: 'project.setActionPlan', payload: { projectId, expectedVersion: project!.version, actionPlan: '先行' } });
      expect((await db.store.get<Project>('projects', projectId))?.data.actionPlan).toBe('先行');
      const kept = await db.sql<{ id: string; reason: string; data: { tranches: unknown } }>('SELECT id, reason, data FROM quarantined_documents');
      expect(kept).toEqual([{ id: lineId, reason: expect.stringContaining('tranches'), data: expect.objectContaining({ tranches: 'many' }) }]);
      expect(await db.sql('SELECT version FROM document_schema')).toEqual([{ version: SCHEMA_VERSION }]);
    } finally {
      await db.close();
    }
    const again = await openDatabase({ dataDir: folder });
    try {
      expect(again.storedDocuments).toEqual({ from: SCHEMA_VERSION, migrated: 0, quarantined: [] });
    } finally {
      await again.close();
    }
  }, 120_000);

  it('refuses documents written by a newer release', async () => {
    const db = await openDatabase({ dataDir: folder });
    await db.sql('UPDATE document_schema SET version = $1', [SCHEMA_VERSION + 1]);
    await db.close();
    await expect(openDatabase({ dataDir: folder })).rejects.toThrow(StoredSchemaTooNewError);
  }, 120_000);
});
