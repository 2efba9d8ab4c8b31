/**
 * What the demo needs only once someone acts: the command handlers, the backup file and the
 * sample generator. Loaded on first use (the first command, the stall scan after the first paint,
 * a first start that seeds), so a reload paints the board without downloading or parsing them.
 */
export { executeCommand, exportWorkspace, importWorkspace } from '@clearway/core';
export { createSampleWorkspace, seedStore } from '@clearway/core/sample';
