/**
 * Cloud Functions entry: wiring only. The behaviour lives in handlers/ (transport) and in
 * @clearway/core (every rule); params and environment are read in config.ts.
 */
import { initializeApp } from 'firebase-admin/app';
import { getAuth } from 'firebase-admin/auth';
import { getFirestore } from 'firebase-admin/firestore';
import * as logger from 'firebase-functions/logger';
import { setGlobalOptions } from 'firebase-functions/v2';
import { onCall } from 'firebase-functions/v2/https';
import { onSchedule } from 'firebase-functions/v2/scheduler';
import { ENFORCE_APP_CHECK, FUNCTIONS_REGION, NOTIFY_SCHEDULE, PUBLIC_URL, STALL_SCAN_SCHEDULE, STALL_SCAN_TIME_ZONE } from './config';
import { FirestoreDocumentStore } from './firestoreDocumentStore';
import { withReadProjections } from './readProjections';
import { handleCommand, handleInvite, type EndpointDeps } from './handlers/commandEndpoint';
import { runStallScan } from './handlers/stallScan';
import { runNotifications } from './handlers/notify';

setGlobalOptions({ region: FUNCTIONS_REGION, maxInstances: 10 });

let deps: EndpointDeps | null = null;
function dependencies(): EndpointDeps {
  if (!deps) {
    const app = initializeApp();
    deps = {
      // Every command also writes the liaisons' read projections in its transaction.
      store: withReadProjections(new FirestoreDocumentStore(getFirestore(app))),
      auth: getAuth(app),
      now: () => new Date(),
      log: (message, data) => logger.error(message, data),
      requireAppCheck: () => ENFORCE_APP_CHECK.value(),
    };
  }
  return deps;
}

// App Check is enforced in the handlers from the ENFORCE_APP_CHECK param (read at run time), so
// one deployment can switch it on without a code change.
const callableOptions = { cors: true };

/** Every write of the app: `{ name, payload }` → the core command executor. */
export const command = onCall(callableOptions, (request) => handleCommand(dependencies(), request));

/** Admins invite a member by email (creates the Auth user, membership and claims). */
export const memberInvite = onCall(callableOptions, (request) => handleInvite(dependencies(), request));

/** The daily stall scan 停滞扫描 at 06:00 Beijing time. */
export const stallScan = onSchedule({ schedule: STALL_SCAN_SCHEDULE, timeZone: STALL_SCAN_TIME_ZONE }, async () => {
  const summary = await runStallScan(dependencies().store, new Date(), (message, data) => logger.info(message, data));
  if (summary.skipped.length > 0) logger.warn('stall scan skipped projects it cannot write; the next run tries them again', { skipped: summary.skipped });
});

/** Digests from 08:30 and red alerts 逾期提醒 every 15 minutes, Beijing time (handlers/notify.ts). */
export const notifications = onSchedule({ schedule: NOTIFY_SCHEDULE, timeZone: STALL_SCAN_TIME_ZONE, timeoutSeconds: 300 }, async () => {
  const summary = await runNotifications(getFirestore(), dependencies().store, () => new Date(), PUBLIC_URL.value() || null);
  logger.info('notifications', { ...summary });
});
