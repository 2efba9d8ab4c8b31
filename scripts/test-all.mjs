// The one test command (README, .ci/run): lint, type checks, unit + component tests, then
// integration and browser tests. Stops at the first failing step and names it.
import { spawnSync } from 'node:child_process';

const steps = [
  ['lint', 'npx', ['eslint', '.', '--max-warnings=0']],
  ['typecheck', 'npm', ['run', 'typecheck']],
  ['chromium', 'node', ['scripts/ensure-chromium.mjs']],
  ['build', 'npm', ['run', 'build']],
  ['unit and component tests', 'npx', ['vitest', 'run', '--project', 'core', '--project', 'web', '--project', 'functions']],
  ['postgresql', 'node', ['scripts/ensure-postgres.mjs']],
  ['team server tests (PGlite and a PostgreSQL cluster of their own)', 'npx', ['vitest', 'run', '--project', 'server']],
  ['integration tests (Auth + Functions emulators, Firestore protocol server)', 'npx', ['vitest', 'run', '--project', 'integration']],
  ['browser tests (Chromium)', 'npx', ['vitest', 'run', '--project', 'e2e']],
  ['Firebase-mode browser tests (Chromium, emulators, WebChannel bridge)', 'npx', ['vitest', 'run', '--project', 'e2e-firebase']],
];

for (const [name, cmd, args] of steps) {
  const started = Date.now();
  console.log(`\n[clearway] ▶ ${name}`);
  const result = spawnSync(cmd, args, { stdio: 'inherit', env: process.env });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    console.error(`\n[clearway] ✖ ${name} failed after ${seconds}s`);
    process.exit(result.status ?? 1);
  }
  console.log(`[clearway] ✔ ${name} (${seconds}s)`);
}
