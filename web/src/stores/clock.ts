/**
 * The one clock of the web: every "now" and "today" a store, page or stamp reads comes from here
 * (core's functions take `now` as a parameter). It ticks each minute, so a light turns or a plan
 * column moves when its day comes, and a command's stamp reads it afresh. Tests fix time with
 * `fix`, so a page shows the same month and the same lights on every run.
 */
import { computed, onScopeDispose, shallowRef } from 'vue';
import { defineStore } from 'pinia';
import { dayOf, monthOf, type IsoDate, type IsoMonth } from '@clearway/core';

const TICK_MS = 60_000;

export const useClockStore = defineStore('clock', () => {
  let source: () => Date = () => new Date();
  const now = shallowRef<Date>(source());
  const timer = setInterval(tick, TICK_MS);
  onScopeDispose(() => clearInterval(timer));

  /** Reads the time again (after a command, or on a tick). */
  function tick(): Date {
    now.value = source();
    return now.value;
  }

  /** The time this instant, for a stamp (e.g. an optimistic change), without moving `now`. */
  function current(): Date {
    return source();
  }

  /** Fixes the time (a date) or makes it follow `at` (a function): for tests and the print preview. */
  function fix(at: Date | (() => Date)): void {
    source = typeof at === 'function' ? at : () => new Date(at.getTime());
    tick();
  }

  const today = computed<IsoDate>(() => dayOf(now.value));
  const month = computed<IsoMonth>(() => monthOf(now.value));

  return { now, today, month, tick, current, fix };
});
