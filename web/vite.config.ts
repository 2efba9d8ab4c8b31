import { defineConfig, type Plugin } from 'vite';
import vue from '@vitejs/plugin-vue';
import VueI18nPlugin from '@intlify/unplugin-vue-i18n/vite';
import Components from 'unplugin-vue-components/vite';
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Element Plus is resolved per component (only what a template uses is bundled, with its CSS).
 * The Firebase SDK, the chart library and the Excel writer sit behind dynamic imports and land in
 * their own chunks, so the first load in local mode downloads none of them.
 */
const LAZY_VENDOR_GROUPS: { name: string; test: RegExp }[] = [
  { name: 'firebase', test: /node_modules[\\/](firebase|@firebase|re2js)[\\/]/ },
  { name: 'charts', test: /node_modules[\\/](echarts|zrender|vue-echarts)[\\/]/ },
  { name: 'exceljs', test: /node_modules[\\/]exceljs[\\/]/ },
  // tslib is shared by echarts/zrender and @firebase: its own chunk, else it lands in whichever lazy
  // chunk imports it first and the charts chunk imports it back (a cycle: "extends is not a function").
  { name: 'tslib', test: /node_modules[\\/]tslib[\\/]/ },
];

/**
 * vue-i18n reads `currentInstance` with `key in Vue` on `import * as Vue from 'vue'` (a guard for a
 * future Vue). A namespace read with a computed key keeps every export of Vue in the first load
 * (about 11 KB gzip). Here vue-i18n's `vue` is a module that re-exports only the names its code
 * names (its named imports and `Vue.x` reads, found in its syntax tree): Vue 3.5 has no
 * `currentInstance`, so the guard answers as before and reaches `getCurrentInstance()`. A name
 * vue-i18n starts to use is found the same way; nothing is listed by hand.
 */
function vueI18nWithNamedVueImports(): Plugin {
  const SHIM = '\0vue-for-vue-i18n:';
  type Node = { type?: string; [key: string]: unknown };
  const namesOfVue = (program: Node): string[] => {
    const names = new Set<string>();
    const namespaces = new Set<string>();
    const members: { object: string; property: string }[] = [];
    const visit = (node: unknown): void => {
      if (!node || typeof node !== 'object') return;
      if (Array.isArray(node)) return node.forEach(visit);
      const n = node as Node;
      if (n.type === 'ImportDeclaration' && (n.source as { value: string }).value === 'vue') {
        for (const spec of n.specifiers as Node[]) {
          if (spec.type === 'ImportSpecifier') names.add((spec.imported as { name: string }).name);
          if (spec.type === 'ImportNamespaceSpecifier') namespaces.add((spec.local as { name: string }).name);
        }
      }
      if (n.type === 'MemberExpression' && !n.computed && (n.object as Node).type === 'Identifier') {
        members.push({ object: (n.object as { name: string }).name, property: (n.property as { name: string }).name });
      }
      for (const value of Object.values(n)) visit(value);
    };
    visit(program);
    for (const { object, property } of members) if (namespaces.has(object)) names.add(property);
    return [...names].sort();
  };
  return {
    name: 'clearway:vue-i18n-named-vue-imports',
    apply: 'build',
    enforce: 'pre',
    resolveId: {
      // `vue` as written, or as the alias below has already rewritten it.
      filter: { id: /^vue(?:\/dist\/vue\.runtime\.esm-bundler\.js)?$/ },
      handler(_source, importer) {
        if (importer && !importer.startsWith(SHIM) && /[\\/]vue-i18n[\\/]dist[\\/][^\\/]+\.mjs$/.test(importer)) return SHIM + importer;
        return null;
      },
    },
    load(id) {
      if (!id.startsWith(SHIM)) return null;
      const importer = id.slice(SHIM.length);
      const names = namesOfVue(this.parse(readFileSync(importer, 'utf8')) as unknown as Node);
      return `export { ${names.join(', ')} } from 'vue';`;
    },
  };
}

/**
 * SortableJS only moves cards, so it need not hold up their first paint: vuedraggable's
 * `sortablejs` resolves to src/components/common/lazySortable.ts, which fetches the real one.
 */
function sortableOutOfFirstLoad(): Plugin {
  const lazySortable = fileURLToPath(new URL('./src/components/common/lazySortable.ts', import.meta.url));
  return {
    name: 'clearway:sortable-out-of-first-load',
    apply: 'build',
    enforce: 'pre',
    resolveId: {
      filter: { id: /^sortablejs$/ },
      handler(_source, importer) {
        return importer && /[\\/]vuedraggable[\\/]/.test(importer) ? lazySortable : null;
      },
    },
  };
}

/**
 * el-button derives the shades of a custom `color` with @ctrl/tinycolor (about 5 KB gzip of the
 * first load, as every page shows buttons). No button here sets `color` (the build fails on a
 * template that does), so the button's import of it gets a stand-in that says so if reached.
 */
