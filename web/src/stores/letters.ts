/**
 * The 工作提醒函's numbers: the issued letters of the scope on the page (the `letters` collection,
 * core/src/followUp/letterRegister.ts: a meeting's letters or today's, so at most one document per
 * party is watched however many the year has) and the command that numbers the letters being
 * printed. The register is the bureau's: other readers watch nothing and see every letter unnumbered.
 */
import { computed, shallowRef } from 'vue';
import { defineStore } from 'pinia';
import { letterScope, LETTERS_COLLECTION, readAudienceOf, readIssuedLetter, todayIso, type IsoMonth, type IssuedLetter } from '@clearway/core';
import type { Backend } from '@/backend/types';
import { runCommand, type CommandOutcome } from '@/backend/commands';
import { useClockStore } from './clock';
import { useSessionStore } from './session';
import { readStateOf, useWatchedQuery } from './watched';

export const useLettersStore = defineStore('letters', () => {
  const session = useSessionStore();
  const clock = useClockStore();
  const watching = shallowRef<Backend | null>(null);
  const month = shallowRef<IsoMonth | null>(null);
  const scope = computed(() => letterScope(month.value, todayIso(clock.now)));
  const lettersWatch = useWatchedQuery<unknown>(
    () => watching.value,
    LETTERS_COLLECTION,
    () => ({ where: [{ field: 'scope', op: '==', value: scope.value }] }),
  );
  const read = readStateOf(lettersWatch);

  /** Watches the letters issued for `forMonth`'s meeting, or (null) today's letters of every open item. */
  function start(forMonth: IsoMonth | null): void {
    month.value = forMonth;
    if (session.backend && readAudienceOf(session.actor).kind === 'bureau') watching.value = session.backend;
  }

  const issued = computed<IssuedLetter[]>(() =>
    lettersWatch.data.value.flatMap((doc) => {
      const letter = readIssuedLetter(doc.data);
      return letter ? [letter] : [];
    }),
  );
  function issue(forMonth: IsoMonth | null, letters: { key: string; party: string }[]): Promise<CommandOutcome> {
    return runCommand(session.backend ? session.execute : null, { name: 'letter.issue', payload: { month: forMonth, letters } });
  }

  return { read, start, issued, issue };
});
