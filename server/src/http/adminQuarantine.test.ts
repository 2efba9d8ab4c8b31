/**
 * The documents the server quarantined at start, on screen for an admin: the list (collection,
 * id, reason, when) and the download as stored. Through the real path: a workspace with a corrupt
 * row is reopened by the server, which moves the row aside; only admins may see it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoanLine } from '@clearway/core';
import { openDatabase } from '../db/database';
import { startTestServer, TestClient, type TestServer } from '../testing/harness';

const folder = mkdtempSync(join(tmpdir(), 'clearway-quarantine-'));
let server: TestServer;
let lineId: string;

beforeAll(async () => {
  // A first start makes the demo workspace and its accounts in the data folder…
  const first = await startTestServer({ dataDir: folder, sampleProjects: 3 });
  await first.close();
  // …then one loan line is damaged, as an old release or a hand edit could leave it.
  const db = await openDatabase({ dataDir: folder });
  try {
    const [line] = await db.store.query<LoanLine>('loanLines', { limit: 1 });
    lineId = line!.id;
    await db.sql(`UPDATE documents SET data = jsonb_set(data, '{tranches}', '"many"') WHERE collection = 'loanLines' AND id = $1`, [lineId]);
    await db.sql('DELETE FROM document_schema');
  } finally {
    await db.close();
  }
  server = await startTestServer({ dataDir: folder, seed: false });
}, 120_000);

afterAll(async () => {
  await server?.close();
  rmSync(folder, { recursive: true, force: true });
});

describe('quarantined documents on the team server', () => {
  it('lists them for an admin: collection, id, reason and when', async () => {
    const admin = new TestClient(server);
    expect((await admin.signIn('admin@clearway.local')).status).toBe(200);
    const answer = await admin.request<{ documents: unknown[] }>('GET', '/api/admin/quarantine');
    expect(answer.status).toBe(200);
    expect(answer.body.documents).toEqual([
      { collection: 'loanLines', id: lineId, reason: expect.stringContaining('tranches'), quarantinedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) },
    ]);
  });

  it('gives an admin the download of them exactly as they were stored', async () => {
    const admin = new TestClient(server);
    await admin.signIn('admin@clearway.local');
    const response = await fetch(`${server.baseUrl}/api/admin/quarantine/download`, { headers: { cookie: admin.cookie!, origin: server.origin } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toContain('clearway-quarantined-records.json');
    const body = (await response.json()) as { quarantined: { id: string; version: number; schemaVersion: number; data: { tranches: unknown } }[] };
    expect(body.quarantined).toHaveLength(1);
    expect(body.quarantined[0]).toMatchObject({ collection: 'loanLines', id: lineId, schemaVersion: 1, data: { id: lineId, tranches: 'many' } });
    expect(body.quarantined[0]!.version).toBeGreaterThanOrEqual(1);
  });

  it('refuses everyone else, and a signed-out request', async () => {
    for (const email of ['staff@clearway.local', 'leader@clearway.local', 'ccb@clearway.local']) {
      const person = new TestClient(server);
      expect((await person.signIn(email)).status).toBe(200);
      expect((await person.request('GET', '/api/admin/quarantine')).status, email).toBe(403);
      expect((await person.request('GET', '/api/admin/quarantine/download')).status, email).toBe(403);
    }
    expect((await new TestClient(server).request('GET', '/api/admin/quarantine')).status).toBe(401);
  });
});
