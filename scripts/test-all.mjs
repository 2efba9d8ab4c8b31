// The one test command (README, .ci/run): lint, type checks, unit + component tests, then
// integration and browser tests. Stops at the first failing step and names it.
import { spawnSync } from 'node:child_process';

const steps = [
  ['lint', 'npx', ['eslint', '.', '--max-warnings=0']],
  ['typecheck', 'npm', ['run', 'typecheck']],
  ['chromium', 'node', ['scripts/ensure-chromium.mjs']],
  ['build', 'npm', ['run', 'build']],
  ['tests', 'npx', ['vitest', 'run']],
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
