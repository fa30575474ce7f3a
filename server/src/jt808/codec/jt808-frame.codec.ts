import { BcdError, decodeBcd, encodeBcd } from './bcd.util';
import { ESCAPE, FLAG, MAX_BODY_LENGTH } from './jt808.constants';

/**
 * Framing of JT/T 808: `0x7E | header | body | checksum | 0x7E`, with 0x7E and 0x7D escaped inside, and a
 * checksum that is the XOR of header and body. Both header versions are handled: 2013 (BCD[6] phone) and
 * 2019 (version flag in bit 14 of the body attributes, a protocol-version byte and a BCD[10] phone).
 */

export type ProtocolVersion = '2013' | '2019';

export interface SplitInfo {
  /** Total number of packets of the message. */
  total: number;
  /** 1-based index of this packet. */
  index: number;
}

export interface Jt808Header {
  msgId: number;
  version: ProtocolVersion;
  /** The 2019 protocol-version byte (1 for 808-2019); 0 for a 2013 header. */
  protocolVersion: number;
  /** Phone digits exactly as carried: 12 digits (2013) or 20 (2019). */
  phone: string;
  serial: number;
  /** Bits 10–12 of the body attributes; 0 = plain, bit 10 set = RSA. */
  encryption: number;
  bodyLength: number;
  split: SplitInfo | null;
}

export interface Jt808Frame {
  header: Jt808Header;
  body: Buffer;
}

/** What a caller fills in to encode a frame; the body length is taken from the body. */
export interface HeaderInit {
  msgId: number;
  version: ProtocolVersion;
  protocolVersion?: number;
  phone: string;
  serial: number;
  encryption?: number;
  split?: SplitInfo | null;
}

export type FrameErrorReason = 'bad_escape' | 'too_short' | 'bad_checksum' | 'length_mismatch' | 'bad_header';

export interface FrameError {
  reason: FrameErrorReason;
  detail: string;
  /** Present when the header itself could be read (the checksum was good): the sender can be answered. */
  header?: Jt808Header;
}

export type DecodeFrameResult = { ok: true; frame: Jt808Frame } | ({ ok: false } & FrameError);

const ATTR_LENGTH_MASK = 0x03ff;
const ATTR_ENCRYPTION_SHIFT = 10;
const ATTR_SPLIT = 1 << 13;
const ATTR_VERSION = 1 << 14;

export function headerLength(version: ProtocolVersion, split: boolean): number {
  return (version === '2019' ? 17 : 12) + (split ? 4 : 0);
}

/** Largest escaped frame content (between the two flags) a legal packet can have. */
export const MAX_ESCAPED_CONTENT = 2 * (headerLength('2019', true) + MAX_BODY_LENGTH + 1);

export function xorChecksum(buf: Buffer, start = 0, end = buf.length): number {
  let x = 0;
  for (let i = start; i < end; i++) x ^= buf[i];
  return x;
}

export function escape(raw: Buffer): Buffer {
  let extra = 0;
  for (let i = 0; i < raw.length; i++) if (raw[i] === FLAG || raw[i] === ESCAPE) extra++;
  if (extra === 0) return raw;
  const out = Buffer.allocUnsafe(raw.length + extra);
  let j = 0;
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i];
    if (b === FLAG) {
      out[j++] = ESCAPE;
      out[j++] = 0x02;
    } else if (b === ESCAPE) {
      out[j++] = ESCAPE;
      out[j++] = 0x01;
    } else out[j++] = b;
  }
  return out;
}

/** Reverses `escape`; returns null when a 0x7D is followed by anything but 0x01 or 0x02. */
export function unescape(escaped: Buffer): Buffer | null {
  const first = escaped.indexOf(ESCAPE);
  if (first < 0) return escaped;
  const out = Buffer.allocUnsafe(escaped.length);
  escaped.copy(out, 0, 0, first);
  let j = first;
  for (let i = first; i < escaped.length; i++) {
    const b = escaped[i];
    if (b !== ESCAPE) {
      out[j++] = b;
      continue;
    }
    const next = escaped[++i];
    if (next === 0x01) out[j++] = ESCAPE;
    else if (next === 0x02) out[j++] = FLAG;
    else return null;
  }
  return out.subarray(0, j);
}

