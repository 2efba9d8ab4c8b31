/**
 * Routes of the SPA (history mode). The open project is the query `?project=<id>` and the board
 * filters are query params too, so every view can be linked and survives a reload.
 * A route with `meta.navKey` appears in the header navigation, ordered by `meta.navOrder`:
 * the meeting (月度调度会), month plan (月度计划) and my-bank (我的银行) views add themselves here.
 */
import { watch } from 'vue';
import { getActivePinia } from 'pinia';
import { createRouter, createWebHistory, type RouteRecordRaw, type Router } from 'vue-router';
import BoardPage from './pages/BoardPage.vue';
import { useSessionStore } from './stores/session';
import type { Role } from '@clearway/core';

declare module 'vue-router' {
  interface RouteMeta {
    /** i18n key of the header navigation label; routes without it are not in the navigation. */
    navKey?: string;
    navOrder?: number;
    /** Reachable without signing in (Firebase and team server modes). */
    public?: boolean;
    /** Only these roles see the route in the navigation (the page itself still says when it is refused). */
    roles?: readonly Role[];
  }
}

export const routes: RouteRecordRaw[] = [
  {
    path: '/',
    name: 'board',
    component: BoardPage,
    meta: { navKey: 'app.nav.board', navOrder: 10 },
  },
  {
    path: '/inbox',
    name: 'inbox',
    component: () => import('./pages/InboxPage.vue'),
    meta: { navKey: 'app.nav.inbox', navOrder: 5 },
  },
  {
    path: '/meeting',
    name: 'meeting',
    component: () => import('./pages/MeetingPage.vue'),
    meta: { navKey: 'app.nav.meeting', navOrder: 20 },
  },
  {
    path: '/plan',
    name: 'plan',
    component: () => import('./pages/MonthPlanPage.vue'),
    meta: { navKey: 'app.nav.plan', navOrder: 30 },
  },
  {
    path: '/my-bank',
    name: 'myBank',
    component: () => import('./pages/MyBankPage.vue'),
    meta: { navKey: 'app.nav.myBank', navOrder: 40 },
  },
  {
    path: '/scorecard',
    name: 'scorecard',
    component: () => import('./pages/BankScorecardPage.vue'),
    meta: { navKey: 'app.nav.scorecard', navOrder: 45, roles: ['admin', 'staff', 'viewer', 'liaison'] },
  },
  {
    path: '/import',
    name: 'ledgerImport',
    component: () => import('./pages/LedgerImportPage.vue'),
    meta: { navKey: 'app.nav.import', navOrder: 50, roles: ['admin', 'staff'] },
  },
  {
    path: '/admin',
    name: 'admin',
    component: () => import('./pages/AdminPage.vue'),
    meta: { navKey: 'app.nav.admin', navOrder: 90, roles: ['admin'] },
  },
  {
    path: '/backup',
    name: 'backup',
    component: () => import('./pages/BackupPage.vue'),
    meta: { navKey: 'workspace.nav', navOrder: 95, roles: ['admin'] },
  },
  { path: '/history/:month?', name: 'history', component: () => import('./pages/HistoricBoardPage.vue') },
  // 工作提醒函 (staff): reached from the meeting and 待我处理, not from the navigation.
  { path: '/letters', name: 'reminderLetters', component: () => import('./pages/ReminderLettersPage.vue') },
  { path: '/sign-in', name: 'signIn', component: () => import('./pages/SignInPage.vue'), meta: { public: true } },
  { path: '/:pathMatch(.*)*', redirect: '/' },
];

export function createAppRouter() {
  const router = createRouter({ history: createWebHistory(import.meta.env.BASE_URL), routes });
  installSignInGuard(router);
  return router;
}

/**
 * Firebase and team server modes (backends with `auth`): every page but sign-in needs a signed-in
 * member, and signing out (or the server ending the session) goes back to sign-in. The local
 * backend always has an actor, so it is never redirected.
 */
function installSignInGuard(router: Router): void {
  let watching = false;
  router.beforeEach(async (to) => {
    if (to.meta.public || !getActivePinia()) return true;
    const session = useSessionStore();
    if (session.status === 'idle' || session.status === 'loading') {
      await new Promise<void>((resolve) => {
        const stop = watch(
          () => session.status,
          (status) => {
            if (status === 'ready' || status === 'error') {
              stop();
              resolve();
            }
          },
        );
      });
    }
    if (!watching) {
      watching = true;
      watch(
        () => session.actor,
        (actor) => {
          const current = router.currentRoute.value;
          if (!actor && session.backend?.auth && !current.meta.public) {
            void router.replace({ name: 'signIn', query: { redirect: current.fullPath } });
          }
        },
      );
    }
    if (!session.backend?.auth || session.actor) return true;
    return { name: 'signIn', query: { redirect: to.fullPath } };
  });
}
