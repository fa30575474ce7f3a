import type {
  AlertSummaryV1,
  FeedItemV1,
  KpiValueV1,
  RoomDeltaV1,
  RoomSnapshotV1,
  ViolationSummaryV1,
} from '@kanjian/shared';
import { VehicleStore } from './vehicle-store';

export const FEED_LIMIT = 60;
export const VIOLATION_LIMIT = 100;
export const KPI_HISTORY_LIMIT = 240;
export const ALERT_LIMIT = 500;
/** Deltas held while a snapshot is awaited; past this the oldest go (the replay then sees a gap and re-snapshots). */
export const BUFFER_LIMIT = 5000;

/** `rejected`: in sequence but unreadable (a positions frame of another format); `frameError` says why. */
export type DeltaOutcome = 'applied' | 'duplicate' | 'gap' | 'buffered' | 'rejected';

export function kpiKey(k: Pick<KpiValueV1, 'unit' | 'key' | 'window'>): string {
  return `${k.unit}|${k.key}|${k.window}`;
}

/**
 * What one room holds on the client, and the sequence discipline: a snapshot sets `seq`; a delta applies
 * only if it is exactly `seq + 1`; an older one is a duplicate; a newer one is a gap (the caller
 * re-snapshots). While a snapshot is awaited, deltas are buffered and replayed past the snapshot's seq.
 *
 * Collections are replaced, not mutated, on change, so a `shallowRef` holding them is enough for Vue.
 * Vehicles live in a typed-array store and are signalled through `vehiclesVersion`.
 */
export class RoomState {
  seq = -1;
  synced = false;
  vehicles = new VehicleStore(4096);
  vehiclesVersion = 0;
  /** Why the last positions frame could not be read (see the `rejected` outcome). */
  frameError: string | null = null;
  feed: FeedItemV1[] = [];
  violations: ViolationSummaryV1[] = [];
  alerts: AlertSummaryV1[] = [];
  kpis = new Map<string, KpiValueV1>();
  /** Values seen this session per KPI (unit|key|window), oldest first: a live sparkline even without a series API. */
  kpiHistory = new Map<string, Array<[number, number]>>();
  private buffer: RoomDeltaV1[] = [];

  /** Marks the state as waiting for a snapshot: deltas from now on are buffered. */
  beginResync(): void {
    this.synced = false;
    this.buffer = [];
  }

  /** Applies a snapshot, then replays buffered deltas; returns 'gap' if the buffer itself has a hole. */
  applySnapshot(s: RoomSnapshotV1): 'applied' | 'gap' {
    this.seq = s.seq;
    this.synced = true;
    this.vehicles.replaceAll(s.vehicles);
    this.vehiclesVersion++;
    this.feed = s.feed.slice(0, FEED_LIMIT);
    this.violations = sortNewestFirst(s.violations).slice(0, VIOLATION_LIMIT);
    this.alerts = s.alerts.filter((a) => a.status !== 'resolved').slice(0, ALERT_LIMIT);
    this.kpis = new Map();
    for (const k of s.kpis) this.putKpi(k);
    const pending = this.buffer.sort((a, b) => a.seq - b.seq);
    this.buffer = [];
    for (const d of pending) {
      if (this.applyDelta(d) === 'gap') return 'gap';
    }
    return 'applied';
  }

  applyDelta(d: RoomDeltaV1): DeltaOutcome {
    if (!this.synced) {
      if (this.buffer.length >= BUFFER_LIMIT) this.buffer.shift();
      this.buffer.push(d);
      return 'buffered';
    }
    if (d.seq <= this.seq) return 'duplicate';
    if (d.seq !== this.seq + 1) return 'gap';
    this.seq = d.seq;
    switch (d.kind) {
      case 'positions':
        this.vehicles.upsert(d.data);
        this.vehiclesVersion++;
        break;
      case 'positions.bin':
        try {
          this.vehicles.upsertFrame(d.data);
        } catch (e) {
          this.frameError = (e as Error).message;
          return 'rejected';
        }
        this.vehiclesVersion++;
        break;
      case 'feed':
        this.feed = [...d.data.slice().reverse(), ...this.feed].slice(0, FEED_LIMIT);
        break;
      case 'violation':
        this.violations = sortNewestFirst(upsertById(this.violations, d.data)).slice(0, VIOLATION_LIMIT);
        break;
      case 'alert':
        // A resolved alert leaves the room's state: a wall that runs for weeks must not accumulate them.
        this.alerts =
          d.data.status === 'resolved' ? this.alerts.filter((a) => a.id !== d.data.id) : upsertById(this.alerts, d.data).slice(0, ALERT_LIMIT);
        break;
      case 'kpi': {
        const next = new Map(this.kpis);
        this.kpis = next;
        for (const k of d.data) this.putKpi(k);
        break;
      }
    }
    return 'applied';
  }

  openAlerts(): AlertSummaryV1[] {
    return this.alerts
      .filter((a) => a.status === 'open')
      .sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || Date.parse(b.openedAt) - Date.parse(a.openedAt));
  }

  kpi(unit: string, key: string, window = 'today'): KpiValueV1 | undefined {
    return this.kpis.get(kpiKey({ unit, key, window }));
  }

  private putKpi(k: KpiValueV1): void {
    const key = kpiKey(k);
    this.kpis.set(key, k);
    if (k.value === null) return;
    // A new array on every change: charts watching a history by identity see it move.
    const prev = this.kpiHistory.get(key) ?? [];
    const at = Date.parse(k.at);
    const last = prev[prev.length - 1];
    let hist: Array<[number, number]>;
    if (!last || at > last[0]) hist = [...prev, [at, k.value]];
    else if (at === last[0]) hist = [...prev.slice(0, -1), [at, k.value]];
    else return;
    if (hist.length > KPI_HISTORY_LIMIT) hist = hist.slice(hist.length - KPI_HISTORY_LIMIT);
    this.kpiHistory.set(key, hist);
  }
}

function upsertById<T extends { id: string }>(list: readonly T[], item: T): T[] {
  const i = list.findIndex((x) => x.id === item.id);
  if (i < 0) return [item, ...list];
  const next = list.slice();
  next[i] = item;
  return next;
}

function sortNewestFirst(list: readonly ViolationSummaryV1[]): ViolationSummaryV1[] {
  return list.slice().sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
}

export function severityRank(s: string): number {
  return s === 'critical' ? 3 : s === 'violation' ? 2 : s === 'warning' ? 1 : 0;
}
