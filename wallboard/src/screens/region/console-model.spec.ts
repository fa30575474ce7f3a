import { describe, expect, it } from 'vitest';
import type { ComplaintSummary } from '@kanjian/shared';
import { alertActions, complaintTimer, mergeAlerts, sortBacklog } from './console-model';
import { alert } from '../../test/fixtures';

const complaint = (id: string, over: Partial<ComplaintSummary> = {}): ComplaintSummary => ({
  id,
  waybillNo: 'SF1234567890',
  siteId: 'SH',
  regionId: 'EAST',
  category: 'damaged',
  channel: 'phone',
  status: 'open',
  openedAt: '2025-03-01T08:00:00+08:00',
  firstResponseAt: null,
  resolvedAt: null,
  firstResponseDueAt: '2025-03-01T08:30:00+08:00',
  resolutionDueAt: '2025-03-03T08:00:00+08:00',
  attributedStage: null,
  ...over,
});

describe('console alerts', () => {
  it('keeps the most advanced copy of an alert across the list, the room and this console’s actions', () => {
    const merged = mergeAlerts(
      [alert('a', { status: 'open' }), alert('b', { status: 'open', level: 'site' })],
      [alert('a', { status: 'acknowledged' })],
      [alert('b', { status: 'open', level: 'region' }), alert('a', { status: 'open' })],
    );
    const byId = Object.fromEntries(merged.map((a) => [a.id, a]));
    expect(byId.a.status).toBe('acknowledged');
    expect(byId.b.level).toBe('region');
  });

  it('offers ack only while open, resolve until resolved, escalate below HQ', () => {
    expect(alertActions(alert('a', { status: 'open', level: 'site' }))).toEqual(['ack', 'resolve', 'escalate']);
    expect(alertActions(alert('a', { status: 'acknowledged', level: 'hq' }))).toEqual(['resolve']);
    expect(alertActions(alert('a', { status: 'resolved' }))).toEqual([]);
  });
});

describe('complaint backlog timers', () => {
  const now = Date.parse('2025-03-01T08:20:00+08:00');
  it('counts down to the first response, then to the resolution', () => {
    expect(complaintTimer(complaint('c'), now)).toMatchObject({ kind: 'first_response', remainingMs: 10 * 60_000, overdue: false });
    const responded = complaintTimer(complaint('c', { firstResponseAt: '2025-03-01T08:10:00+08:00', status: 'responded' }), now)!;
    expect(responded.kind).toBe('resolution');
    expect(responded.remainingMs).toBe(48 * 3600_000 - 20 * 60_000);
  });

  it('goes negative and overdue past the deadline; none once resolved', () => {
    const late = complaintTimer(complaint('c'), Date.parse('2025-03-01T08:45:00+08:00'))!;
    expect(late.overdue).toBe(true);
    expect(late.remainingMs).toBe(-15 * 60_000);
    expect(complaintTimer(complaint('c', { status: 'resolved' }), now)).toBeNull();
  });

  it('puts the most overdue first', () => {
    const list = [
      complaint('fresh', { firstResponseDueAt: '2025-03-01T09:00:00+08:00' }),
      complaint('overdue', { firstResponseDueAt: '2025-03-01T08:00:00+08:00' }),
      complaint('soon', { firstResponseDueAt: '2025-03-01T08:25:00+08:00' }),
    ];
    expect(sortBacklog(list, now).map((c) => c.id)).toEqual(['overdue', 'soon', 'fresh']);
  });
});
