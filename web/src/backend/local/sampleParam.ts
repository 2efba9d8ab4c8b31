/**
 * `?sample=N` on the local backend: a generated workspace of N projects, for the benchmark and
 * for trying the board at scale. It lives in its own IndexedDB database (`clearway-sample-N`),
 * so the user's own workspace is never touched, and a reload keeps it. The Firebase backend
 * ignores the parameter.
 */
import type { LocalBackendOptions } from './index';

export const MAX_SAMPLE_PROJECTS = 20_000;

/** The requested number of projects, or null when the parameter is absent or not a sane count. */
export function sampleSizeOf(search: string): number | null {
  const raw = new URLSearchParams(search).get('sample');
  if (raw === null || !/^\d{1,5}$/.test(raw)) return null;
  const size = Number(raw);
  return size >= 1 && size <= MAX_SAMPLE_PROJECTS ? size : null;
}

export function sampleOptionsOf(search: string): Pick<LocalBackendOptions, 'dbName' | 'sample'> {
  const size = sampleSizeOf(search);
  if (size === null) return {};
  return {
    dbName: `clearway-sample-${size}`,
    // The generator is fetched only when the database is new (see ./sample).
    sample: async (now) => (await import('./sample')).createSampleWorkspace({ now, projects: size }),
  };
}
