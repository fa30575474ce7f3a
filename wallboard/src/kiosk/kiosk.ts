import { reactive } from 'vue';
import type { LocationQuery, Router } from 'vue-router';
import type { UserInfo } from '@kanjian/shared';
import { homePath } from '../router';

export interface KioskState {
  enabled: boolean;
  /** Paths shown in turn. */
  playlist: string[];
  dwellMs: number;
}

/** Parses `?kiosk=1&playlist=/hq,/leaderboard&dwell=30` (dwell in seconds, at least 5). */
export function parseKiosk(query: LocationQuery): KioskState {
  const one = (v: LocationQuery[string]) => (Array.isArray(v) ? v[0] : v) ?? null;
  const enabled = one(query.kiosk) === '1';
  const playlist = (one(query.playlist) ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.startsWith('/'));
  const dwell = Number(one(query.dwell));
  return { enabled, playlist, dwellMs: Number.isFinite(dwell) && dwell >= 5 ? dwell * 1000 : 30_000 };
}

/** What a wall rotates through when its URL names no playlist. */
export function defaultPlaylist(user: UserInfo): string[] {
  return [homePath(user), '/leaderboard'];
}

/** The next path of the playlist after `current` (the first one when `current` is not in it). */
export function nextInPlaylist(playlist: readonly string[], current: string): string | null {
  if (playlist.length === 0) return null;
  const i = playlist.indexOf(current);
  return playlist[(i + 1) % playlist.length];
}

export const kiosk = reactive<KioskState>({ enabled: false, playlist: [], dwellMs: 30_000 });

/**
 * Kiosk mode for the big screens: no chrome, no cursor, and the playlist rotated every `dwell` seconds.
 * Once a URL turns it on it stays on for the tab (the rotation keeps the kiosk query on every hop).
 */
export function installKiosk(router: Router, user: () => UserInfo | null): void {
  let timer: ReturnType<typeof setInterval> | null = null;

  router.afterEach((to) => {
    const parsed = parseKiosk(to.query);
    if (parsed.enabled && !kiosk.enabled) {
      Object.assign(kiosk, parsed);
      document.body.classList.add('kiosk');
    } else if (parsed.enabled && parsed.playlist.length) {
      kiosk.playlist = parsed.playlist;
      kiosk.dwellMs = parsed.dwellMs;
    }
    if (kiosk.enabled && !timer) {
      timer = setInterval(() => {
        const u = user();
        if (!u) return;
        const playlist = kiosk.playlist.length ? kiosk.playlist : defaultPlaylist(u);
        const current = router.currentRoute.value;
        if (current.name === 'login') return;
        const next = nextInPlaylist(playlist, current.path);
        if (!next || (next === current.path && playlist.length === 1)) return;
        void router.push({ path: next, query: kioskQuery(current.query) });
      }, kiosk.dwellMs);
    }
  });
}

function kioskQuery(q: LocationQuery): LocationQuery {
  const keep: LocationQuery = {};
  for (const k of ['kiosk', 'playlist', 'dwell', 'lang']) if (q[k] !== undefined) keep[k] = q[k];
  keep.kiosk = '1';
  return keep;
}
