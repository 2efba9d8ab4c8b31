#!/usr/bin/env node
// `npm run bench`: builds the app (with Vite's manifest) and the functions, runs each suite in its
// own process, prints one line per figure (name, value, budget, OK/MISS, previous value) and
// writes .bench/latest.json (the last run moves to .bench/previous.json first). Exits non-zero
// naming every missed budget.
//
//   npm run bench                      all suites
//   npm run bench -- --only core,board one or more of: core, firestore, bundles, board, server, ledger
//   npm run bench -- --skip-build      reuse .bench/web-dist and functions/lib as they are
//   BENCH_DIR=/tmp/mine npm run bench  another output folder, so two checkouts' runs (or two people
//                                      on one machine) do not build into each other's app folder
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const OUT_DIR = process.env.BENCH_DIR ? resolve(process.env.BENCH_DIR) : join(ROOT, '.bench');
// Inside the checkout either way: the bundled suites import playwright-core and pg from node_modules.
const CACHE_DIR = join(ROOT, 'node_modules', '.cache', 'clearway', process.env.BENCH_DIR ? `bench-${basename(OUT_DIR)}` : 'bench');
// The bench builds the app into its own folder: the tests rebuild web/dist whenever they run,
// and a build that empties web/dist under a running benchmark (or the reverse) breaks both.
const WEB_DIST = join(OUT_DIR, 'web-dist');
const SUITES = ['core', 'firestore', 'bundles', 'board', 'server', 'ledger'];
// Node packages the suites load at run time rather than bundle (native pieces, large SDKs).
const EXTERNAL = ['firebase-admin', 'firebase-admin/*', 'firebase-functions', 'firebase-functions/*', '@firestore-emulator/server', 'playwright-core', 'pg', 'pg-native', 'ws'];

function parseArgs(argv) {
  const options = { only: SUITES, skipBuild: false };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--skip-build') options.skipBuild = true;
    else if (arg === '--only' || arg.startsWith('--only=')) {
      const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[(i += 1)];
      options.only = String(value ?? '').split(',').map((name) => name.trim()).filter(Boolean);
      const unknown = options.only.filter((name) => !SUITES.includes(name));
      if (unknown.length) throw new Error(`unknown suite(s) ${unknown.join(', ')}; choose from ${SUITES.join(', ')}`);
    } else throw new Error(`unknown option ${arg}`);
  }
  return options;
}

