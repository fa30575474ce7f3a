import type { DataSource } from 'typeorm';
import { NetworkRepository } from './network.repository';
import { buildReferenceNetwork } from './reference-network';

/**
 * Keeps the reference network's trips loaded ahead of the clock, so a demo left running keeps trucks on the road:
 * the trips of a service day depend only on (seed, scale, day), so loading a day again changes nothing and a day
 * can be loaded whenever it is missing.
 */

const DAY_MS = 86_400_000;
const UTC8_MS = 8 * 3_600_000;

/** The service day (YYYY-MM-DD, UTC+8) of an instant. */
export function serviceDayOf(ms: number): string {
  return new Date(ms + UTC8_MS).toISOString().slice(0, 10);
}

export function shiftDay(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** The days whose trips should be loaded when it is `today`: the day before (trucks on the road at midnight) to `ahead` days after. */
export function rollWindow(today: string, ahead: number): string[] {
  if (!Number.isInteger(ahead) || ahead < 0) throw new Error(`ahead must be a whole number of days ≥ 0, got ${ahead}`);
  const out: string[] = [];
  for (let n = -1; n <= ahead; n++) out.push(shiftDay(today, n));
  return out;
}

/** Of the wanted days, those that have no trips yet (in order). */
export function missingDays(wanted: readonly string[], loaded: ReadonlySet<string>): string[] {
  return wanted.filter((d) => !loaded.has(d));
}

/**
 * Wall ms until the next roll: `everyMs`, or a minute after the next midnight (UTC+8) when that comes sooner, so
 * a new day's window is completed right after the day changes.
 */
export function nextRollInMs(now: number, everyMs: number): number {
  const nextMidnight = Math.floor((now + UTC8_MS) / DAY_MS) * DAY_MS + DAY_MS - UTC8_MS;
  return Math.max(1000, Math.min(everyMs, nextMidnight + 60_000 - now));
}

export interface RollOptions {
  seed: number;
  scale: number;
  ahead: number;
}

export interface RollResult {
  today: string;
  loaded: { day: string; trips: number }[];
}

/** Loads the trips of the window's days that have none yet; the rest of the network must be loaded already. */
export async function rollTrips(ds: DataSource, opts: RollOptions, now = Date.now()): Promise<RollResult> {
  const today = serviceDayOf(now);
  const wanted = rollWindow(today, opts.ahead);
  const have = await NetworkRepository.tripDays(ds, wanted[0], shiftDay(wanted[wanted.length - 1], 1));
  const loaded: RollResult['loaded'] = [];
  for (const day of missingDays(wanted, have)) {
    const trips = buildReferenceNetwork({ seed: opts.seed, scale: opts.scale, day }).trips;
    await NetworkRepository.loadTrips(ds, trips);
    loaded.push({ day, trips: trips.length });
  }
  return { today, loaded };
}