export function encodeHeader(init: HeaderInit, bodyLength: number): Buffer {
  if (bodyLength > MAX_BODY_LENGTH) throw new RangeError(`body of ${bodyLength} bytes exceeds the ${MAX_BODY_LENGTH}-byte packet limit; split it`);
  const split = init.split ?? null;
  const encryption = init.encryption ?? 0;
  if (encryption < 0 || encryption > 7) throw new RangeError(`encryption ${encryption} does not fit in 3 bits`);
  const v2019 = init.version === '2019';
  const buf = Buffer.alloc(headerLength(init.version, split !== null));
  let attrs = bodyLength | (encryption << ATTR_ENCRYPTION_SHIFT);
  if (split) attrs |= ATTR_SPLIT;
  if (v2019) attrs |= ATTR_VERSION;
  buf.writeUInt16BE(init.msgId, 0);
  buf.writeUInt16BE(attrs, 2);
  let o = 4;
  if (v2019) {
    buf.writeUInt8(init.protocolVersion ?? 1, o);
    o += 1;
  }
  const phoneLen = v2019 ? 10 : 6;
  encodeBcd(init.phone, phoneLen).copy(buf, o);
  o += phoneLen;
  buf.writeUInt16BE(init.serial & 0xffff, o);
  o += 2;
  if (split) {
    if (split.index < 1 || split.index > split.total) throw new RangeError(`packet index ${split.index} is outside 1..${split.total}`);
    buf.writeUInt16BE(split.total, o);
    buf.writeUInt16BE(split.index, o + 2);
  }
  return buf;
}

/** Builds a complete frame, flags included. */
export function encodeFrame(init: HeaderInit, body: Buffer = Buffer.alloc(0)): Buffer {
  const header = encodeHeader(init, body.length);
  const raw = Buffer.allocUnsafe(header.length + body.length + 1);
  header.copy(raw, 0);
  body.copy(raw, header.length);
  raw[raw.length - 1] = xorChecksum(raw, 0, raw.length - 1);
  const escaped = escape(raw);
  const out = Buffer.allocUnsafe(escaped.length + 2);
  out[0] = FLAG;
  escaped.copy(out, 1);
  out[out.length - 1] = FLAG;
  return out;
}

/**
 * Splits a long body into packets of at most `maxPacketBody` bytes with consecutive serials starting at
 * `init.serial` (the standard numbers the packets of one message consecutively).
 */
export function encodeSplitFrames(init: HeaderInit, body: Buffer, maxPacketBody = MAX_BODY_LENGTH): Buffer[] {
  const total = Math.max(1, Math.ceil(body.length / maxPacketBody));
  const frames: Buffer[] = [];
  for (let i = 0; i < total; i++) {
    frames.push(
      encodeFrame(
        { ...init, serial: (init.serial + i) & 0xffff, split: { total, index: i + 1 } },
        body.subarray(i * maxPacketBody, (i + 1) * maxPacketBody),
      ),
    );
  }
  return frames;
}

/** Reads a header from unescaped bytes; throws on a header that cannot be read. */
function readHeader(raw: Buffer): Jt808Header {
  const msgId = raw.readUInt16BE(0);
  const attrs = raw.readUInt16BE(2);
  const version: ProtocolVersion = attrs & ATTR_VERSION ? '2019' : '2013';
  const isSplit = (attrs & ATTR_SPLIT) !== 0;
  const hl = headerLength(version, isSplit);
  if (raw.length < hl + 1) throw new RangeError(`frame of ${raw.length} bytes is shorter than its ${hl}-byte ${version} header plus checksum`);
  let o = 4;
  let protocolVersion = 0;
  if (version === '2019') protocolVersion = raw.readUInt8(o++);
  const phoneLen = version === '2019' ? 10 : 6;
  const phone = decodeBcd(raw, o, phoneLen);
  o += phoneLen;
  const serial = raw.readUInt16BE(o);
  o += 2;
  let split: SplitInfo | null = null;
  if (isSplit) {
    split = { total: raw.readUInt16BE(o), index: raw.readUInt16BE(o + 2) };
    if (split.total < 1 || split.index < 1 || split.index > split.total) {
      throw new RangeError(`packet index ${split.index} of ${split.total} is not a valid split`);
    }
  }
  return {
    msgId,
    version,
    protocolVersion,
    phone,
    serial,
    encryption: (attrs >> ATTR_ENCRYPTION_SHIFT) & 0x07,
    bodyLength: attrs & ATTR_LENGTH_MASK,
    split,
  };
}

