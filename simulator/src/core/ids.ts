import { createHash } from 'node:crypto';

/** RFC 4122 namespace of the simulator's name-based (v5) event ids. */
const NAMESPACE = Buffer.from('3f0d5b8e7c1a4e2b9a6d0c4f8e2b1a70', 'hex');

/**
 * The event id is the idempotency key, so it is derived from what the event is (seed, kind, subject, time or
 * sequence), never drawn at random: a retry or a regenerated window after a restart sends the same id.
 */
export function eventId(seed: number, ...parts: (string | number)[]): string {
  const h = createHash('sha1').update(NAMESPACE).update(`${seed}|${parts.join('|')}`).digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.toString('hex', 0, 16);
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}
