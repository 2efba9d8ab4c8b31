/**
 * The one-writer lock of the local backend: every command of every tab of this origin runs inside
 * it (read what other tabs committed, execute, persist), so a second tab's command always sees the
 * first one's result. The browser's Web Locks API (`navigator.locks`) provides it across tabs and
 * frees it when a tab closes or crashes. Where the API is missing (old browsers, happy-dom in the
 * tests) an in-page queue stands in: it serialises the backends of one page (tests open several
 * against one IndexedDB to play tabs), and the IndexedDB head check catches a commit from another
 * tab that slipped past it.
 */
export const WRITER_LOCK_NAME = 'clearway-local-writer';

export interface WriterLock {
  /** Web Locks across tabs, or the in-page stand-in. */
  readonly kind: 'web-locks' | 'in-page';
  run<T>(task: () => Promise<T>): Promise<T>;
}

interface LockManagerLike {
  request<T>(name: string, options: { mode: 'exclusive' }, callback: () => Promise<T>): Promise<T>;
}

const inPageQueues = new Map<string, Promise<unknown>>();

/** A FIFO of tasks in this page, one at a time (a queue of promises: nothing to install). */
export function inPageLock(name: string = WRITER_LOCK_NAME): WriterLock {
  return {
    kind: 'in-page',
    run<T>(task: () => Promise<T>): Promise<T> {
      const previous = inPageQueues.get(name) ?? Promise.resolve();
      const result = previous.then(task, task);
      inPageQueues.set(
        name,
        result.then(
          () => undefined,
          () => undefined,
        ),
      );
      return result;
    },
  };
}

export function webWriterLock(name: string = WRITER_LOCK_NAME): WriterLock {
  const locks = (globalThis.navigator as { locks?: LockManagerLike | null } | undefined)?.locks;
  if (!locks || typeof locks.request !== 'function') return inPageLock(name);
  return {
    kind: 'web-locks',
    run: (task) => locks.request(name, { mode: 'exclusive' }, task),
  };
}
