import * as iconv from 'iconv-lite';
import { bcdTimeToEpochMs, decodeBcd, encodeBcd } from './bcd.util';
import type { ProtocolVersion } from './jt808-frame.codec';
import { AckResultCode, ExtraId, RegisterResultCode, StatusBit } from './jt808.constants';

/**
 * Bodies of the messages the gateway speaks, both directions, both versions. Decoders throw
 * `BodyError` naming what is wrong; encoders are exact inverses so every message round-trips.
 */

export class BodyError extends Error {}

class Reader {
  private o = 0;
  constructor(
    private readonly buf: Buffer,
    private readonly what: string,
  ) {}
  need(n: number, field: string): void {
    if (this.o + n > this.buf.length) {
      throw new BodyError(`${this.what}: body ends at byte ${this.buf.length} before ${field} (needs ${n} bytes at offset ${this.o})`);
    }
  }
  u8(field: string): number {
    this.need(1, field);
    return this.buf.readUInt8(this.o++);
  }
  u16(field: string): number {
    this.need(2, field);
    const v = this.buf.readUInt16BE(this.o);
    this.o += 2;
    return v;
  }
  u32(field: string): number {
    this.need(4, field);
    const v = this.buf.readUInt32BE(this.o);
    this.o += 4;
    return v;
  }
  bytes(n: number, field: string): Buffer {
    this.need(n, field);
    const v = this.buf.subarray(this.o, this.o + n);
    this.o += n;
    return v;
  }
  bcd(n: number, field: string): string {
    this.need(n, field);
    try {
      const v = decodeBcd(this.buf, this.o, n);
      this.o += n;
      return v;
    } catch (e) {
      throw new BodyError(`${this.what}: ${field}: ${(e as Error).message}`);
    }
  }
  rest(): Buffer {
    const v = this.buf.subarray(this.o);
    this.o = this.buf.length;
    return v;
  }
  get remaining(): number {
    return this.buf.length - this.o;
  }
  end(): void {
    if (this.o !== this.buf.length) throw new BodyError(`${this.what}: ${this.buf.length - this.o} unexpected bytes after the last field`);
  }
}

export function gbk(buf: Buffer): string {
  return iconv.decode(buf, 'gbk');
}
export function toGbk(s: string): Buffer {
  return iconv.encode(s, 'gbk');
}

/** Fixed-width text field: right-padded with 0x00 (the standard), trailing NULs and spaces stripped on read. */
function readFixed(r: Reader, n: number, field: string): string {
  const b = r.bytes(n, field);
  let end = b.length;
  while (end > 0 && (b[end - 1] === 0 || b[end - 1] === 0x20)) end--;
  return gbk(b.subarray(0, end));
}
function writeFixed(s: string, n: number, field: string): Buffer {
  const b = toGbk(s);
  if (b.length > n) throw new BodyError(`${field} "${s}" is ${b.length} bytes, more than its ${n}-byte field`);
  const out = Buffer.alloc(n);
  b.copy(out);
  return out;
}

// ---------- 0x0001 terminal general ack / 0x8001 platform general ack ----------

export interface GeneralAck {
  replySerial: number;
  replyId: number;
  result: number;
}

export function decodeGeneralAck(body: Buffer, what = 'general ack'): GeneralAck {
  const r = new Reader(body, what);
  const v = { replySerial: r.u16('reply serial'), replyId: r.u16('reply id'), result: r.u8('result') };
  r.end();
  return v;
}
export function encodeGeneralAck(a: GeneralAck): Buffer {
  const b = Buffer.alloc(5);
  b.writeUInt16BE(a.replySerial & 0xffff, 0);
  b.writeUInt16BE(a.replyId, 2);
  b.writeUInt8(a.result, 4);
  return b;
}
export const decodePlatformAck = (body: Buffer) => decodeGeneralAck(body, '0x8001 platform general ack');
export const encodePlatformAck = (a: GeneralAck & { result: AckResultCode }) => encodeGeneralAck(a);

// ---------- 0x0100 register / 0x8100 register ack ----------

export interface RegisterRequest {
  province: number;
  city: number;
  manufacturerId: string;
  model: string;
  terminalId: string;
  plateColor: number;
  /** Plate number (GBK), or the VIN when the plate colour is 0. */
  plate: string;
}

