/** A locale's messages: nested objects of texts. */
export type MessageTree = { [key: string]: string | MessageTree };

/**
 * Merges the message files of one locale (each `export default {…}`, one per area: board.ts,
 * project.ts, errors.ts, …); their top-level keys must not clash.
 */
export function mergeMessageFiles(modules: Record<string, { default: MessageTree }>): MessageTree {
  const out: MessageTree = {};
  for (const mod of Object.values(modules)) Object.assign(out, mod.default);
  return out;
}
