// `npm run dev:firebase`: the app on the Firebase backend against local emulators, seeded with
// the sample workspace and one account per sample identity (password `clearway-demo`).
//
//   Firestore  the Firestore protocol server (@firestore-emulator/server, in this process) behind a
//              WebChannel bridge for the browser (functions/src/testing/webChannel), or the official
//              emulator with CLEARWAY_OFFICIAL_FIRESTORE=1 (Java 21 + a download on first use)
//   Auth, Functions  the firebase-tools emulators, running functions/lib (rebuilt when stale)
//   Web        the Vite dev server with VITE_FIREBASE_PROJECT_ID=demo-clearway and the emulator ports
//
// Ports: FIRESTORE_PORT (8080, gRPC), FIRESTORE_WEB_PORT (8081, the bridge browsers use), AUTH_PORT (9099),
// FUNCTIONS_PORT (5001). Ctrl-C stops everything.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const PROJECT_ID = 'demo-clearway';
const port = (name, fallback) => Number(process.env[name] ?? fallback);

spawnSync(process.execPath, [`${root}scripts/ensure-install.mjs`], { stdio: 'inherit' });

// The stack helpers are TypeScript (shared with the integration tests): bundle them for Node.
const cacheDir = `${root}node_modules/.cache/clearway`;
mkdirSync(cacheDir, { recursive: true });
const stackModule = `${cacheDir}/dev-firebase-stack.mjs`;
await build({
  stdin: {
    contents: `export * from './functions/src/testing/emulatorStack';\nexport * from './functions/src/testing/seedEmulators';\n`,
    resolveDir: root,
    loader: 'ts',
  },
  outfile: stackModule,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['firebase-admin', 'firebase-admin/*', 'firebase-functions', 'firebase-functions/*', '@firestore-emulator/server'],
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  logLevel: 'warning',
});
const { startEmulatorStack, seedEmulators, SAMPLE_PASSWORD } = await import(pathToFileURL(stackModule).href);

const officialFirestore = process.env.CLEARWAY_OFFICIAL_FIRESTORE === '1';
console.log(`[dev:firebase] starting ${officialFirestore ? 'the official Firestore emulator' : 'the Firestore protocol server'}, Auth and Functions emulators…`);
const stack = await startEmulatorStack({
  repoRoot: root,
  projectId: PROJECT_ID,
  officialFirestore,
  firestorePort: port('FIRESTORE_PORT', 8080),
  authPort: port('AUTH_PORT', 9099),
  functionsPort: port('FUNCTIONS_PORT', 5001),
  webChannelPort: port('FIRESTORE_WEB_PORT', 8081),
  log: process.env.CLEARWAY_EMULATOR_LOG ? (line) => console.log(`[emulators] ${line}`) : undefined,
});

const members = await seedEmulators(stack, { password: SAMPLE_PASSWORD });
console.log(`[dev:firebase] seeded the sample workspace; sign in with any of (password ${SAMPLE_PASSWORD}):`);
for (const member of members) console.log(`    ${member.email.padEnd(26)} ${member.role}${member.bankId ? ` (${member.bankId})` : ''}`);
console.log(`[dev:firebase] Firestore ${stack.firestoreHost} (browsers: ${stack.host}:${stack.browserFirestorePort})  Auth ${stack.authHost}  Functions ${stack.functionsBaseUrl}`);

// Vite itself (not through npm), so that stopping it stops the server.
const web = spawn(process.execPath, [`${root}node_modules/vite/bin/vite.js`, '--host', '127.0.0.1'], {
  cwd: `${root}web`,
  stdio: 'inherit',
  env: {
    ...process.env,
    VITE_FIREBASE_PROJECT_ID: PROJECT_ID,
    VITE_FIREBASE_EMULATOR_HOST: stack.host,
    VITE_FIREBASE_AUTH_EMULATOR_PORT: String(stack.authPort),
    VITE_FIREBASE_FIRESTORE_EMULATOR_PORT: String(stack.browserFirestorePort),
    VITE_FIREBASE_FUNCTIONS_EMULATOR_PORT: String(stack.functionsPort),
    VITE_FIREBASE_FUNCTIONS_REGION: stack.region,
  },
});

let stopping = false;
async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  console.log('\n[dev:firebase] stopping…');
  if (web.exitCode === null) web.kill('SIGTERM');
  await stack.stop();
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
web.on('exit', (code) => void shutdown(code ?? 0));
