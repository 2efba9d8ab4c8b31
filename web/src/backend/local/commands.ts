/**
 * What the demo needs only once someone acts: the command handlers and the backup file. Loaded
 * on first use (the first command, or a stall scan that finds a project due), so a reload paints the
 * board without downloading or parsing them.
 */
export { executeCommand, exportWorkspace, importWorkspace } from '@clearway/core';
