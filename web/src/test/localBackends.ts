/**
 * Demo backends opened by a test file: `open` creates one (no sync channel, no storage, no scan
 * timer, unless the file's defaults or the call say otherwise) and waits until it is ready;
 * `close` disposes of one early (the next `open` on its database is a reload); whatever is still
 * open is disposed of after each test.
 */
import { afterEach } from 'vitest';
import { createLocalBackend, type LocalBackend, type LocalBackendOptions } from '@/backend/local';

export function useLocalBackends(defaults: LocalBackendOptions = {}): {
  open: (options?: LocalBackendOptions) => Promise<LocalBackend>;
  close: (backend: LocalBackend) => void;
} {
  const opened: LocalBackend[] = [];
  afterEach(() => opened.splice(0).forEach((backend) => backend.dispose()));
  return {
    async open(options = {}) {
      const backend = await createLocalBackend({ channel: null, storage: null, stallScanIntervalMs: null, ...defaults, ...options });
      await backend.ready();
      opened.push(backend);
      return backend;
    },
    close(backend) {
      backend.dispose();
      opened.splice(opened.indexOf(backend), 1);
    },
  };
}
