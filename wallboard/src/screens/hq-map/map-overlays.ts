import type { AlertSummaryV1, Vehicle } from '@kanjian/shared';
import type { HotspotPoint, RouteLine, RouteStatus } from '../../charts/options/hq-map-options';
import type { NetworkIndex } from '../../network/network-index';
import type { VehicleStore } from '../../realtime/vehicle-store';
import { ruleTitle } from '../../kpi/rule-titles';

/** Transport rules whose open alert makes a route late; T4 (incident) makes it an incident. */
const LATE_RULES = new Set(['T1', 'T2', 'T3', 'T6']);

/**
 * The route an alert is about: its subject may be the route itself, a trip on it, or a vehicle (then the
 * trip the vehicle is on now).
 */
export function routeOfAlert(a: AlertSummaryV1, net: NetworkIndex, now: number): string | null {
  switch (a.subjectKind) {
    case 'route':
      return net.routes.has(a.subjectId) ? a.subjectId : null;
    case 'trip':
      return net.trips.get(a.subjectId)?.routeId ?? null;
    case 'vehicle':
      return net.currentTrip(a.subjectId, now)?.routeId ?? null;
    default:
      return null;
  }
}

/** Every route with its status from the open alerts: incident beats late beats on time. */
export function routeLines(alerts: readonly AlertSummaryV1[], net: NetworkIndex, now: number): RouteLine[] {
  const status = new Map<string, RouteStatus>();
  for (const a of alerts) {
    if (a.status === 'resolved') continue;
    const kind: RouteStatus | null = a.ruleId === 'T4' ? 'incident' : LATE_RULES.has(a.ruleId) ? 'late' : null;
    if (!kind) continue;
    const routeId = routeOfAlert(a, net, now);
    if (!routeId) continue;
    if (kind === 'incident' || status.get(routeId) !== 'incident') status.set(routeId, kind);
  }
  return net.network.routes.map((r) => ({
    id: r.id,
    coords: r.path.map(([lat, lon]) => [lon, lat] as [number, number]),
    status: status.get(r.id) ?? 'on_time',
  }));
}

/** Cargo-space ranges per cold profile (°C). Frozen may rise to −15 °C in transport (DB31/T 388). */
export const COLD_RANGES: Record<Exclude<Vehicle['coldProfile'], 'none'>, [number, number]> = {
  chilled: [0, 8],
  frozen: [-60, -15],
  pharma: [2, 8],
};

export function isExcursion(profile: Vehicle['coldProfile'], tempC: number): boolean {
  if (profile === 'none' || Number.isNaN(tempC)) return false;
  const [lo, hi] = COLD_RANGES[profile];
  return tempC < lo || tempC > hi;
}

/**
 * What pulses on the map: reefers whose latest temperature is out of range, vehicles with an open T5
 * alert, and vehicles with an open incident (T4), at their latest position.
 */
export function hotspots(store: VehicleStore, alerts: readonly AlertSummaryV1[], net: NetworkIndex | null): HotspotPoint[] {
  const out = new Map<string, HotspotPoint>();
  const plate = (id: string) => net?.vehicles.get(id)?.plate ?? id;
  const ids = store.ids;
  for (let i = 0; i < ids.length; i++) {
    const temp = store.temp[i];
    if (Number.isNaN(temp)) continue;
    const profile = net?.vehicles.get(ids[i])?.coldProfile ?? 'none';
    if (isExcursion(profile, temp)) {
      out.set(ids[i], { id: ids[i], lon: store.lon[i], lat: store.lat[i], kind: 'cold', label: `${plate(ids[i])} ${temp.toFixed(1)}°C` });
    }
  }
  for (const a of alerts) {
    if (a.status === 'resolved' || a.subjectKind !== 'vehicle') continue;
    if (a.ruleId !== 'T4' && a.ruleId !== 'T5') continue;
    const slot = store.slotOf(a.subjectId);
    if (slot === undefined) continue;
    const kind = a.ruleId === 'T4' ? 'incident' : 'cold';
    if (kind === 'cold' && out.has(a.subjectId)) continue;
    out.set(a.subjectId, { id: a.subjectId, lon: store.lon[slot], lat: store.lat[slot], kind, label: `${plate(a.subjectId)} ${ruleTitle(a.ruleId) || a.title}` });
  }
  return [...out.values()];
}
