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
import './styles/tokens.css';

// On the team server the backend starts with the page: its session check and its socket, with the
// board's watch, run while the app's code loads and mounts rather than after (session.start reports a failure).
// The adapter's chunk is fetched alongside the chooser's, not after it has run.
// A Firebase build (VITE_FIREBASE_PROJECT_ID, known at build time) starts its SDK's chunk, Auth's
// restore of the session and Firestore's cache the same way.
const firebaseBuild = typeof import.meta.env.VITE_FIREBASE_PROJECT_ID === 'string' && import.meta.env.VITE_FIREBASE_PROJECT_ID.trim() !== '';
// In configuredBackend's order: a Firebase build is Firebase even when served by the team server.
const earlyBackend = firebaseBuild
  ? Promise.all([import('./backend'), import('./backend/firebase')]).then(([backends]) => backends.createBackend())
  : globalThis.window?.__CLEARWAY__?.backend === 'server'
    ? Promise.all([import('./backend'), import('./backend/server')]).then(([backends]) => backends.createBackend())
    : null;
earlyBackend?.catch(() => undefined);

// What the board's first paint does not need waits until it is out (see firstPaintGate): the
// selects' popper code, SortableJS, the texts only other pages show, the toasts' code. Another
// page opened first (or sign-in) opens the gate at once; so does a start that failed.
holdUntilFirstPaint();

const app = createApp(App);
app.use(createPinia());
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
void installLocale(i18n.global, locale)
  .catch(() => undefined)
  .then(() => {
    app.mount('#app');
    const session = useSessionStore();
    void session.start(earlyBackend ? () => earlyBackend : undefined).then(() => {
      if (session.status === 'error') releaseAfterFirstPaint();
    });
  });
