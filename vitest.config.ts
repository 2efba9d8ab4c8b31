import { defineConfig } from 'vitest/config';
import vue from '@vitejs/plugin-vue';
import { fileURLToPath } from 'node:url';

const webSrc = fileURLToPath(new URL('./web/src', import.meta.url));

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'core', include: ['core/src/**/*.test.ts'], environment: 'node' } },
      {
        plugins: [vue()],
        resolve: { alias: { '@': webSrc } },
        test: {
          name: 'web',
          include: ['web/src/**/*.test.ts'],
          environment: 'happy-dom',
          setupFiles: ['web/src/test/setup.ts'],
          // Element Plus goes through Vite: natively, Node hands its `async-validator` import the CJS
          // module object instead of the class (so ElForm validation breaks), and its style entries import .css.
          server: { deps: { inline: ['element-plus'] } },
        },
      },
      { test: { name: 'functions', include: ['functions/src/**/*.test.ts'], environment: 'node' } },
      {
        test: {
          name: 'server',
          include: ['server/src/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          // One emulator stack (Firestore protocol server, Auth + Functions emulators) for the run.
          globalSetup: ['tests/integration/support/globalSetup.ts'],
          testTimeout: 60_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          exclude: ['tests/e2e/firebase*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          // Firebase mode in Chromium: one emulator stack and one Firebase-mode build per file.
          name: 'e2e-firebase',
          include: ['tests/e2e/firebase*.test.ts'],
          environment: 'node',
          testTimeout: 90_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
