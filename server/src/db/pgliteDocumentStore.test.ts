import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeDocumentStoreContract } from '@clearway/core/store/documentStoreContract';
import { expectQueriesMatchMemoryStore } from '../testing/queryParity';
import { openDatabase, type Database } from './database';

// One PGlite for the file: it takes seconds to start, and the contract's tests only touch
// documents they create.
let database: Database;

beforeAll(async () => {
  database = await openDatabase({ dataDir: '' });
});

afterAll(async () => {
  await database.close();
});

describeDocumentStoreContract('PostgresDocumentStore on PGlite', async () => database.store);

describe('PostgresDocumentStore queries on PGlite', () => {
  it('return what the in-memory store returns, for every operator and JSON type', async () => {
    expect(await expectQueriesMatchMemoryStore(database.store)).toBeGreaterThan(500);
  });
});
