// `npm run test:rules`: firestore.rules on the OFFICIAL Firestore emulator with
// @firebase/rules-unit-testing. Needs Java 21+ and network on first use (firebase-tools downloads
// the emulator jar). `npm test` runs the offline checks of the rules text instead.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

function javaMajor() {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (result.error) return null;
  const match = /version "(\d+)/.exec(`${result.stderr}${result.stdout}`);
  return match ? Number(match[1]) : null;
}

const major = javaMajor();
if (major === null || major < 21) {
  console.error(
    `[test:rules] The official Firestore emulator needs Java 21 or newer (found: ${major ?? 'none'}).\n` +
      '  Install a JDK 21 (e.g. Temurin 21) and make sure this machine can download the emulator,\n' +
      '  then run `npm run test:rules` again.',
  );
  process.exit(1);
}

const result = spawnSync(
  'npx',
  [
    'firebase',
    'emulators:exec',
    '--only',
    'firestore',
    '--project',
    'demo-clearway-rules',
    'npx vitest run --config tests/integration/rules/vitest.rules.config.ts',
  ],
  { cwd: root, stdio: 'inherit', env: process.env },
);
process.exit(result.status ?? 1);
