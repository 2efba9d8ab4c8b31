import { describe, expect, it } from 'vitest';
import { configuredBackend } from './index';

const env = (vars: Record<string, string>) => vars as unknown as ImportMetaEnv;

describe('which backend the app uses', () => {
  it('Firebase when the build names a project, else the server that injected its config, else the demo', () => {
    expect(configuredBackend(env({ VITE_FIREBASE_PROJECT_ID: 'demo-clearway' }), { backend: 'server' })).toBe('firebase');
    expect(configuredBackend(env({}), { backend: 'server' })).toBe('server');
    expect(configuredBackend(env({ VITE_FIREBASE_PROJECT_ID: ' ' }), { backend: 'server' })).toBe('server');
    expect(configuredBackend(env({}), undefined)).toBe('local');
    expect(configuredBackend(env({}), { backend: 'something-else' })).toBe('local');
  });
});
