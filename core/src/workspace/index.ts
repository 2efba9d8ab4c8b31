export {
  SCHEMA_VERSION,
  MIGRATION_STEPS,
  migrateStoredDoc,
  type MigrationStep,
  type VersionedStoredDoc,
} from './schema';
export {
  WORKSPACE_FILE_FORMAT,
  WORKSPACE_MESSAGE_KEYS,
  exportWorkspace,
  firstNonEmptyCollection,
  importWorkspace,
  readWorkspaceFile,
  type ExportOptions,
  type WorkspaceFile,
  type WorkspaceFileDoc,
} from './file';
export {
  QUARANTINE_CODES,
  QUARANTINE_EXPECTED,
  encodeQuarantineReason,
  quarantineReasonOf,
  type QuarantineCode,
  type QuarantineExpected,
  type QuarantineParams,
  type QuarantineReason,
} from './quarantineReason';
