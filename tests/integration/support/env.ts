/** What the global setup hands to the integration tests (vitest `provide` / `inject`). */
export interface IntegrationEnv {
  projectId: string;
  region: string;
  host: string;
  firestoreHost: string;
  firestorePort: number;
  authHost: string;
  authPort: number;
  functionsPort: number;
  functionsBaseUrl: string;
  password: string;
}

export const INTEGRATION_PROJECT_ID = 'demo-clearway-it';
/** The sample workspace is generated as of this instant (stable stages and stall flags). */
export const INTEGRATION_NOW = '2026-06-15T02:00:00.000Z';

declare module 'vitest' {
  export interface ProvidedContext {
    emulators: IntegrationEnv;
  }
}
