import type { DataSource } from 'typeorm';
import { NetworkRepository } from './network.repository';
import { buildReferenceNetwork } from './reference-network';
import { missingDays, nextRollInMs, rollTrips, rollWindow, serviceDayOf, shiftDay } from './trip-roll';

const at = (iso: string) => Date.parse(iso);

describe('trip roll', () => {
  it('names service days in UTC+8', () => {
    expect(serviceDayOf(at('2026-11-23T15:59:59Z'))).toBe('2026-11-23');
    expect(serviceDayOf(at('2026-11-23T16:00:00Z'))).toBe('2026-11-24');
    expect(shiftDay('2026-12-31', 1)).toBe('2027-01-01');
    expect(shiftDay('2024-03-01', -1)).toBe('2024-02-29');
  });

  it('keeps the day before to `ahead` days after', () => {
    expect(rollWindow('2026-11-23', 2)).toEqual(['2026-11-22', '2026-11-23', '2026-11-24', '2026-11-25']);
    expect(rollWindow('2026-11-23', 0)).toEqual(['2026-11-22', '2026-11-23']);
    expect(() => rollWindow('2026-11-23', -1)).toThrow(/ahead/);
    expect(() => rollWindow('2026-11-23', 1.5)).toThrow(/ahead/);
  });

  it('loads only the days that have no trips', () => {
    const wanted = rollWindow('2026-11-24', 2);
    expect(missingDays(wanted, new Set(['2026-11-22', '2026-11-23', '2026-11-24', '2026-11-25']))).toEqual(['2026-11-26']);
    expect(missingDays(wanted, new Set())).toEqual(wanted);
    expect(missingDays(wanted, new Set(wanted))).toEqual([]);
  });

  it('rolls at the interval, or a minute after midnight UTC+8 when that is sooner', () => {
    const hour = 3_600_000;
    // 10:00 UTC+8: the next hour comes first.
    expect(nextRollInMs(at('2026-11-23T02:00:00Z'), hour)).toBe(hour);
    // 23:30 UTC+8: 00:01 comes first.
    expect(nextRollInMs(at('2026-11-23T15:30:00Z'), hour)).toBe(31 * 60_000);
    // Just after the roll at 00:01: the interval again.
    expect(nextRollInMs(at('2026-11-23T16:01:00Z'), hour)).toBe(hour);
    // Never a busy loop.
    expect(nextRollInMs(at('2026-11-23T16:00:59.999Z'), hour)).toBeGreaterThanOrEqual(1000);
  });

  it('loads the reference trips of each missing day of the window, and nothing when none is missing', async () => {
    const loaded: string[][] = [];
    const have = new Set<string>(['2026-11-23', '2026-11-24']);
    const days = jest.spyOn(NetworkRepository, 'tripDays').mockImplementation(async (_ds, from, to) => {
      expect([from, to]).toEqual(['2026-11-23', '2026-11-27']);
      return new Set(have);
    });
    const load = jest.spyOn(NetworkRepository, 'loadTrips').mockImplementation(async (_ds, trips) => {
      loaded.push(trips.map((t) => t.id));
      for (const t of trips) have.add(serviceDayOf(Date.parse(t.scheduledDeparture)));
    });
    try {
      const ds = {} as DataSource;
      // 2026-11-24 09:00 UTC+8: window 23rd..26th; the 25th and 26th are missing.
      const now = at('2026-11-24T01:00:00Z');
      const r = await rollTrips(ds, { seed: 7, scale: 0.1, ahead: 2 }, now);
      expect(r.today).toBe('2026-11-24');
      expect(r.loaded.map((x) => x.day)).toEqual(['2026-11-25', '2026-11-26']);
      const expected = buildReferenceNetwork({ seed: 7, scale: 0.1, day: '2026-11-25' }).trips;
      expect(loaded[0]).toEqual(expected.map((t) => t.id));
      expect(r.loaded[0].trips).toBe(expected.length);
      expect(loaded[1].every((id) => id.startsWith('TRIP-2026-11-26-'))).toBe(true);
      // Rolling again at once loads nothing (idempotent).
      expect((await rollTrips(ds, { seed: 7, scale: 0.1, ahead: 2 }, now)).loaded).toEqual([]);
      expect(load).toHaveBeenCalledTimes(2);
    } finally {
      days.mockRestore();
      load.mockRestore();
    }
  });
});
