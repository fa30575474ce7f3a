import { LoginResponseSchema, NetworkSchema, UserInfoSchema, type Network, type UserInfo } from '@kanjian/shared';

export async function login(url: string, username: string, password = 'kanjian'): Promise<string> {
  const r = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${await r.text()}`);
  return LoginResponseSchema.parse(await r.json()).token;
}

export async function getJson<T = unknown>(url: string, token: string): Promise<{ status: number; body: T }> {
  const r = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  const text = await r.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // keep the text
  }
  return { status: r.status, body: body as T };
}

export async function network(url: string, token: string): Promise<Network> {
  const r = await getJson(`${url}/api/v1/network`, token);
  if (r.status !== 200) throw new Error(`GET /api/v1/network: ${r.status}`);
  return NetworkSchema.parse(r.body);
}

/** Who a login is, as the hub says (`GET /api/v1/auth/me`). */
export async function me(url: string, username: string): Promise<UserInfo> {
  const token = await login(url, username);
  const r = await getJson(`${url}/api/v1/auth/me`, token);
  if (r.status !== 200) throw new Error(`GET /api/v1/auth/me as ${username}: ${r.status}`);
  return UserInfoSchema.parse(r.body);
}

/** The units the demo logins (`seed --demo-users`) are scoped to, asked from the hub rather than guessed. */
export async function demoScopes(url: string, net: Network) {
  const [region, region2, site, floor] = await Promise.all([me(url, 'region'), me(url, 'region2'), me(url, 'site'), me(url, 'floor')]);
  const find = <T extends { id: string }>(list: T[], id: string | null, what: string): T => {
    const x = list.find((i) => i.id === id);
    if (!x) throw new Error(`the demo ${what} scope ${id} is not in the network`);
    return x;
  };
  const f = find(net.floors, floor.scopeId, 'floor');
  return {
    region: find(net.regions, region.scopeId, 'region'),
    otherRegion: find(net.regions, region2.scopeId, 'region2'),
    hub: find(net.sites, site.scopeId, 'site'),
    floor: f,
    floorPersonId: floor.personId,
    cameras: net.cameras.filter((c) => c.floorId === f.id),
  };
}
