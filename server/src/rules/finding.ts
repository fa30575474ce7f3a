import type { RoomName, RuleId } from '@kanjian/shared';

export type Severity = 'info' | 'warning' | 'violation' | 'critical';
export type AlertLevel = 'floor' | 'site' | 'region' | 'hq';
export const LEVELS: AlertLevel[] = ['floor', 'site', 'region', 'hq'];

/** What a rule concluded about one fact (or one absence): recorded as a violation and/or an alert. */
export interface Finding {
  ruleId: RuleId;
  severity: Severity;
  /** Identifies the lapse: the same lapse found twice (a retry, a recovery, late data) is stored once. */
  dedupeKey: string;
  /** When the lapse happened (the fact's time, not the time it was judged). */
  at: string;
  subjectKind: string;
  subjectId: string;
  floorId: string | null;
  siteId: string | null;
  waybillNo: string | null;
  /** The person who did it, when the fact names one. */
  personId: string | null;
  evidence: { kind: string; uri: string }[];
  detail: string;
  /** The number the rule judged (minutes late, height in cm, minutes out of range …). */
  measure?: number | null;
  sourceEventId?: string | null;
  /** Record a violation (false for incidents, devices and patterns, which only alert). */
  violation: boolean;
  alert?: AlertSpec | null;
}

export interface AlertSpec {
  subjectKind?: string;
  subjectId?: string;
  level?: AlertLevel;
  /** Rooms beyond the unit's chain (e.g. the next site on the route of a T4 incident). */
  extraRooms?: RoomName[];
  title?: string;
  /** Time the reported fact happened: T4 stores the latency from it to the notification. */
  eventAt?: string;
}
