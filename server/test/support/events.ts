import { randomUUID } from 'node:crypto';

/** A valid position event for a vehicle, at `at` (default now). */
export function position(vehicleId: string, over: Record<string, unknown> = {}) {
  return {
    id: randomUUID(),
    type: 'vehicle.position',
    at: new Date().toISOString(),
    vehicleId,
    lat: 31.23,
    lon: 121.47,
    speedKmh: 62,
    heading: 90,
    ...over,
  };
}
