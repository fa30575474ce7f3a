import { describe, expect, it } from 'vitest';
import { encodePositionsFrame } from '@kanjian/shared';
import { BUFFER_LIMIT, FEED_LIMIT, RoomState } from './room-state';
import { alert, delta, kpi, snapshot, violation } from '../test/fixtures';

describe('RoomState sequencing', () => {
  it('applies deltas in order after a snapshot and reports a gap when one is skipped', () => {
    const s = new RoomState();
    s.applySnapshot(snapshot('hq', 10));
    expect(s.applyDelta(delta('hq', 11, { kind: 'positions.bin', data: encodePositionsFrame([['V1', 30, 120, 50, 0, 1, null]]) }))).toBe('applied');
    expect(s.applyDelta(delta('hq', 13, { kind: 'positions.bin', data: encodePositionsFrame([]) }))).toBe('gap');
    expect(s.seq).toBe(11);
    expect(s.vehicles.count).toBe(1);
  });

  it('takes positions in either form: JSON tuples (small rooms) and the binary frame (large ones)', () => {
    const s = new RoomState();
    s.applySnapshot(snapshot('hq', 10));
    const version = s.vehiclesVersion;
    expect(s.applyDelta(delta('hq', 11, { kind: 'positions', data: [['V1', 30, 120, 50, 0, 1, null]] }))).toBe('applied');
    expect(s.applyDelta(delta('hq', 12, { kind: 'positions.bin', data: encodePositionsFrame([['V2', 31, 121, 50, 0, 1, null]]) }))).toBe('applied');
    expect(s.vehicles.count).toBe(2);
    expect(s.vehiclesVersion).toBe(version + 2);
  });

  it('rejects an unreadable positions frame, says why, and keeps its sequence', () => {
    const s = new RoomState();
    s.applySnapshot(snapshot('hq', 10));
    const frame = encodePositionsFrame([['V1', 30, 120, 50, 0, 1, null]]);
    frame[0] = 9;
    expect(s.applyDelta(delta('hq', 11, { kind: 'positions.bin', data: frame }))).toBe('rejected');
    expect(s.frameError).toMatch(/version 9 is not supported/);
    expect(s.vehicles.count).toBe(0);
    expect(s.applyDelta(delta('hq', 12, { kind: 'positions.bin', data: encodePositionsFrame([['V1', 30, 120, 50, 0, 1, null]]) }))).toBe('applied');
    expect(s.vehicles.count).toBe(1);
  });

  it('ignores a delta it already has (a duplicate after a re-snapshot)', () => {
    const s = new RoomState();
    s.applySnapshot(snapshot('hq', 10));
    expect(s.applyDelta(delta('hq', 9, { kind: 'feed', data: [] }))).toBe('duplicate');
    expect(s.applyDelta(delta('hq', 10, { kind: 'feed', data: [] }))).toBe('duplicate');
  });

  it('buffers deltas while a snapshot is awaited and replays those after its seq', () => {
    const s = new RoomState();
    s.beginResync();
    expect(s.applyDelta(delta('hq', 5, { kind: 'alert', data: alert('old') }))).toBe('buffered');
    expect(s.applyDelta(delta('hq', 7, { kind: 'alert', data: alert('new') }))).toBe('buffered');
    expect(s.applyDelta(delta('hq', 6, { kind: 'alert', data: alert('mid') }))).toBe('buffered');
    expect(s.applySnapshot(snapshot('hq', 5))).toBe('applied');
    expect(s.seq).toBe(7);
    expect(s.alerts.map((a) => a.id).sort()).toEqual(['mid', 'new']);
  });

  it('reports a gap when the buffered deltas do not continue the snapshot', () => {
    const s = new RoomState();
    s.beginResync();
    s.applyDelta(delta('hq', 9, { kind: 'feed', data: [] }));
    expect(s.applySnapshot(snapshot('hq', 5))).toBe('gap');
  });

  it('bounds the buffer: the oldest deltas go first', () => {
    const s = new RoomState();
    s.beginResync();
    for (let i = 1; i <= BUFFER_LIMIT + 10; i++) s.applyDelta(delta('hq', i, { kind: 'feed', data: [] }));
    // The first ten were dropped, so a snapshot at 0 cannot continue without a gap.
    expect(s.applySnapshot(snapshot('hq', 0))).toBe('gap');
  });
});

