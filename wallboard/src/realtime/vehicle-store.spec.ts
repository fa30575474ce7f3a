import { describe, expect, it } from 'vitest';
import { encodePositionsFrame, type PositionTuple } from '@kanjian/shared';
import { VehicleStore } from './vehicle-store';

const pos = (id: string, lat: number, lon: number, at: number, temp: number | null = null): PositionTuple => [id, lat, lon, 60, 90, at, temp];

describe('VehicleStore', () => {
  it('keeps one slot per vehicle and moves it with newer fixes', () => {
    const s = new VehicleStore(16);
    s.upsert([pos('V1', 31, 121, 1000), pos('V2', 39.9, 116.4, 1000)]);
    s.upsert([pos('V1', 31.5, 121.5, 2000)]);
    expect(s.count).toBe(2);
    const slot = s.slotOf('V1')!;
    expect(s.lat[slot]).toBeCloseTo(31.5, 4);
    expect(s.lon[slot]).toBeCloseTo(121.5, 4);
  });

  it('applies a binary positions frame like the tuples it encodes', () => {
    const s = new VehicleStore(16);
    s.upsert([pos('V1', 31.5, 121.5, 2000)]);
    const changed = s.upsertFrame(encodePositionsFrame([pos('V1', 31, 121, 1000), pos('V2', 39.9, 116.4, 3000, -18.5)]));
    expect(changed).toBe(1);
    expect(s.lat[s.slotOf('V1')!]).toBeCloseTo(31.5, 4);
    const v2 = s.slotOf('V2')!;
    expect([s.lat[v2], s.lon[v2], s.atMs[v2]]).toEqual([Math.fround(39.9), Math.fround(116.4), 3000]);
    expect(s.temp[v2]).toBeCloseTo(-18.5, 4);
  });

  it('does not move a vehicle back for an older fix (a late back-filled frame)', () => {
    const s = new VehicleStore(16);
    s.upsert([pos('V1', 31.5, 121.5, 2000)]);
    expect(s.upsert([pos('V1', 31, 121, 1000)])).toBe(0);
    expect(s.lat[s.slotOf('V1')!]).toBeCloseTo(31.5, 4);
  });

  it('grows past its initial capacity without losing vehicles', () => {
    const s = new VehicleStore(16);
    const many = Array.from({ length: 20_000 }, (_, i) => pos(`V${i}`, 20 + (i % 100) / 10, 100 + i / 1000, 1000));
    s.upsert(many);
    expect(s.count).toBe(20_000);
    const slot = s.slotOf('V19999')!;
    expect(s.lon[slot]).toBeCloseTo(100 + 19999 / 1000, 3);
  });

  it('writes interleaved lon/lat pairs for the map', () => {
    const s = new VehicleStore(16);
    s.upsert([pos('A', 10, 100, 1), pos('B', 20, 110, 1)]);
    expect(Array.from(s.lonLatPairs())).toEqual([100, 10, 110, 20]);
  });

  it('stores a missing temperature as NaN and a reported one as is', () => {
    const s = new VehicleStore(16);
    s.upsert([pos('A', 10, 100, 1), pos('B', 20, 110, 1, -18.5)]);
    expect(Number.isNaN(s.temp[s.slotOf('A')!])).toBe(true);
    expect(s.temp[s.slotOf('B')!]).toBeCloseTo(-18.5, 4);
  });

  it('replaceAll drops vehicles absent from a new snapshot', () => {
    const s = new VehicleStore(16);
    s.upsert([pos('A', 10, 100, 1), pos('B', 20, 110, 1)]);
    s.replaceAll([pos('B', 21, 111, 2)]);
    expect(s.count).toBe(1);
    expect(s.slotOf('A')).toBeUndefined();
    expect(s.lat[s.slotOf('B')!]).toBeCloseTo(21, 4);
  });
});
