import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { createAppRouter } from './router';
import { createAppI18n, initialLocale, installLocale, installPageMessages, setAppComposer } from './i18n';
import { afterFirstBoardPaint } from './composables/useBoardPaintMarks';
import { afterFirstPaint, holdUntilFirstPaint, releaseAfterFirstPaint } from './composables/firstPaintGate';
import { loadToasts } from './composables/toasts';
import { loadSortable } from './components/common/lazySortable';
import { loadChoiceSelect } from './components/common/LazyChoiceSelect';
import { useSessionStore } from './stores/session';
import { useClockStore } from './stores/clock';
import type { Backend } from './backend/types';
import './styles/tokens.css';

// The backend starts with the page: the team server's session check and socket with the board's
// watch, Firebase's SDK chunk, Auth's restore of the session and Firestore's cache, the demo's
// IndexedDB and its read of the board's cards, all run while the app's code loads and mounts
// rather than after (session.start reports a failure). The adapter's chunk is fetched alongside
// the chooser's, not after it has run.
const pinia = createPinia();
const firebaseBuild = typeof import.meta.env.VITE_FIREBASE_PROJECT_ID === 'string' && import.meta.env.VITE_FIREBASE_PROJECT_ID.trim() !== '';
let earlyBackend: Promise<Backend>;
/** What the mount waits for: the team server's and the demo's first requests are sent before it, not after its 100 ms. */
let beforeMount: Promise<unknown> = Promise.resolve();
// In configuredBackend's order: a Firebase build is Firebase even when served by the team server.
if (firebaseBuild) {
  // Its SDK's chunk is large: the app mounts (and paints its skeleton) while it arrives.
  earlyBackend = Promise.all([import('./backend'), import('./backend/firebase')]).then(([backends]) => backends.createBackend());
} else if (globalThis.window?.__CLEARWAY__?.backend === 'server') {
  const adapter = import('./backend/server');
  earlyBackend = adapter.then((server) => server.createServerBackend());
  beforeMount = adapter;
} else {
  const adapter = Promise.all([import('./backend'), import('./backend/local'), import('./backend/local/sampleParam')]);
  // The demo stamps commands and scans stalls by the web's one clock (the app's own store).
  earlyBackend = adapter.then(([backends, local, sampleParam]) => backends.createDemoBackend(local, sampleParam, { now: useClockStore(pinia).current }));
  beforeMount = adapter;
}
earlyBackend.catch(() => undefined);

// What the board's first paint does not need waits until it is out (see firstPaintGate): the
// selects' popper code, SortableJS, the texts only other pages show, the toasts' code. Another
// page opened first (or sign-in) opens the gate at once; so does a start that failed.
holdUntilFirstPaint();

const app = createApp(App);
app.use(pinia);
const router = createAppRouter();
app.use(router);
const locale = initialLocale();
const i18n = createAppI18n(locale);
app.use(i18n);
setAppComposer(i18n.global);

router.beforeEach((to) => {
  if (to.name !== 'board') releaseAfterFirstPaint();
});
router.beforeResolve(async (to) => {
  if (to.name !== 'board') await installPageMessages(i18n.global);
});
void afterFirstBoardPaint().then(releaseAfterFirstPaint);
// Fetched then even if nothing has asked yet, so a later toast or drag needs no request (the
// connection may be what failed by then).
void afterFirstPaint().then(() =>
  Promise.all([installPageMessages(i18n.global), loadToasts(), loadSortable(), loadChoiceSelect()]).catch(() => undefined),
);

// A saved English choice fetches its texts before the first paint (zh-CN's are in this bundle);
// if that fails the app still starts, in zh-CN, and App.vue says why.
// A failed chunk still mounts the app, which shows the backend's error (session.start).
void Promise.all([installLocale(i18n.global, locale).catch(() => undefined), beforeMount.catch(() => undefined)])
  .then(() => {
    app.mount('#app');
    const session = useSessionStore();
    void session.start(() => earlyBackend).then(() => {
      if (session.status === 'error') releaseAfterFirstPaint();
    });
  });