const REGISTER_WIDTHS: Record<ProtocolVersion, { manufacturer: number; model: number; terminalId: number }> = {
  '2013': { manufacturer: 5, model: 20, terminalId: 7 },
  '2019': { manufacturer: 11, model: 30, terminalId: 30 },
};

export function decodeRegister(body: Buffer, version: ProtocolVersion): RegisterRequest {
  const w = REGISTER_WIDTHS[version];
  const r = new Reader(body, `0x0100 register (${version})`);
  return {
    province: r.u16('province'),
    city: r.u16('city'),
    manufacturerId: readFixed(r, w.manufacturer, 'manufacturer id'),
    model: readFixed(r, w.model, 'terminal model'),
    terminalId: readFixed(r, w.terminalId, 'terminal id'),
    plateColor: r.u8('plate colour'),
    plate: gbk(r.rest()),
  };
}
export function encodeRegister(q: RegisterRequest, version: ProtocolVersion): Buffer {
  const w = REGISTER_WIDTHS[version];
  const head = Buffer.alloc(4);
  head.writeUInt16BE(q.province, 0);
  head.writeUInt16BE(q.city, 2);
  return Buffer.concat([
    head,
    writeFixed(q.manufacturerId, w.manufacturer, 'manufacturer id'),
    writeFixed(q.model, w.model, 'terminal model'),
    writeFixed(q.terminalId, w.terminalId, 'terminal id'),
    Buffer.from([q.plateColor]),
    toGbk(q.plate),
  ]);
}

export interface RegisterAck {
  replySerial: number;
  result: RegisterResultCode;
  /** Present only on success. */
  authCode?: string;
}

export function decodeRegisterAck(body: Buffer): RegisterAck {
  const r = new Reader(body, '0x8100 register ack');
  const replySerial = r.u16('reply serial');
  const result = r.u8('result') as RegisterResultCode;
  if (result === 0) return { replySerial, result, authCode: gbk(r.rest()) };
  r.end();
  return { replySerial, result };
}
export function encodeRegisterAck(a: RegisterAck): Buffer {
  const head = Buffer.alloc(3);
  head.writeUInt16BE(a.replySerial & 0xffff, 0);
  head.writeUInt8(a.result, 2);
  if (a.result !== 0) return head;
  if (!a.authCode) throw new BodyError('a successful register ack needs an auth code');
  return Buffer.concat([head, toGbk(a.authCode)]);
}

// ---------- 0x0102 authenticate ----------

export interface AuthenticateRequest {
  authCode: string;
  /** 2019 only. */
  imei?: string;
  /** 2019 only. */
  softwareVersion?: string;
}

export function decodeAuthenticate(body: Buffer, version: ProtocolVersion): AuthenticateRequest {
  if (version === '2013') return { authCode: gbk(body) };
  const r = new Reader(body, '0x0102 authenticate (2019)');
  const len = r.u8('auth code length');
  const authCode = gbk(r.bytes(len, 'auth code'));
  const imei = readFixed(r, 15, 'IMEI');
  const softwareVersion = readFixed(r, 20, 'software version');
  r.end();
  return { authCode, imei, softwareVersion };
}
export function encodeAuthenticate(q: AuthenticateRequest, version: ProtocolVersion): Buffer {
  const code = toGbk(q.authCode);
  if (version === '2013') return code;
  if (code.length > 255) throw new BodyError('auth code longer than 255 bytes');
  return Buffer.concat([Buffer.from([code.length]), code, writeFixed(q.imei ?? '', 15, 'IMEI'), writeFixed(q.softwareVersion ?? '', 20, 'software version')]);
}

// ---------- 0x8003 resend-packets request ----------

export interface ResendRequest {
  /** Serial of the first packet of the message. */
  originalSerial: number;
  packetIds: number[];
}

