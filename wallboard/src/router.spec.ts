import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { UserInfo } from '@kanjian/shared';
import { createMemoryHistory, createRouter } from 'vue-router';
import { clearSession, saveSession } from './auth/session';
import { networkIndex } from './network/use-network';
import { guard, homePath, routes } from './router';
import { smallIndex } from './test/network-fixture';

function login(role: UserInfo['role'], scopeId: string | null) {
  saveSession({ token: 't', expiresAt: new Date(Date.now() + 3600_000).toISOString(), user: { username: role, displayName: role, role, scopeId, personId: null } });
}

async function go(path: string) {
  const router = createRouter({ history: createMemoryHistory(), routes });
  router.beforeEach(guard);
  await router.push(path);
  return router.currentRoute.value;
}

describe('router: login and role scoping', () => {
  beforeEach(() => {
    networkIndex.value = smallIndex();
  });
  afterEach(() => {
    clearSession();
    networkIndex.value = null;
  });

  it('sends a visitor without a login to the login screen, remembering where they were going', async () => {
    const to = await go('/floor/F-SH-1?kiosk=1');
    expect(to.name).toBe('login');
    expect(to.query.next).toBe('/floor/F-SH-1?kiosk=1');
  });

  it('lets a region manager open their region and refuses another one edited into the URL', async () => {
    login('region', 'EAST');
    expect((await go('/console/region/EAST')).name).toBe('console');
    expect((await go('/floor/F-SH-2')).name).toBe('floor');
    const refused = await go('/console/region/SOUTH');
    expect(refused.name).toBe('refused');
    expect(refused.query.target).toBe('region:SOUTH');
    expect((await go('/hq')).name).toBe('refused');
    expect((await go('/floor/F-GZ-1')).name).toBe('refused');
  });

  it('keeps a floor user to their floor', async () => {
    login('floor', 'F-SH-1');
    expect((await go('/floor/F-SH-1')).name).toBe('floor');
    expect((await go('/floor/F-SH-2')).name).toBe('refused');
    expect((await go('/console/site/SH')).name).toBe('refused');
  });

  it('sends each role home from /', async () => {
    login('site', 'SH');
    expect((await go('/')).path).toBe('/console/site/SH');
    expect(homePath({ username: 'h', displayName: 'h', role: 'hq', scopeId: null, personId: null })).toBe('/hq');
    expect(homePath({ username: 'f', displayName: 'f', role: 'floor', scopeId: 'F-SH-1', personId: null })).toBe('/floor/F-SH-1');
  });

  it('lets hq go anywhere', async () => {
    login('hq', null);
    expect((await go('/console/region/SOUTH')).name).toBe('console');
    expect((await go('/hq')).name).toBe('hq');
  });
});
