import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { createAppRouter } from './router';
import { createAppI18n, installLocale } from './i18n';
import { useSessionStore } from './stores/session';
import './styles/tokens.css';

const app = createApp(App);
app.use(createPinia());
app.use(createAppRouter());
const i18n = createAppI18n();
app.use(i18n);

// A saved English choice fetches its texts before the first paint (zh-CN's are in this bundle);
// if that fails the app still starts, in zh-CN, and App.vue says why.
const locale = i18n.global.locale.value;
void installLocale(i18n.global, locale)
  .catch(() => undefined)
  .then(() => {
    app.mount('#app');
    void useSessionStore().start();
  });
