import { readPositionsFrame, type PositionTuple } from '@kanjian/shared';

/**
 * The latest position of every vehicle in flat typed arrays, indexed by a stable slot per vehicle id.
 * 20,000 vehicles at 1 Hz would make 20,000 reactive objects churn every second; here an update is a few
 * array writes and the map reads one interleaved `[lon, lat, …]` buffer. Deliberately not reactive: the
 * owner bumps its own version counter after `upsert`.
 */
export class VehicleStore {
  private slots = new Map<string, number>();
  private idList: string[] = [];
  private capacity: number;
  lon: Float32Array;
  lat: Float32Array;
  speed: Float32Array;
  heading: Float32Array;
  atMs: Float64Array;
  /** NaN when the vehicle reports no temperature. */
  temp: Float32Array;

  constructor(initialCapacity = 1024) {
    this.capacity = Math.max(16, initialCapacity);
    this.lon = new Float32Array(this.capacity);
    this.lat = new Float32Array(this.capacity);
    this.speed = new Float32Array(this.capacity);
    this.heading = new Float32Array(this.capacity);
    this.atMs = new Float64Array(this.capacity);
    this.temp = new Float32Array(this.capacity);
  }

  get count(): number {
    return this.idList.length;
  }

  get ids(): readonly string[] {
    return this.idList;
  }

  slotOf(id: string): number | undefined {
    return this.slots.get(id);
  }

  clear(): void {
    this.slots.clear();
    this.idList = [];
  }

  /** Applies positions; an older fix than the one held (a late, coalesced frame) does not move a vehicle back. */
  upsert(tuples: readonly PositionTuple[]): number {
    let changed = 0;
    for (const [id, lat, lon, speed, heading, at, temp] of tuples) changed += this.put(id, lat, lon, speed, heading, at, temp);
    return changed;
  }

  /** Applies a binary positions frame straight from its columns: no tuple is built. Throws on a damaged frame. */
  upsertFrame(frame: ArrayBuffer | ArrayBufferView): number {
    let changed = 0;
    readPositionsFrame(frame, (id, lat, lon, speed, heading, at, temp) => (changed += this.put(id, lat, lon, speed, heading, at, temp)));
    return changed;
  }

  private put(id: string, lat: number, lon: number, speed: number, heading: number, at: number, temp: number | null): 0 | 1 {
    let slot = this.slots.get(id);
    if (slot === undefined) {
      slot = this.idList.length;
      if (slot >= this.capacity) this.grow(slot + 1);
      this.slots.set(id, slot);
      this.idList.push(id);
    } else if (at < this.atMs[slot]) {
      return 0;
    }
    this.lat[slot] = lat;
    this.lon[slot] = lon;
    this.speed[slot] = speed;
    this.heading[slot] = heading;
    this.atMs[slot] = at;
    this.temp[slot] = temp ?? Number.NaN;
    return 1;
  }

  replaceAll(tuples: readonly PositionTuple[]): void {
    this.clear();
    this.upsert(tuples);
  }

  /** A fresh interleaved [lon0, lat0, lon1, lat1, …] copy: what a `large` scatter series on a geo reads. */
  lonLatPairs(out?: Float32Array): Float32Array {
    const n = this.count;
    const buf = out && out.length === n * 2 ? out : new Float32Array(n * 2);
    for (let i = 0, j = 0; i < n; i++, j += 2) {
      buf[j] = this.lon[i];
      buf[j + 1] = this.lat[i];
    }
    return buf;
  }

  private grow(min: number): void {
    let cap = this.capacity;
    while (cap < min) cap *= 2;
    const grow = <T extends Float32Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    this.lon = grow(this.lon, (n) => new Float32Array(n));
    this.lat = grow(this.lat, (n) => new Float32Array(n));
    this.speed = grow(this.speed, (n) => new Float32Array(n));
    this.heading = grow(this.heading, (n) => new Float32Array(n));
    this.temp = grow(this.temp, (n) => new Float32Array(n));
    this.atMs = grow(this.atMs, (n) => new Float64Array(n));
    this.capacity = cap;
  }
}
