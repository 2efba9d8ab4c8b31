import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import pluginVue from 'eslint-plugin-vue';
import globals from 'globals';

export default tseslint.config(
  {
    ignores: ['**/node_modules/**', '**/dist/**', '**/dist-*/**', '**/lib/**', '**/coverage/**', '.bench/**', 'test-results/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] } },
  },
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
    },
  },
  {
    // core/ is the pure domain: no framework, no backend SDK, no DOM.
    files: ['core/**/*.ts'],
    languageOptions: { globals: { ...globals.node } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['vue', 'vue/*', '@vue/*', 'pinia', 'vue-*', 'element-plus', 'element-plus/*'], message: 'core/ must not depend on Vue.' },
            { group: ['firebase', 'firebase/*', 'firebase-admin', 'firebase-admin/*', 'firebase-functions', 'firebase-functions/*', '@firebase/*'], message: 'core/ must not depend on Firebase.' },
            { group: ['idb', 'web/*', '../web/*', '../../web/*'], message: 'core/ must not depend on the browser or web/.' },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'window', 'document', 'localStorage', 'indexedDB', 'navigator', 'HTMLElement'],
    },
  },
  {
    // Only the backend adapters may talk to Firebase from the web app.
    files: ['web/src/**/*.{ts,vue}'],
    ignores: ['web/src/backend/firebase/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['firebase', 'firebase/*', '@firebase/*'], message: 'Only web/src/backend/firebase/ imports the Firebase SDK.' }] },
      ],
    },
  },
  {
    // Leaf components take props and emit events: no store, no backend.
    files: ['web/src/components/**/*.vue'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@/stores/*', '../stores/*', '../../stores/*', '@/backend/*', '../backend/*', '../../backend/*', 'pinia'], message: 'Leaf components take props and emit events; wire stores in pages.' }] },
      ],
    },
  },
);
