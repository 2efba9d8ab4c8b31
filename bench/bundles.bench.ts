/**
 * Bundle figures, read from the last build (the runner builds first, with Vite's manifest):
 * the gzip size of the local mode's initial JavaScript (the entry chunk and every chunk it
 * imports statically, i.e. what the browser fetches before any dynamic import), whether the
 * Firebase SDK and the chart library stay out of it, and the size and cold load time of the
 * Cloud Functions bundle.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { exactly, figure, median, progress, round, runSuite, under, type Figure } from './lib/figures';
import { BENCH_WEB_DIST, REPO_ROOT } from './lib/paths';

interface ManifestChunk {
  file: string;
  name?: string;
  src?: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
}
type Manifest = Record<string, ManifestChunk>;

const WEB_DIST = BENCH_WEB_DIST;
const FUNCTIONS_BUNDLE = join(REPO_ROOT, 'functions', 'lib', 'index.js');

/** Module paths of a lazily loaded library, and text its minified code always carries. */
const LAZY_LIBRARIES = [
  { id: 'firebase', label: 'Firebase SDK', paths: /node_modules\/(firebase|@firebase)\//, marker: /@firebase\/(app|firestore|auth)/ },
  { id: 'echarts', label: 'echarts', paths: /node_modules\/(echarts|zrender)\//, marker: /zrender|echarts\/lib/ },
];

function readManifest(): Manifest {
  const path = join(WEB_DIST, '.vite', 'manifest.json');
  if (!existsSync(path)) throw new Error(`${path} is missing: build with \`npm run build -w web -- --manifest\` (the runner does).`);
  return JSON.parse(readFileSync(path, 'utf8')) as Manifest;
}

/** The entry and everything it imports statically, transitively. */
function initialChunks(manifest: Manifest): ManifestChunk[] {
  const entryKey = Object.keys(manifest).find((key) => manifest[key]?.isEntry && key.endsWith('index.html'));
  if (!entryKey) throw new Error('the manifest names no index.html entry');
  const seen = new Set<string>();
  const visit = (key: string): void => {
    if (seen.has(key) || !manifest[key]) return;
    seen.add(key);
    for (const imported of manifest[key].imports ?? []) visit(imported);
  };
  visit(entryKey);
  return [...seen].map((key) => manifest[key] as ManifestChunk);
}

function gzipBytes(file: string): number {
  return gzipSync(readFileSync(join(WEB_DIST, file)), { level: 9 }).length;
}

/** Source files bundled into a chunk, from its source map when there is one. */
function sourcesOf(file: string): string[] | null {
  const map = join(WEB_DIST, `${file}.map`);
  if (!existsSync(map)) return null;
  return (JSON.parse(readFileSync(map, 'utf8')) as { sources?: string[] }).sources ?? [];
}

/** Chunks of the initial load that carry a library, by source map or else by its marker text. */
function initialChunksWith(chunks: ManifestChunk[], library: (typeof LAZY_LIBRARIES)[number]): string[] {
  return chunks
    .filter((chunk) => {
      const sources = sourcesOf(chunk.file);
      if (sources) return sources.some((source) => library.paths.test(source.replace(/\\/g, '/')));
      return library.marker.test(readFileSync(join(WEB_DIST, chunk.file), 'utf8'));
    })
    .map((chunk) => chunk.file);
}

/** Whether some chunk of the build carries the library at all (else "not in the initial load" proves nothing). */
function builtSomewhere(manifest: Manifest, library: (typeof LAZY_LIBRARIES)[number]): boolean {
  return Object.values(manifest).some((chunk) => {
    if (!chunk.file.endsWith('.js')) return false;
    const sources = sourcesOf(chunk.file);
    if (sources) return sources.some((source) => library.paths.test(source.replace(/\\/g, '/')));
    return library.marker.test(readFileSync(join(WEB_DIST, chunk.file), 'utf8'));
  });
}

function webFigures(): Figure[] {
  const manifest = readManifest();
  const chunks = initialChunks(manifest);
  const jsFiles = chunks.map((chunk) => chunk.file).filter((file) => file.endsWith('.js'));
  const initialGzip = jsFiles.reduce((sum, file) => sum + gzipBytes(file), 0);
  const cssFiles = [...new Set(chunks.flatMap((chunk) => chunk.css ?? []))];
  const cssGzip = cssFiles.reduce((sum, file) => sum + gzipBytes(file), 0);
  const figures = [
    figure('bundle.initialJs.kbGzip', 'web: initial JS of the local mode (entry + static imports, gzip)', round(initialGzip / 1024, 1), 'KB', under(150), `${jsFiles.length} chunks`),
    figure('bundle.initialCss.kbGzip', 'web: initial CSS (gzip)', round(cssGzip / 1024, 1), 'KB', undefined, `${cssFiles.length} files`),
  ];
  for (const library of LAZY_LIBRARIES) {
    if (!builtSomewhere(manifest, library)) throw new Error(`no chunk of the build carries ${library.label}: the check would prove nothing`);
    const carriers = initialChunksWith(chunks, library);
    figures.push(
      figure(
        `bundle.initial.${library.id}Chunks`,
        `web: initial chunks carrying ${library.label} (lazy chunks only)`,
        carriers.length,
        'chunks',
        exactly(0),
        carriers.length ? carriers.join(', ') : undefined,
      ),
    );
  }
  return figures;
}

function functionFigures(): Figure[] {
  if (!existsSync(FUNCTIONS_BUNDLE)) throw new Error(`${FUNCTIONS_BUNDLE} is missing: build with \`npm run build -w functions\` (the runner does).`);
  const bytes = statSync(FUNCTIONS_BUNDLE).size;
  const script = `const t=performance.now();require(${JSON.stringify(FUNCTIONS_BUNDLE)});process.stdout.write(String(performance.now()-t))`;
  const times: number[] = [];
  for (let run = 0; run < 5; run += 1) {
    // A fresh process each time: a cold load, as a new function instance sees it.
    times.push(Number(execFileSync(process.execPath, ['-e', script], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, GCLOUD_PROJECT: 'demo-clearway' } })));
  }
  return [
    figure('functions.bundle.kb', 'functions: lib/index.js size', round(bytes / 1024, 1), 'KB', undefined, `gzip ${round(gzipSync(readFileSync(FUNCTIONS_BUNDLE)).length / 1024, 1)} KB`),
    figure('functions.coldLoad.ms', 'functions: cold load of lib/index.js (median of 5)', round(median(times), 1), 'ms', undefined, times.map((t) => t.toFixed(0)).join(', ')),
  ];
}

await runSuite('bundles', async () => {
  progress('bundles: reading web/dist and functions/lib');
  return [...webFigures(), ...functionFigures()];
});
