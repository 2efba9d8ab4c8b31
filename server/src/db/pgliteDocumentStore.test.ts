import { afterAll, beforeAll } from 'vitest';
import { describeDocumentStoreContract } from '@clearway/core/store/documentStoreContract';
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