describe('RoomState collections', () => {
  it('keeps the feed newest first and bounded', () => {
    const s = new RoomState();
    s.applySnapshot(snapshot('hq', 0));
    for (let i = 1; i <= FEED_LIMIT + 5; i++) {
      s.applyDelta(delta('hq', i, { kind: 'feed', data: [{ id: `f${i}`, type: 'x', at: '', subject: '', summary: '' }] }));
    }
    expect(s.feed).toHaveLength(FEED_LIMIT);
    expect(s.feed[0].id).toBe(`f${FEED_LIMIT + 5}`);
  });

  it('updates an alert in place and drops it once resolved', () => {
    const s = new RoomState();
    s.applySnapshot(snapshot('hq', 0, { alerts: [alert('a1'), alert('a2')] }));
    s.applyDelta(delta('hq', 1, { kind: 'alert', data: alert('a1', { status: 'acknowledged' }) }));
    expect(s.openAlerts().map((a) => a.id)).toEqual(['a2']);
    s.applyDelta(delta('hq', 2, { kind: 'alert', data: alert('a2', { status: 'resolved' }) }));
    expect(s.alerts.map((a) => a.id)).toEqual(['a1']);
  });

  it('orders open alerts by severity, then newest first', () => {
    const s = new RoomState();
    s.applySnapshot(
      snapshot('hq', 0, {
        alerts: [
          alert('w', { severity: 'warning', openedAt: '2025-01-01T09:00:00Z' }),
          alert('c-old', { severity: 'critical', openedAt: '2025-01-01T07:00:00Z' }),
          alert('c-new', { severity: 'critical', openedAt: '2025-01-01T16:00:00+08:00' }),
        ],
      }),
    );
    expect(s.openAlerts().map((a) => a.id)).toEqual(['c-new', 'c-old', 'w']);
  });

  it('upserts violations (an appeal changes the status) newest first', () => {
    const s = new RoomState();
    s.applySnapshot(snapshot('floor:F1', 0, { violations: [violation('v1', { at: '2025-01-01T08:00:00Z' })] }));
    s.applyDelta(delta('floor:F1', 1, { kind: 'violation', data: violation('v2', { at: '2025-01-01T09:00:00Z' }) }));
    s.applyDelta(delta('floor:F1', 2, { kind: 'violation', data: violation('v1', { at: '2025-01-01T08:00:00Z', status: 'dismissed' }) }));
    expect(s.violations.map((v) => [v.id, v.status])).toEqual([
      ['v2', 'open'],
      ['v1', 'dismissed'],
    ]);
  });

  it('keeps the latest KPI value per unit/key/window and a history for sparklines', () => {
    const s = new RoomState();
    s.applySnapshot(snapshot('floor:F1', 0, { kpis: [kpi('floor:F1', 'compliance_rate', 0.99, '2025-01-01T08:00:00Z')] }));
    s.applyDelta(delta('floor:F1', 1, { kind: 'kpi', data: [kpi('floor:F1', 'compliance_rate', 0.995, '2025-01-01T08:01:00Z')] }));
    expect(s.kpi('floor:F1', 'compliance_rate')?.value).toBe(0.995);
    expect(s.kpiHistory.get('floor:F1|compliance_rate|today')?.map((p) => p[1])).toEqual([0.99, 0.995]);
  });

  it('a new snapshot replaces the vehicles (a vehicle gone from the room disappears)', () => {
    const s = new RoomState();
    s.applySnapshot(snapshot('hq', 0, { vehicles: [['A', 30, 120, 0, 0, 1, null], ['B', 31, 121, 0, 0, 1, null]] }));
    const v0 = s.vehiclesVersion;
    s.applySnapshot(snapshot('hq', 3, { vehicles: [['B', 31, 121, 0, 0, 2, null]] }));
    expect(s.vehicles.count).toBe(1);
    expect(s.vehiclesVersion).toBeGreaterThan(v0);
  });
});
