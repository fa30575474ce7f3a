import type { Network, Trip } from '@kanjian/shared';
import { addDays, dayOf } from '../core/time';

/** Service days of trips kept before the current one: plans look back 2 days, their turnarounds and complaints 3 more. */
const KEEP_DAYS_BEFORE = 5;

export interface NetworkUpdate {
  network: Network;
  /** Service days after the current one whose trips changed (added, or different from before). */
  changedDays: string[];
  /** Trips of the fresh network left out because they name a route or vehicle the running network does not have. */
  unknownRefs: number;
}

const tripKey = (t: Trip) => `${t.id}|${t.routeId}|${t.vehicleId}|${Date.parse(t.scheduledDeparture)}|${Date.parse(t.scheduledArrival)}`;

function byDay(trips: readonly Trip[]): Map<string, Trip[]> {
  const out = new Map<string, Trip[]>();
  for (const t of trips) {
    const d = dayOf(Date.parse(t.scheduledDeparture));
    const list = out.get(d);
    if (list) list.push(t);
    else out.set(d, [t]);
  }
  return out;
}

/**
 * The network to continue with after fetching the hub's again while simulated time is `now`. The service days up
 * to `now`'s keep the trips they were generated with — what is under way, or already ran on a projected schedule,
 * keeps its plans, so nothing is replayed or doubled — and the later days take the hub's trips (a day loaded
 * ahead replaces its projection). Everything but the trips stays as it was: the sites, people and fleet the
 * simulation runs on do not change under it. Null when no later day changed.
 */
export function refreshNetwork(current: Network, fresh: Network, now: number): NetworkUpdate | null {
  const today = dayOf(now);
  const routes = new Set(current.routes.map((r) => r.id));
  const vehicles = new Set(current.vehicles.map((v) => v.id));
  let unknownRefs = 0;
  const later = fresh.trips.filter((t) => {
    if (dayOf(Date.parse(t.scheduledDeparture)) <= today) return false;
    if (routes.has(t.routeId) && vehicles.has(t.vehicleId)) return true;
    unknownRefs++;
    return false;
  });
  const before = byDay(current.trips.filter((t) => dayOf(Date.parse(t.scheduledDeparture)) > today));
  const after = byDay(later);
  const changedDays = [...new Set([...before.keys(), ...after.keys()])]
    .filter((d) => {
      const a = (before.get(d) ?? []).map(tripKey).sort();
      const b = (after.get(d) ?? []).map(tripKey).sort();
      return a.length !== b.length || a.some((k, i) => k !== b[i]);
    })
    .sort();
  if (changedDays.length === 0) return null;
  const oldest = addDays(today, -KEEP_DAYS_BEFORE);
  const kept = current.trips.filter((t) => {
    const d = dayOf(Date.parse(t.scheduledDeparture));
    return d <= today && d >= oldest;
  });
  return { network: { ...current, trips: [...kept, ...later] }, changedDays, unknownRefs };
}
