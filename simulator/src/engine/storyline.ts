import { hashKey } from '../core/random';
import { MINUTE, SECOND } from '../core/time';

/**
 * The demo's opening (`--storyline`): from a fresh start at `at`, each kind of lapse the network otherwise shows
 * only a few times a day happens once within the first minutes, on parts of the network picked by the seed —
 * so a screen opened at the start, or a short end-to-end run, sees every one of them:
 * - a truck under way loses its signal for 150 s (T2);
 * - a cold-chain truck comes back into coverage 25 s in and back-fills the 14 minutes it was out of reach, at
 *   once and before its live positions, as a terminal does: meanwhile it stood in a 12-minute jam (T3) and its
 *   reefer left the range (T5);
 * - a sorting-floor camera goes silent for 10 min (S4);
 * - a courier picks up a parcel without the inspection photo (P1);
 * - a station gets six complaints in under a minute (X3).
 * Everything else runs as it would without it; the times are part of the options, so a restart that keeps them
 * (the state file) regenerates the same events.
 */
export interface Storyline {
  /** The fresh start it opens, ms (whole seconds). */
  at: number;
}

/** When each of the storyline's lapses happens, relative to its start. */
export const STORY = {
  /** The T2 truck's signal loss: from, length. */
  silenceFrom: 20 * SECOND,
  silenceMs: 150 * SECOND,
  /**
   * The back-filling truck: out of reach from 14 min before the start until 25 s after, when it uploads all it
   * recorded in one go; its live positions follow, so the hub gets its track in order.
   */
  outOfReachFrom: -14 * MINUTE,
  backInReach: 25 * SECOND,
  jamFrom: -13 * MINUTE,
  jamMs: 12 * MINUTE,
  excursionFrom: -12 * MINUTE,
  /** The camera outage: from, length. */
  cameraFrom: 20 * SECOND,
  cameraMs: 10 * MINUTE,
  /** The pickup without a photo. */
  pickupAt: 20 * SECOND,
  /** The complaint burst: first, spacing, count. */
  complaintsFrom: 20 * SECOND,
  complaintEveryMs: 8 * SECOND,
  complaints: 6,
} as const;

/** Picks one of `n` things for a storyline part, by the seed. */
export function storyPick(seed: number, part: string, n: number): number {
  return n > 0 ? hashKey(seed, 'storyline', part) % n : -1;
}

/** Orders candidates for a storyline part by the seed (the first that fits is taken). */
export function storyOrder<T>(seed: number, part: string, items: readonly T[], key: (x: T) => string): T[] {
  return [...items].sort((a, b) => hashKey(seed, 'storyline', part, key(a)) - hashKey(seed, 'storyline', part, key(b)) || (key(a) < key(b) ? -1 : 1));
}
