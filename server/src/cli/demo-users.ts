import type { Network, Role } from '@kanjian/shared';

export interface DemoUser {
  username: string;
  password: string;
  displayName: string;
  role: Role;
  scopeId: string | null;
  personId: string | null;
}

/** The demo logins: one per role, scoped to the first region, hub and floor of the network. */
export function DEMO_USERS(net: Network): DemoUser[] {
  const region = net.regions[0]!;
  const hub = net.sites.find((s) => s.kind === 'hub' && s.regionId === region.id) ?? net.sites[0]!;
  const floor = net.floors.find((f) => f.siteId === hub.id) ?? net.floors[0]!;
  const otherRegion = net.regions[1] ?? region;
  const sorter = net.people.find((p) => p.role === 'sorter' && p.floorId === floor.id) ?? null;
  return [
    { username: 'hq', password: 'kanjian', displayName: '总部指挥中心', role: 'hq', scopeId: null, personId: null },
    { username: 'region', password: 'kanjian', displayName: `${region.name}区域经理`, role: 'region', scopeId: region.id, personId: null },
    { username: 'region2', password: 'kanjian', displayName: `${otherRegion.name}区域经理`, role: 'region', scopeId: otherRegion.id, personId: null },
    { username: 'site', password: 'kanjian', displayName: `${hub.name}场地主管`, role: 'site', scopeId: hub.id, personId: null },
    { username: 'floor', password: 'kanjian', displayName: `${floor.name}`, role: 'floor', scopeId: floor.id, personId: sorter?.id ?? null },
  ];
}
