/**
 * Vitest global setup of the 'integration' project: one emulator stack (Firestore protocol
 * server + Auth and Functions emulators) on free ports for the whole run, seeded with the sample
 * workspace, and torn down (every child process killed) at the end.
 */
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { startEmulatorStack, type EmulatorStack } from '../../../functions/src/testing/emulatorStack';
import { SAMPLE_PASSWORD, seedEmulators } from '../../../functions/src/testing/seedEmulators';
import { INTEGRATION_NOW, INTEGRATION_PROJECT_ID, type IntegrationEnv } from './env';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

let stack: EmulatorStack | null = null;

export async function setup(project: TestProject): Promise<void> {
  const lines: string[] = [];
  stack = await startEmulatorStack({
    repoRoot,
    projectId: INTEGRATION_PROJECT_ID,
    log: (line) => {
      lines.push(line);
      if (process.env.CLEARWAY_EMULATOR_LOG) console.log(`[emulators] ${line}`);
    },
  });
  await seedEmulators(stack, { now: new Date(INTEGRATION_NOW), password: SAMPLE_PASSWORD });
  const env: IntegrationEnv = {
    projectId: stack.projectId,
    region: stack.region,
    host: stack.host,
    firestoreHost: stack.firestoreHost,
    firestorePort: stack.firestorePort,
    authHost: stack.authHost,
    authPort: stack.authPort,
    functionsPort: stack.functionsPort,
    functionsBaseUrl: stack.functionsBaseUrl,
    password: SAMPLE_PASSWORD,
  };
  project.provide('emulators', env);
}

export async function teardown(): Promise<void> {
  await stack?.stop();
  stack = null;
}
