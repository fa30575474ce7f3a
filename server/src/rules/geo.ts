/** Great-circle distance in metres. */
export function haversineM(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const R = 6_371_000;
  const toRad = Math.PI / 180;
  const dLat = (lat2 - lat1) * toRad;
  const dLon = (lon2 - lon1) * toRad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * toRad) * Math.cos(lat2 * toRad) * Math.sin(dLon / 2) ** 2;
  return 2 * R * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** A polyline with cumulative lengths, for projecting a position onto a route. */
export interface MeasuredPath {
  pts: [number, number][];
  /** Cumulative distance (m) from the start to each point. */
  cum: number[];
  totalM: number;
}

export function measurePath(pts: [number, number][]): MeasuredPath {
  const cum = [0];
  for (let i = 1; i < pts.length; i++) cum.push(cum[i - 1]! + haversineM(pts[i - 1]![0], pts[i - 1]![1], pts[i]![0], pts[i]![1]));
  return { pts, cum, totalM: cum[cum.length - 1] ?? 0 };
}

/**
 * Distance along the path (m) of the point nearest to (lat, lon), and how far off the path it is. Uses a local
 * equirectangular projection per segment: exact enough at the scale of a road segment.
 */
export function projectOnPath(path: MeasuredPath, lat: number, lon: number): { alongM: number; offM: number } {
  let best = { alongM: 0, offM: Infinity };
  const k = Math.cos((lat * Math.PI) / 180);
  for (let i = 1; i < path.pts.length; i++) {
    const [aLat, aLon] = path.pts[i - 1]!;
    const [bLat, bLon] = path.pts[i]!;
    const ax = aLon * k, ay = aLat, bx = bLon * k, by = bLat, px = lon * k, py = lat;
    const dx = bx - ax, dy = by - ay;
    const len2 = dx * dx + dy * dy;
    const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2));
    const qLat = ay + t * dy;
    const qLon = (ax + t * dx) / k;
    const off = haversineM(lat, lon, qLat, qLon);
    if (off < best.offM) {
      const segM = path.cum[i]! - path.cum[i - 1]!;
      best = { alongM: path.cum[i - 1]! + t * segM, offM: off };
    }
  }
  return best;
}
