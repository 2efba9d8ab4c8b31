/**
 * The ledger import on Firebase, end to end (core/src/ledger/importScenario.ts): the browser's
 * preview of the quirky 台账 against what Firestore holds, then its commands through the `command`
 * callable on the Functions emulator with real ID tokens, the core handlers on Firestore. The
 * workspace ends as it began (the other files share the emulators), so that a touched import
 * cannot be undone is shown on the team server only.
 */
import { describeLedgerImportEndToEnd, type ScenarioPerson } from '@clearway/core/testing';
import type { Member } from '@clearway/core';
import { FirestoreDocumentStore } from '../../functions/src/firestoreDocumentStore';
import { adminDb, countDocs, runCommand, sampleMember } from './support/client';

const PEOPLE: Record<ScenarioPerson, Member> = { staff: sampleMember('staff'), liaison: sampleMember('liaison', 'icbc'), viewer: sampleMember('viewer') };

describeLedgerImportEndToEnd('through the callable on Firestore', {
  reader: () => new FirestoreDocumentStore(adminDb()),
  async run(person, name, payload) {
    const outcome = await runCommand(PEOPLE[person], name, payload);
    if (outcome.ok) return outcome;
    // The callable spells core's codes as gRPC statuses: FAILED_PRECONDITION is failed-precondition.
    const details = outcome.details ?? {};
    return {
      ok: false,
      code: outcome.status.toLowerCase().replace(/_/g, '-'),
      messageKey: outcome.messageKey ?? '',
      params: (details.params as Record<string, unknown> | undefined) ?? {},
      fieldErrors: (details.fieldErrors as { path: string }[] | undefined) ?? [],
    };
  },
  count: countDocs,
  mark: '（云端导入）',
  touchedUndo: false,
});
