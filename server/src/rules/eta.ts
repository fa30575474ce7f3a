import { type MeasuredPath, projectOnPath } from './geo';

export interface EtaInput {
  path: MeasuredPath;
  lat: number;
  lon: number;
  atMs: number;
  /** When the trip actually departed (else its schedule). */
  departedMs: number;
  scheduledDepartureMs: number;
  scheduledArrivalMs: number;
}

/** Below this much elapsed time or covered distance the observed pace is noise: the plan's pace is used alone. */
const MIN_ELAPSED_MS = 10 * 60_000;
const MIN_COVERED_M = 5000;

/**
 * Rule T6's arrival estimate: the remaining distance along the route (the position projected onto the route's
 * polyline) divided by a pace that blends the trip's observed average (distance covered ÷ time since departure,
 * stops included) with the planned average (route length ÷ scheduled duration). The observed pace gains weight as
 * the trip goes on (w = covered share of the route, at most 0.8), so a truck stuck in a jam pushes its estimate
 * out, while early noise does not.
 */
export function estimateArrival(i: EtaInput): { etaMs: number; remainingM: number; offRouteM: number } {
  const { alongM, offM } = projectOnPath(i.path, i.lat, i.lon);
  const remainingM = Math.max(0, i.path.totalM - alongM);
  const planned = i.path.totalM / Math.max(60_000, i.scheduledArrivalMs - i.scheduledDepartureMs);
  const elapsed = i.atMs - i.departedMs;
  let pace = planned;
  if (elapsed >= MIN_ELAPSED_MS && alongM >= MIN_COVERED_M) {
    const observed = alongM / elapsed;
    const w = Math.min(0.8, alongM / Math.max(1, i.path.totalM));
    pace = w * observed + (1 - w) * planned;
  }
  return { etaMs: i.atMs + remainingM / Math.max(pace, 1e-3), remainingM, offRouteM: offM };
}
