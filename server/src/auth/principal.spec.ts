import { userMayJoin, type UserPrincipal } from './principal';

const ref = {
  regionOfSite: (s: string) => ({ 'HUB-SHA': 'R-EAST', 'ST-SHA-01': 'R-EAST', 'HUB-PEK': 'R-NORTH' })[s] ?? null,
  siteOfFloor: (f: string) => ({ 'FL-SHA-1': 'HUB-SHA', 'FL-PEK-1': 'HUB-PEK' })[f] ?? null,
};
const user = (role: UserPrincipal['role'], scopeId: string | null): UserPrincipal => ({
  kind: 'user', userId: '1', username: 'u', role, scopeId, personId: null,
});

describe('userMayJoin', () => {
  it('lets hq join every room', () => {
    for (const room of ['hq', 'region:R-EAST', 'site:HUB-PEK', 'floor:FL-SHA-1'] as const) expect(userMayJoin(user('hq', null), room, ref)).toBe(true);
  });
  it('keeps a region user inside the region', () => {
    const u = user('region', 'R-EAST');
    expect(userMayJoin(u, 'region:R-EAST', ref)).toBe(true);
    expect(userMayJoin(u, 'site:ST-SHA-01', ref)).toBe(true);
    expect(userMayJoin(u, 'floor:FL-SHA-1', ref)).toBe(true);
    expect(userMayJoin(u, 'region:R-NORTH', ref)).toBe(false);
    expect(userMayJoin(u, 'site:HUB-PEK', ref)).toBe(false);
    expect(userMayJoin(u, 'floor:FL-PEK-1', ref)).toBe(false);
    expect(userMayJoin(u, 'hq', ref)).toBe(false);
  });
  it('keeps site and floor users to their unit', () => {
    expect(userMayJoin(user('site', 'HUB-SHA'), 'floor:FL-SHA-1', ref)).toBe(true);
    expect(userMayJoin(user('site', 'HUB-SHA'), 'region:R-EAST', ref)).toBe(false);
    expect(userMayJoin(user('floor', 'FL-SHA-1'), 'floor:FL-SHA-1', ref)).toBe(true);
    expect(userMayJoin(user('floor', 'FL-SHA-1'), 'site:HUB-SHA', ref)).toBe(false);
  });
});