/** 2013 counts the packets in a BYTE, 2019 in a WORD. */
export function decodeResendRequest(body: Buffer, version: ProtocolVersion): ResendRequest {
  const r = new Reader(body, `0x8003 resend request (${version})`);
  const originalSerial = r.u16('original serial');
  const n = version === '2019' ? r.u16('packet count') : r.u8('packet count');
  const packetIds: number[] = [];
  for (let i = 0; i < n; i++) packetIds.push(r.u16(`packet id ${i + 1}`));
  r.end();
  return { originalSerial, packetIds };
}
export function encodeResendRequest(q: ResendRequest, version: ProtocolVersion): Buffer {
  const countLen = version === '2019' ? 2 : 1;
  if (q.packetIds.length > (version === '2019' ? 0xffff : 0xff)) throw new BodyError(`${q.packetIds.length} packet ids do not fit the count field`);
  const b = Buffer.alloc(2 + countLen + 2 * q.packetIds.length);
  b.writeUInt16BE(q.originalSerial & 0xffff, 0);
  if (countLen === 2) b.writeUInt16BE(q.packetIds.length, 2);
  else b.writeUInt8(q.packetIds.length, 2);
  q.packetIds.forEach((id, i) => b.writeUInt16BE(id, 2 + countLen + 2 * i));
  return b;
}

// ---------- 0x0200 location report ----------

export interface LocationExtra {
  id: number;
  value: Buffer;
}

/** A location body as carried (raw units), so that encode(decode(x)) is x. */
export interface LocationReport {
  alarm: number;
  status: number;
  /** Degrees × 10⁶, unsigned; the hemisphere is in status bits 2 (south) and 3 (west). */
  latE6: number;
  lonE6: number;
  altitudeM: number;
  /** 0.1 km/h. */
  speed10: number;
  /** 0–359 degrees from north. */
  direction: number;
  /** YYMMDDhhmmss in GMT+8. */
  time: string;
  extras: LocationExtra[];
}

export const LOCATION_BASIC_LENGTH = 28;

export function decodeLocation(body: Buffer): LocationReport {
  const r = new Reader(body, '0x0200 location');
  const loc: LocationReport = {
    alarm: r.u32('alarm flags'),
    status: r.u32('status'),
    latE6: r.u32('latitude'),
    lonE6: r.u32('longitude'),
    altitudeM: r.u16('altitude'),
    speed10: r.u16('speed'),
    direction: r.u16('direction'),
    time: r.bcd(6, 'time'),
    extras: [],
  };
  while (r.remaining > 0) {
    if (r.remaining < 2) throw new BodyError(`0x0200 location: 1 stray byte where an extra (id, length) was expected`);
    const id = r.u8('extra id');
    const len = r.u8('extra length');
    if (len > r.remaining) {
      throw new BodyError(`0x0200 location: extra 0x${id.toString(16).padStart(2, '0')} claims ${len} bytes but only ${r.remaining} remain`);
    }
    loc.extras.push({ id, value: r.bytes(len, `extra 0x${id.toString(16)}`) });
  }
  return loc;
}

export function encodeLocation(loc: LocationReport): Buffer {
  const extrasLen = loc.extras.reduce((n, e) => n + 2 + e.value.length, 0);
  const b = Buffer.alloc(LOCATION_BASIC_LENGTH + extrasLen);
  b.writeUInt32BE(loc.alarm >>> 0, 0);
  b.writeUInt32BE(loc.status >>> 0, 4);
  b.writeUInt32BE(loc.latE6, 8);
  b.writeUInt32BE(loc.lonE6, 12);
  b.writeUInt16BE(loc.altitudeM, 16);
  b.writeUInt16BE(loc.speed10, 18);
  b.writeUInt16BE(loc.direction, 20);
  encodeBcd(loc.time, 6).copy(b, 22);
  let o = LOCATION_BASIC_LENGTH;
  for (const e of loc.extras) {
    if (e.value.length > 255) throw new BodyError(`extra 0x${e.id.toString(16)} is ${e.value.length} bytes, more than 255`);
    b.writeUInt8(e.id, o);
    b.writeUInt8(e.value.length, o + 1);
    e.value.copy(b, o + 2);
    o += 2 + e.value.length;
  }
  return b;
}

const bit = (v: number, n: number) => ((v >>> n) & 1) === 1;

/** Signed degrees and SI-ish units derived from a raw location. */
export interface LocationView {
  lat: number;
  lon: number;
  speedKmh: number;
  heading: number;
  altitudeM: number;
  fixed: boolean;
  accOn: boolean;
  /** Epoch ms (UTC), or null when the terminal sent no valid time. */
  atMs: number | null;
}