function buttonsWithoutCustomColor(): Plugin {
  const STAND_IN = '\0clearway:button-without-custom-color';
  return {
    name: 'clearway:buttons-without-custom-color',
    apply: 'build',
    enforce: 'pre',
    resolveId: {
      filter: { id: /^@ctrl\/tinycolor$/ },
      handler(_source, importer) {
        return importer && /[\\/]element-plus[\\/]es[\\/]components[\\/]button[\\/]/.test(importer) ? STAND_IN : null;
      },
    },
    load(id) {
      if (id !== STAND_IN) return null;
      return `export class TinyColor { constructor() { throw new Error("el-button's color prop is not built in (buttonsWithoutCustomColor in vite.config.ts)"); } }`;
    },
    transform: {
      filter: { id: /\.vue$/ },
      handler(code, id) {
        if (/<el-button\b[^>]*\s(?::|v-bind:)?color=/.test(code)) this.error(`${id}: an el-button sets \`color\`, which this build leaves out (buttonsWithoutCustomColor in vite.config.ts)`);
        return null;
      },
    },
  };
}

/**
 * The style entry of every Element Plus component the templates use, read from the declarations
 * unplugin-vue-components writes (src/components.d.ts), so a component added to a template is
 * declared to the dependency optimiser without anyone listing it (Vite's globs do not expand here).
 */
function elementPlusStylesInTemplates(): string[] {
  const declarations = readFileSync(fileURLToPath(new URL('./src/components.d.ts', import.meta.url)), 'utf8');
  const elementPlusDir = dirname(createRequire(import.meta.url).resolve('element-plus/package.json'));
  const folders = [...declarations.matchAll(/\bEl([A-Z]\w*): typeof import\('element-plus\/es'\)/g)].map((match) =>
    match[1]!.replace(/[A-Z]/g, (letter, index: number) => (index ? '-' : '') + letter.toLowerCase()),
  );
  return [...new Set(folders)]
    .filter((folder) => existsSync(join(elementPlusDir, 'es', 'components', folder, 'style', 'css.mjs')))
    .map((folder) => `element-plus/es/components/${folder}/style/css`);
}

export default defineConfig({
  plugins: [
    vueI18nWithNamedVueImports(),
    sortableOutOfFirstLoad(),
    buttonsWithoutCustomColor(),
    vue(),
    // The message files (src/i18n/locales/<locale>/*.ts, each `export default {…}`) are compiled at
    // build time, so the app gets vue-i18n's runtime-only build: no message compiler, no eval. A
    // message it cannot read (or with HTML) fails the build; messageSyntax.test.ts says so first.
    VueI18nPlugin({
      include: [fileURLToPath(new URL('./src/i18n/locales/**', import.meta.url))],
      compositionOnly: true,
      fullInstall: false,
      dropMessageCompiler: true,
    }),
    Components({
      dirs: [],
      resolvers: [ElementPlusResolver({ importStyle: 'css' })],
      dts: 'src/components.d.ts',
    }),
  ],
  resolve: {
    alias: [
      { find: '@', replacement: fileURLToPath(new URL('./src', import.meta.url)) },
      // vuedraggable ships CommonJS whose `require('vue')` would resolve to Vue's full CJS build,
      // template compiler included (~70 KB); every other import already gets this runtime build.
      { find: /^vue$/, replacement: 'vue/dist/vue.runtime.esm-bundler.js' },
      // Its ES source instead of the UMD bundle, which carries core-js polyfills (~100 KB before minifying).
      { find: /^vuedraggable$/, replacement: 'vuedraggable/src/vuedraggable.js' },
    ],
  },
  define: {
    // The plugin sets vue-i18n's other flags (legacy API, global components, message compiler).
    __INTLIFY_PROD_DEVTOOLS__: false,
  },
  server: { port: 5173, strictPort: false },
  optimizeDeps: {
    // Element Plus is imported per component by unplugin-vue-components while a file is transformed,
    // which the dependency scan at start-up does not see: each style it finds late re-bundles the
    // dependencies and reloads the open page (twice on a first start). Declared here, they are
    // bundled once, before the first page is served.
    include: ['element-plus/es', 'element-plus/es/components/message-box/index.mjs', ...elementPlusStylesInTemplates()],
  },
  build: {
    target: 'es2022',
    // A browser without `modulepreload` (Safari before 17, Firefox before 115) only ignores the links
    // and still loads every import, so the polyfill is not worth its place in the first load.
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            ...LAZY_VENDOR_GROUPS.map((group) => ({ ...group, priority: 20, includeDependenciesRecursively: false })),
            { name: 'vue', test: /node_modules[\\/](@vue|vue|vue-router|pinia|vue-i18n|@intlify)[\\/]/, priority: 10 },
            // Everything else the entry imports statically in one chunk: left to itself rolldown cuts
            // the first load into a dozen small chunks that compress worse (about 4 KB gzip more).
            { name: 'first-load', tags: ['$initial'], priority: 5 },
          ],
        },
      },
    },
  },
});
