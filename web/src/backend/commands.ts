/**
 * Running a command from a store, the same way everywhere: the optimistic change shows at once,
 * stays when the command is accepted and is rolled back when it is refused; a refusal comes back
 * as a DomainError shape (its message key and params), never as a thrown value, and anything
 * nobody foresaw becomes the one internal-error message every backend uses. It also counts the
 * commands not yet answered, so the page can say it is still saving and ask before it is closed.
 */
import { readonly, shallowRef, type Ref } from 'vue';
import { INTERNAL_ERROR_KEY, type CommandEnvelope, type CommandResult, type DomainErrorShape } from '@clearway/core';

/** What a store hands back to the page that asked for a command. */
export type CommandOutcome = { ok: true; result: CommandResult } | { ok: false; error: DomainErrorShape };

/** A change already shown on screen, waiting for the command's answer. */
export interface OptimisticChange {
  accepted(result: CommandResult): void;
  refused(): void;
}

/** The DomainError shape in a thrown value (a DomainError, its JSON, a Firebase HttpsError's details). */
export function asDomainErrorShape(error: unknown): DomainErrorShape | null {
  if (error === null || typeof error !== 'object') return null;
  const candidate = error as Partial<DomainErrorShape> & { details?: Partial<DomainErrorShape> };
  if (typeof candidate.messageKey === 'string' && typeof candidate.code === 'string') {
    return candidate as DomainErrorShape;
  }
  // Firebase HttpsError carries the shape in `details`.
  const details = candidate.details;
  if (details && typeof details.messageKey === 'string') {
    return { code: details.code ?? 'internal', ...details } as DomainErrorShape;
  }
  return null;
}

/** Why a command or a read failed, in words a page can show; an unforeseen error is logged. */
export function refusalOf(caught: unknown): DomainErrorShape {
  const shape = asDomainErrorShape(caught);
  if (shape) return shape;
  console.error(caught);
  return { code: 'internal', messageKey: INTERNAL_ERROR_KEY };
}

const unanswered = shallowRef(0);

/**
 * How many commands are sent, or queued behind another one, and not yet accepted or refused: what
 * closing the tab now would lose (the optimistic change on screen was never stored).
 */
export const pendingCommands: Readonly<Ref<number>> = readonly(unanswered);

/**
 * Counts `work` as pending until it settles, for a command that does not go through `runCommand`
 * (a board move waiting for the previous move of its card, a ledger import's batch of commands).
 */
export function whileSaving<T>(work: Promise<T>): Promise<T> {
  unanswered.value++;
  return work.finally(() => unanswered.value--);
}

export const SIGNED_OUT_REFUSAL: DomainErrorShape = { code: 'unauthenticated', messageKey: 'auth.error.signInRequired' };

/**
 * Runs `command` on `execute` (null when nobody is signed in). `optimistic` is what the store
 * already put on screen for it: kept on success, rolled back on refusal.
 */
export async function runCommand(
  execute: ((command: CommandEnvelope) => Promise<CommandResult>) | null,
  command: CommandEnvelope,
  optimistic?: OptimisticChange,
): Promise<CommandOutcome> {
  if (!execute) {
    optimistic?.refused();
    return { ok: false, error: SIGNED_OUT_REFUSAL };
  }
  unanswered.value++;
  try {
    const result = await execute(command);
    optimistic?.accepted(result);
    return { ok: true, result };
  } catch (caught) {
    optimistic?.refused();
    return { ok: false, error: refusalOf(caught) };
  } finally {
    unanswered.value--;
  }
}
