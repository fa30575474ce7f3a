import type { DeltaV1, PositionTuple } from './index';

/**
 * The binary positions frame: a room's coalesced vehicle positions as fixed-width little-endian columns plus the
 * vehicle ids, sent as a Socket.IO binary attachment. A 20,000-vehicle national frame is ~28 bytes a vehicle
 * instead of ~60 as JSON tuples, and a screen reads it without parsing JSON. Each frame is self-contained (its
 * own ids), so frames from any hub instance decode alike.
 *
 * Layout (n vehicles):
 *   0  u8   format version (1)
 *   1  u8   reserved
 *   2  u16  reserved
 *   4  u32  n
 *   8  f64  base time, epoch ms (the newest fix in the frame)
 *   16            i32[n]  lat × 1e5
 *   16 + 4n       i32[n]  lon × 1e5
 *   16 + 8n       i32[n]  fix time − base, ms (≤ 0; clamped at −2^31, ~24.8 days)
 *   16 + 12n      u16[n]  speed × 10, km/h
 *   16 + 14n      u16[n]  heading, degrees
 *   16 + 16n      i16[n]  temperature × 10, °C; −32768 when the vehicle reports none
 *   16 + 18n      ids, ASCII, separated by '\n'
 * The values carry the resolution the hub already rounds them to (1e-5°, 0.1 km/h, 1°, 0.1 °C), so a tuple
 * survives the round trip exactly.
 */
export const POSITIONS_FRAME_VERSION = 1;
const HEADER = 16;
const PER_VEHICLE = 18;
const NO_TEMP = -32768;
const MIN_I32 = -2147483648;

export type PositionVisitor = (id: string, lat: number, lon: number, speedKmh: number, heading: number, atMs: number, tempC: number | null) => void;

export class PositionsFrameError extends Error {
  override name = 'PositionsFrameError';
}

export function encodePositionsFrame(tuples: readonly PositionTuple[]): Uint8Array {
  const n = tuples.length;
  let idBytes = Math.max(0, n - 1);
  let base = -Infinity;
  for (const t of tuples) {
    idBytes += t[0].length;
    if (t[5] > base) base = t[5];
  }
  if (n === 0) base = 0;
  const out = new Uint8Array(HEADER + PER_VEHICLE * n + idBytes);
  const dv = new DataView(out.buffer);
  dv.setUint8(0, POSITIONS_FRAME_VERSION);
  dv.setUint32(4, n, true);
  dv.setFloat64(8, base, true);
  let o = HEADER + PER_VEHICLE * n;
  for (let i = 0; i < n; i++) {
    const [id, lat, lon, speed, heading, at, temp] = tuples[i]!;
    dv.setInt32(HEADER + 4 * i, Math.round(lat * 1e5), true);
    dv.setInt32(HEADER + 4 * n + 4 * i, Math.round(lon * 1e5), true);
    dv.setInt32(HEADER + 8 * n + 4 * i, Math.max(MIN_I32, Math.round(at - base)), true);
    dv.setUint16(HEADER + 12 * n + 2 * i, clamp(Math.round(speed * 10), 0, 65535), true);
    dv.setUint16(HEADER + 14 * n + 2 * i, clamp(Math.round(heading), 0, 65535), true);
    dv.setInt16(HEADER + 16 * n + 2 * i, temp === null ? NO_TEMP : clamp(Math.round(temp * 10), -32767, 32767), true);
    if (i > 0) out[o++] = 10;
    for (let k = 0; k < id.length; k++) {
      const c = id.charCodeAt(k);
      // Ids are validated slugs at ingest; anything else here would corrupt the frame for every screen.
      if (c > 127 || c === 10) throw new PositionsFrameError(`vehicle id ${JSON.stringify(id)} is not a plain ASCII id`);
      out[o++] = c;
    }
  }
  return out;
}

/** How many positions the frame holds, from its header. */
export function positionsFrameCount(frame: ArrayBuffer | ArrayBufferView): number {
  return header(frame).n;
}

/** Visits every position in the frame without building tuples (what a 20,000-vehicle map wants). */
export function readPositionsFrame(frame: ArrayBuffer | ArrayBufferView, visit: PositionVisitor): number {
  const { bytes, dv, n } = header(frame);
  const idsAt = HEADER + PER_VEHICLE * n;
  if (bytes.length < idsAt) throw new PositionsFrameError(`positions frame of ${n} vehicles needs at least ${idsAt} bytes, got ${bytes.length}`);
  const ids = n === 0 ? [] : asciiString(bytes.subarray(idsAt)).split('\n');
  if (ids.length !== n) throw new PositionsFrameError(`positions frame lists ${ids.length} vehicle ids for ${n} positions`);
  const base = dv.getFloat64(8, true);
  for (let i = 0; i < n; i++) {
    const temp = dv.getInt16(HEADER + 16 * n + 2 * i, true);
    visit(
      ids[i]!,
      dv.getInt32(HEADER + 4 * i, true) / 1e5,
      dv.getInt32(HEADER + 4 * n + 4 * i, true) / 1e5,
      dv.getUint16(HEADER + 12 * n + 2 * i, true) / 10,
      dv.getUint16(HEADER + 14 * n + 2 * i, true),
      base + dv.getInt32(HEADER + 8 * n + 4 * i, true),
      temp === NO_TEMP ? null : temp / 10,
    );
  }
  return n;
}

export function decodePositionsFrame(frame: ArrayBuffer | ArrayBufferView): PositionTuple[] {
  const out: PositionTuple[] = [];
  readPositionsFrame(frame, (id, lat, lon, speed, heading, at, temp) => out.push([id, lat, lon, speed, heading, at, temp]));
  return out;
}

/** Visits the positions a delta carries, in either form; returns how many (0 for other kinds). */
export function visitDeltaPositions(d: DeltaV1, visit: PositionVisitor): number {
  if (d.kind === 'positions.bin') return readPositionsFrame(d.data, visit);
  if (d.kind !== 'positions') return 0;
  for (const t of d.data) visit(t[0], t[1], t[2], t[3], t[4], t[5], t[6]);
  return d.data.length;
}

/** The positions a delta carries as tuples, in either form (none for other kinds): for tests and tools. */
export function deltaPositions(d: DeltaV1): PositionTuple[] {
  if (d.kind === 'positions') return d.data;
  return d.kind === 'positions.bin' ? decodePositionsFrame(d.data) : [];
}

function header(frame: ArrayBuffer | ArrayBufferView): { bytes: Uint8Array; dv: DataView; n: number } {
  const bytes = frame instanceof ArrayBuffer ? new Uint8Array(frame) : new Uint8Array(frame.buffer, frame.byteOffset, frame.byteLength);
  if (bytes.length < HEADER) throw new PositionsFrameError(`positions frame is ${bytes.length} bytes, shorter than its ${HEADER}-byte header`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = dv.getUint8(0);
  if (version !== POSITIONS_FRAME_VERSION) throw new PositionsFrameError(`positions frame version ${version} is not supported (expected ${POSITIONS_FRAME_VERSION})`);
  return { bytes, dv, n: dv.getUint32(4, true) };
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

function asciiString(bytes: Uint8Array): string {
  // In chunks: String.fromCharCode takes its bytes as arguments, and argument counts are limited.
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192) as unknown as number[]);
  return s;
}
