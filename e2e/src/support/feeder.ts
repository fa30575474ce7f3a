import { randomUUID } from 'node:crypto';
import type { EvidenceRef, IngestEvent, IngestResponse, Network, Route } from '@kanjian/shared';
import { snapshotPng } from './png';

type Omitted<T> = T extends unknown ? Omit<T, 'id' | 'at' | 'v'> : never;
export type EventBody = Omitted<IngestEvent>;

/** Cumulative lengths of a polyline of [lat, lon] points, in degrees (enough to move along it evenly). */
export function cumulative(path: ReadonlyArray<readonly [number, number]>): number[] {
  const out = [0];
  for (let i = 1; i < path.length; i++) {
    const [a, b] = [path[i - 1]!, path[i]!];
    out.push(out[i - 1]! + Math.hypot(b[0] - a[0], b[1] - a[1]));
  }
  return out;
}

/** The point at `fraction` (0..1) of the way along a polyline. */
export function pointAlong(path: ReadonlyArray<readonly [number, number]>, cum: readonly number[], fraction: number): [number, number] {
  if (path.length === 1) return [path[0]![0], path[0]![1]];
  const total = cum[cum.length - 1]!;
  const d = Math.min(1, Math.max(0, fraction)) * total;
  let i = 1;
  while (i < cum.length - 1 && cum[i]! < d) i++;
  const seg = cum[i]! - cum[i - 1]! || 1;
  const t = (d - cum[i - 1]!) / seg;
  const [a, b] = [path[i - 1]!, path[i]!];
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t];
}

interface Mover {
  vehicleId: string;
  route: Route;
  cum: number[];
  /** Where it starts and how much of its route it covers per second (sped up so the map visibly moves). */
  offset: number;
  rate: number;
  tempC: number | null;
}

export interface FeederOptions {
  /** How many vehicles move (the first N with a trip). */
  vehicles: number;
  floorId: string;
  /** Parcels scanned on the floor per tick. */
  parcelsPerTick?: number;
  tickMs?: number;
}

/**
 * A small live network for the tests, through the hub's public ingest API with a feed token: vehicles moving
 * along their routes once a second, sorting scans on a floor, and, on demand, violations with an uploaded
 * snapshot, incidents and cold-chain excursions. A failed post (the hub is down) is counted and the next tick
 * tries again, so the feed resumes by itself after a hub restart.
 */
export class Feeder {
  private timer: NodeJS.Timeout | null = null;
  private movers: Mover[] = [];
  private started = Date.now();
  private ticking = false;
  sent = 0;
  failures = 0;
  ticks = 0;
  private overrides = new Map<string, number>();

  constructor(
    private readonly url: () => string,
    private readonly token: string,
    private readonly net: Network,
    private readonly opts: FeederOptions,
  ) {
    const routes = new Map(net.routes.map((r) => [r.id, r]));
    const vehicles = new Map(net.vehicles.map((v) => [v.id, v]));
    const seen = new Set<string>();
    for (const trip of net.trips) {
      if (this.movers.length >= opts.vehicles) break;
      const route = routes.get(trip.routeId);
      const v = vehicles.get(trip.vehicleId);
      if (!route || !v || seen.has(v.id) || route.path.length < 2) continue;
      seen.add(v.id);
      const i = this.movers.length;
      this.movers.push({
        vehicleId: v.id,
        route,
        cum: cumulative(route.path),
        offset: (i * 0.137) % 1,
        rate: 1 / (600 + (i % 7) * 60),
        tempC: v.coldProfile === 'frozen' ? -19 : v.coldProfile === 'chilled' || v.coldProfile === 'pharma' ? 4 : null,
      });
    }
  }

  get movingVehicleIds(): string[] {
    return this.movers.map((m) => m.vehicleId);
  }

