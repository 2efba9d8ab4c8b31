import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { createAppRouter } from './router';
import { createAppI18n, installLocale, installPageMessages } from './i18n';
import { afterFirstBoardPaint } from './composables/useBoardPaintMarks';
import { loadToasts } from './composables/toasts';
import { loadSortable } from './components/common/lazySortable';
import { useSessionStore } from './stores/session';
import './styles/tokens.css';

const app = createApp(App);
app.use(createPinia());
const router = createAppRouter();
app.use(router);
const i18n = createAppI18n();
app.use(i18n);

// Not needed for the board's first paint, so not in the first load: the texts only other pages
// show (a page waits for them, fetched beside its own chunk) and the toasts' code. The board
// fetches them once its cards are painted.
function afterFirstPaint(): Promise<unknown> {
  return Promise.all([installPageMessages(i18n.global), loadToasts()]).catch(() => undefined);
}
router.beforeEach((to) => {
  if (to.name !== 'board') void afterFirstPaint();
});
router.beforeResolve(async (to) => {
  if (to.name !== 'board') await installPageMessages(i18n.global);
});
void afterFirstBoardPaint().then(afterFirstPaint);

// A saved English choice fetches its texts before the first paint (zh-CN's are in this bundle);
// if that fails the app still starts, in zh-CN, and App.vue says why.
const locale = i18n.global.locale.value;
void installLocale(i18n.global, locale)
  .catch(() => undefined)
  .then(() => {
    app.mount('#app');
    void useSessionStore().start();
    void loadSortable().catch(() => undefined);
  });
