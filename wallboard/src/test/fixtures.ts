import type { AlertSummaryV1, KpiValueV1, RoomDeltaV1, RoomName, RoomSnapshotV1, ViolationSummaryV1 } from '@kanjian/shared';
import type { DeltaV1 } from '@kanjian/shared';

export function snapshot(room: RoomName, seq: number, over: Partial<RoomSnapshotV1> = {}): RoomSnapshotV1 {
  return { v: 1, room, seq, at: new Date(0).toISOString(), vehicles: [], feed: [], violations: [], alerts: [], kpis: [], ...over };
}

export function delta(room: RoomName, seq: number, d: DeltaV1): RoomDeltaV1 {
  return { v: 1, room, seq, sentAt: 0, ...d } as RoomDeltaV1;
}

export function alert(id: string, over: Partial<AlertSummaryV1> = {}): AlertSummaryV1 {
  return {
    id,
    ruleId: 'T2',
    subjectKind: 'vehicle',
    subjectId: 'V1',
    siteId: 'S1',
    regionId: 'R1',
    severity: 'violation',
    level: 'site',
    status: 'open',
    title: `alert ${id}`,
    openedAt: '2025-01-01T08:00:00+08:00',
    acknowledgedAt: null,
    acknowledgedBy: null,
    resolvedAt: null,
    resolvedBy: null,
    ...over,
  };
}

export function violation(id: string, over: Partial<ViolationSummaryV1> = {}): ViolationSummaryV1 {
  return {
    id,
    ruleId: 'S1',
    stage: 'sorting',
    severity: 'violation',
    subjectKind: 'camera',
    subjectId: 'C1',
    floorId: 'F1',
    siteId: 'S1',
    waybillNo: null,
    responsible: 'P1',
    evidence: [],
    at: '2025-01-01T08:00:00+08:00',
    status: 'open',
    detail: 'drop 72 cm',
    ...over,
  };
}

export function kpi(unit: string, key: string, value: number | null, at: string, over: Partial<KpiValueV1> = {}): KpiValueV1 {
  return { unit, key, value, target: null, window: 'today', at, ...over };
}
