import { decodePositionsFrame, deltaPositions, positionsFrameCount, visitDeltaPositions, encodePositionsFrame, PositionsFrameError, readPositionsFrame } from './positions-frame';
import type { PositionTuple } from './index';

const T0 = Date.parse('2026-11-23T08:00:00+08:00');

describe('positions frame', () => {
  it('round-trips tuples exactly at the resolution the hub rounds to', () => {
    const tuples: PositionTuple[] = [
      ['VEH-0001', 31.23042, 121.47369, 72.3, 184, T0, null],
      ['VEH-0002', -33.86882, 151.20929, 0, 0, T0 - 999, -18.4],
      ['TRK_9.a:b-c', 89.99999, -179.99999, 6553.5, 359, T0 - 3_600_000, 4.5],
    ];
    const frame = encodePositionsFrame(tuples);
    expect(decodePositionsFrame(frame)).toEqual(tuples);
    // 16-byte header, 18 bytes of numbers a vehicle, the ids and their separators.
    expect(frame.byteLength).toBe(16 + 18 * 3 + 8 + 8 + 11 + 2);
  });

  it('reads from an ArrayBuffer and from a view at an unaligned offset (how Socket.IO hands it over)', () => {
    const frame = encodePositionsFrame([['V1', 22.5, 114.1, 50, 90, T0, 3.2]]);
    const padded = new Uint8Array(frame.byteLength + 3);
    padded.set(frame, 3);
    expect(decodePositionsFrame(padded.subarray(3))).toEqual([['V1', 22.5, 114.1, 50, 90, T0, 3.2]]);
    expect(decodePositionsFrame(frame.slice().buffer)).toEqual([['V1', 22.5, 114.1, 50, 90, T0, 3.2]]);
  });

  it('reads the positions of a delta in either form, and none of other kinds', () => {
    const t: PositionTuple = ['V1', 22.5, 114.1, 50, 90, T0, null];
    const seen: string[] = [];
    expect(visitDeltaPositions({ kind: 'positions', data: [t] }, (id) => seen.push(id))).toBe(1);
    expect(visitDeltaPositions({ kind: 'positions.bin', data: encodePositionsFrame([t]) }, (id) => seen.push(id))).toBe(1);
    expect(visitDeltaPositions({ kind: 'feed', data: [] }, (id) => seen.push(id))).toBe(0);
    expect(seen).toEqual(['V1', 'V1']);
    expect(deltaPositions({ kind: 'positions.bin', data: encodePositionsFrame([t]) })).toEqual([t]);
  });

  it('encodes an empty frame', () => {
    expect(decodePositionsFrame(encodePositionsFrame([]))).toEqual([]);
  });

  it('clamps what does not fit its column instead of wrapping around', () => {
    const [t] = decodePositionsFrame(encodePositionsFrame([['V1', 0, 0, -5, 400, T0, 9999]]));
    expect(t).toEqual(['V1', 0, 0, 0, 400, T0, 3276.7]);
    const old = decodePositionsFrame(encodePositionsFrame([['V1', 0, 0, 0, 0, T0, null], ['V2', 0, 0, 0, 0, T0 - 40 * 86_400_000, null]]));
    expect(old[1]![5]).toBe(T0 - 2 ** 31);
  });

  it('visits positions without building tuples', () => {
    const frame = encodePositionsFrame([['A', 1, 2, 3, 4, T0, null], ['B', 5, 6, 7, 8, T0 + 1, 1]]);
    const seen: string[] = [];
    expect(readPositionsFrame(frame, (id, lat, lon) => seen.push(`${id}@${lat},${lon}`))).toBe(2);
    expect(positionsFrameCount(frame)).toBe(2);
    expect(seen).toEqual(['A@1,2', 'B@5,6']);
  });

  it('refuses ids that would corrupt the frame, naming the id', () => {
    expect(() => encodePositionsFrame([['车-1', 0, 0, 0, 0, T0, null]])).toThrow(/"车-1" is not a plain ASCII id/);
    expect(() => encodePositionsFrame([['a\nb', 0, 0, 0, 0, T0, null]])).toThrow(PositionsFrameError);
  });

  it('says what is wrong with a damaged frame', () => {
    const frame = encodePositionsFrame([['A', 1, 2, 3, 4, T0, null], ['B', 5, 6, 7, 8, T0, null]]);
    expect(() => decodePositionsFrame(frame.subarray(0, 10))).toThrow(/shorter than its 16-byte header/);
    expect(() => decodePositionsFrame(frame.subarray(0, 40))).toThrow(/2 vehicles needs at least 52 bytes, got 40/);
    expect(() => decodePositionsFrame(frame.subarray(0, frame.byteLength - 2))).toThrow(/lists 1 vehicle ids for 2 positions/);
    const v2 = frame.slice();
    v2[0] = 2;
    expect(() => decodePositionsFrame(v2)).toThrow(/version 2 is not supported/);
  });
});
