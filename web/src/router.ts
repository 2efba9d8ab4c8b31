/**
 * Routes of the SPA (history mode). The open project is the query `?project=<id>` and the board
 * filters are query params too, so every view can be linked and survives a reload.
 * A route with `meta.navKey` appears in the header navigation, ordered by `meta.navOrder`:
 * the meeting (月度调度会), month plan (月度计划) and my-bank (我的银行) views add themselves here.
 */
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import BoardPage from './pages/BoardPage.vue';

declare module 'vue-router' {
  interface RouteMeta {
    /** i18n key of the header navigation label; routes without it are not in the navigation. */
    navKey?: string;
    navOrder?: number;
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
  { path: '/history/:month?', name: 'history', component: () => import('./pages/HistoricBoardPage.vue') },
  { path: '/:pathMatch(.*)*', redirect: '/' },
];

export function createAppRouter() {
  return createRouter({ history: createWebHistory(import.meta.env.BASE_URL), routes });
}
