import { describe, expect, it } from 'vitest';
import type { RoomName, UserInfo } from '@kanjian/shared';
import { canAccessRoom, homeRoom } from './scope';
import { smallIndex } from '../test/network-fixture';

const user = (role: UserInfo['role'], scopeId: string | null): UserInfo => ({ username: 'u', displayName: 'U', role, scopeId, personId: null });
const net = smallIndex();
const can = (u: UserInfo, room: RoomName) => canAccessRoom(u, room, net);

describe('role scoping', () => {
  it('hq sees every room', () => {
    for (const r of ['hq', 'region:EAST', 'region:SOUTH', 'site:GZ', 'floor:F-GZ-1'] as RoomName[]) expect(can(user('hq', null), r)).toBe(true);
  });

  it('a region user sees their region, its sites and floors, and nothing else', () => {
    const u = user('region', 'EAST');
    expect(can(u, 'region:EAST')).toBe(true);
    expect(can(u, 'site:SH')).toBe(true);
    expect(can(u, 'site:HZ')).toBe(true);
    expect(can(u, 'floor:F-SH-2')).toBe(true);
    expect(can(u, 'hq')).toBe(false);
    expect(can(u, 'region:SOUTH')).toBe(false);
    expect(can(u, 'site:GZ')).toBe(false);
    expect(can(u, 'floor:F-GZ-1')).toBe(false);
  });

  it('a site user sees their site and its floors only', () => {
    const u = user('site', 'SH');
    expect(can(u, 'site:SH')).toBe(true);
    expect(can(u, 'floor:F-SH-1')).toBe(true);
    expect(can(u, 'region:EAST')).toBe(false);
    expect(can(u, 'site:HZ')).toBe(false);
    expect(can(u, 'floor:F-GZ-1')).toBe(false);
  });

  it('a floor user sees their floor only', () => {
    const u = user('floor', 'F-SH-1');
    expect(can(u, 'floor:F-SH-1')).toBe(true);
    expect(can(u, 'floor:F-SH-2')).toBe(false);
    expect(can(u, 'site:SH')).toBe(false);
  });

  it('refuses units the network does not know, and users without a scope', () => {
    expect(can(user('region', 'EAST'), 'floor:NOPE')).toBe(false);
    expect(can(user('region', null), 'region:EAST')).toBe(false);
  });

  it('starts each role at its own room', () => {
    expect(homeRoom(user('hq', null))).toBe('hq');
    expect(homeRoom(user('region', 'EAST'))).toBe('region:EAST');
    expect(homeRoom(user('floor', 'F-SH-1'))).toBe('floor:F-SH-1');
  });
});
