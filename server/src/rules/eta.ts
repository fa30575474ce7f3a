import { type MeasuredPath, projectOnPath } from './geo';

export interface EtaInput {
  path: MeasuredPath;
  lat: number;
  lon: number;
  atMs: number;
  scheduledDepartureMs: number;
  scheduledArrivalMs: number;
}

/**
 * Rule T6's arrival estimate: the position projected onto the route's polyline, and the remaining distance covered
 * at the schedule's average pace (route length ÷ scheduled duration). The estimated lateness is therefore how far
 * the truck is behind its schedule now: a late start counts from the departure, and every minute standing in a jam
 * adds a minute. The pace observed so far is deliberately not extrapolated: a truck that made up time on the
 * motorway still has the schedule's slower stretches (towns, rest stops) ahead of it.
 */
export function estimateArrival(i: EtaInput): { etaMs: number; remainingM: number; offRouteM: number } {
  const { alongM, offM } = projectOnPath(i.path, i.lat, i.lon);
  const remainingM = Math.max(0, i.path.totalM - alongM);
  const planned = i.path.totalM / Math.max(60_000, i.scheduledArrivalMs - i.scheduledDepartureMs);
  return { etaMs: i.atMs + remainingM / Math.max(planned, 1e-3), remainingM, offRouteM: offM };
}
