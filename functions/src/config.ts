/**
 * The one reader of deploy-time params and the process environment in functions/. Everything
 * else receives these values as arguments, so handlers stay testable without a Functions runtime.
 *
 * Params are set per project in `functions/lib/.env.<projectId>` or prompted by `firebase deploy`;
 * each has a default that suits the emulators.
 */
import { defineBoolean, defineString } from 'firebase-functions/params';

/** Rejects callable requests without a valid App Check token. Off by default (emulators, first deploy). */
export const ENFORCE_APP_CHECK = defineBoolean('ENFORCE_APP_CHECK', {
  default: false,
  description: 'Require a valid App Check token on the command and member callables.',
});

/** Where the functions run; the web app must use the same (VITE_FIREBASE_FUNCTIONS_REGION). */
export const FUNCTIONS_REGION = defineString('FUNCTIONS_REGION', {
  default: 'asia-east2',
  description: 'Cloud Functions region, e.g. asia-east2 (Hong Kong) or asia-east1 (Taiwan).',
});

/** The daily stall scan: 06:00 on the bureau's calendar. */
export const STALL_SCAN_SCHEDULE = '0 6 * * *';
export const STALL_SCAN_TIME_ZONE = 'Asia/Shanghai';
/** A scan runs in batches of one transaction each; this bounds one day's run. */
export const STALL_SCAN_MAX_BATCHES = 50;

/** Digests and red alerts (handlers/notify.ts): checked every 15 minutes, the digest from 08:30. */
export const NOTIFY_SCHEDULE = '*/15 * * * *';

/** Where people open the app, for the links in digests; empty: messages carry no links. */
export const PUBLIC_URL = defineString('PUBLIC_URL', {
  default: '',
  description: 'The address of the web app (e.g. https://clearway.example.gov.cn), for links in digests.',
});

/** True when the Functions emulator runs us (firebase-tools sets this). */
export function runningInEmulator(): boolean {
  return process.env.FUNCTIONS_EMULATOR === 'true';
}