function run(command, args, label) {
  const started = Date.now();
  process.stderr.write(`[bench] ${label}…\n`);
  const result = spawnSync(command, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'], env: process.env });
  if (result.status !== 0) throw new Error(`${label} failed (exit ${result.status})`);
  process.stderr.write(`[bench] ${label} done in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
}

async function bundleSuites(names) {
  mkdirSync(CACHE_DIR, { recursive: true });
  await build({
    entryPoints: Object.fromEntries(names.map((name) => [name, join(ROOT, 'bench', `${name}.bench.ts`)])),
    outdir: CACHE_DIR,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: EXTERNAL,
    // Bundled CommonJS (zod, dayjs, exceljs) may call require(); give the ESM output one.
    banner: { js: "import { createRequire as __benchRequire } from 'node:module'; const require = __benchRequire(import.meta.url);" },
    logLevel: 'warning',
  });
}

function runSuite(name) {
  const out = join(CACHE_DIR, `${name}.figures.json`);
  rmSync(out, { force: true });
  const started = Date.now();
  process.stderr.write(`[bench] suite ${name}…\n`);
  const result = spawnSync(process.execPath, [join(CACHE_DIR, `${name}.mjs`)], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, BENCH_OUT: out, BENCH_WEB_DIST: WEB_DIST },
  });
  process.stderr.write(`[bench] suite ${name} finished in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
  if (result.status !== 0 || !existsSync(out)) return { figures: [], error: `suite ${name} failed (exit ${result.status})` };
  return { figures: JSON.parse(readFileSync(out, 'utf8')), error: null };
}

function holds(figure) {
  if (!figure.budget || !Number.isFinite(figure.value)) return figure.budget ? false : null;
  const { op, limit } = figure.budget;
  if (op === '<') return figure.value < limit;
  if (op === '<=') return figure.value <= limit;
  return figure.value === limit;
}

const BUDGET_TEXT = { '<': '<', '<=': '≤', '==': '=' };

function formatValue(value, unit) {
  if (value === undefined || value === null || Number.isNaN(value)) return '—';
  const text = Number.isInteger(value) ? value.toLocaleString('en') : String(value);
  return unit ? `${text} ${unit}` : text;
}

function printTable(figures, previous) {
  const rows = figures.map((figure) => {
    const before = previous.get(figure.id);
    return [
      figure.label,
      formatValue(figure.value, figure.unit),
      figure.budget ? `${BUDGET_TEXT[figure.budget.op]} ${formatValue(figure.budget.limit, figure.unit)}` : '—',
      figure.ok === null ? 'info' : figure.ok ? 'OK' : 'MISS',
      before ? `prev ${formatValue(before.value, before.unit)}` : '',
    ];
  });
  const widths = [0, 1, 2, 3].map((column) => Math.max(...rows.map((row) => row[column].length), 0));
  for (const row of rows) {
    const line = row.slice(0, 4).map((cell, column) => (column === 1 ? cell.padStart(widths[column]) : cell.padEnd(widths[column])));
    console.log(`${line.join('  ')}  ${row[4]}`.trimEnd());
  }
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const needsWeb = options.only.some((name) => name === 'bundles' || name === 'board');
  const needsFunctions = options.only.includes('bundles');
  if (!options.skipBuild) {
    if (needsWeb) {
      run('npm', ['run', 'build', '-w', 'web', '--', '--manifest', '--sourcemap', 'hidden', '--outDir', WEB_DIST, '--emptyOutDir'], `building the app into ${WEB_DIST} (with manifest)`);
    }
    if (needsFunctions) run('npm', ['run', 'build', '-w', 'functions'], 'building functions/lib');
    // The server suite runs the bundle `npm start` runs, as a process of its own.
    // The board suite times the team server too.
    if (options.only.includes('server') || options.only.includes('board')) run('node', ['scripts/build-server.mjs'], 'building the server bundle (server/dist)');
  }
  await bundleSuites(options.only);

  mkdirSync(OUT_DIR, { recursive: true });
  const latestPath = join(OUT_DIR, 'latest.json');
  const previousPath = join(OUT_DIR, 'previous.json');
  if (existsSync(latestPath)) renameSync(latestPath, previousPath);
  const last = existsSync(previousPath) ? JSON.parse(readFileSync(previousPath, 'utf8')) : { figures: [], carried: [] };
  // The last value of every figure: what the last run measured, then what it carried over.
  const lastFigures = [...(last.figures ?? []), ...(last.carried ?? [])].filter(
    (figure, index, all) => all.findIndex((other) => other.id === figure.id) === index,
  );
  const previous = new Map(lastFigures.map((figure) => [figure.id, figure]));

  const figures = [];
  const failures = [];
  for (const name of SUITES.filter((suite) => options.only.includes(suite))) {
    const { figures: found, error } = runSuite(name);
    if (error) failures.push(error);
    for (const figure of found) figures.push({ ...figure, suite: name, ok: holds(figure) });
  }

  writeFileSync(
    latestPath,
    `${JSON.stringify(
      {
        at: new Date().toISOString(),
        machine: { cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', loadAverage: loadavg().map((n) => Number(n.toFixed(2))), node: process.version },
        suites: options.only,
        figures,
        // Figures this run did not measure (other suites, or a suite that failed) keep their last
        // value, so the next run has them beside it.
        carried: lastFigures.filter((figure) => !figures.some((measured) => measured.id === figure.id)),
        failures,
      },
      null,
      2,
    )}\n`,
  );

  console.log('');
  printTable(figures, previous);
  console.log(`\n[bench] ${figures.length} figures in ${latestPath} (load average ${loadavg().map((n) => n.toFixed(1)).join(' ')} on ${cpus().length} CPUs)`);
  const missed = figures.filter((figure) => figure.ok === false);
  if (missed.length || failures.length) {
    for (const figure of missed) {
      console.error(`[bench] MISS ${figure.label}: ${formatValue(figure.value, figure.unit)}, budget ${BUDGET_TEXT[figure.budget.op]} ${formatValue(figure.budget.limit, figure.unit)}`);
    }
    for (const failure of failures) console.error(`[bench] FAIL ${failure}`);
    process.exit(1);
  }
  console.log('[bench] every budget holds');
}

main().catch((error) => {
  console.error(`[bench] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
