/**
 * Test helpers for the other packages' tests ('@clearway/core/testing'): builders of projects and
 * loan lines, the read-policy checks and the DocumentStore contract every store adapter passes.
 * Never imported by application code (the contract imports vitest).
 */
export { makeLine, makeProject, T0, tranche } from './ruleFixtures';
// The command tests' project.create input, for other packages' tests that create one.
export { PROJECT_INPUT } from '../commands/testing';
// What settings/partyContacts must hold for some members (the commands keep it): for parity checks.
export { partyContactsOf } from '../followUp/partyContacts';
export { readPolicyViolations, readPolicyViolationsOfAll, readPolicyWorld } from './readPolicyChecks';
export type { ReadPolicyWorld } from './readPolicyChecks';
export { describeDocumentStoreContract } from '../store/documentStoreContract';
export type { DocumentStoreContractOptions } from '../store/documentStoreContract';
export {
  buildFixtureWorkbook,
  creditCodeFor,
  csvOf,
  fixtureBytes,
  GB18030_CSV_HEX,
  hexBytes,
  largeLedgerRows,
  LEDGER_BANKS,
  LEDGER_VOCABULARY,
  LEDGER_WIDTH,
  LUDIAN_CODE,
  markedQuirkyRows,
  previewMarkedQuirky,
  QUIRKY_IMPORTED,
  QUIRKY_ROW_NUMBERS,
  QUIRKY_ROWS,
  storeWithBanks,
  ZHAOYANG_CODE,
} from '../ledger/testing';
export type { FixtureCell } from '../ledger/testing';
export { describeLedgerImportEndToEnd } from '../ledger/importScenario';
export type { LedgerImportBackend, ScenarioOutcome, ScenarioPerson } from '../ledger/importScenario';
