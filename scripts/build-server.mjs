// Bundles the team server (server/src/main.ts and its command-line tools) into server/dist/*.mjs
// with esbuild when a source is newer than the bundle, so Node 20 runs it with nothing else to
// install. The workspace's own packages (@clearway/core, TypeScript sources) are bundled; every
// other package stays external and loads from node_modules (PGlite finds its wasm files there,
// @node-rs/argon2 its native binary).
//
//   node scripts/build-server.mjs            build what is stale
//   node scripts/build-server.mjs --force    build anyway
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = join(root, 'server', 'dist');
export const SERVER_ENTRIES = {
  main: 'server/src/main.ts',
  makeAdmin: 'server/src/cli/makeAdmin.ts',
  backup: 'server/src/cli/backup.ts',
  restore: 'server/src/cli/restore.ts',
};

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

function isStale(entries) {
  const sources = Math.max(newestMtime(join(root, 'server', 'src')), newestMtime(join(root, 'core', 'src')), newestMtime(join(root, 'package-lock.json')));
  return Object.keys(entries).some((name) => {
    const out = join(outDir, `${name}.mjs`);
    return !existsSync(out) || statSync(out).mtimeMs < sources;
  });
}

/** Bare imports are external except the workspace's own packages. */
const externalPackages = {
  name: 'external-packages',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('@clearway/')) return undefined;
      if (args.path.startsWith('node:')) return { path: args.path, external: true };
      return { path: args.path, external: true };
    });
  },
};

export async function buildServer({ force = false } = {}) {
  const entries = Object.fromEntries(Object.entries(SERVER_ENTRIES).filter(([, file]) => existsSync(join(root, file))));
  if (!force && !isStale(entries)) return false;
  const { build } = await import('esbuild');
  const started = Date.now();
  await build({
    entryPoints: Object.fromEntries(Object.entries(entries).map(([name, file]) => [name, join(root, file)])),
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    plugins: [externalPackages],
    logLevel: 'warning',
  });
  console.log(`[clearway] built the server into ${relative(root, outDir)} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildServer({ force: process.argv.includes('--force') });
}
