import type { RoomName, UserInfo } from '@kanjian/shared';
import { parseRoom } from '@kanjian/shared';
import type { NetworkIndex } from '../network/network-index';

/**
 * Role scoping, as the hub enforces it: hq sees everything, a region user their region and what is in it,
 * a site user their site and its floors, a floor user their floor. The wallboard checks it too, so a user
 * who edits a URL gets a clear refusal instead of a screen that never fills.
 */
export function canAccessRoom(user: UserInfo, room: RoomName, net: NetworkIndex): boolean {
  if (user.role === 'hq') return true;
  const { kind, id } = parseRoom(room);
  if (kind === 'hq' || id === null) return false;
  const scope = user.scopeId;
  if (!scope) return false;
  switch (user.role) {
    case 'region':
      if (kind === 'region') return id === scope;
      if (kind === 'site') return net.regionOfSite(id) === scope;
      return net.regionOfSite(net.siteOfFloor(id)) === scope;
    case 'site':
      if (kind === 'site') return id === scope;
      if (kind === 'floor') return net.siteOfFloor(id) === scope;
      return false;
    case 'floor':
      return kind === 'floor' && id === scope;
  }
}

/** The room a user's screens start from. */
export function homeRoom(user: UserInfo): RoomName {
  if (user.role === 'hq' || !user.scopeId) return 'hq';
  return `${user.role}:${user.scopeId}` as RoomName;
}
