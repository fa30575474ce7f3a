import {
  decodeFrame,
  encodeFrame,
  encodeSplitFrames,
  escape,
  Jt808Deframer,
  MAX_ESCAPED_CONTENT,
  unescape,
  xorChecksum,
  type Jt808Frame,
} from './jt808-frame.codec';

/** Test-side helpers written from the standard's text, not from the codec. */
const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const xor = (b: Buffer) => b.reduce((x, v) => x ^ v, 0);
/** 0x7E → 7D 02, 0x7D → 7D 01, over header+body+checksum, then wrapped in 0x7E. */
function frameOf(headerAndBody: Buffer): Buffer {
  const raw = Buffer.concat([headerAndBody, Buffer.from([xor(headerAndBody)])]);
  const out: number[] = [0x7e];
  for (const b of raw) {
    if (b === 0x7e) out.push(0x7d, 0x02);
    else if (b === 0x7d) out.push(0x7d, 0x01);
    else out.push(b);
  }
  out.push(0x7e);
  return Buffer.from(out);
}
const inner = (frame: Buffer) => frame.subarray(1, frame.length - 1);
function decodeOk(frame: Buffer): Jt808Frame {
  const r = decodeFrame(inner(frame));
  if (!r.ok) throw new Error(`${r.reason}: ${r.detail}`);
  return r.frame;
}

describe('escape / unescape', () => {
  it('maps 0x7E to 7D 02 and 0x7D to 7D 01 and back', () => {
    expect(escape(hex('30 7e 08 7d 55'))).toEqual(hex('30 7d02 08 7d01 55'));
    expect(unescape(hex('30 7d02 08 7d01 55'))).toEqual(hex('30 7e 08 7d 55'));
  });

  it('refuses a 0x7D followed by anything but 01 or 02, or at the very end', () => {
    expect(unescape(hex('30 7d 03'))).toBeNull();
    expect(unescape(hex('30 7d'))).toBeNull();
  });

  it('computes the checksum as the XOR of every byte', () => {
    expect(xorChecksum(hex('00 02 00 00 01 38 00 13 80 00 00 01'))).toBe(0xa9);
  });
});

describe('2013 header', () => {
  // Heartbeat 0x0002 from 013800138000, serial 1: id, attrs (len 0), BCD[6] phone, serial, checksum A9.
  const heartbeat = hex('7e 0002 0000 013800138000 0001 a9 7e');

  it('decodes a literal heartbeat frame', () => {
    const f = decodeOk(heartbeat);
    expect(f.header).toEqual({
      msgId: 0x0002,
      version: '2013',
      protocolVersion: 0,
      phone: '013800138000',
      serial: 1,
      encryption: 0,
      bodyLength: 0,
      split: null,
    });
    expect(f.body.length).toBe(0);
  });

  it('encodes the same bytes', () => {
    expect(encodeFrame({ msgId: 0x0002, version: '2013', phone: '13800138000', serial: 1 })).toEqual(heartbeat);
  });

  it('reads the split fields (bit 13) after the serial: packet count, packet index', () => {
    // 0x0200, body 3 bytes, split (0x2000 | 3), phone, serial 0x0010, total 2, index 1, body aa bb cc.
    const f = decodeOk(frameOf(hex('0200 2003 013800138000 0010 0002 0001 aabbcc')));
    expect(f.header.split).toEqual({ total: 2, index: 1 });
    expect(f.header.bodyLength).toBe(3);
    expect(f.body).toEqual(hex('aabbcc'));
  });

  it('reads the encryption bits 10–12', () => {
    const f = decodeOk(frameOf(hex('0200 0400 013800138000 0001')));
    expect(f.header.encryption).toBe(1);
  });
});

describe('2019 header', () => {
  // Heartbeat, attrs 0x4000 (version flag), version byte 01, BCD[10] phone, serial 7.
  const hb = hex('0002 4000 01 00000000013800138000 0007');
  const heartbeat = frameOf(hb);

  it('decodes the version byte and the 20-digit phone', () => {
    const f = decodeOk(heartbeat);
    expect(f.header).toMatchObject({ msgId: 2, version: '2019', protocolVersion: 1, phone: '00000000013800138000', serial: 7, split: null });
  });

  it('encodes the same bytes', () => {
    expect(encodeFrame({ msgId: 2, version: '2019', protocolVersion: 1, phone: '13800138000', serial: 7 })).toEqual(heartbeat);
  });

  it('reads the split fields after the serial (21-byte header)', () => {
    const f = decodeOk(frameOf(hex('0704 6002 01 00000000013800138000 0100 0003 0002 0102')));
    expect(f.header).toMatchObject({ version: '2019', serial: 0x100, split: { total: 3, index: 2 }, bodyLength: 2 });
    expect(f.body).toEqual(hex('0102'));
  });
});

describe('escapes at every position', () => {
  // A 2013 frame: 12-byte header + 8-byte body. Every byte that may legally hold 0x7E or 0x7D (all but the
  // length attribute and the BCD phone, whose nibbles stop at 9) is set to it in turn, and so is the checksum.
  const base = hex('0200 0008 013800138000 0001 1122334455667788');
  const positions = [0, 1, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 'checksum'] as const;

  for (const special of [0x7e, 0x7d]) {
    it(`survives 0x${special.toString(16)} in the id, serial, every body byte and the checksum`, () => {
      for (const pos of positions) {
        const raw = Buffer.from(base);
        if (pos === 'checksum') raw[raw.length - 1] ^= xor(raw) ^ special;
        else raw[pos] = special;
        if (pos === 'checksum') expect(xor(raw)).toBe(special);
        const wire = frameOf(raw);
        expect(wire.subarray(1, -1).includes(0x7e)).toBe(false);
        const f = decodeOk(wire);
        expect(f.header.msgId).toBe(raw.readUInt16BE(0));
        expect(f.header.serial).toBe(raw.readUInt16BE(10));
        expect(f.body).toEqual(raw.subarray(12));
        expect(encodeFrame({ msgId: f.header.msgId, version: '2013', phone: f.header.phone, serial: f.header.serial }, f.body)).toEqual(wire);
      }
    });
  }

  it('survives escapes in a 2019 split header (serial, packet count and index)', () => {
    const raw = hex('0200 6002 01 00000000013800138000 7e7d 007e 007d 7d7e');
    const f = decodeOk(frameOf(raw));
    expect(f.header).toMatchObject({ serial: 0x7e7d, split: { total: 0x7e, index: 0x7d } });
    expect(f.body).toEqual(hex('7d7e'));
  });
});

