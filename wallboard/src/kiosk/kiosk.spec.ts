import { describe, expect, it } from 'vitest';
import { defaultPlaylist, nextInPlaylist, parseKiosk } from './kiosk';

describe('kiosk', () => {
  it('reads kiosk mode, the playlist and the dwell from the URL', () => {
    expect(parseKiosk({ kiosk: '1', playlist: '/hq, /leaderboard,nope', dwell: '45' })).toEqual({
      enabled: true,
      playlist: ['/hq', '/leaderboard'],
      dwellMs: 45_000,
    });
    expect(parseKiosk({}).enabled).toBe(false);
    expect(parseKiosk({ kiosk: '1', dwell: '2' }).dwellMs).toBe(30_000);
  });

  it('rotates through the playlist and starts over', () => {
    const list = ['/hq', '/leaderboard', '/floor/F1'];
    expect(nextInPlaylist(list, '/hq')).toBe('/leaderboard');
    expect(nextInPlaylist(list, '/floor/F1')).toBe('/hq');
    expect(nextInPlaylist(list, '/somewhere-else')).toBe('/hq');
    expect(nextInPlaylist([], '/hq')).toBeNull();
  });

  it('gives each role a default wall: its home screen and the red-flag board', () => {
    expect(defaultPlaylist({ username: 'f', displayName: 'f', role: 'floor', scopeId: 'F1', personId: null })).toEqual(['/floor/F1', '/leaderboard']);
    expect(defaultPlaylist({ username: 'h', displayName: 'h', role: 'hq', scopeId: null, personId: null })).toEqual(['/hq', '/leaderboard']);
  });
});