export function viewLocation(loc: LocationReport): LocationView {
  return {
    lat: (bit(loc.status, StatusBit.South) ? -1 : 1) * (loc.latE6 / 1e6),
    lon: (bit(loc.status, StatusBit.West) ? -1 : 1) * (loc.lonE6 / 1e6),
    speedKmh: loc.speed10 / 10,
    heading: loc.direction,
    altitudeM: loc.altitudeM,
    fixed: bit(loc.status, StatusBit.Fixed),
    accOn: bit(loc.status, StatusBit.AccOn),
    atMs: bcdTimeToEpochMs(loc.time),
  };
}

export interface AreaRouteInOut {
  /** 0 none, 1 circle, 2 rectangle, 3 polygon, 4 route. */
  kind: number;
  areaId: number;
  /** 0 entering, 1 leaving. */
  direction: number;
}

/** The standard extras with a meaning, decoded; unknown or malformed ones are left to `extras`. */
export interface StandardExtras {
  mileageKm?: number;
  fuelL?: number;
  recorderSpeedKmh?: number;
  alarmEventId?: number;
  areaRouteInOut?: AreaRouteInOut;
  signalStrength?: number;
  satellites?: number;
}

export function readStandardExtras(extras: readonly LocationExtra[]): StandardExtras {
  const x: StandardExtras = {};
  for (const { id, value: v } of extras) {
    switch (id) {
      case ExtraId.Mileage:
        if (v.length === 4) x.mileageKm = v.readUInt32BE(0) / 10;
        break;
      case ExtraId.Fuel:
        if (v.length === 2) x.fuelL = v.readUInt16BE(0) / 10;
        break;
      case ExtraId.RecorderSpeed:
        if (v.length === 2) x.recorderSpeedKmh = v.readUInt16BE(0) / 10;
        break;
      case ExtraId.AlarmEventId:
        if (v.length === 2) x.alarmEventId = v.readUInt16BE(0);
        break;
      case ExtraId.AreaRouteInOut:
        if (v.length === 6) x.areaRouteInOut = { kind: v[0], areaId: v.readUInt32BE(1), direction: v[5] };
        break;
      case ExtraId.SignalStrength:
        if (v.length === 1) x.signalStrength = v[0];
        break;
      case ExtraId.Satellites:
        if (v.length === 1) x.satellites = v[0];
        break;
    }
  }
  return x;
}

// ---------- 0x0704 batch / blind-spot back-fill ----------

export interface LocationBatch {
  /** 0 = normal batch report, 1 = blind-spot back-fill (recorded while out of coverage). */
  type: number;
  /** Each item's raw body, kept for idempotent event ids. */
  items: { raw: Buffer; location: LocationReport }[];
}

export function decodeLocationBatch(body: Buffer): LocationBatch {
  const r = new Reader(body, '0x0704 location batch');
  const count = r.u16('item count');
  const type = r.u8('type');
  if (type > 1) throw new BodyError(`0x0704 location batch: type ${type} is neither 0 (normal) nor 1 (blind-spot)`);
  const items: LocationBatch['items'] = [];
  for (let i = 0; i < count; i++) {
    const len = r.u16(`length of item ${i + 1}`);
    const raw = r.bytes(len, `item ${i + 1} of ${count}`);
    try {
      items.push({ raw, location: decodeLocation(raw) });
    } catch (e) {
      throw new BodyError(`0x0704 item ${i + 1} of ${count}: ${(e as Error).message}`);
    }
  }
  r.end();
  return { type, items };
}

export function encodeLocationBatch(type: number, locations: readonly LocationReport[]): Buffer {
  const parts: Buffer[] = [];
  const head = Buffer.alloc(3);
  head.writeUInt16BE(locations.length, 0);
  head.writeUInt8(type, 2);
  parts.push(head);
  for (const loc of locations) {
    const raw = encodeLocation(loc);
    const len = Buffer.alloc(2);
    len.writeUInt16BE(raw.length, 0);
    parts.push(len, raw);
  }
  return Buffer.concat(parts);
}
