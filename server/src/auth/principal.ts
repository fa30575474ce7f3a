import type { Role, RoomName } from '@kanjian/shared';
import { parseRoom } from '@kanjian/shared';

/** A device or service sending feeds; `scope` is `all` or `<kind>:<id>` (vehicle, camera, floor, site, region). */
export interface FeedPrincipal {
  kind: 'feed';
  tokenId: string;
  name: string;
  scope: string;
}

/** A person logged in to the screens. */
export interface UserPrincipal {
  kind: 'user';
  userId: string;
  username: string;
  role: Role;
  scopeId: string | null;
  personId: string | null;
}

export type Principal = FeedPrincipal | UserPrincipal;

/** Resolves a site's region and a floor's site, so a scope can be checked against a room. */
export interface ScopeLookup {
  regionOfSite(siteId: string): string | null;
  siteOfFloor(floorId: string): string | null;
}

/** Whether a user may join a room: hq anything; region its region, sites and floors; site its site and floors. */
export function userMayJoin(u: UserPrincipal, room: RoomName, ref: ScopeLookup): boolean {
  if (u.role === 'hq') return true;
  const r = parseRoom(room);
  if (r.kind === 'hq' || !r.id) return false;
  const siteOf = (): string | null => (r.kind === 'site' ? r.id : r.kind === 'floor' ? ref.siteOfFloor(r.id!) : null);
  switch (u.role) {
    case 'region': {
      if (r.kind === 'region') return r.id === u.scopeId;
      const s = siteOf();
      return s !== null && ref.regionOfSite(s) === u.scopeId;
    }
    case 'site':
      if (r.kind === 'region') return false;
      return siteOf() === u.scopeId;
    case 'floor':
      return r.kind === 'floor' && r.id === u.scopeId;
  }
}
