/**
 * Stateless, seeded randomness. Every plan draws from its own stream keyed by what it is about (a trip, a
 * courier-day, a camera-day), never from one shared sequence: the events of any time window are then the same
 * whatever windows came before, which is what makes a restart continue cleanly and a test reproducible.
 */

/** Builtins bound once: Jest's vm context makes every global lookup slow in hot loops (jestjs/jest#5163). */
const M = Math;

/** FNV-1a over the parts, finished with murmur3's avalanche. */
export function hashKey(...parts: (string | number)[]): number {
  let h = 2166136261;
  for (const p of parts) {
    const s = typeof p === 'number' ? `${p}` : p;
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = M.imul(h, 16777619);
    }
    h ^= 0x1f; // separator, so ('ab','c') and ('a','bc') differ
    h = M.imul(h, 16777619);
  }
  return fmix32(h >>> 0);
}

export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = M.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = M.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A uniform number in [0, 1) from a stream hash and two integers, without allocating (per-second noise). */
export function unitAt(h: number, a: number, b = 0): number {
  return fmix32((h ^ M.imul(a | 0, 0x9e3779b1) ^ M.imul((b | 0) + 0x632be5ab, 0x85ebca6b)) >>> 0) / 4294967296;
}

export class Rand {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  static of(...parts: (string | number)[]): Rand {
    return new Rand(hashKey(...parts));
  }
  /** mulberry32 */
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = M.imul(t ^ (t >>> 15), t | 1);
    t ^= t + M.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  range(min: number, max: number): number {
    return min + (max - min) * this.next();
  }
  int(min: number, maxInclusive: number): number {
    return min + M.floor(this.next() * (maxInclusive - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[M.floor(this.next() * items.length)];
  }
  /** Picks a key of a weight table, e.g. {delay: 35, lost: 22}. */
  weighted<K extends string>(table: Readonly<Record<K, number>>): K {
    const keys = Object.keys(table) as K[];
    const total = keys.reduce((s, k) => s + table[k], 0);
    let r = this.next() * total;
    for (const k of keys) {
      r -= table[k];
      if (r < 0) return k;
    }
    return keys[keys.length - 1];
  }
  /** Poisson by inversion for small means, normal approximation above 60. */
  poisson(mean: number): number {
    if (mean <= 0) return 0;
    if (mean > 60) return M.max(0, M.round(mean + M.sqrt(mean) * this.normal()));
    const l = M.exp(-mean);
    let k = 0;
    let p = 1;
    do {
      k++;
      p *= this.next();
    } while (p > l);
    return k - 1;
  }
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return M.sqrt(-2 * M.log(u)) * M.cos(2 * M.PI * v);
  }
}
