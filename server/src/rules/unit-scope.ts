import { parseRoom, type RoomName, RoomNameSchema } from '@kanjian/shared';
import { userMayJoin, type Principal, type UserPrincipal } from '../auth/principal';
import { AppError } from '../common/errors';
import type { ReferenceCache } from '../network/reference-cache.service';

/** Where a record sits in the network; a user sees it when their role's unit covers it. */
export interface UnitRef {
  floorId: string | null;
  siteId: string | null;
  regionId: string | null;
}

export function userCovers(u: UserPrincipal, r: UnitRef): boolean {
  switch (u.role) {
    case 'hq':
      return true;
    case 'region':
      return r.regionId !== null && r.regionId === u.scopeId;
    case 'site':
      return r.siteId !== null && r.siteId === u.scopeId;
    case 'floor':
      return r.floorId !== null && r.floorId === u.scopeId;
  }
}

/** The room of a user's own unit: the default scope of their lists. */
export function ownRoom(u: UserPrincipal): RoomName {
  return u.role === 'hq' ? 'hq' : (`${u.role}:${u.scopeId}` as RoomName);
}

export function requireUser(p: Principal): UserPrincipal {
  if (p.kind !== 'user') throw new AppError('auth/forbidden', 'this endpoint is for logged-in users');
  return p;
}

/** Parses a `scope` (room name) parameter, defaults it to the user's unit, and checks the user may see it. */
export function scopeRoom(u: UserPrincipal, raw: string | undefined, ref: ReferenceCache): RoomName {
  if (raw === undefined || raw === '') return ownRoom(u);
  const r = RoomNameSchema.safeParse(raw);
  if (!r.success) throw new AppError('request/invalid', `scope: ${r.error.issues[0]?.message}`);
  if (!userMayJoin(u, r.data, ref)) throw new AppError('auth/out_of_scope', `${u.role} user may not see ${r.data}`);
  return r.data;
}

/** SQL condition (on columns floor_id, site_id, region_id of alias `t`) selecting the records inside a room's unit. */
export function roomCondition(room: RoomName, alias: string, params: unknown[]): string {
  const r = parseRoom(room);
  if (r.kind === 'hq') return 'TRUE';
  params.push(r.id);
  return `${alias}.${r.kind}_id = $${params.length}`;
}
