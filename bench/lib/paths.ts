/** The checkout root, found upwards from the running file (suites run bundled from a cache folder). */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRepoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'bench', 'run.mjs'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the repository root (a folder with bench/run.mjs)');
    dir = parent;
  }
  return resolve(dir);
}

export const REPO_ROOT = findRepoRoot();

/** The app as the runner built it for the benchmark (see bench/run.mjs), else `.bench/web-dist`. */
export const BENCH_WEB_DIST = process.env.BENCH_WEB_DIST ?? join(REPO_ROOT, '.bench', 'web-dist');
