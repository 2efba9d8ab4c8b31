/**
 * The sample generator, loaded only when a database is new or reset (a first visit seeds before
 * its first paint, and needs this, not the command handlers).
 */
export { createSampleWorkspace, seedStore } from '@clearway/core/sample';
