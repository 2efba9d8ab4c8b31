/**
 * `settings/stallRulesChange`: when the stall limits last changed. Every project evaluated
 * before it carries a stall summary and a next check worked out under the old limits, so the
 * scan re-evaluates those too (a tightened limit flags at once, a loosened one clears). Its own
 * module, with no imports, so that a first page load can check it without the command code.
 */
export const STALL_RULES_CHANGE_DOC_ID = 'stallRulesChange';

export interface StallRulesChange {
  changedAt: string;
}
