import { PARTY_CONTACTS_DOC_ID, partyContactsOf } from '../followUp/partyContacts';
import type { CollectionName, DocumentStore } from '../store/documentStore';
import type { SampleWorkspace } from './generate';

/**
 * Firestore caps a transaction at 500 writes; stay under it so the same seeding works there, with
 * room for the two read projections (boardCards, boardViews) the functions' store adds for each
 * project it writes: 160 × 3 = 480.
 */
const WRITES_PER_TRANSACTION = 160;

/**
 * Writes a workspace into an empty store (every document is a create, so seeding twice is a
 * conflict rather than a silent overwrite). Settings go to `settings/stallRules` and
 * `settings/targets-YYYY`, and which parties have a member (`settings/partyContacts`, as the member
 * commands keep it).
 */
export async function seedStore(store: DocumentStore, ws: SampleWorkspace): Promise<void> {
  const docs: [CollectionName, string, unknown][] = [
    ['settings', 'stallRules', ws.settings.stallRules],
    ['settings', `targets-${ws.settings.targets.year}`, ws.settings.targets],
    ['settings', PARTY_CONTACTS_DOC_ID, partyContactsOf(ws.members)],
    ...ws.banks.map((bank): [CollectionName, string, unknown] => ['banks', bank.id, bank]),
    ...ws.members.map((member): [CollectionName, string, unknown] => ['members', member.uid, member]),
    ...ws.projects.map((project): [CollectionName, string, unknown] => ['projects', project.id, project]),
    ...ws.loanLines.map((line): [CollectionName, string, unknown] => ['loanLines', line.id, line]),
  ];
  for (let start = 0; start < docs.length; start += WRITES_PER_TRANSACTION) {
    const batch = docs.slice(start, start + WRITES_PER_TRANSACTION);
    await store.runTransaction(async (tx) => {
      for (const [collection, id, data] of batch) tx.create(collection, id, data);
    });
  }
}