describe('decode errors', () => {
  it('names a bad checksum', () => {
    const wire = Buffer.from(hex('7e 0002 0000 013800138000 0001 a9 7e'));
    wire[wire.length - 2] = 0xaa;
    const r = decodeFrame(inner(wire));
    expect(r).toMatchObject({ ok: false, reason: 'bad_checksum' });
    expect(!r.ok && r.detail).toMatch(/checksum 0xaa but header and body XOR to 0xa9/);
  });

  it('names a body length that disagrees with the header, and still returns the header', () => {
    const r = decodeFrame(inner(frameOf(hex('0200 0005 013800138000 0001 aabb'))));
    expect(r).toMatchObject({ ok: false, reason: 'length_mismatch', header: { msgId: 0x200, serial: 1 } });
  });

  it('refuses frames shorter than a header, bad escapes and bad BCD', () => {
    expect(decodeFrame(hex('0002 00'))).toMatchObject({ ok: false, reason: 'too_short' });
    expect(decodeFrame(hex('0002 0000 7d05 38001380 00 0001 00'))).toMatchObject({ ok: false, reason: 'bad_escape' });
    expect(decodeFrame(inner(frameOf(hex('0002 0000 0a3800138000 0001'))))).toMatchObject({ ok: false, reason: 'bad_header' });
  });

  it('refuses a split packet index outside 1..total', () => {
    expect(decodeFrame(inner(frameOf(hex('0200 2000 013800138000 0001 0002 0003'))))).toMatchObject({ ok: false, reason: 'bad_header' });
  });
});

describe('Jt808Deframer', () => {
  const a = encodeFrame({ msgId: 0x0200, version: '2013', phone: '13800138000', serial: 0x7e7d }, hex('7e7d00017e'));
  const b = encodeFrame({ msgId: 0x0002, version: '2019', phone: '13800138000', serial: 2 });
  const stream = Buffer.concat([a, b]);

  it('finds both frames whatever the split point of the TCP stream', () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      const d = new Jt808Deframer();
      const got = [...d.push(stream.subarray(0, cut)), ...d.push(stream.subarray(cut))];
      expect(got.map((c) => decodeOk(Buffer.concat([Buffer.from([0x7e]), c, Buffer.from([0x7e])])).header.serial)).toEqual([0x7e7d, 2]);
    }
  });

  it('finds them fed one byte at a time', () => {
    const d = new Jt808Deframer();
    const got: Buffer[] = [];
    for (const byte of stream) got.push(...d.push(Buffer.from([byte])));
    expect(got).toEqual([inner(a), inner(b)]);
  });

  it('accepts frames sharing one flag, and skips noise before the first flag', () => {
    const shared = Buffer.concat([hex('0102ff'), a.subarray(0, -1), b]);
    const d = new Jt808Deframer();
    expect(d.push(shared)).toEqual([inner(a), inner(b)]);
    expect(d.stats.discardedBytes).toBe(3);
  });

  it('drops an oversize frame up to the next flag and carries on', () => {
    const d = new Jt808Deframer(100);
    const junk = Buffer.concat([Buffer.from([0x7e]), Buffer.alloc(150, 0x11)]);
    expect(d.push(junk)).toEqual([]);
    expect(d.pending).toBe(0);
    expect(d.push(b)).toEqual([inner(b)]);
    expect(d.stats.oversizeFrames).toBe(1);
  });

  it('has a default limit that fits the largest legal escaped frame', () => {
    expect(MAX_ESCAPED_CONTENT).toBe(2 * (21 + 1023 + 1));
    const big = encodeFrame({ msgId: 0x0200, version: '2019', phone: '1', serial: 1, split: { total: 2, index: 1 } }, Buffer.alloc(1023, 0x7e));
    expect(new Jt808Deframer().push(big)).toHaveLength(1);
  });
});

describe('encodeSplitFrames', () => {
  it('numbers packets 1..n with consecutive serials and keeps every byte', () => {
    const body = Buffer.from(Array.from({ length: 2500 }, (_, i) => i & 0xff));
    const frames = encodeSplitFrames({ msgId: 0x0704, version: '2013', phone: '13800138000', serial: 0xfffe }, body);
    const decoded = frames.map(decodeOk);
    expect(decoded.map((f) => f.header.split)).toEqual([
      { total: 3, index: 1 },
      { total: 3, index: 2 },
      { total: 3, index: 3 },
    ]);
    expect(decoded.map((f) => f.header.serial)).toEqual([0xfffe, 0xffff, 0]);
    expect(Buffer.concat(decoded.map((f) => f.body))).toEqual(body);
  });

  it('refuses to encode a body over 1023 bytes in one packet', () => {
    expect(() => encodeFrame({ msgId: 0x0200, version: '2013', phone: '1', serial: 1 }, Buffer.alloc(1024))).toThrow(/split it/);
  });
});
