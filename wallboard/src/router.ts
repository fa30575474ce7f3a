import { createRouter, createWebHistory, type RouteLocationNormalized, type Router, type RouteRecordRaw } from 'vue-router';
import type { RoomName, UserInfo } from '@kanjian/shared';
import { api } from './api/app-api';
import { canAccessRoom, homeRoom } from './auth/scope';
import { currentUser } from './auth/session';
import { loadNetwork } from './network/use-network';

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without a login. */
    public?: boolean;
    /** The live room the screen shows; the guard refuses it when out of the user's scope. */
    room?: (to: RouteLocationNormalized) => RoomName;
    /** Kiosk displays hide the app chrome on every screen; some screens are chrome-less anyway. */
    wall?: boolean;
  }
}

const param = (to: RouteLocationNormalized, name: string): string => {
  const v = to.params[name];
  return Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
};

export function homePath(user: UserInfo): string {
  const room = homeRoom(user);
  if (room === 'hq') return '/hq';
  if (user.role === 'floor') return `/floor/${encodeURIComponent(user.scopeId ?? '')}`;
  return `/console/${user.role}/${encodeURIComponent(user.scopeId ?? '')}`;
}

export const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: () => import('./screens/login/login-screen.vue'), meta: { public: true } },
  {
    path: '/',
    name: 'home',
    redirect: () => {
      const user = currentUser();
      return user ? homePath(user) : '/login';
    },
  },
  { path: '/hq', name: 'hq', component: () => import('./screens/hq-map/hq-map-screen.vue'), meta: { room: () => 'hq', wall: true } },
  {
    path: '/floor/:floorId',
    name: 'floor',
    component: () => import('./screens/floor-display/floor-display-screen.vue'),
    meta: { room: (to) => `floor:${param(to, 'floorId')}` as RoomName, wall: true },
  },
  {
    // Without an id: the first floor the user may see.
    path: '/floor',
    name: 'floor-pick',
    component: () => import('./screens/refused-screen.vue'),
    beforeEnter: async () => {
      const user = currentUser();
      if (!user) return '/login';
      if (user.role === 'floor') return homePath(user);
      const net = await loadNetwork(api).catch(() => null);
      const floor = net?.network.floors.find((f) => canAccessRoom(user, `floor:${f.id}`, net));
      return floor ? `/floor/${encodeURIComponent(floor.id)}` : homePath(user);
    },
  },
  {
    path: '/console',
    name: 'console-pick',
    component: () => import('./screens/refused-screen.vue'),
    beforeEnter: async () => {
      const user = currentUser();
      if (!user) return '/login';
      if (user.role !== 'hq') return homePath(user);
      const net = await loadNetwork(api).catch(() => null);
      const region = net?.network.regions[0];
      return region ? `/console/region/${encodeURIComponent(region.id)}` : '/hq';
    },
  },
  { path: '/leaderboard', name: 'leaderboard', component: () => import('./screens/leaderboard/leaderboard-screen.vue'), meta: { wall: true } },
  {
    path: '/console/:kind(region|site)/:id',
    name: 'console',
    component: () => import('./screens/region/region-console-screen.vue'),
    meta: { room: (to) => `${param(to, 'kind')}:${param(to, 'id')}` as RoomName },
  },
  { path: '/trace/:no?', name: 'trace', component: () => import('./screens/waybill-trace/waybill-trace-screen.vue') },
  { path: '/me', name: 'me', component: () => import('./screens/my-record/my-record-screen.vue') },
  { path: '/refused', name: 'refused', component: () => import('./screens/refused-screen.vue') },
  { path: '/:pathMatch(.*)*', redirect: '/' },
];

/**
 * Login and role scoping. A room outside the user's scope is refused here, before any request; the hub
 * refuses it as well (a subscribe answered `auth/out_of_scope`), which the screens show the same way.
 */
export async function guard(to: RouteLocationNormalized): Promise<true | string | { name: string; query: Record<string, string> }> {
  if (to.meta.public) return true;
  const user = currentUser();
  if (!user) return { name: 'login', query: { next: to.fullPath } };
  const room = to.meta.room?.(to);
  if (!room || user.role === 'hq') return true;
  let allowed: boolean;
  try {
    allowed = canAccessRoom(user, room, await loadNetwork(api));
  } catch {
    // Without the network the client cannot judge; the hub still refuses an out-of-scope subscribe.
    return true;
  }
  return allowed ? true : { name: 'refused', query: { target: room, from: to.fullPath } };
}

export function createAppRouter(): Router {
  const router = createRouter({ history: createWebHistory(import.meta.env.BASE_URL), routes });
  router.beforeEach(guard);
  return router;
}
