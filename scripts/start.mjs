// `npm start`: the team server on the embedded database, as a new user would run it.
// Installs the workspace if needed, builds the web app and the server when their sources are
// newer than the builds, then runs the server in this process (Ctrl+C stops it cleanly).
// Environment: see server/src/config.ts (HOST=0.0.0.0 serves the office network, PORT, DATABASE_URL…).
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
await import('./ensure-install.mjs');

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

const webIndex = join(root, 'web', 'dist', 'index.html');
const webSources = Math.max(
  ...['web/src', 'web/index.html', 'web/public', 'web/vite.config.ts', 'web/package.json', 'core/src', 'package-lock.json'].map((path) => newestMtime(join(root, path))),
);
if (!existsSync(webIndex) || statSync(webIndex).mtimeMs < webSources) {
  console.log('[clearway] building the web app (npm run build -w web)…');
  execSync('npm run build -w web', { cwd: root, stdio: 'inherit' });
}

const { buildServer } = await import('./build-server.mjs');
await buildServer();
await import(pathToFileURL(join(root, 'server', 'dist', 'main.mjs')).href);
