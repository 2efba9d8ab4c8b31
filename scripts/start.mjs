// `npm start`: the team server on the embedded database, as a new user would run it.
// Installs the workspace if needed, builds the web app and the server when their sources are
// newer than the builds, then runs the server in this process (Ctrl+C stops it cleanly).
// Environment: see server/src/config.ts (HOST=0.0.0.0 serves the office network, PORT, DATABASE_URL…).
// With CLEARWAY_WEB_DIST set the server serves that folder, so the web app here is not built.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** What the web build is made from (the shared core is bundled into it). */
export const WEB_SOURCES = ['web/src', 'web/index.html', 'web/public', 'web/vite.config.ts', 'web/package.json', 'core/src', 'package-lock.json'];

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry === 'dist') continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/** Whether web/dist under `root` is missing or older than any of its sources. */
export function webBuildIsStale(root = REPO_ROOT) {
  const webIndex = join(root, 'web', 'dist', 'index.html');
  const sources = Math.max(...WEB_SOURCES.map((path) => newestMtime(join(root, path))));
  return !existsSync(webIndex) || statSync(webIndex).mtimeMs < sources;
}

/**
 * Start's steps; each can be replaced (tests run them in a folder of their own).
 * Returns what it did: whether the web app was built and which server entry it launched.
 */
export async function start({
  root = REPO_ROOT,
  env = process.env,
  install = () => import('./ensure-install.mjs'),
  run = (command) => execSync(command, { cwd: root, stdio: 'inherit' }),
  buildServer = async () => (await import('./build-server.mjs')).buildServer(),
  launch = (entry) => import(pathToFileURL(entry).href),
  log = (line) => console.log(line),
} = {}) {
  await install();
  let builtWeb = false;
  if (!env.CLEARWAY_WEB_DIST?.trim() && webBuildIsStale(root)) {
    log('[clearway] building the web app (npm run build -w web)…');
    run('npm run build -w web');
    builtWeb = true;
  }
  await buildServer();
  const entry = join(root, 'server', 'dist', 'main.mjs');
  await launch(entry);
  return { builtWeb, entry };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await start();
}