/** Decodes the escaped content found between two 0x7E flags (flags excluded). Never throws. */
export function decodeFrame(content: Buffer): DecodeFrameResult {
  const raw = unescape(content);
  if (raw === null) return { ok: false, reason: 'bad_escape', detail: '0x7D not followed by 0x01 or 0x02' };
  if (raw.length < headerLength('2013', false) + 1) {
    return { ok: false, reason: 'too_short', detail: `frame of ${raw.length} bytes is shorter than the smallest header plus checksum` };
  }
  const expected = raw[raw.length - 1];
  const actual = xorChecksum(raw, 0, raw.length - 1);
  if (expected !== actual) {
    return {
      ok: false,
      reason: 'bad_checksum',
      detail: `checksum 0x${expected.toString(16).padStart(2, '0')} but header and body XOR to 0x${actual.toString(16).padStart(2, '0')}`,
    };
  }
  let header: Jt808Header;
  try {
    header = readHeader(raw);
  } catch (e) {
    if (e instanceof BcdError || e instanceof RangeError) return { ok: false, reason: 'bad_header', detail: e.message };
    throw e;
  }
  const hl = headerLength(header.version, header.split !== null);
  const bodyLen = raw.length - hl - 1;
  if (bodyLen !== header.bodyLength) {
    return {
      ok: false,
      reason: 'length_mismatch',
      detail: `header says the body has ${header.bodyLength} bytes but the frame carries ${bodyLen}`,
      header,
    };
  }
  return { ok: true, frame: { header, body: raw.subarray(hl, hl + bodyLen) } };
}

export interface DeframerStats {
  /** Bytes seen before the first flag or skipped after an oversize frame. */
  discardedBytes: number;
  oversizeFrames: number;
}

/**
 * Cuts a TCP byte stream into frame contents. A flag both closes a frame and may open the next one, so
 * `7E A 7E 7E B 7E` and `7E A 7E B 7E` both give A and B; empty contents are ignored. Content longer than
 * `maxContent` is dropped up to the next flag and counted: one runaway frame cannot grow the buffer.
 */
export class Jt808Deframer {
  readonly stats: DeframerStats = { discardedBytes: 0, oversizeFrames: 0 };
  private parts: Buffer[] = [];
  private partsLength = 0;
  private inFrame = false;
  private skipping = false;

  constructor(private readonly maxContent = MAX_ESCAPED_CONTENT) {}

  /** Feeds a chunk; returns the complete frame contents it closed, in order. */
  push(chunk: Buffer): Buffer[] {
    const out: Buffer[] = [];
    let pos = 0;
    while (pos < chunk.length) {
      const flag = chunk.indexOf(FLAG, pos);
      const end = flag < 0 ? chunk.length : flag;
      if (end > pos) this.take(chunk, pos, end);
      if (flag < 0) break;
      if (this.inFrame && !this.skipping && this.partsLength > 0) {
        out.push(this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts, this.partsLength));
      }
      this.parts = [];
      this.partsLength = 0;
      this.inFrame = true;
      this.skipping = false;
      pos = flag + 1;
    }
    return out;
  }

  /** Bytes buffered for an unfinished frame. */
  get pending(): number {
    return this.partsLength;
  }

  private take(chunk: Buffer, start: number, end: number): void {
    const n = end - start;
    if (!this.inFrame || this.skipping) {
      this.stats.discardedBytes += n;
      return;
    }
    if (this.partsLength + n > this.maxContent) {
      this.stats.oversizeFrames++;
      this.stats.discardedBytes += this.partsLength + n;
      this.parts = [];
      this.partsLength = 0;
      this.skipping = true;
      return;
    }
    // Copy: the socket may reuse its chunk, and a partial frame outlives it.
    this.parts.push(Buffer.from(chunk.subarray(start, end)));
    this.partsLength += n;
  }
}
