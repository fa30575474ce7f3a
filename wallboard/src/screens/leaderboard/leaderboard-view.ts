import type { UserInfo } from '@kanjian/shared';
import type { LeaderboardEntry } from '@kanjian/shared';
import type { NetworkIndex } from '../../network/network-index';

export interface BoardColumns {
  floors: LeaderboardEntry[];
  teams: LeaderboardEntry[];
  stations: LeaderboardEntry[];
  holders: LeaderboardEntry[];
  attention: LeaderboardEntry[];
}

/** Entries the user may see: the hub scopes the answer too; this keeps a wider answer from leaking onto a wall. */
export function inScope(e: LeaderboardEntry, user: UserInfo, net: NetworkIndex | null): boolean {
  if (user.role === 'hq') return true;
  if (user.role === 'region') return e.regionId === user.scopeId || (e.siteId !== null && net?.regionOfSite(e.siteId) === user.scopeId);
  if (user.role === 'site') return e.siteId === user.scopeId;
  const site = net?.siteOfFloor(user.scopeId);
  return site ? e.siteId === site : e.unitKind === 'floor' && e.unitId === user.scopeId;
}

function byRank(a: LeaderboardEntry, b: LeaderboardEntry): number {
  if (a.rank !== null && b.rank !== null) return a.rank - b.rank;
  if (a.rank !== null) return -1;
  if (b.rank !== null) return 1;
  return (b.complianceRate ?? -1) - (a.complianceRate ?? -1);
}

/** Splits the board into the three rankings, the red-flag holders and the units needing attention. */
export function boardColumns(entries: readonly LeaderboardEntry[]): BoardColumns {
  const of = (kind: LeaderboardEntry['unitKind']) => entries.filter((e) => e.unitKind === kind).sort(byRank);
  return {
    floors: of('floor'),
    teams: of('team'),
    stations: of('site'),
    holders: entries.filter((e) => e.redFlag).sort(byRank),
    attention: entries.filter((e) => e.needsAttention).sort((a, b) => (a.complianceRate ?? 1) - (b.complianceRate ?? 1)),
  };
}