  get running(): boolean {
    return this.timer !== null;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.opts.tickMs ?? 1000);
    void this.tick();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Holds a reefer at a temperature (e.g. 12 °C for a chilled load: an excursion). */
  setTemperature(vehicleId: string, tempC: number): void {
    this.overrides.set(vehicleId, tempC);
  }

  positions(now = Date.now()): EventBody[] {
    const elapsed = (now - this.started) / 1000;
    return this.movers.map((m) => {
      const f = (m.offset + elapsed * m.rate) % 1;
      const [lat, lon] = pointAlong(m.route.path, m.cum, f);
      const [lat2, lon2] = pointAlong(m.route.path, m.cum, Math.min(1, f + 0.001));
      const heading = ((Math.atan2(lon2 - lon, lat2 - lat) * 180) / Math.PI + 360) % 360;
      const temp = this.overrides.get(m.vehicleId) ?? m.tempC;
      return {
        type: 'vehicle.position' as const,
        vehicleId: m.vehicleId,
        lat: +lat.toFixed(6),
        lon: +lon.toFixed(6),
        speedKmh: 72,
        heading: +heading.toFixed(1),
        ...(temp === null ? {} : { tempC: temp }),
      };
    });
  }

  async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      this.ticks++;
      const events: EventBody[] = [...this.positions()];
      events.push({ type: 'sorting.scan', floorId: this.opts.floorId, parcels: this.opts.parcelsPerTick ?? 40 });
      await this.post(events);
    } catch {
      this.failures++;
    } finally {
      this.ticking = false;
    }
  }

  /** Posts events (id and time added); answers the hub's ingest response or throws with its error. */
  async post(bodies: EventBody[], at = new Date()): Promise<IngestResponse> {
    const events = bodies.map((b) => ({ id: randomUUID(), at: at.toISOString(), v: 1, ...b }));
    const res = await fetch(`${this.url()}/api/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token}` },
      body: JSON.stringify(events),
    });
    if (res.status !== 200) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
    const body = (await res.json()) as IngestResponse;
    if (body.rejected.length) throw new Error(`ingest rejected ${JSON.stringify(body.rejected.slice(0, 3))}`);
    this.sent += events.length;
    return body;
  }

  async uploadSnapshot(seed: number): Promise<EvidenceRef> {
    const res = await fetch(`${this.url()}/api/v1/evidence`, {
      method: 'POST',
      headers: { 'content-type': 'image/png', authorization: `Bearer ${this.token}` },
      body: new Uint8Array(snapshotPng(seed)),
    });
    if (res.status !== 200) throw new Error(`evidence upload answered ${res.status}: ${await res.text()}`);
    const { uri, sha256 } = (await res.json()) as { uri: string; sha256: string };
    return { kind: 'snapshot', uri, sha256 };
  }

  /** A parcel dropped from `heightCm` on the floor, seen by `cameraId`, with an uploaded snapshot (rule S1). */
  async violation(cameraId: string, heightCm = 72, sorterId?: string): Promise<void> {
    const snapshot = await this.uploadSnapshot(Math.round(heightCm * 7 + this.ticks));
    await this.post([
      {
        type: 'sorting.violation',
        floorId: this.opts.floorId,
        cameraId,
        kind: 'drop',
        dropHeightCm: heightCm,
        confidence: 0.93,
        snapshot,
        ...(sorterId ? { sorterId } : {}),
      },
    ]);
  }

  /** A line-haul incident (rule T4): reaches HQ. */
  async incident(vehicleId: string, kind: 'tyre_blowout' | 'breakdown' | 'accident' = 'tyre_blowout'): Promise<void> {
    const p = this.positions().find((e) => e.type === 'vehicle.position' && e.vehicleId === vehicleId) as
      | Extract<EventBody, { type: 'vehicle.position' }>
      | undefined;
    await this.post([{ type: 'vehicle.incident', vehicleId, kind, note: 'e2e', ...(p ? { lat: p.lat, lon: p.lon } : {}) }]);
  }
}
