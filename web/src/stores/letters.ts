/**
 * The 工作提醒函's numbers: the registers of issued letters (settings `letterRegister-YYYY`,
 * core/src/followUp/letterRegister.ts) and the command that numbers the letters being printed.
 */
import { computed, shallowRef } from 'vue';
import { defineStore } from 'pinia';
import { isLetterRegisterDocId, readLetterRegister, type IsoMonth, type LetterRegister } from '@clearway/core';
import type { Backend } from '@/backend/types';
import { runCommand, type CommandOutcome } from '@/backend/commands';
import { useSessionStore } from './session';
import { readStateOf, useWatchedQuery } from './watched';

export const useLettersStore = defineStore('letters', () => {
  const session = useSessionStore();
  const watching = shallowRef<Backend | null>(null);
  const settingsWatch = useWatchedQuery<unknown>(() => watching.value, 'settings');
  const read = readStateOf(settingsWatch);
  function start(): void {
    if (session.backend) watching.value = session.backend;
  }

  const registers = computed<LetterRegister[]>(() =>
    settingsWatch.data.value.flatMap((doc) => {
      if (!isLetterRegisterDocId(doc.id)) return [];
      const register = readLetterRegister(doc.data);
      return register ? [register] : [];
    }),
  );
  const loaded = computed(() => !settingsWatch.pending.value);

  function issue(month: IsoMonth | null, letters: { key: string; party: string }[]): Promise<CommandOutcome> {
    return runCommand(session.backend ? session.execute : null, { name: 'letter.issue', payload: { month, letters } });
  }

  return { read, start, registers, loaded, issue };
});
