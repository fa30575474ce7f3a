import { randomUUID } from 'node:crypto';
import type { Network } from '@kanjian/shared';
import { haversineKm } from '../network/reference-network';

const TEMP_OF: Record<string, number | null> = { none: null, chilled: 4, frozen: -21, pharma: 5 };

interface Track {
  vehicleId: string;
  path: [number, number][];
  cum: number[];
  km: number;
  speedKmh: number;
  /** Cargo-space temperature the reefer holds: chilled 0–8 °C, frozen ≤ −18 °C, pharma 2–8 °C. */
  tempC: number | null;
}

/**
 * A realistic position stream for benchmarks: every vehicle of the network drives along a route's polyline at its
 * own speed, one position per vehicle per simulated second.
 */
export class PositionStream {
  private readonly tracks: Track[];
  private step = 0;

  constructor(net: Network, private readonly startMs: number) {
    const routes = net.routes.filter((r) => r.path.length >= 2);
    this.tracks = net.vehicles.map((v, i) => {
      const r = routes[i % routes.length]!;
      const cum = [0];
      for (let k = 1; k < r.path.length; k++) cum.push(cum[k - 1]! + haversineKm(r.path[k - 1]!, r.path[k]!));
      const total = cum[cum.length - 1]!;
      return { vehicleId: v.id, path: r.path, cum, km: ((i * 7919) % 1000) / 1000 * total, speedKmh: 55 + (i % 30), tempC: TEMP_OF[v.coldProfile] };
    });
  }

  get vehicles() {
    return this.tracks.length;
  }

  /** The next `n` positions (cycling through vehicles; a full cycle is one simulated second). */
  next(n: number, atMs?: number): Record<string, unknown>[] {
    const out: Record<string, unknown>[] = [];
    for (let k = 0; k < n; k++) {
      const idx = this.step % this.tracks.length;
      const second = Math.floor(this.step / this.tracks.length);
      this.step++;
      const t = this.tracks[idx]!;
      t.km = (t.km + t.speedKmh / 3600) % t.cum[t.cum.length - 1]!;
      let seg = 1;
      while (seg < t.cum.length - 1 && t.cum[seg]! < t.km) seg++;
      const a = t.path[seg - 1]!;
      const b = t.path[seg]!;
      const f = (t.km - t.cum[seg - 1]!) / Math.max(1e-9, t.cum[seg]! - t.cum[seg - 1]!);
      const e: Record<string, unknown> = {
        id: randomUUID(),
        type: 'vehicle.position',
        at: new Date(atMs ?? this.startMs + second * 1000).toISOString(),
        vehicleId: t.vehicleId,
        lat: +(a[0] + (b[0] - a[0]) * f).toFixed(6),
        lon: +(a[1] + (b[1] - a[1]) * f).toFixed(6),
        speedKmh: t.speedKmh,
        heading: Math.round((Math.atan2(b[1] - a[1], b[0] - a[0]) * 180) / Math.PI + 360) % 360,
      };
      if (t.tempC !== null) e.tempC = +(t.tempC + Math.sin(second / 60)).toFixed(2);
      out.push(e);
    }
    return out;
  }
}
