import { defineConfig, type Plugin } from 'vite';
import vue from '@vitejs/plugin-vue';
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
 * vue-i18n looks up `currentInstance` with `key in Vue` on `import * as Vue from 'vue'` (a guard for
 * a future Vue). That dynamic use keeps the whole namespace, every export of Vue, in the first load
 * (about 11 KB gzip). Vue 3.5 has no such export, so the lookup always ends in `getCurrentInstance()`:
 * call it directly. A vue-i18n whose code differs gets a build warning and is left as it is.
 */
function vueI18nWithoutVueNamespace(): Plugin {
  const LOOKUP = /if \(key in Vue\) \{\s*return Vue\[key\];\s*\}\s*else \{\s*return Vue\.getCurrentInstance\(\);\s*\}/;
  return {
    name: 'clearway:vue-i18n-without-vue-namespace',
    transform: {
      filter: { id: /[\\/]vue-i18n[\\/]dist[\\/]vue-i18n\.runtime\.mjs$/ },
      handler(code) {
        if (!LOOKUP.test(code)) {
          this.warn('vue-i18n no longer reads `currentInstance` as expected: every export of Vue may be bundled (see vite.config.ts)');
          return null;
        }
        return { code: code.replace(LOOKUP, 'return Vue.getCurrentInstance();'), map: null };
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
    vueI18nWithoutVueNamespace(),
    vue(),
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
      // The build without vue-i18n's message compiler: src/i18n/compileMessage.ts compiles our messages.
      { find: /^vue-i18n$/, replacement: 'vue-i18n/dist/vue-i18n.runtime.esm-bundler.js' },
    ],
  },
  define: {
    // vue-i18n's feature flags: no compiler (see above), no legacy API, no global <i18n-t>/v-t, no devtools.
    __INTLIFY_DROP_MESSAGE_COMPILER__: true,
    __VUE_I18N_LEGACY_API__: false,
    __VUE_I18N_FULL_INSTALL__: false,
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
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            ...LAZY_VENDOR_GROUPS.map((group) => ({ ...group, priority: 20, includeDependenciesRecursively: false })),
            { name: 'vue', test: /node_modules[\\/](@vue|vue|vue-router|pinia|vue-i18n|@intlify)[\\/]/, priority: 10 },
          ],
        },
      },
    },
  },
});
