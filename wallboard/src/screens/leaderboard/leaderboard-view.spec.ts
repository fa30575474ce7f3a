import { describe, expect, it } from 'vitest';
import type { LeaderboardEntry, UserInfo } from '@kanjian/shared';
import { boardColumns, inScope } from './leaderboard-view';
import { smallIndex } from '../../test/network-fixture';

const entry = (unitKind: LeaderboardEntry['unitKind'], unitId: string, over: Partial<LeaderboardEntry> = {}): LeaderboardEntry => ({
  unitKind,
  unitId,
  name: unitId,
  siteId: 'SH',
  regionId: 'EAST',
  parcels: 1000,
  violations: 1,
  complianceRate: 0.999,
  rank: 1,
  redFlag: false,
  needsAttention: false,
  ...over,
});

describe('leaderboard view', () => {
  it('ranks each kind by rank, the unranked last by compliance', () => {
    const cols = boardColumns([
      entry('floor', 'f2', { rank: 2 }),
      entry('floor', 'small', { rank: null, complianceRate: 1 }),
      entry('floor', 'f1', { rank: 1 }),
      entry('floor', 'tiny', { rank: null, complianceRate: 0.5 }),
      entry('team', 't1'),
      entry('site', 's1'),
    ]);
    expect(cols.floors.map((e) => e.unitId)).toEqual(['f1', 'f2', 'small', 'tiny']);
    expect(cols.teams).toHaveLength(1);
    expect(cols.stations).toHaveLength(1);
  });

  it('lists red-flag holders and the units needing attention, worst first', () => {
    const cols = boardColumns([
      entry('floor', 'clean', { redFlag: true, violations: 0, complianceRate: 1 }),
      entry('site', 'bad', { needsAttention: true, complianceRate: 0.98 }),
      entry('team', 'worse', { needsAttention: true, complianceRate: 0.95 }),
    ]);
    expect(cols.holders.map((e) => e.unitId)).toEqual(['clean']);
    expect(cols.attention.map((e) => e.unitId)).toEqual(['worse', 'bad']);
  });

  it('keeps a region user to their region', () => {
    const u: UserInfo = { username: 'r', displayName: 'r', role: 'region', scopeId: 'EAST', personId: null };
    const net = smallIndex();
    expect(inScope(entry('floor', 'x', { regionId: 'EAST' }), u, net)).toBe(true);
    expect(inScope(entry('floor', 'y', { regionId: null, siteId: 'GZ' }), u, net)).toBe(false);
    expect(inScope(entry('floor', 'z', { regionId: 'SOUTH', siteId: 'GZ' }), u, net)).toBe(false);
  });
});
